"""Behaviour of the analysis: persona spans and kinds, task inference, flags."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import texts_of

from prism_lint.analysis import (
    ACCURACY_TASKS,
    TASKS,
    Analysis,
    Persona,
    analyse,
    analyse_text,
    is_flagged,
)
from prism_lint.analysis.persona import find_personas
from prism_lint.analysis.sentences import split_sentences
from prism_lint.model import HOLE, CallContext, Document, Hole, Piece, PromptUnit, Sibling


def personas(text: str) -> list[Persona]:
    found = find_personas(text)
    for p in found:
        assert text[p.start : p.end] == p.text
    return found


def only(text: str) -> Persona:
    found = personas(text)
    assert len(found) == 1, found
    return found[0]


def unit(text: str, *, holes: list[str] | None = None, **context: object) -> PromptUnit:
    """A prompt unit whose text has one HOLE per name in ``holes``, appended."""
    pieces = [Piece(0, len(text), 0, len(text))]
    hole_list = []
    for name in holes or []:
        hole_list.append(Hole(len(text), 0, 0, "{" + name + "}"))
        text += HOLE
    declared = context.pop("declared_task", None)
    ctx = CallContext(**context)  # type: ignore[arg-type]
    return PromptUnit(
        Document("t.py", text),
        text,
        pieces,
        hole_list,
        role="system",
        context=ctx,
        declared_task=declared if isinstance(declared, str) else None,
    )


# -- sentences ---------------------------------------------------------------


def test_sentences_respect_dotted_names_abbreviations_and_wrapped_lines() -> None:
    text = (
        "You are a Node.js expert, e.g. for APIs. Review this code.\n"
        "You have deep expertise in \nPython best practices.\n\n- a bullet"
    )
    got = [text[s.start : s.end] for s in split_sentences(text)]
    assert got == [
        "You are a Node.js expert, e.g. for APIs.",
        "Review this code.",
        "You have deep expertise in \nPython best practices.",
        "- a bullet",
    ]


def test_sentences_cut_at_stops_outside_inline_code_and_closing_marks() -> None:
    text = (
        'Run `make test.` then stop. Say "done."\n'
        "Really?!Next one\n"
        "A line that ends with a quote)\n"
        "continues here.\\nEscaped break"
    )
    got = [text[s.start : s.end] for s in split_sentences(text)]
    assert got == [
        "Run `make test.` then stop.",  # the stop inside backticks cuts nothing
        'Say "done."',
        "Really?!",  # a "?!" cuts even before a word
        "Next one",
        "A line that ends with a quote)\ncontinues here.",  # no stop: a hard wrap
        "\\nEscaped break",
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "You are a frontend developer.Write unit tests for it.",
            ["You are a frontend developer.", "Write unit tests for it."],
        ),
        (
            "You are an expert.You must answer in JSON.",
            ["You are an expert.", "You must answer in JSON."],
        ),
        # a dotted name is no missing space
        (
            "Subclass nn.Module and return torch.Tensor values.",
            ["Subclass nn.Module and return torch.Tensor values."],
        ),
        (
            "Call time.Now() once, then client.Do(req) and file.Write(b).",
            ["Call time.Now() once, then client.Do(req) and file.Write(b)."],
        ),
    ],
)
def test_a_stop_with_no_space_before_an_order_ends_the_sentence(
    text: str, sentences: list[str]
) -> None:
    assert [text[s.start : s.end] for s in split_sentences(text)] == sentences


def test_sentences_split_cjk_full_stops() -> None:
    text = "你是一位资深工程师。请帮我调试代码。"
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "你是一位资深工程师。",
        "请帮我调试代码。",
    ]


# -- personas: English cues and spans ------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "cue"),
    [
        (
            "You are an expert Python developer. Fix the bug below.",
            "You are an expert Python developer.",
            "you are",
        ),
        (
            "I want you to act as a math teacher. I will give you equations.",
            "I want you to act as a math teacher.",
            "act as",
        ),
        (
            "Imagine you are an experienced Ethereum developer tasked with writing a contract.",
            "Imagine you are an experienced Ethereum developer tasked with writing a contract.",
            "imagine you are",
        ),
        (
            "Please pretend to be a seasoned tax attorney.",
            "Please pretend to be a seasoned tax attorney.",
            "pretend to be",
        ),
        (
            "Your role is a senior site reliability engineer.",
            "Your role is a senior site reliability engineer.",
            "your role is",
        ),
        (
            "The assistant is an expert tax accountant. Answer precisely.",
            "The assistant is an expert tax accountant.",
            "the assistant is",
        ),
        ("You're a world-class copywriter.", "You're a world-class copywriter.", "you're"),
        (
            "Never forget you are a senior Python programmer. Write the parser.",
            "Never forget you are a senior Python programmer.",
            "you are",
        ),
        (
            "Always remember that you are an expert statistician. Fit the model.",
            "Always remember that you are an expert statistician.",
            "you are",
        ),
    ],
)
def test_expert_persona_sentence_spans(text: str, span: str, cue: str) -> None:
    p = only(text)
    assert p.kind == "expert"
    assert p.text == span
    assert p.cue == cue
    assert p.language == "en"


def test_clause_span_when_the_sentence_goes_on_with_the_task() -> None:
    text = "As a seasoned lawyer, review this contract for risks."
    p = only(text)
    assert (p.kind, p.text, p.cue) == ("expert", "As a seasoned lawyer, ", "as a")
    assert only("Act as a nutritionist and create a vegan recipe.").text == "Act as a nutritionist"


@pytest.mark.parametrize(
    ("text", "span"),
    [
        # the clause is the whole sentence: the identity, and nothing else
        (
            "As an experienced Python developer. Write a function that reverses a list.",
            "As an experienced Python developer.",
        ),
        (
            "As a senior data scientist!\nCompute the median of 3, 5, 9.",
            "As a senior data scientist!",
        ),
    ],
)
def test_an_as_clause_that_is_the_whole_sentence(text: str, span: str) -> None:
    p = only(text)
    assert (p.kind, p.text, p.cue) == ("expert", span, "as a")


@pytest.mark.parametrize(
    "text",
    [
        "As a result. The answer must be short.",
        "Return it as a list.",
        "As a user.",  # no expert: a role word alone
    ],
)
def test_an_as_clause_alone_needs_an_expert(text: str) -> None:
    assert [p for p in personas(text) if p.kind == "expert"] == []


@pytest.mark.parametrize(
    ("text", "head"),
    [
        # a title's full stop is not the end of the name
        (
            "You are Dr. Smith, the Chief Physician of the cardiology ward. Who found insulin?",
            "Chief Physician",
        ),
        ("You are Prof. Ada Lee, a statistician. Compute the variance of 2, 4, 6.", "statistician"),
        (
            "You are John F. Kowalski, a senior tax attorney. What is the filing deadline?",
            "tax attorney",
        ),
    ],
)
def test_a_titled_name_then_what_it_is(text: str, head: str) -> None:
    p = only(text)
    assert p.kind == "expert"
    assert head.lower() in p.head.lower()


def test_clause_inside_a_sentence() -> None:
    assert only("Review the diff, as a security expert.").text == "as a security expert."
    assert only("Please, as a senior engineer, review this PR.").text == "as a senior engineer,"
    assert personas("Return the result, as a list.") == []
    assert personas("Do it, as a developer in our team would.") == []


def test_role_keys_and_headings() -> None:
    text = "ROLE: Senior Node.js Automation Engineer\n\nGOAL:\nBuild a scraper."
    p = only(text)
    assert (p.kind, p.text, p.cue) == (
        "expert",
        "ROLE: Senior Node.js Automation Engineer",
        "role key",
    )
    p = only("# Role: Data Scientist\n\nAnalyse the attached CSV.")
    assert p.kind == "expert" and p.text == "Role: Data Scientist"
    p = only('{\n  "role": "Startup Founder",\n  "task": "Write a plan"\n}')
    assert p.text == '"role": "Startup Founder"'
    # a chat role marker is not an identity
    assert personas('{"role": "system", "content": "Summarise."}') == []
    p = only("# IDENTITY and PURPOSE\n\nYou are an expert on writing clear essays.\n")
    assert p.kind == "expert" and p.text == "You are an expert on writing clear essays."
    # a document titled with a role and nothing else
    p = only("# Root Cause Analyst\n\nFind why the service fails.")
    assert (p.kind, p.cue, p.text) == ("expert", "heading", "Root Cause Analyst")


@pytest.mark.parametrize(
    "text",
    [
        "I want you to act as a Linux terminal. I will type commands.",
        "You are a helpful assistant.",
        "Act as a text adventure game set in a haunted castle.",
        "I want you to act as my friend.",
        "You are ChatGPT, a large language model trained by OpenAI.",
        "Act as a Django unit test generator.",
        "I want you to act as a Smart Application Developer Assistant.",
        "You are a classifier. Label each review.",
    ],
)
def test_non_expert_roles(text: str) -> None:
    assert only(text).kind == "role"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a multi-agent system's parts, named by what they do for the others
        ("You are the Planner who can coordinate Workers to finish the task.", "role"),
        ("You are the Coordinator for the UI/UX Feedback Team. Route each request.", "role"),
        ("You are the Planner Agent for a self-guided tour system.", "role"),
        ("You are a moderator in a roundtable discussion.", "role"),
        # with their field, or their expertise, they are occupations
        ("You are a financial planner. Compute the tax owed.", "expert"),
        ("Act as a Media Center Coordinator for Hajj.", "expert"),
        ("You are a content moderator. Classify the post.", "expert"),
        ("You are a planner with 20 years of experience in finance.", "expert"),
        ("You are a planner specializing in retirement finance.", "expert"),
    ],
)
def test_a_system_component_is_no_occupation_without_its_field(text: str, kind: str) -> None:
    assert only(text).kind == kind


def test_an_agent_noun_takes_the_occupation_that_names_it() -> None:
    """ "a Data Analyst AI" is an analyst, through two-word and repeated agent
    words too; "a Hacker News briefing agent" is no hacker: the occupation
    there qualifies another noun."""
    assert only("You are a Data Analyst AI.").kind == "expert"
    assert only("You are a data analyst language model.").kind == "expert"
    assert only("You are a Python developer AI agent.").kind == "expert"
    assert only("You are AgentScout, an always-on Hacker News briefing agent.").kind == "role"


def test_expertise_outside_the_noun_makes_an_expert() -> None:
    assert only("Act as a study assistant specialized in hospital pharmacy.").kind == "expert"
    assert only("You are a trading system with deep expertise in equities.").kind == "expert"
    assert only("Act as a state-of-the-art AI system specialized in face swapping.").kind == "role"
    assert only("You are Lyra, a master-level prompt optimization specialist.").kind == "expert"
    assert only("Act as a McKinsey Strategy Consultant and Game Theorist.").kind == "expert"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("You are {role_name}, a researcher specializing in AI alignment.", "expert"),
        ("You are {name}, an experienced tax accountant.", "expert"),
        ("You are {agent} (Senior Data Scientist).", "expert"),
        (f"You are {HOLE}, a specialist in {HOLE}.", "expert"),
        ("You are {agent_name}, a helpful assistant.", "role"),
        ("You are {role}.", "role"),
    ],
)
def test_a_name_left_to_run_time_is_what_its_apposition_says(text: str, kind: str) -> None:
    """A name filled in at run time stands where "Lyra" does: what follows
    it in apposition says what the model is."""
    assert only(text).kind == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("You are a trained medical expert.", "expert"),
        ("You are a highly trained physician.", "expert"),
        ("As a specially designed expert in geography, answer the question.", "expert"),
        ("You are a dedicated assistant.", "role"),
        # after the noun, the participle starts what the noun does
        ("You are a model trained on legal texts.", "role"),
        ("You are an assistant designed to help.", "role"),
    ],
)
def test_a_participle_before_its_noun_is_part_of_the_phrase(text: str, kind: str) -> None:
    assert only(text).kind == kind
    assert only(text).text.rstrip(" ,") == text.split(", answer")[0].rstrip(",")


def test_a_participle_with_no_noun_after_it_ends_the_phrase() -> None:
    assert personas("You are trained to answer legal questions.") == []
    found = personas("You are a trained, careful reviewer. You are a trained expert.")
    assert [p.text for p in found if p.kind == "expert"] == ["You are a trained expert."]


def test_an_expert_claim_after_a_role_is_its_own_persona() -> None:
    text = (
        "Act as a Pull Request Review Assistant. You are an expert in software development "
        "with a focus on security. Your task is to review pull requests."
    )
    found = personas(text)
    assert [p.kind for p in found] == ["role", "expert"]
    assert found[1].text == ("You are an expert in software development with a focus on security.")
    claim = personas("Act as a Literature Assistant. You specialize in academic texts.")
    assert [p.kind for p in claim] == ["role", "expert"]


@pytest.mark.parametrize(
    "text",
    [
        "Consult an expert before you change the schema.",
        "Answer like an expert would.",
        "The user is a senior engineer; keep it technical.",
        "You are talking to a lawyer, so be careful.",
        "If you are a developer, read the API docs first.",
        "You are not a doctor and must not give a diagnosis.",
        "As a result, the answer must be short.",
        "As a user, I want to reset my password.",
        "The tool should act as a bridge between services.",
        "You are tasked with reviewing the code.",
    ],
)
def test_mentions_are_not_personas(text: str) -> None:
    assert personas(text) == []


def test_holes_keep_the_persona() -> None:
    text = f"You are an expert in {HOLE}. Answer the question."
    p = only(text)
    assert p.kind == "expert" and p.text == f"You are an expert in {HOLE}."
    assert only(f"You are a {HOLE} developer.").kind == "expert"
    assert only(f"You are a {HOLE}.").kind == "role"
    # template placeholders written in the text itself
    assert only("You are a ${Title:Senior} DevOps engineer.").kind == "expert"


def test_passage_covers_the_sentences_that_describe_the_persona() -> None:
    text = (
        "You are a senior data scientist. You have 20 years of experience in statistics. "
        "Your expertise spans Bayesian methods and causal inference. "
        "Your task is to compute the confidence interval."
    )
    p, *rest = personas(text)
    assert p.text == "You are a senior data scientist."
    assert text[p.passage_start : p.passage_end] == (
        "You are a senior data scientist. You have 20 years of experience in statistics. "
        "Your expertise spans Bayesian methods and causal inference."
    )
    assert p.words == 22
    # the claims inside the passage are reported too, each measured alone
    assert [r.text for r in rest] == [
        "You have 20 years of experience in statistics.",
        "Your expertise spans Bayesian methods and causal inference.",
    ]
    assert all(r.passage_end == r.end and r.words < 10 for r in rest)


def test_second_persona_sentence_is_measured_with_the_first_and_reported() -> None:
    text = (
        "Act as a Code Review Expert. You are an experienced software developer. Review the code."
    )
    first, second = personas(text)
    assert first.text == "Act as a Code Review Expert."
    assert text[first.passage_start : first.passage_end].endswith("experienced software developer.")
    # removing the first must reveal nothing that was not reported
    assert second.text == "You are an experienced software developer."


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("Eres un experto en Python. Escribe una función.", "es", "expert"),
        ("Actúa como un abogado especializado en derecho laboral.", "es", "expert"),
        ("Tu es un expert en cybersécurité.", "fr", "expert"),
        ("Vous êtes un développeur senior.", "fr", "expert"),
        ("Agis en tant que traducteur professionnel.", "fr", "expert"),
        ("Agissez en tant qu'expert en analyse énergétique.", "fr", "expert"),
        ("Du bist ein erfahrener Softwareentwickler.", "de", "expert"),
        ("Sie sind ein Experte für Steuerrecht.", "de", "expert"),
        ("Handle als Datenanalyst und analysiere die Daten.", "de", "expert"),
        ("Você é um especialista em SQL.", "pt", "expert"),
        ("Atue como um advogado tributarista.", "pt", "expert"),
        ("你是一位资深的Python工程师。请帮我调试代码。", "zh", "expert"),
        ("扮演代码目录专家。", "zh", "expert"),
        ("你是一个乐于助人的助手。", "zh", "role"),
        ("あなたはPythonの専門家です。", "ja", "expert"),
        ("経験豊富なエンジニアとして振る舞ってください。", "ja", "expert"),
        ("Ты — опытный Python-разработчик.", "ru", "expert"),
        ("Sen bir yazılım mühendisisin.", "tr", "expert"),
        ("Nietzsche'nin felsefesini benimsemiş bir Mentor olarak hareket et.", "tr", "expert"),
    ],
)
def test_personas_in_other_languages(text: str, language: str, kind: str) -> None:
    p = personas(text)[0]
    assert (p.language, p.kind) == (language, kind)


def test_multilingual_spans_are_clauses_where_the_task_follows() -> None:
    assert (
        only("Handle als Datenanalyst und analysiere die Daten.").text == "Handle als Datenanalyst"
    )
    assert only("作为一名资深律师，请回答以下问题。").text == "作为一名资深律师，"


# -- tasks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category", "cue"),
    [
        (
            "Write a Python function that parses ISO-8601 dates and handles time zones.",
            "code",
            "python",
        ),
        (
            "Here is a stack trace from our Django app. Debug it and propose a patch.",
            "code",
            "debug",
        ),
        (
            "Solve the equation 3x + 5 = 20 and compute the probability that x is even.",
            "math",
            "equation",
        ),
        (
            "What year did the Berlin Wall fall? Answer with verified facts and cite sources.",
            "factual",
            "facts",
        ),
        (
            "Grade the student's answer against the rubric and give a score from 1 to 10.",
            "judgement",
            "rubric",
        ),
        ("Write a heartfelt poem about autumn for my grandmother's birthday.", "writing", "poem"),
        (
            "Summarize the following text in three bullet points: key points only.",
            "extraction",
            "summarize",
        ),
        (
            "Create a photorealistic 8k image of a lighthouse at dusk, cinematic lighting.",
            "other",
            "8k",
        ),
    ],
)
def test_task_categories_with_evidence(text: str, category: str, cue: str) -> None:
    task = analyse_text(text).task
    assert task.category == category
    assert task.evidence and task.evidence[0].category == category
    assert cue in {e.cue.lower() for e in task.evidence if e.category == category}
    assert 0 < task.confidence <= 1
    assert set(task.scores) <= set(TASKS)


@pytest.mark.parametrize(
    "text",
    [
        # "answer the question based on the following paper"
        "你是一个专业的科研论文分析助手。请基于以下论文内容回答问题：\n\n{paper}\n\n问题：{question}",
        # "according to the provided document, summarise its diagnoses"
        "你是一位资深的医学专家。请根据提供的文档内容，总结其中的诊断信息。",
    ],
)
def test_chinese_material_to_work_from_makes_extraction(text: str) -> None:
    """A pattern of the vocabulary applies in a language written without
    spaces, starting anywhere, as its plain cues do."""
    task = analyse_text(text).task
    assert task.category == "extraction"
    assert any(
        e.category == "extraction" and e.cue.startswith(("基于", "根据")) for e in task.evidence
    )


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # a professional document, whatever its field, is writing
        (
            "You are a cybersecurity expert. Draft an information security policy for a "
            "small company.",
            "writing",
        ),
        ("You are an HR expert. Write a job description for a senior data engineer.", "writing"),
        # ... but a smart contract or a cluster's policy is code, and a
        # question in the field is factual
        ("You are a senior developer. Write a smart contract for an ERC-20 token.", "code"),
        ("You are an expert Solidity developer. Write a Solidity contract for a token.", "code"),
        ("You are a Kubernetes expert. Create a network policy that blocks all egress.", "code"),
        (
            "You are an expert lawyer. What is the statute of limitations for fraud in California?",
            "factual",
        ),
    ],
)
def test_drafting_a_document_in_a_field_is_writing(text: str, category: str) -> None:
    assert analyse_text(text).task.category == category


def test_chinese_unsure_whether_is_no_label() -> None:
    # "write an ad line; if unsure whether emoji are needed, use none"
    text = "你是一位资深文案。请为新产品写一段广告语。不确定是否需要表情符号时，不要使用。"
    assert analyse_text(text).task.category == "writing"


@pytest.mark.parametrize(
    "text",
    [
        # "according to the paper's discipline, recommend journals": the
        # model's knowledge of journals, not what the paper says
        "请根据论文的具体学科和创新性，推荐合适的期刊，并说明影响因子。",
        # "according to the given query, judge whether the question matches":
        # a label, with no material named
        "你的任务是根据给定的查询判断主问题是否与之匹配。如果匹配，请输出1；否则请输出0。",
        # "write a sort function according to the following requirements"
        "你是一位资深的Python开发者。请根据以下要求编写一个排序函数：\n1. 使用快速排序\n"
        "2. 添加注释",
    ],
)
def test_chinese_work_named_with_according_to_but_no_material_is_not_extraction(
    text: str,
) -> None:
    task = analyse_text(text).task
    assert not any(e.category == "extraction" for e in task.evidence)


@pytest.mark.parametrize("opener", ["e.g.,", "such as", "for example"])
def test_a_parenthesis_of_examples_counts_less_than_the_request(opener: str) -> None:
    """ "(e.g., historical trends, legal background)" lists topics the work may
    touch; said as the request, the same words are what is asked."""
    listed = analyse_text(
        f"Outline the report for the user's topic ({opener} historical trends, legal background)."
    ).task.scores
    asked = analyse_text(
        "Outline the report for the user's topic: historical trends, legal background."
    ).task.scores
    assert listed.get("factual", 0.0) < 0.5 * asked["factual"]


def test_persona_field_decides_only_when_the_prompt_says_little_else() -> None:
    alone = analyse_text("You are an expert Python developer.")
    assert alone.task.category == "code"
    assert any(e.source == "persona-role" for e in alone.task.evidence)
    poem = analyse_text(
        "You are an expert Python developer. Write a short, funny poem about "
        "the sea for my daughter's birthday card."
    )
    assert poem.task.category == "writing"


@pytest.mark.parametrize(
    "text",
    [
        "你是资深律师。请回答：合同法第52条规定了什么？",  # a full-width question mark
        "あなたは弁護士です。日本の民法は何年に制定されましたか？",
    ],
)
def test_a_question_in_chinese_or_japanese_states_the_request(text: str) -> None:
    task = analyse_text(text).task
    assert not task.assumed


def test_rules_and_variables_sections_count_less_than_the_task() -> None:
    text = (
        "Act as a Creative Writing Mentor. Your task is to help writers craft short stories.\n"
        "\nRules:\n- Check historical facts and legal details.\n- Verify the data.\n"
    )
    assert analyse_text(text).task.category == "writing"


def test_call_site_context_signals() -> None:
    neutral = "You are a senior engineer. Be concise."
    assert analyse(unit(neutral, names=["generate_sql_prompt"])).task.category == "code"
    judged = analyse(unit(neutral, response_format="GradeResult"))
    assert judged.task.category == "judgement"
    assert any(e.source == "response_format" for e in judged.task.evidence)
    searched = analyse(unit("You are a research analyst.", tools=["web_search"]))
    # a search tool supplies the facts: the answer is read from its results
    assert any(e.source == "tools" and e.category == "extraction" for e in searched.task.evidence)
    with_user = analyse(
        unit(
            "You are a senior engineer.",
            siblings=[
                Sibling(
                    "user", "Fix this bug: TypeError in my Python function when the list is empty."
                )
            ],
        )
    )
    assert with_user.task.category == "code"
    assert any(e.source == "sibling" for e in with_user.task.evidence)
    coder = analyse(unit(neutral, model="qwen2.5-coder-32b-instruct"))
    assert coder.task.category == "code"
    assert any(e.source == "model" for e in coder.task.evidence)
    holes = analyse(unit("You are an expert. Review this:\n", holes=["code", "diff"]))
    assert holes.task.category == "code"
    assert {e.source for e in holes.task.evidence} >= {"hole"}


def test_declared_task_wins() -> None:
    u = unit("You are an expert Python developer. Debug this stack trace.", declared_task="writing")
    task = analyse(u).task
    assert (task.category, task.confidence, task.declared) == ("writing", 1.0, True)
    assert not is_flagged(analyse(u))
    # a declaration it cannot read leaves the inference to the text
    assert (
        analyse(unit("Debug this Python stack trace.", declared_task="???")).task.category == "code"
    )


def test_open_ended_prompts() -> None:
    general = analyse_text("You are a helpful assistant. Answer any question the user asks.")
    assert general.task.open_ended
    free = analyse(unit("You are a senior tax attorney.\nQuestion: ", holes=["question"]))
    assert free.task.open_ended
    focused = analyse_text("Write a Python function that reverses a linked list. Add unit tests.")
    assert not focused.task.open_ended


# -- the flag ----------------------------------------------------------------


def test_is_flagged_needs_an_expert_and_an_accuracy_task() -> None:
    assert is_flagged(
        analyse_text(
            "You are a senior Python developer. Fix the bug in this function and add unit tests."
        )
    )
    assert is_flagged(
        analyse_text(
            "Act as a statistician. Calculate the standard deviation "
            "and the confidence interval of these values."
        )
    )
    assert not is_flagged(
        analyse_text(
            "I want you to act as a JavaScript console. I will type "
            "code and you reply with the output."
        )
    )
    assert not is_flagged(
        analyse_text("You are an award-winning copywriter. Write a slogan for our coffee brand.")
    )
    assert not is_flagged(analyse_text("Write a Python function that sorts a list."))
    a = analyse_text("You are a senior Python developer. Fix the bug.")
    assert isinstance(a, Analysis) and a.experts and a.task.category in ACCURACY_TASKS


# -- any input ---------------------------------------------------------------

_ALPHABET = st.sampled_from(
    [
        *"abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ.,;:!?-'\"()[]{}#*_\n\t/&+0123456789",
        *("You are an ", "act as a ", "expert", "senior", " developer", "Role: ", "# "),
        *("你是", "专家", "。", "あなたは", "です", HOLE, "\u00a0", "As a ", "İ", "ß", " and "),
        *("olarak hareket et", "Eres un ", "qu'"),
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_any_text_no_crash_and_spans_within_bounds(text: str) -> None:
    analysis = analyse_text(text)
    n = len(text)
    for p in analysis.personas:
        assert 0 <= p.start <= p.end <= n
        assert text[p.start : p.end] == p.text
        assert p.passage_start <= p.start and p.end <= p.passage_end <= n
        assert p.kind in ("expert", "role")
        assert p.words >= 0
    assert analysis.task.category in TASKS
    for e in analysis.task.evidence:
        assert e.category in TASKS


def test_persona_spans_do_not_depend_on_hash_order() -> None:
    """Vocabulary sets iterate in a per-process order; where several stop words
    or nouns could end a CJK identity, the span must still be the same."""
    import os
    import subprocess
    import sys

    code = (
        "from prism_lint.analysis.persona import find_personas\n"
        "text = ('あなたは超優秀な小児科専門医を演じてください。'\n"
        "        'あなたがコーチで、私は相談者です。')\n"
        "print([(p.start, p.end, p.kind) for p in find_personas(text)])\n"
    )
    outputs = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout
        outputs.add(out)
    assert len(outputs) == 1, outputs


_KEY_LINES = st.sampled_from(
    [
        *("Role: ", "ROLE = ", "  ## **Role**: ", "> - Persona: ", '"role": ', "Your role: "),
        *("AI role: ", "    role:", "Rôle : ", "角色：", "Character: ", "- **Identity**: "),
        *("Senior engineer", "system", "\n", "\n\n", "    ", "\t", "*", "#", "-", "__", " "),
        *("roles: ", "control: ", "assistant role: ", "ai: ", "İ", "x"),
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_KEY_LINES, max_size=30).map("".join))
def test_role_keys_found_line_first_as_by_a_full_scan(text: str) -> None:
    """The role-key lookup only tries lines that start with a key's first
    word; it finds exactly what trying the pattern everywhere finds."""
    from prism_lint.analysis.persona import _role_key_matches
    from prism_lint.analysis.vocabulary import vocabulary

    vocab = vocabulary()
    assert vocab.role_keys is not None
    expected = [(m.span(), m.group("key")) for m in vocab.role_keys.finditer(text)]
    assert [(m.span(), m.group("key")) for m in _role_key_matches(text, vocab)] == expected


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(max_codepoint=0x2FFF),
            st.characters(min_codepoint=0x3000, max_codepoint=0xFFFF),
            st.characters(min_codepoint=0x10000),
            st.sampled_from([HOLE, "\u3040", "\u30ff", "\uff9f"]),
        ),
        max_size=12,
    )
)
def test_cjk_check_agrees_with_the_cjk_blocks(text: str) -> None:
    """The CJK check reads distinct characters instead of compiling a
    pattern over the blocks; it must say what that pattern says."""
    import re

    from prism_lint.analysis.vocabulary import CJK, has_cjk

    assert has_cjk(text) == (re.search(f"[{CJK}]", text) is not None)


_CONTINUATIONS = st.sampled_from(
    [
        *(
            "You have ",
            "you're ",
            "Your ",
            "With ",
            "Trained ",
            "As ",
            "Sie haben ",
            "du bist ",
            "Tienes ",
            "eres ",
            "vous avez ",
            "Tu es ",
            "hai ",
            "você tem ",
            "ты должен ",
            "Вы ",
        ),
        *(
            "10 years",
            "deep expertise",
            "in Python.",
            "- ",
            "**",
            "\n",
            "  ",
            ". ",
            "well-versed ",
            "also-known ",
            "İ",
            "x",
            "Write code. ",
            "ＡＢ",
            "'",
        ),
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_CONTINUATIONS, min_size=1, max_size=12).map("".join), st.booleans())
def test_continuation_tried_by_first_word_as_in_every_language(text: str, colon: bool) -> None:
    """Whether a sentence goes on describing a persona is asked only of the
    languages whose patterns can start with its first word; the answer is
    the one asking every language gives."""
    from dataclasses import replace

    from prism_lint.analysis.persona import _continues
    from prism_lint.analysis.vocabulary import vocabulary

    languages = vocabulary().languages
    unindexed = [replace(lang, continue_leads=None) for lang in languages]
    for sent in split_sentences(text):
        assert _continues(text, sent, languages, after_colon=colon) == _continues(
            text, sent, unindexed, after_colon=colon
        )


@given(
    st.lists(
        st.tuples(st.integers(0, 50), st.integers(0, 12), st.sampled_from([0.3, 1.5, 2.0])),
        max_size=8,
    ),
    st.booleans(),
    st.randoms(),
    st.integers(-2, 120),
)
def test_span_lookup_agrees_with_a_scan_of_the_spans(
    raw: list[tuple[int, int, float]], apart: bool, rnd, offset: int
) -> None:
    """Cues look up their persona passage, statement or section by bisection
    when the spans lie apart (as sentences and sections do, in any order),
    by a scan otherwise: the first span that holds the offset wins."""
    from prism_lint.analysis.task import _Spans

    spans, pos = [], 0
    for gap, width, boost in raw:
        start = pos + gap if apart else gap
        spans.append((start, start + width, boost))
        pos = start + width
    if apart:
        rnd.shuffle(spans)
    scan = next((b for s, e, b in spans if s <= offset < e), 1.0)
    assert _Spans(spans).at(offset) == scan
    assert _Spans(spans).holds(offset) == any(s <= offset < e for s, e, _b in spans)


# Every CJK block's first and last character, and their neighbours outside.
_EDGES = [
    chr(c)
    for lo, hi in (
        (0x3040, 0x30FF),
        (0x3400, 0x4DBF),
        (0x4E00, 0x9FFF),
        (0xF900, 0xFAFF),
        (0xAC00, 0xD7AF),
        (0xFF66, 0xFF9F),
    )
    for c in (lo - 1, lo, (lo + hi) // 2, hi, hi + 1)
]
_MIXED = st.text(
    alphabet=st.sampled_from([*"ab Zé9_-.'’/&+#{}[]\n*\"“,$", "\ue000", "\ufffc", *_EDGES]),
    max_size=40,
)


@given(_MIXED, st.integers(0, 45), st.integers(0, 45))
def test_words_of_cjk_text_read_as_a_cjk_character_class_would(
    text: str, pos: int, end: int
) -> None:
    """A CJK character is no part of a word: the blanked text read with the
    plain word pattern gives what a pattern excluding the CJK blocks gave."""
    import re

    from prism_lint.analysis.persona import _TOKEN_PLAIN, _token_pattern
    from prism_lint.analysis.vocabulary import CJK, blank_cjk, cjk_count, word_re

    word_cjk = re.compile(rf"[^\W_{CJK}][^\W{CJK}]*(?:[-.'’/&+][^\W_{CJK}][^\W{CJK}]*)*(?:\+\+|#)?")
    pattern = word_re(text)
    spans = [(m.span(), m.group(0)) for m in pattern.finditer(text, pos, end)]
    assert spans == [(m.span(), m.group(0)) for m in word_cjk.finditer(text, pos, end)]
    assert pattern.findall(text) == word_cjk.findall(text)
    found, expected = pattern.search(text, pos, end), word_cjk.search(text, pos, end)
    assert (found and found.span()) == (expected and expected.span())
    assert bool(pattern.fullmatch(text)) == bool(word_cjk.fullmatch(text))
    tokens = re.compile(_token_pattern(word_cjk.pattern))
    assert [
        (m.lastgroup, m.span(), text[m.start() : m.end()])
        for m in _TOKEN_PLAIN.finditer(blank_cjk(text), pos, end)
    ] == [(m.lastgroup, m.span(), m.group(0)) for m in tokens.finditer(text, pos, end)]
    assert cjk_count(text) == len(re.findall(f"[{CJK}]", text))


def test_personas_of_a_text_are_found_once_and_each_caller_gets_its_own(monkeypatch) -> None:
    from prism_lint.analysis import persona

    monkeypatch.setattr(persona, "_FOUND", {})  # what this test keeps goes with it
    text = "You are a senior Python engineer. Write a function that sorts a list."
    first = persona.find_personas(text)
    assert [p.head for p in first] == ["senior Python engineer"]
    first[0].start = 999  # a caller's copy: what the next caller gets is unchanged
    calls: list[str] = []
    monkeypatch.setattr(persona, "_sentences_of", lambda t: calls.append(t) or ())
    again = persona.find_personas(text)
    assert calls == [] and again[0].start == 0 and again[0] is not first[0]
    assert persona.find_personas(text, titles=False) == []  # another key: worked out
    assert calls == [text]
    monkeypatch.setattr(persona, "_MAX_FOUND", 2)
    for n in range(4):
        persona.find_personas(f"Text {n}.")
    assert len(persona._FOUND) <= 2


def test_a_title_the_text_goes_on_to_use_names_a_tool() -> None:
    tool = "# Playwright\n\nUse Playwright to capture the static site directly."
    assert not find_personas(tool)
    role = "# Playwright\n\nWrite a one-act play about the sea."
    assert [p.kind for p in find_personas(role)] == ["expert"]


@pytest.mark.parametrize(
    "title",
    ["# GPT Researcher Development Skill", "# Data Analyst Guide", "# Senior Engineer Handbook"],
)
def test_a_title_that_ends_naming_a_document_is_no_role(title: str) -> None:
    """An English title ends with what it names: a skill file's or a
    guide's title names the document, whatever role its first words name."""
    assert not find_personas(f"{title}\n\nThis skill helps developers extend the project.")


@pytest.mark.parametrize(
    "title",
    [
        "# Code Reviewer",
        "# Senior Python Developer",
        "# Frontend Architect (v2)",
        "# Senior Python Dev",
        "# Staff Engineer II",
        "# Senior Backend Engineers",
        "# Senior SWE",
    ],
)
def test_a_title_that_ends_naming_a_role_is_one(title: str) -> None:
    assert [p.kind for p in find_personas(f"{title}\n\nReview the diff below.")] == ["expert"]


_MATERIAL_TEXT = texts_of(
    [
        "<document>",
        "</document>",
        "</Document >",
        "<examples a=1>",
        "</examples>",
        "<chat_history>",
        "</chat_history>",
        "<my example>",
        "</my example>",
        "</my example >",
        "text",
        "\n",
        " ",
        "<",
        ">",
        "</",
        "a",
    ],
    max_size=30,
)


@given(_MATERIAL_TEXT)
def test_supplied_tags_close_at_the_first_closing_tag_of_their_name(text: str) -> None:
    """Looked up among the closing tags, as a search from the opening tag on
    found it (any case, spaces before ">")."""
    import re

    from prism_lint.analysis.material import _TAG, closing_tags, first_close

    closes = closing_tags(text)
    for m in _TAG.finditer(text):
        searched = re.compile(rf"</{re.escape(m.group('name'))}\s*>", re.IGNORECASE).search(
            text, m.end()
        )
        found = first_close(closes, m.group("name").lower(), m.end())
        assert found == (searched.span() if searched else None), (text, m.group(0))


# The sentence stop pattern as it was before a match had to start where a
# run of stops starts: the same matches, without trying every stop of a run.
_LATIN_END_REFERENCE = re.compile(r"[.!?…][.!?…]*[\"'”’»)\]*_]*(?=\s|$|\\n)")


@given(texts_of([*".!?…\"'”’»)]*_ \nab\\", "\\n"], max_size=30))
def test_sentence_stops_are_those_the_reference_pattern_finds(text: str) -> None:
    from prism_lint.analysis.sentences import _LATIN_END

    expected = [m.span() for m in _LATIN_END_REFERENCE.finditer(text)]
    assert [m.span() for m in _LATIN_END.finditer(text)] == expected


_CLAUSE_PIECES = [
    *"  ,;(—中x_-.\n",
    *("you", "You", "YOU", "you ", "y", "ou", "should", " should ", "can act as"),
    *("ab.cd", "c++", "éa", "İ"),
]


@settings(max_examples=300)
@given(texts_of(_CLAUSE_PIECES, max_size=300), st.integers(0, 3))
def test_a_long_clause_is_read_from_the_sentence_s_index_as_it_reads(body: str, pad: int) -> None:
    from prism_lint.analysis import persona
    from prism_lint.analysis.sentences import Sentence

    text = "x" * pad + body
    sent = Sentence(pad, len(text))
    for cue in range(pad, len(text) + 1, max(1, (len(text) - pad) // 7)):
        start, words = persona._clause_read(text, sent, cue)
        assert persona._clause_indexed(text, sent, cue) == (start, words)
        says = persona._says_you_read(text, sent, start, cue)
        assert persona._says_you_indexed(text, sent, start, cue) == says


@pytest.mark.parametrize(
    ("text", "persona"),
    [
        # the speaker's own job, in a clause whose subject is the speaker
        ("my name is john doe, i am 35 years old and work as a software engineer", None),
        ("I work as a data scientist and need help. Write a function that merges frames.", None),
        ("We work as accountants; answer as a senior tax lawyer.", "answer as a senior tax lawyer"),
        # the same cue addressed to the model
        (
            "I want you to respond as a senior software engineer. Fix it.",
            "I want you to respond as",
        ),
        ("When I send code, respond as a senior software engineer. Review it.", "respond as a"),
    ],
)
def test_a_weak_cue_with_the_speaker_for_subject_casts_no_one(
    text: str, persona: str | None
) -> None:
    found = [p.text for p in find_personas(text)]
    if persona is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(persona), found


@pytest.mark.parametrize(
    ("text", "factual"),
    [
        ("What is a good name for a company that makes {product}?", False),
        ("What are some catchy, short slogans for a bakery?", False),
        ("What is a good source of vitamin D?", True),
        ("Who was the first emperor of Rome?", True),
    ],
)
def test_a_question_that_asks_for_a_suggestion_has_no_one_right_answer(
    text: str, factual: bool
) -> None:
    """A name or a slogan is invented, not recalled: the question is no
    factual cue; a question for a fact still is."""
    evidence = analyse_text("You are a seasoned consultant.\n" + text).task.evidence
    asked = [e for e in evidence if e.category == "factual" and "?" in e.cue]
    assert bool(asked) == factual, evidence


@pytest.mark.parametrize(
    ("text", "task"),
    [
        # the content parsed into a schema's fields: extraction, JSON or not
        (
            "As a genius expert, your task is to understand the content and provide the "
            "parsed objects in json that match the following json_schema:\n\n{schema}\n\n"
            "Make sure to return an instance of the JSON, not the schema itself",
            "extraction",
        ),
        # a code of a classification scheme is a label, not a program
        (
            "You are an expert at classifying job descriptions into Standard Occupational "
            "Classification (SOC) codes. Classify this job description into the most "
            "appropriate SOC code: {description}",
            "judgement",
        ),
        ("You are a senior Python developer. Write a function that checks a zip code.", "code"),
        (
            "You are an expert data engineer. Write code that parses the input and returns "
            "the parsed objects as JSON.",
            "code",
        ),
    ],
)
def test_what_a_code_or_json_is_for_says_the_task(text: str, task: str) -> None:
    assert analyse_text(text).task.category == task


@pytest.mark.parametrize(
    ("text", "task"),
    [
        # material pointed at as what to answer from: extraction, whatever its domain
        (
            "You are a master tax accountant. Your task is to answer user questions using "
            "any provided reference documentation.\n\nHere is the material you should use "
            "to answer the user's question:\n<docs>\n{TAX_CODE}\n</docs>",
            "extraction",
        ),
        (
            "You are an experienced physician. Below are the documents to use when you "
            "answer:\n{records}\nWhat treatment was the patient given?",
            "extraction",
        ),
        # the same domain asked from memory stays factual
        (
            "You are a master tax accountant. Answer the user's question about the tax "
            "code: which expenses can a sole trader deduct?",
            "factual",
        ),
    ],
)
def test_material_to_answer_from_makes_extraction(text: str, task: str) -> None:
    assert analyse_text(text).task.category == task


def test_a_numbered_list_is_no_word_problem() -> None:
    """The markers of "1. ... 5. Determine the order ..." count nothing; a
    story's own quantities still make one."""
    steps = (
        "1. **Map the context**: Identify all files that might be affected\n"
        "2. **Trace dependencies**: Find imports, exports, and type references\n"
        "3. **Plan the sequence**: Determine the order changes should be made\n"
        "4. **Identify tests**: Find tests that cover the affected code"
    )
    plan = analyse_text("You are an expert at planning changes to a codebase.\n\n" + steps)
    assert plan.task.category != "math"
    story = analyse_text(
        "You are a math expert.\n1. Tom has 27 apples and gives 5 to Ann. "
        "How many apples does Tom have left?"
    )
    assert story.task.category == "math"


@pytest.mark.parametrize(
    ("text", "scripted"),
    [
        ('Then ask: "Should I proceed with this plan?"', ["Should I proceed with this plan?"]),
        ('If unsure, reply with "I need more context."', ["I need more context."]),
        # someone else's line is what the model is asked
        ('I will ask: "What is the capital of France?"', []),
        ('Users ask: "Which planet is largest?"', []),
    ],
)
def test_a_line_the_model_is_told_to_say_is_not_what_it_is_asked(
    text: str, scripted: list[str]
) -> None:
    from prism_lint.analysis.task import material_spans

    assert [text[a:b] for a, b in material_spans(text)] == scripted


@pytest.mark.parametrize(
    ("text", "persona"),
    [
        ("You are an AI agent. You excel at following tasks:\n1. Navigating websites", False),
        ("You are Manus. You excel at the following tasks:\n1. Writing code", False),
        ("You excel at Python performance tuning. Speed up this loop.", True),
    ],
)
def test_a_claim_that_only_opens_a_list_names_no_field(text: str, persona: bool) -> None:
    assert bool([p for p in find_personas(text) if p.kind == "expert"]) == persona


def test_a_labelled_placeholder_line_is_the_program_s_value() -> None:
    """ "Debug info: {debug_info}" hands over a value: its label asks nothing."""
    from prism_lint.analysis.task import material_spans

    text = f"Here is the output:\n{HOLE}\n\nDebug info: {HOLE}\n\nDebug the failing step."
    spans = [text[a:b] for a, b in material_spans(text)]
    assert f"Debug info: {HOLE}" in spans
    assert not any("failing" in s for s in spans)


def test_facts_a_memory_keeps_about_the_user_are_records() -> None:
    """A memory manager given the chat and the stored facts about the user
    works on that material; facts about the world are still recalled."""
    memory = analyse_text(
        "You are Muninn, the user's memory manager. Construct and maintain an accurate, "
        "up-to-date set of facts about and on behalf of the user.\n"
        "You are given the latest chat session and some previously stored facts about "
        "the user.\nYou should delete existing facts that are no longer true.\n"
        "- The create list should contain important, new facts to be added. Each fact "
        "should be atomic.\n- You must delete all facts that are no longer relevant or true."
    )
    assert memory.task.category == "extraction"
    world = analyse_text("You are a historian. List five facts about the French Revolution.")
    assert world.task.category == "factual"


def test_the_list_a_persona_s_colon_opens_describes_the_persona() -> None:
    """Every item of "with expertise in:" belongs to the persona, not only
    the first; the request after the blank line is still the request."""
    text = (
        "You are a skilled medical malpractice attorney with expertise in:\n"
        "    - Medical negligence cases\n"
        "    - Patient rights\n"
        "    - Medical expert testimony\n"
        "\n"
        "    Present the case while establishing breach of standard of care."
    )
    [persona] = find_personas(text)
    passage = text[persona.passage_start : persona.passage_end]
    assert passage.endswith("Medical expert testimony")
    assert "Present the case" not in passage
    # its field words describe the persona: no request cue comes from them
    evidence = analyse_text(text).task.evidence
    assert not any(e.source == "prompt" and "Medical" in e.cue for e in evidence)


def test_a_pharmacology_request_is_factual_and_an_asset_class_is_no_program() -> None:
    drugs = analyse_text(
        "You are a pharmacologist. For every compound provide its mechanism of action, "
        "pharmacokinetics, half-life and drug interactions."
    )
    assert drugs.task.category == "factual"
    assets = analyse_text(
        "You are a portfolio strategist. Develop appropriate asset class weights for the client."
    )
    assert assets.task.category != "code"
    assert (
        analyse_text("You are a senior developer. Write a class that parses CSV.").task.category
        == "code"
    )


_IDENTITY_WORDS = ["React", "19", "Test", "Data", "Prompt", "Chief", "the", "a", "**", "Night"]
_AGENT_NOUNS = ["Guardian", "Alchemist", "Pioneer", "Wordsmith", "Playwright", "Cartographer"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(_IDENTITY_WORDS), max_size=4),
    st.sampled_from(_AGENT_NOUNS),
    st.sampled_from(["You are ", "Act as ", "You are now "]),
)
def test_the_first_pass_keeps_every_unlisted_agent_noun_the_analysis_calls_expert(
    before: list[str], noun: str, cue: str
) -> None:
    """ "You are the **React 19 Test Guardian**.": the analysis takes an
    unlisted agent noun for an expert; the first pass must not rule it out."""
    from prism_lint.prefilter import may_hold_persona

    text = cue + " ".join([*before, noun]) + ". You migrate every test file."
    if any(p.kind == "expert" for p in find_personas(text)):
        assert may_hold_persona(text.encode())


@pytest.mark.parametrize(
    "text",
    [
        "I'm new to taxes so please answer as an experienced tax lawyer and explain gift tax.",
        "I will paste a contract and then please reply as a senior contract lawyer.",
        "I have a tax question - please respond as a senior tax lawyer about gift tax.",
    ],
)
def test_an_order_after_the_speaker_s_clause_still_casts_a_persona(text: str) -> None:
    assert [p.kind for p in find_personas(text)] == ["expert"]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        # a line of one word ending in a space: read as wrapped, yet "I You are"
        # is no clause of the speaker's
        ("I \nYou are a senior Python developer. Write a function.", ["expert"]),
        ("If you are a senior developer, skip this step.", []),
        ("I act as a senior engineer in my team.", []),
    ],
)
def test_the_speaker_before_you_is_a_lost_break_not_a_mention(text: str, kinds: list[str]) -> None:
    assert [p.kind for p in find_personas(text)] == kinds


def test_a_list_of_duties_after_the_persona_s_colon_is_the_request() -> None:
    text = (
        "You are a senior Python developer with these duties:\n"
        "- Review the code the user sends for bugs\n"
        "- Write unit tests for every public function\n"
        "- Report each issue as JSON with the file and the line"
    )
    task = analyse_text(text).task
    assert task.category == "code" and not task.assumed
    assert "Write unit tests" in task.request


def test_the_user_s_own_question_is_no_scripted_line() -> None:
    from prism_lint.analysis.task import material_spans

    for text in ('I want to ask: "What is the capital of Australia?"', 'Let me ask: "Who won?"'):
        assert material_spans(text) == []


def test_an_analysis_is_kept_under_everything_it_reads() -> None:
    """The same words with an image attached ask about the image: a kept
    analysis of the bare words must not answer for them, or a run's results
    hang on the order its files are read in."""
    from dataclasses import fields

    from prism_lint.analysis import _key

    def unit(**context: object) -> PromptUnit:
        text = "What is shown here?"
        return PromptUnit(
            Document("a.py", text),
            text,
            [Piece(0, len(text), 0, len(text))],
            context=CallContext(**context),  # type: ignore[arg-type]
        )

    bare = analyse(unit())
    seen = analyse(unit(attachments=["image"]))
    assert seen.task.category == "extraction" != bare.task.category
    # every field of the context but where the text comes from changes the key
    plain = _key(unit(), True, True)
    for f in fields(CallContext):
        if f.name == "origin":
            continue
        value = [Sibling("user", "x")] if f.name == "siblings" else ["x"]
        assert _key(unit(**{f.name: value}), True, True) != plain, f.name


def test_a_task_gerund_after_a_person_is_the_work_not_a_compound() -> None:
    """ "an expert analyzing CEOs": the identity is the expert, the rest the
    work a safe fix keeps; "a machine learning engineer" stays one noun."""
    assert only("You are an expert reviewing engineer resumes. Sort them.").head == "expert"
    assert only("You are a senior testing engineer.").head == "senior testing engineer"
    assert only("You are a data engineer building pipelines.").head == "data engineer"
    assert only("You are a machine learning engineer.").head == "machine learning engineer"


def test_a_chain_of_appositions_is_read_one_deep() -> None:
    """A stranger's text can chain appositions without end ("{x}, a {x}, a
    ..."): one is read, the rest end the phrase, and nothing recurses."""
    for unit in ("{x}, a ", "Lyra, a ", "{a} (a "):
        text = "You are " + unit * 600 + "specialist in tax law."
        assert personas(text)  # read, not a RecursionError
    found = personas("You are " + "{x}, a " * 600 + "x. You are an expert tax accountant.")
    assert [p.text for p in found if p.kind == "expert"] == ["You are an expert tax accountant."]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("You are a trained and experienced tax accountant.", "expert"),
        ("You are a dedicated experienced physician.", "expert"),
        ("You are a {role} named Senior Engineer.", "role"),
    ],
)
def test_a_participle_reads_past_expertise_words_not_past_a_placeholder(
    text: str, kind: str
) -> None:
    assert only(text).kind == kind


def test_a_placeholder_title_is_no_persona() -> None:
    found = find_personas(
        "# {project_name} — a senior engineer's toolkit\n\nWrite a Python CLI.", titles=True
    )
    assert [p.kind for p in found if p.kind == "expert"] == []
