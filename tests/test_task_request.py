"""The task is what the prompt asks, never the persona's job title.

Cases shaped like the PRISM study's (a persona as the system message, a
question as the user message; or both as one text) and like prompts in real
code. The questions are written for these tests.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from strategies import texts_of

from prism_lint.analysis import analyse, analyse_text, is_flagged
from prism_lint.analysis.task import match_cues
from prism_lint.analysis.vocabulary import vocabulary
from prism_lint.config import Settings
from prism_lint.engine import check_source
from prism_lint.model import HOLE, CallContext, Document, Piece, PromptUnit, Sibling

WRITER = "You are a professional writer."
MATHEMATICIAN = "You are a mathematician."
LONG_WRITER = (
    "You are an accomplished novelist and editor with mastery of fiction, essays and poetry. "
    "You have exceptional command of language, grammar and rhetoric. You structure stories "
    "with strong openings and satisfying endings. Your prose is vivid, precise and engaging."
)
LONG_MATH = (
    "You are a rigorous mathematician who puts correctness above all else. You have deep "
    "expertise in algebra, calculus, probability and statistics. You double-check every "
    "calculation and every proof before you commit to an answer. Accuracy is your highest value."
)

MATH = [
    "Given that g(x) = 2x^2 - 3x + 1, find the value of g(3).",
    "A shop sells pens at $3 each and notebooks at $5 each. Maria buys 4 pens and 2 "
    "notebooks. What is the total cost of her purchase?",
    "When three coins are tossed, what is the probability of getting at least two heads?",
    "If a + b = 6 and a * b = 8, express a - b in terms of b.",
    "How many integers satisfy |x - 2| < 5?",
]
CODE = [
    "Write a Rust function that returns the longest palindromic substring of a string.",
    "Implement a function that merges k sorted linked lists in O(n log k) time.",
    "Write a simple web page in HTML with a button that shows a random quote when clicked.",
]
KNOWLEDGE = [
    "The following is a multiple choice question about astronomy.\n\nWhich planet has the "
    "shortest year?\nA. Venus\nB. Mercury\nC. Mars\nD. Earth\nAnswer:",
    "In what year did the Berlin Wall fall?",
    "Which element has the chemical symbol Fe?",
]
NOT_ACCURACY = [
    "Draft a friendly email asking my manager for feedback on the quarterly report.",
    "Describe a vivid and unique villain for a fantasy novel in two paragraphs.",
    "Write a short poem about autumn rain for my grandmother's birthday card.",
    "Pretend to be a pirate captain throughout this conversation and greet the crew.",
    "Extract every city name from the following paragraph and return them as a list:\n"
    "Our tour starts in Lyon, goes on to Turin and ends in Vienna.",
    "Summarize the following transcript in three bullet points:\nAlice: revenue grew 12%.\n"
    "Bob: costs fell by 3 million.",
]
PERSONAS = [WRITER, MATHEMATICIAN, LONG_WRITER, LONG_MATH, "You are a senior software engineer."]


def chat(system: str, user: str) -> PromptUnit:
    """The study's shape: persona as the system message, question as the user's."""
    doc = Document("app.py", system)
    context = CallContext(library="openai", model="gpt-4o", siblings=[Sibling("user", user)])
    return PromptUnit(
        doc, system, [Piece(0, len(system), 0, len(system))], role="system", context=context
    )


def _system(text: str, user: str | None = None, tools: tuple[str, ...] = ()) -> PromptUnit:
    doc = Document("app.py", text)
    context = CallContext(
        library="openai",
        model="gpt-4o",
        siblings=[Sibling("user", user)] if user else [],
        tools=list(tools),
    )
    return PromptUnit(
        doc, text, [Piece(0, len(text), 0, len(text))], role="system", context=context
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("question", MATH + CODE + KNOWLEDGE)
def test_any_expert_persona_on_an_accuracy_question_is_flagged(persona: str, question: str) -> None:
    assert is_flagged(analyse(chat(persona, question)))
    assert is_flagged(analyse_text(f"{persona}\n\n{question}"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("question", NOT_ACCURACY)
def test_no_expert_persona_on_writing_roleplay_or_extraction_is_flagged(
    persona: str, question: str
) -> None:
    assert not is_flagged(analyse(chat(persona, question)))
    assert not is_flagged(analyse_text(f"{persona}\n\n{question}"))


def test_the_request_sets_the_category_whatever_the_persona() -> None:
    assert analyse(chat(WRITER, MATH[0])).task.category == "math"
    assert analyse(chat(MATHEMATICIAN, CODE[0])).task.category == "code"
    assert analyse(chat(LONG_MATH, NOT_ACCURACY[1])).task.category == "writing"
    assert analyse(chat(LONG_WRITER, KNOWLEDGE[0])).task.category == "factual"


def test_the_persona_words_are_not_evidence_when_the_prompt_asks_something() -> None:
    task = analyse(chat(LONG_MATH, NOT_ACCURACY[0])).task
    assert all(
        not e.source.startswith("persona") or e.source == "persona-role" for e in task.evidence
    )
    assert not task.assumed
    assert "email" in task.request


def test_a_prompt_without_a_request_takes_its_task_from_the_persona() -> None:
    text = "You are a senior database engineer specialising in PostgreSQL performance."
    task = analyse_text(text).task
    assert task.assumed and task.category == "code"
    asked = analyse_text(text + "\n\nTune this query for speed.").task
    assert not asked.assumed
    written = analyse_text(text + " Write the SQL for weekly signups.").task
    assert task.confidence < written.confidence


def test_a_job_stated_in_the_persona_sentence_is_the_request() -> None:
    task = analyse_text(
        "You are an expert at routing a user question to a vectorstore or web search."
    ).task
    assert not task.assumed
    # "whose job is to ...": the job is the request, not more of the persona
    job = analyse_text(
        "You are a meticulous analyst whose job is to evaluate the LLM-generated response "
        "and decide whether it is grounded in the context."
    ).task
    assert (job.category, job.assumed) == ("judgement", False)


def test_findings_explain_the_request_or_say_the_task_was_assumed() -> None:
    settings = Settings()
    asked = check_source("prompts/system.md", f"{WRITER}\n\n{MATH[0]}\n", settings)
    (finding,) = [d for d in asked.diagnostics if d.code == "PRS102"]
    assert "inferred from" in finding.message and "f(3)" not in finding.message.split("(")[0]
    assert finding.details["task_assumed"] is False
    assert "g(3)" in str(finding.details["request"])
    alone = check_source(
        "prompts/system.md",
        "You are a senior Python developer with 20 years of experience.\n",
        settings,
    )
    (assumed,) = [d for d in alone.diagnostics if d.code == "PRS101"]
    assert "task assumed from the persona" in assumed.message
    assert assumed.details["task_assumed"] is True


def test_min_confidence_drops_unsure_findings() -> None:
    text = "You are a senior Python developer with 20 years of experience.\n"
    assert [d.code for d in check_source("prompts/a.md", text, Settings()).diagnostics] == [
        "PRS101"
    ]
    strict = Settings(min_confidence=0.9)
    assert check_source("prompts/a.md", text, strict).diagnostics == []
    declared = "<!-- prism: task=code -->\n" + text
    assert [d.code for d in check_source("prompts/a.md", declared, strict).diagnostics] == [
        "PRS101"
    ]


def test_a_task_assumed_from_the_persona_must_be_surer() -> None:
    text = "You are a senior Python developer with 20 years of experience.\n"
    analysis = analyse_text(text)
    assert analysis.task.assumed
    sure = analysis.task.confidence
    # just above the persona's confidence: a stated request would pass, an
    # assumed one needs the margin on top
    below = Settings(min_confidence=sure / 1.2)
    assert sure >= below.min_confidence
    assert check_source("prompts/a.md", text, below).diagnostics == []
    asked = text + "Write a Python function that parses ISO dates.\n"
    assert analyse_text(asked).task.confidence >= below.min_confidence
    assert [d.code for d in check_source("prompts/a.md", asked, below).diagnostics] == ["PRS101"]


def test_a_persona_quoted_in_a_code_fence_is_not_the_model_s() -> None:
    guide = (
        "# Agents\n\nDefine them like this:\n\n```yaml\nresearcher:\n"
        "  role: Senior research analyst\n  goal: Find facts about {topic}\n```\n"
    )
    assert check_source("AGENTS.md", guide, Settings()).diagnostics == []


# Multiple-choice knowledge questions in the study's MMLU frame, written for
# these tests (subjects as MMLU names them).
MC = [
    (
        "high_school_biology",
        "Which organelle produces most of a cell's ATP?",
        ["Ribosome", "Mitochondrion", "Golgi apparatus", "Lysosome"],
    ),
    (
        "world_religions",
        "In which city is the Kaaba located?",
        ["Medina", "Jerusalem", "Mecca", "Cairo"],
    ),
    (
        "us_foreign_policy",
        "Which doctrine declared the Americas closed to new European colonisation?",
        ["Truman Doctrine", "Monroe Doctrine", "Bush Doctrine", "Nixon Doctrine"],
    ),
    (
        "professional_law",
        "A contract signed by a minor is generally",
        ["void", "voidable by the minor", "enforceable by both parties", "illegal"],
    ),
    (
        "high_school_chemistry",
        "What is the pH of a neutral solution at 25 °C?",
        ["0", "5", "7", "14"],
    ),
    (
        "astronomy",
        "What is the closest star to the Sun?",
        ["Sirius", "Proxima Centauri", "Betelgeuse", "Vega"],
    ),
    ("philosophy", "Who wrote the Critique of Pure Reason?", ["Hume", "Kant", "Hegel", "Locke"]),
    (
        "clinical_knowledge",
        "Which vitamin deficiency causes scurvy?",
        ["Vitamin A", "Vitamin B12", "Vitamin C", "Vitamin D"],
    ),
]


def _mmlu(subject: str, question: str, choices: list[str]) -> str:
    options = "\n".join(f"{letter}. {c}" for letter, c in zip("ABCD", choices, strict=True))
    return (
        f"The following is a multiple choice question about {subject.replace('_', ' ')}."
        f"\n\n{question}\n{options}\nAnswer:"
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("subject", "question", "choices"), MC)
def test_a_multiple_choice_knowledge_question_is_flagged_whatever_the_persona(
    persona: str, subject: str, question: str, choices: list[str]
) -> None:
    text = _mmlu(subject, question, choices)
    assert is_flagged(analyse(chat(persona, text)))
    assert is_flagged(analyse_text(f"{persona}\n\n{text}"))


# The request's verb and its object decide, whatever the topic's words.
@pytest.mark.parametrize(
    ("text", "task"),
    [
        (
            "You are a financial analyst. Analyze the provided quarterly figures and list "
            "the main risks they show.",
            "extraction",
        ),
        (
            "Act as an expert software developer. Take requests for changes to the supplied "
            "code and apply them.",
            "code",
        ),
        (
            "You are a technical writer. Update the README so it describes the new command "
            "line flags of the Python package.",
            "writing",
        ),
        (
            "You are an expert at routing each incoming ticket to billing, sales or support.",
            "judgement",
        ),
        ("You are a grader. Assess how well the agent extracted the invoice fields.", "judgement"),
        (
            "You are a senior engineer. Summarize the meeting notes below in five bullets. "
            "Do not write code.\n\nNotes:\n{notes}",
            "extraction",
        ),
        (
            "<role>\nYou are a senior engineer. Your primary role is to write and debug Python "
            "code for the team.\n</role>",
            "code",
        ),
        ("You are a novelist. What is 7 times 8?", "math"),
        (
            "You are a mathematician. Teach a group of 8-year-old children about fractions "
            "with a short story.",
            "stem",
        ),
        (
            "You are a doctor. Give the corrected and improved version of my text, keeping "
            "its meaning.",
            "writing",
        ),
    ],
)
def test_the_request_form_decides(text: str, task: str) -> None:
    assert analyse_text(text).task.category == task


@pytest.mark.parametrize(
    ("thing", "is_code"),
    [
        ("a detailed feature inventory for comparison", False),
        ("a tool comparison for the buyers", False),
        ("an app list for the newsletter", False),
        ("a web app for tracking habits", True),
        ("a feature that exports the report to CSV", True),
        ("the database schema for the orders", True),
    ],
)
def test_software_named_as_what_a_document_is_about_is_no_code(thing: str, is_code: bool) -> None:
    # "a feature inventory" is a document about features; "a web app" is software
    task = analyse_text(f"Create {thing}.").task
    assert (task.category == "code") is is_code, (thing, task.category, task.evidence)


def test_a_negated_cue_is_not_evidence() -> None:
    text = "You are an analyst. Return JSON only, with no explanation or code."
    cues = {e.cue.lower() for e in analyse_text(text).task.evidence}
    assert "code" not in cues and "explanation" not in cues
    # grounding is said in the negative and still counts
    grounded = analyse_text("You are an analyst. Answer from the context. Do not hallucinate.")
    assert any(e.category == "extraction" for e in grounded.task.evidence)


def test_the_items_of_a_negated_list_are_not_evidence() -> None:
    text = (
        "You are a lawyer. Do not give medical, legal, financial, or professional advice. "
        "Write a poem about spring."
    )
    cues = {e.cue.lower() for e in analyse_text(text).task.evidence}
    assert not cues & {"legal", "financial", "advice"}
    # a new clause after the comma is asked, not listed
    asked = analyse_text("You are a senior engineer. Do not use jargon, explain the code clearly.")
    assert "explain" in {e.cue.lower() for e in asked.task.evidence}


@pytest.mark.parametrize(
    "text",
    [
        # lm-evaluation-harness's AfriXNLI and Injongo intent prompts
        "You are an expert in Natural Language Inference (NLI) specializing in the Swahili "
        "language.\nAnalyze the premise and hypothesis given in Swahili, and determine the "
        "relationship between them.\n Respond with one of the following options: 'entailment', "
        "'contradiction', or 'neutral'. \n\nPremise: {{premise}} \nHypothesis: {{hypothesis}}",
        "You are a linguistic analyst trained to understand user intent. Based on the text: "
        "'{{text}}', choose the intent that best matches from this list: {{intents}}. Return "
        "only the intent.",
    ],
)
def test_a_label_out_of_a_fixed_set_is_a_judgement(text: str) -> None:
    found = analyse_text(text)
    assert found.task.category == "judgement"
    assert is_flagged(found)


def test_another_language_s_verb_that_is_an_english_noun_is_no_cue() -> None:
    """Spanish and Portuguese "resolver" (to solve) is an English noun: the
    verb counts with its object."""
    text = (
        "You are a professional writer tasked with improving the response from the Resolver "
        "Agent to give one good response to the task.\n\nResolver Agent Response:\n{response}"
    )
    assert not any(e.category == "math" for e in analyse_text(text).task.evidence)
    spanish = analyse_text("Eres un profesor. Ayúdame a resolver este problema: 3 + 5 * 2").task
    assert spanish.category == "math"


def test_grading_forms_are_judgement() -> None:
    rubric = (
        "You are an expert evaluator.\n\nEvaluate the answer on these criteria:\n"
        "1. Accuracy (0-10): are the extracted values right?\n"
        "2. Completeness (0-10): is anything missing from the summary?\n"
    )
    assert analyse_text(rubric).task.category == "judgement"
    routed = (
        "You are an expert at routing a user question to a vectorstore or web search. "
        "Use the vectorstore for questions on prompt engineering. Give a binary choice."
    )
    assert analyse_text(routed).task.category == "judgement"


def test_a_role_key_that_gives_a_job_is_no_persona() -> None:
    assert analyse_text("**Role**: Generate concise Python docstrings.\n").personas == []
    titled = analyse_text("Role: Senior Tax Accountant\nAnswer questions about tax law.\n")
    assert [p.kind for p in titled.personas] == ["expert"]


def test_what_the_model_can_use_is_not_what_it_is_asked() -> None:
    tools_only = (
        "You are the operations lead of a bakery.\n\n"
        "You also have custom Python scripts you can run with Bash:\n"
        "- python scripts/forecast.py: sales forecast\n"
        "- python scripts/rota.py: staff rota\n"
    )
    task = analyse_text(tools_only).task
    assert task.category != "code"
    asked = tools_only + "\nWrite a Python function that merges two rotas.\n"
    assert analyse_text(asked).task.category == "code"


def test_a_standing_goal_is_context_beside_the_user_turn_that_asks() -> None:
    # an agent framework's composed system text: identity, backstory, goal;
    # the task given in the call is the request
    system = (
        "You are Researcher. You're an expert researcher, specialized in technology "
        "and startups. You work as a freelancer.\n"
        "Your personal goal is: Make the best research and analysis on content about AI"
    )
    asked = analyse(
        chat(
            system,
            "Give me a list of 5 interesting ideas to explore for an "
            "article, what makes them unique and interesting.",
        )
    )
    assert asked.task.category == "writing"
    assert "ideas" in asked.task.request
    # with no request of its own in the user turn, the goal still says the job
    alone = analyse(chat(system, "{topic}"))
    assert alone.task.category == "factual"


def test_a_backstory_that_names_the_expert_again_is_part_of_the_persona() -> None:
    text = (
        "You are Research Analyst. An experienced analyst skilled at gathering "
        "information and synthesizing findings into actionable insights."
    )
    (persona,) = [p for p in analyse_text(text).personas if p.kind == "expert"]
    assert text[persona.passage_start : persona.passage_end].endswith("insights.")


@pytest.mark.parametrize(
    "request_text",
    [
        "Review the context you got and expand each topic into a full section for a report.",
        "Expand the research that was provided to you into a detailed market overview.",
        # the material named as written in code (marvin's cast)
        "Examine the provided `data`, text, or information and transform it into a single "
        "entity of the requested type.",
    ],
)
def test_material_handed_to_the_model_makes_the_request_extraction(request_text: str) -> None:
    analyst = "You're a meticulous financial analyst with a keen eye for detail."
    assert not is_flagged(analyse(chat(analyst, request_text)))
    assert not is_flagged(analyse_text(f"{analyst}\n\n{request_text}"))


def test_an_attachment_is_material_the_request_works_on() -> None:
    system = "You are a helpful assistant specializing in audio analysis."
    plain = chat(system, "Answer the following question based on the")
    assert analyse(plain).task.category == "factual"
    sent = chat(system + " ", "Answer the following question based on the")
    sent.context.attachments.append("audio")
    task = analyse(sent).task
    assert task.category == "extraction"
    assert any(e.source == "attachment" for e in task.evidence)


def test_a_blurb_that_slips_into_the_third_person_still_describes_the_persona() -> None:
    text = (
        "You are an experienced engineer and a perfectionist. You are highly detail-oriented. "
        "He evaluates every project as though it shipped tomorrow, so his feedback is harsh."
    )
    analysis = analyse_text(text)
    (persona,) = [p for p in analysis.personas if p.kind == "expert"]
    assert text[persona.passage_start : persona.measured_end].endswith("harsh.")
    # its verbs are the persona's words, not a request
    assert analysis.task.assumed
    assert all(e.source.startswith("persona") for e in analysis.task.evidence)


def test_code_words_around_supplied_changes_describe_them() -> None:
    # the diffs are supplied: "git", "repo" and a list of commit types name
    # the material, while the request is to sum the changes up
    system = (
        "You are an expert software engineer that writes one-line commit messages. "
        "Review the provided context and diffs which are about to be committed to a git "
        "repo. Use these types: fix, feat, docs, refactor, perf, test. Reply only with "
        "the commit message."
    )
    assert analyse_text(system).task.category == "extraction"
    # a request for the work itself keeps it code: review for flaws, or a fix
    for ask in (
        "Review the provided diff and identify any potential issues or improvements.",
        "Review the provided diff and fix the bug in the function it changes.",
    ):
        text = f"You are an expert software engineer working on a git repo. {ask}"
        assert analyse_text(text).task.category == "code", ask


def test_asking_the_next_question_is_not_answering_one() -> None:
    system = (
        "You are a seasoned moderator in a roundtable discussion about the history of jazz. "
        "You will be presented with the chat history and the current guest. "
        "Generate the next question for the current guest."
    )
    task = analyse_text(system).task
    assert task.category == "writing"
    # the history of the chat is what was said, not the subject
    assert not any(e.category == "factual" and e.source == "prompt" for e in task.evidence)
    asked = analyse_text("Read the conversation history, then ask the guest one question.").task
    assert not any(e.category == "factual" for e in asked.evidence)


PASSAGE_CHOICE = (
    "The following is a multiple choice question about world history.\n\n"
    "This question refers to the following information.\n"
    '"We have resolved to open our ports to foreign ships, so that trade may grow."\n'
    "Which of the following best explains the change in policy described above?\n"
    "A. Pressure from foreign navies\nB. A failed harvest\nC. A royal marriage\n"
    "D. A new religion\nAnswer:"
)


@pytest.mark.parametrize("persona", [WRITER, LONG_WRITER, MATHEMATICIAN])
def test_options_to_choose_from_ask_for_the_right_answer_even_about_a_passage(persona: str) -> None:
    assert is_flagged(analyse(chat(persona, PASSAGE_CHOICE)))
    assert is_flagged(analyse_text(f"{persona}\n\n{PASSAGE_CHOICE}"))
    # the same passage to summarise is extraction
    summary = PASSAGE_CHOICE.split("Which of")[0] + "Summarize the passage in one sentence."
    assert not is_flagged(analyse(chat(persona, summary)))


def test_a_generalists_breadth_is_not_an_expert_claim() -> None:
    # the study's "helpful" persona: broad knowledge across many fields is
    # the default assistant's, while depth in one field is expertise
    generalist = (
        "You are a genuinely helpful assistant. You have broad knowledge spanning "
        "science, technology, arts, history, and everyday life skills."
    )
    assert [p.kind for p in analyse_text(generalist).personas] == ["role"]
    assert not is_flagged(analyse(chat(generalist, KNOWLEDGE[1])))
    across = "You have comprehensive knowledge across multiple domains: law, code, cooking."
    assert not analyse_text(across).experts
    for specialist in (
        "You have deep knowledge of Roman law.",
        "You have extensive experience in many programming languages.",
        "You have deep expertise in Python, Go, Rust and C.",
    ):
        assert [p.kind for p in analyse_text(specialist).personas] == ["expert"], specialist


def test_an_artifact_built_to_work_by_itself_is_code_and_a_quoted_label_is_not_material() -> None:
    text = (
        "Act as a trading-platform script developer. You are tasked with creating an "
        "indicator that automatically detects reversal patterns on the price chart. "
        'Label each detected pattern with the text "Reversal".'
    )
    task = analyse_text(text).task
    assert task.category == "code"
    assert not any(e.category == "extraction" for e in task.evidence)


def test_a_medical_specialty_names_the_field() -> None:
    task = analyse_text("You are a neurology specialist.").task
    assert task.assumed and task.category == "factual"


def test_checking_compliance_is_judgement_and_inline_code_under_review_is_code() -> None:
    judge = analyse(
        chat(
            "You are an expert at validating the output of a task.",
            "Confirm if the task result complies with the guardrail: {rule}",
        )
    )
    assert judge.task.category == "judgement"
    review = analyse(
        chat(
            "You are a code reviewer.",
            "Look up the style guide, then review `def add(a, b): return a + b`.",
        )
    )
    assert review.task.category == "code"
    prose = analyse_text("You are a senior editor. Review `the intro paragraph` for tone.")
    assert prose.task.category != "code"


def test_a_savvy_reader_is_a_skilled_identity() -> None:
    assert [p.kind for p in analyse_text("You are a savvy reader of movie reviews.").personas] == [
        "expert"
    ]
    assert [p.kind for p in analyse_text("You are a reader.").personas] == ["role"]


def test_updating_a_document_about_code_is_writing() -> None:
    text = (
        "You are a technical documentation writer for the project.\n\n"
        "Your task:\n- Use the terminal to inspect the target doc and the changed Python "
        "code, and update only the target document when needed.\n- Keep the existing "
        "writing style and CodeGroup components."
    )
    assert analyse_text(text).task.category == "writing"


def test_a_technology_in_a_generic_title_is_the_medium_of_the_work() -> None:
    # an image asked of an SVG designer is made of code; the same request of
    # a plain designer, or of a scientific illustrator, is not
    request = (
        "I will describe pictures and you will come up with SVG code for each picture. "
        "Reply with the code only. First: a blue square beside a yellow image of a sun."
    )
    svg = analyse_text("Act as an SVG designer. " + request).task
    assert svg.category == "code"
    assert any(e.cue == "SVG" and e.source == "persona-role" for e in svg.evidence)
    illustrator = analyse_text(
        "Act as a scientific illustrator. Draw an image of a cell dividing, with labels."
    ).task
    assert not any(
        e.source == "persona-role" and e.category == "factual" for e in illustrator.evidence
    )


def test_what_to_do_after_a_poisoning_rests_on_medical_facts() -> None:
    text = (
        "You are a seasoned emergency nurse. Give me calm advice. "
        "My dog swallowed two of my ibuprofen tablets an hour ago."
    )
    task = analyse_text(text).task
    assert task.category == "factual"
    assert any("swallowed" in e.cue for e in task.evidence)
    assert (
        analyse_text("You are a seasoned nurse. Give me advice on sleeping better.").task.category
        == "advice"
    )


def test_implementing_a_plan_is_not_code() -> None:
    text = (
        "Act as a senior operations manager. You are responsible for implementing a new "
        "recycling plan across our offices. Organize the rollout and suggest how to "
        "motivate staff to take part."
    )
    assert analyse_text(text).task.category != "code"
    code = analyse_text("You are a senior engineer. Implement a function that parses ISO dates.")
    assert code.task.category == "code"


def test_a_word_english_weighs_low_keeps_that_weight() -> None:
    # "sources" is listed by the French vocabulary too, at a higher weight:
    # an English prompt about pollution sources is not asking for citations
    lex = vocabulary().tasks
    cues = [c for c, _s, _e in match_cues("the pollution sources", lex) if c.text == "sources"]
    assert cues and all(c.weight == 0.5 for c in cues)


@pytest.mark.parametrize(
    "question",
    [
        "A baker fills 12 trays with 18 rolls each and sells all but 25 of them. "
        "How many rolls does she sell?",
        "Tom's class has 24 pupils and each pupil needs 3 pencils. Pencils come in boxes "
        "of 10. How many boxes must Mr. Tom buy",
        "A jacket costs $80 after a 20% discount. What was the original price of the jacket?",
        "After 40% of the 500 guests left the hall through door A, calculate the number of "
        "guests who remained.",
    ],
)
def test_a_word_problem_is_math_whatever_its_story(question: str) -> None:
    for persona in (WRITER, LONG_WRITER, "You are a veteran schoolteacher."):
        task = analyse(chat(persona, question)).task
        assert task.category == "math", (persona, question)
        assert any(e.cue == "word problem" for e in task.evidence)


def test_numbers_in_a_system_prompt_are_not_a_word_problem() -> None:
    text = (
        "You are a senior editor. Keep answers under 200 words and use at most 3 bullet "
        "points. Tell me how much detail you need before you start."
    )
    assert not any(e.cue == "word problem" for e in analyse_text(text).task.evidence)


def test_a_script_for_a_video_is_writing_and_a_script_for_a_shell_is_code() -> None:
    video = analyse(chat(MATHEMATICIAN, "Write a script for a podcast episode about bees."))
    assert video.task.category == "writing"
    shell = analyse(chat(WRITER, "Write a script that renames every .txt file in a folder."))
    assert shell.task.category == "code"


def test_a_counterfactual_has_no_right_answer() -> None:
    for question in (
        "What if the printing press had never been invented?",
        "What would have happened if Rome had never fallen?",
    ):
        task = analyse(chat(LONG_MATH, question)).task
        assert task.category == "writing", question
    assert analyse(chat(WRITER, "What year was the printing press invented?")).task.category == (
        "factual"
    )


@pytest.mark.parametrize(
    "question",
    [
        "How would you introduce yourself as a lighthouse keeper at a village fair?",
        "As a deep-sea diver, describe your feelings when you first saw the wreck.",
        "If you were a medieval blacksmith, how would you greet a new apprentice?",
    ],
)
def test_a_character_cast_in_the_request_is_roleplay(question: str) -> None:
    for persona in ("You are a software engineer.", LONG_MATH):
        task = analyse_text(f"{persona}\n\n{question}").task
        assert task.category == "roleplay", (persona, question)


def test_a_request_that_casts_its_own_character_is_not_the_persona_passage() -> None:
    text = "You are a software engineer.\n\nAs a lighthouse keeper, describe your evening."
    first = analyse_text(text).personas[0]
    assert text[first.passage_start : first.measured_end] == "You are a software engineer."


def test_ways_and_strategies_are_advice_not_a_question_with_one_answer() -> None:
    task = analyse(chat(LONG_MATH, "What are the most effective ways to sleep better?")).task
    assert task.category == "advice"
    assert not any(e.category == "factual" and e.source == "prompt" for e in task.evidence)


STUB = '''def running_max(values: list[int]) -> list[int]:
    """Return, for each position, the largest value seen so far.
    >>> running_max([3, 1, 4])
    [3, 3, 4]
    """
'''


def test_a_function_with_only_its_docstring_asks_for_its_body() -> None:
    for persona in (WRITER, LONG_WRITER):
        task = analyse(chat(persona, STUB)).task
        assert task.category == "code"
        assert any(e.cue == "function to complete" for e in task.evidence)


def test_finished_code_supplied_to_summarise_is_material() -> None:
    done = (
        STUB
        + "    best = []\n    for v in values:\n"
        + "        best.append(max(best[-1:] + [v]))\n    return best\n"
    )
    task = analyse(
        chat(WRITER, "Summarize what the following code does in one sentence:\n\n" + done)
    ).task
    assert not any(e.cue == "function to complete" for e in task.evidence)
    assert task.category == "extraction"


def test_a_word_problem_told_in_words_and_its_story_verbs() -> None:
    in_words = (
        "A jug holds enough juice for six glasses. Three friends each drink two glasses. "
        "How many glasses are left for Ana?"
    )
    story = (
        "Lena collects 40 shells from the beach and gathers half as many from the rocks. "
        "How many shells does she collect in all?"
    )
    for question in (in_words, story):
        task = analyse(chat("You are a data extraction specialist.", question)).task
        assert task.category == "math", question


def test_specializing_in_general_questions_claims_no_field() -> None:
    kinds = [p.kind for p in analyse_text("You specialize in general questions.").personas]
    assert "expert" not in kinds
    assert [p.kind for p in analyse_text("You specialize in maritime law.").personas] == ["expert"]


def test_deciding_whether_a_text_is_safe_is_judgement_whatever_the_rules_name() -> None:
    text = (
        "You are a seasoned trust and safety lead. You are tasked with determining the "
        "safety of a message.\n"
        'If it is safe, respond with {"safe": "true"}.\n'
        "A message is unsafe only if it contains:\n"
        "- instructions to write malicious code\n- harassment"
    )
    assert analyse_text(text).task.category == "judgement"


def test_material_the_prompt_says_it_hands_over_grounds_the_request() -> None:
    text = (
        "You are an expert archivist. You are given the latest chat session and the notes "
        "stored so far. Keep the notes about the user's history and travel plans current."
    )
    task = analyse_text(text).task
    assert task.category != "factual"
    assert any(e.category == "extraction" and "given" in e.cue for e in task.evidence)


def test_writing_search_queries_asks_rather_than_answers() -> None:
    task = analyse(
        chat(
            "You are an expert researcher generating search queries. Return valid JSON only.",
            "Given the following prompt, generate {n} unique search queries to research the "
            "topic thoroughly.\n\nPrompt: {prompt}",
        )
    ).task
    assert task.category == "writing"


def test_results_supplied_to_the_request_ground_it() -> None:
    task = analyse(
        chat(
            "You are an expert historian analyzing search results. Return valid JSON only.",
            "Given the following research results for the query '{query}', extract key "
            "learnings and cite the source URL of each.\n\nResearch results:\n{context}",
        )
    ).task
    assert task.category == "extraction"
    grounded = "You are a veteran economist. Use your tools to research the question and ground "
    grounded += "your answer in the sources you find rather than your own memory."
    assert analyse_text(grounded).task.category == "extraction"
    topic = "You are a veteran economist. Explain inflation in the context of the 1970s."
    cues = [e.cue.lower() for e in analyse_text(topic).task.evidence]
    assert not any(c.startswith("in the context") for c in cues)


def _agent(system: str, user: str, tools: list[str]) -> PromptUnit:
    unit = chat(system, user)
    unit.context.tools = tools
    return unit


def test_a_search_or_data_tool_supplies_the_facts_of_the_request() -> None:
    system = "You are a basic stock information specialist focused on price data."
    user = "Share the NVDA stock price and its recent historical performance."
    with_tool = analyse(_agent(system, user, ["YFinanceTools"])).task
    assert with_tool.category == "extraction"
    assert any(e.source == "tools" for e in with_tool.evidence)
    research = analyse(
        _agent("You are a research specialist.", "Research {topic}.", ["WebSearchTools"])
    )
    assert research.task.category == "extraction"
    # without a tool the facts are recalled: the finding stays
    assert analyse(_agent(system, user, [])).task.category == "factual"
    assert analyse(_agent(system, user, ["send_email"])).task.category == "factual"


@pytest.mark.parametrize(
    "request_text",
    [
        "You are an expert at analyzing transcripts.",
        "Synthesize the findings from the specialist agents into one brief.",
        "Compare the content from these URLs and say which recipe is quicker.",
        "Interpret the key metrics provided by the data step.",
        "Given the diagnostic analysis, list the steps the customer should take.",
        "Analyze the provided description of the company and name its values.",
    ],
)
def test_material_handed_over_by_name_grounds_the_request(request_text: str) -> None:
    text = "You are a senior financial analyst. " + request_text
    task = analyse_text(text).task
    assert any(e.category == "extraction" and e.source == "prompt" for e in task.evidence)


def test_a_texts_cue_hits_are_worked_out_once_and_kept_within_bounds(monkeypatch) -> None:
    """The same text read again (a sibling message, a copied template) gets
    the hits of its first reading; the lexicon keeps a bounded number."""
    from prism_lint.analysis import task
    from prism_lint.analysis.vocabulary import vocabulary

    lex = vocabulary().tasks
    text = "Solve 12 + 30 and write a Python function that sorts a list."
    fresh = [(c.category, c.weight, a, b) for c, a, b in task.match_cues(text, lex)]
    first = task.cue_hits(text, lex)
    assert first == (tuple(fresh + task._pattern_hits(text, lex)), len(fresh))
    assert any(category == "math" for category, *_rest in first[0][len(fresh) :])
    assert task.cue_hits(text, lex) is first
    monkeypatch.setattr(task, "_MAX_HITS_KEPT", 3)
    for n in range(5):
        task.cue_hits(f"Compute {n} * {n}.", lex)
    assert len(lex.hits) <= 3 and text not in lex.hits


def test_the_topic_words_of_fetched_material_count_least() -> None:
    system = (
        "You are a seasoned Wall Street analyst. Follow these steps: market overview, "
        "financial metrics, stock trends, regulatory news, analyst insights and a summary."
    )
    unit = _agent(system, "Write a comprehensive report on TSLA.", ["YFinanceTools"])
    assert analyse(unit).task.category != "factual"
    assert analyse(_agent(system, "Write a comprehensive report on TSLA.", [])).task.category == (
        "factual"
    )


def test_a_knowledgeable_assistant_is_still_the_assistant() -> None:
    assert [p.kind for p in analyse_text("You're a knowledgeable assistant.").personas] == ["role"]
    assert [p.kind for p in analyse_text("You are a knowledgeable historian.").personas] == [
        "expert"
    ]


@pytest.mark.parametrize(
    "request_text",
    [
        "Given background research, produce a short analysis of the risks.",
        "You will receive a financial report and the web search results behind it.",
        "You will be provided with the original query and a set of raw search summaries.",
        "You will be provided with the query and some initial research done by an assistant.",
        "Synthesize these into a long-form report.",
        "Inspect the workspace data before answering and cite file paths you used.",
    ],
)
def test_material_an_agent_is_handed_grounds_it(request_text: str) -> None:
    task = analyse_text("You are a risk analyst. " + request_text).task
    assert any(e.category == "extraction" and e.source == "prompt" for e in task.evidence)
    assert task.category != "factual"


def test_planning_web_searches_asks_rather_than_answers() -> None:
    text = (
        "You are a financial research planner. Given a request for financial analysis, "
        "produce a set of web searches to gather the context needed."
    )
    assert analyse_text(text).task.category == "writing"


def test_a_data_tool_is_known_by_a_name_split_across_its_parts() -> None:
    system = "You are a financial analysis expert. Analyze the company's financial health."
    unit = _agent(system, "Compare AAPL's margins with MSFT's.", ["OpenBBToolkit"])
    assert any(e.cue == "tool=OpenBBToolkit" for e in analyse(unit).task.evidence)
    assert analyse(unit).task.category == "extraction"


def test_inspecting_files_before_editing_them_is_still_code() -> None:
    text = (
        "You are an engineer. Inspect files before editing, make minimal changes, and verify "
        "with tests. Use a non-login POSIX shell for commands and run pytest once."
    )
    assert analyse_text(text).task.category == "code"


def test_a_word_problems_words_and_questions_are_vocabulary() -> None:
    lex = vocabulary().tasks
    assert {"three", "twice", "dozen"} <= lex.number_words
    question = "How many pears are left?"
    assert any(p.compiled.search(question) for p in lex.asks_quantity)


# The one pattern tag_blocks stands for, kept as the reference it must agree with.
_TAG_BLOCK = re.compile(r"<([A-Za-z][\w-]{0,40})(?:\s[^<>\n]{0,200})?>\s*\n.*?</\1\s*>", re.S)
_TAG_TEXT = texts_of(
    [
        "<doc>",
        "<doc a=1>",
        "</doc>",
        "</doc >",
        "<Doc>",
        "</Doc>",
        "<x-y>",
        "</x-y>",
        "<note>",
        "</note>",
        "\n",
        " \n",
        "\t",
        "text",
        "<",
        ">",
        "</",
        "a",
        " ",
    ],
    max_size=40,
)


@given(_TAG_TEXT)
def test_tag_blocks_are_the_blocks_the_pattern_finds(text: str) -> None:
    from prism_lint.analysis.task import tag_blocks

    expected = [(m.start(), m.end(), m.group(1)) for m in _TAG_BLOCK.finditer(text)]
    assert tag_blocks(text) == expected


def test_tags_never_closed_make_no_block() -> None:
    from prism_lint.analysis.task import tag_blocks

    # every <BEGIN_TEXT> is left open: the pattern scanned to the end from each
    text = "<BEGIN_TEXT>\nsome page\n<END_TEXT>\n" * 5000 + "<a>\nbody\n</a>\n"
    assert tag_blocks(text) == [(len(text) - 14, len(text) - 1, "a")]


_RESEARCH = (
    "You are a competitive intelligence analyst researching a competitor company.\n"
    "\n"
    "Use google_search to gather competitor intelligence:\n"
    "\n"
    "1. **Company Overview**\n"
    "   - Founded when, HQ location, company size\n"
    "   - Funding history and investors\n"
    "   - Key leadership and executives\n"
    "\n"
    "2. **Target Market**\n"
    "   - Who are their ideal customers?\n"
    "   - What industries do they focus on?\n"
    "\n"
    "3. **Recent News**\n"
    "   - Product launches and acquisitions\n"
    "\n"
    "Be thorough and cite specific sources where possible."
)


def _agent_task(tools: str) -> str:
    source = (
        "from google.adk.agents import LlmAgent\n"
        "from google.adk.tools import google_search\n\n"
        f'agent = LlmAgent(name="CompetitorResearchAgent", model="gemini-2.5-flash", '
        f'instruction="""{_RESEARCH}""", tools=[{tools}])\n'
    )
    result = check_source("agent.py", source, Settings(), named=True, inventory=True)
    [(_unit, found)] = result.prompts
    return found.task.category


def test_questions_a_search_tool_answers_are_extraction() -> None:
    """With a search tool the facts asked for come from what it returns
    (answering from search results is extraction); the same questions
    without one ask the model's own knowledge."""
    assert _agent_task("google_search") == "extraction"
    assert _agent_task("") == "factual"


def _agno_task(model: str) -> str:
    source = (
        "from agno.agent import Agent\n"
        "from agno.models.google import Gemini\n"
        "from agno.models.openai import OpenAIResponses\n\n"
        f'agent = Agent(model={model}, instructions="""{_RESEARCH}""")\n'
    )
    result = check_source("agent.py", source, Settings(), named=True, inventory=True)
    [(_unit, found)] = result.prompts
    return found.task.category


@pytest.mark.parametrize(
    ("model", "task"),
    [
        # a model that searches the web itself answers from what it fetched
        ('Gemini(id="gemini-2.5-flash", search=True)', "extraction"),
        ('OpenAIResponses(id="o4-mini-deep-research")', "extraction"),
        ('OpenAIResponses(id="gpt-4o-search-preview")', "extraction"),
        ('"perplexity/sonar-pro"', "extraction"),
        # the same questions to a model that does not: its own knowledge
        ('Gemini(id="gemini-2.5-flash")', "factual"),
        ('Gemini(id="gemini-2.5-flash", search=False)', "factual"),
        ('OpenAIResponses(id="gpt-4o")', "factual"),
    ],
)
def test_questions_a_searching_model_answers_are_extraction(model: str, task: str) -> None:
    assert _agno_task(model) == task


def _template_task(template: str, fill: str) -> str:
    source = (
        "from openai import OpenAI\n\n"
        f'TEMPLATE = """{template}"""\n\n'
        "def run(client: OpenAI, **values):\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[\n"
        f"        {{'role': 'system', 'content': TEMPLATE.format({fill})}}])\n"
    )
    result = check_source("agent.py", source, Settings(), named=True, inventory=True)
    [(_unit, found)] = result.prompts
    return found.task.category


_ANALYST = (
    "You are a veteran public-equities analyst.\\n\\n"
    "{block}\\n\\n"
    "Who are the company's main competitors? What were its revenue and margins last year? "
    "Which risks do its executives name?"
)


def test_a_placeholder_block_is_material_the_request_works_on() -> None:
    """A placeholder alone on its line under its label is material the
    program puts in: questions about it are extraction, whatever their
    topic; the same questions with no material ask the model's knowledge."""
    labelled = _ANALYST.replace("{block}", "EARNINGS CALL TRANSCRIPT:\\n{transcript}")
    assert _template_task(labelled, "transcript=values['t']") == "extraction"
    assert _template_task(_ANALYST.replace("{block}\\n\\n", ""), "") == "factual"


def test_a_placeholder_for_what_is_asked_or_how_is_no_material() -> None:
    """The user's question, a table's fields, an answer's schema: a block of
    its own, but the request and its terms, not material to work on."""
    asked = _ANALYST.replace("{block}", "Question:\\n{question}")
    assert _template_task(asked, "question=values['q']") == "factual"
    sql = (
        "You are a database administrator. Write SQL for the table below.\\n\\n"
        "Table: {table_name}\\nFields:\\n{fields}\\n\\nReturn only the SQL."
    )
    assert _template_task(sql, "table_name=values['t'], fields=values['f']") == "code"


def test_the_situation_a_prompt_puts_the_model_in_is_its_request() -> None:
    """ "You are in a debate": what the persona is to do, not more of who it
    is; its task is the debate's, not one assumed from the job title."""
    debater = (
        "You're a software developer from the United States. "
        "Your life is fast-paced and technology-driven. "
        "You value innovation, freedom, and work-life balance. "
        "You are in a debate. Feel free to challenge the other participants with respect."
    )
    found = analyse_text(debater)
    assert not found.task.assumed
    assert found.task.category == "writing"
    assert not is_flagged(found)
    # the description measured as the study measured personas ends there
    assert found.personas[0].words == 21


def test_inputs_handed_over_and_whether_material_holds_up() -> None:
    """ "You will be given two inputs" hands over material (extraction);
    deciding whether retrieved content suffices gives one right label
    (judgement), whatever the material says."""
    parser = (
        "You are an expert parser and data formatter. Your task is to analyze the new page "
        "and append its entries to the existing JSON array.\n\n"
        "1. You will be given two inputs: the text of the new page and the existing array.\n"
        "2. Analyze each line of the page text and extract its title and page number."
    )
    task = analyse_text(parser).task
    assert task.category == "extraction"
    assert any(e.cue.startswith("You will be given two inputs") for e in task.evidence)
    judge = (
        "You are an information retrieval evaluation expert. Determine whether the retrieved "
        "content is sufficient to answer the user's question.\n\nQuestion: {q}\n\nContent: {c}"
    )
    found = analyse_text(judge)
    assert found.task.category == "judgement"
    assert any(
        e.cue.startswith("Determine whether the retrieved") and e.category == "judgement"
        for e in found.task.evidence
    )
    assert is_flagged(found)


@pytest.mark.parametrize(
    ("block", "request_", "code"),
    [
        ("Solve this equation for x:\n{equation}", "", "PRS102"),
        ("Person:\n{person}", "When was this person born? Give the exact date.", "PRS103"),
        ("Source:\n{source}", "Write a Python function that parses it.", "PRS101"),
        ("ERROR LOGS:\n{logs}", "Write a Python patch that fixes the crash.", "PRS101"),
        ("PATIENT HISTORY:\n{patient}", "What is the most likely diagnosis?", "PRS103"),
    ],
)
def test_a_placeholder_for_the_subject_or_the_request_leaves_the_task(
    block: str, request_: str, code: str
) -> None:
    """A request line over its placeholder, a subject ("{person}"), code
    to fix from logs: the task stays the request's."""
    persona = {"PRS101": "senior Python engineer", "PRS102": "expert mathematician"}.get(
        code, "expert physician and historian"
    )
    template = f"You are a {persona}.\\n\\n{block}" + (f"\\n\\n{request_}" if request_ else "")
    hole = block.split("{")[1].rstrip("}")
    source = (
        "from openai import OpenAI\n\n"
        f'TEMPLATE = """{template}"""\n\n'
        "def run(client: OpenAI, **values):\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[\n"
        f"        {{'role': 'system', 'content': TEMPLATE.format({hole}=values['v'])}}])\n"
    )
    result = check_source("agent.py", source, Settings(), named=True)
    assert [d.code for d in result.diagnostics] == [code]


@pytest.mark.parametrize(
    "request_text",
    [
        "Analyse in much detail the following discussion:\n### DISCUSSION:\n{discussion}",
        "Go through the following debate and say who argued what: {debate}",
        "Turn the following minutes into a list of decisions and owners.\n{minutes}",
    ],
)
def test_a_discussion_or_a_memo_handed_over_is_material(request_text: str) -> None:
    """A conversation, a debate or a memo the prompt supplies is worked on,
    not recalled, like a transcript is."""
    analyst = "You are an expert discussion analyst."
    found = analyse(chat(analyst, request_text))
    assert found.task.category == "extraction"
    assert not is_flagged(found)


def test_answering_questions_about_an_interview_is_no_material() -> None:
    """'the following interview questions' are questions to answer, not a
    transcript handed over."""
    economist = "You are an expert economist."
    found = analyse(
        chat(economist, "Answer the following interview questions about inflation in 2008.")
    )
    assert found.task.category != "extraction"


@pytest.mark.parametrize(
    "request_text",
    [
        "Read the following newsgroup post. If this contains vulgar language reply with STOP. "
        "If this is spam reply with STOP.\n### POST:\n{post}",
        "Here is a customer review: {review}. If it mentions a refund, reply with YES.",
        "Read the text below. Reply with true or false: does it mention a date?\n{text}",
        "## Claim\n{claim}\n## Evidence\n{evidence}\nIf they match, print `True`; otherwise, "
        "print `False`.",
        "Here is the policy: {policy}\nAnd the request: {request}\n"
        "If the request violates the policy, answer BLOCK.",
    ],
)
def test_a_label_given_on_a_condition_of_the_input_is_a_judgement(request_text: str) -> None:
    """Replying STOP when the post is spam, or true or false, labels the
    material: one right answer. The words that hand it over ("the following
    newsgroup post") or name it say what is judged, not the task."""
    moderator = "You are an expert content moderator."
    found = analyse(chat(moderator, request_text))
    assert found.task.category == "judgement"
    assert is_flagged(found)


def test_a_reply_chosen_on_a_condition_that_is_no_label_is_not_a_judgement() -> None:
    poet = "You are an award-winning poet."
    found = analyse(chat(poet, "If it is raining, reply with a short poem about the rain."))
    assert found.task.category == "writing"


_EXAMPLES_THEN_ASK = (
    "You are a content moderation expert tasked with categorizing user-generated text.\n\n"
    "Here are some examples:\n"
    "{open}\n"
    "Text: I'm selling weight loss products, check my link to buy!\n"
    "Category: BLOCK\n\n"
    "Text: Did anyone ride the new coaster yet? I heard it's a great story, with news for all.\n"
    "Category: ALLOW\n"
    "{close}\n\n"
    "Here is the text to categorize: {{text}}\n\n"
    "Classify this text as either ALLOW or BLOCK. Return nothing else."
)


@pytest.mark.parametrize(("open_", "close"), [("<examples>", "</examples>"), ("```", "```")])
def test_the_request_after_a_block_of_examples_is_read(open_: str, close: str) -> None:
    """ "Here are some examples:" introduces the tagged block or the fence
    that follows, not the rest of the prompt: the request after it is read."""
    text = _EXAMPLES_THEN_ASK.format(open=open_, close=close)
    found = analyse_text(text)
    assert found.task.category == "judgement"
    assert any(e.cue.lower().startswith("classify") for e in found.task.evidence)
    assert is_flagged(found)


@pytest.mark.parametrize(
    "tool",
    [
        "get_ticker_data",
        "coingecko_market",
        "get_weather",
        # a connector to the user's store or business system
        "ShopifyTools",
        "SalesforceTools",
    ],
)
def test_a_tool_named_for_the_data_it_gets_supplies_it(tool: str) -> None:
    """A ticker's data or the weather that a function tool gets is read
    from its result, not recalled: the question is a lookup."""
    unit = _system("You are a senior financial advisor.", "What is the price of Bitcoin today?")
    assert is_flagged(analyse(unit))
    unit.context.tools = [tool]
    assert not is_flagged(analyse(unit))


@pytest.mark.parametrize(
    ("persona", "request_text", "tools", "task"),
    [
        # a getter's verb alone names no data: the clock, a toolbox factory
        (
            "You are a senior historian.",
            "In what year did the Berlin Wall fall?",
            ("get_current_time",),
            "factual",
        ),
        (
            "You are a senior historian.",
            "In what year did the Berlin Wall fall?",
            ("get_tools",),
            "factual",
        ),
        # what a coding agent reads is the code it works on
        (
            "You are an expert software engineer.",
            "Refactor the authentication module to use dependency injection.",
            ("get_file_contents", "list_directory"),
            "code",
        ),
        (
            "You are an expert mathematician.",
            "Prove that the square root of 2 is irrational.",
            ("get_formula",),
            "math",
        ),
    ],
)
def test_a_tool_that_gets_no_facts_of_the_task_supplies_none(
    persona: str, request_text: str, tools: tuple[str, ...], task: str
) -> None:
    """Tools named only by a getter's verb, or that read the code worked on,
    supply none of the facts asked for: the task is still the model's own."""
    unit = _system(persona, request_text, tools)
    found = analyse(unit)
    assert found.task.category == task
    assert is_flagged(found)


@pytest.mark.parametrize(
    "request_text",
    [
        "Use your tools to research the user's request thoroughly, then write a research "
        "report that addresses it.",
        "Answer the user's question about the company. Ground every substantive claim in "
        "researched sources, not your own memory.",
        # no article before the tools; research through a tool; web searches
        "Your job is to use tools to gather information about the user's topic, then "
        "answer the research question.",
        "Conduct research by calling the `run_search` tool, then answer the question.",
        "Answer the question by conducting web searches first. Cite every source.",
        "Write the section from the information gathered from tool calls and web searches.",
        "Review all information gathered so far, then answer the user's question.",
    ],
)
def test_facts_the_prompt_has_its_tools_gather_are_not_recalled(request_text: str) -> None:
    analyst = "You are an expert research analyst."
    found = analyse(chat(analyst, request_text))
    assert found.task.category == "extraction"
    assert not is_flagged(found)


@pytest.mark.parametrize(
    ("unit", "flagged"),
    [
        # a tool that computes or formats supplies no facts
        (
            _system(
                "You are an expert mathematician. Solve the user's word problem step by step "
                "and give the exact numeric answer.",
                "{question}",
                ("calculate_price",),
            ),
            True,
        ),
        (
            _system(
                "You are an expert mathematician. Solve the user's problem step by step. Use "
                "the calculator tool to find the exact value of every intermediate result."
            ),
            True,
        ),
        (
            _system(
                "You are a senior Python engineer. Use your tools to find the bug in the "
                "user's function and return a corrected version."
            ),
            True,
        ),
        # what the model does not know is still recalled
        (
            _system(
                "You are an expert historian. Answer the user's history question accurately. "
                "If the answer is not in your training data, say you don't know."
            ),
            True,
        ),
        # a yes, a no or a label said in passing is no labelling task
        (
            _system(
                "You are an expert financial analyst. Summarize the following earnings call "
                "transcript. If it mentions guidance, say yes at the end.\n\n{transcript}"
            ),
            False,
        ),
        (
            _system(
                "You are an expert legal analyst. Summarise the following memo for the board in "
                "plain language. Answer yes or no at the end to whether a follow-up meeting is "
                "proposed.\n\n{memo}"
            ),
            False,
        ),
        (
            _system(
                "You are an expert meeting assistant. Turn the following minutes into a list of "
                "decisions and owners. If the minutes are empty, respond with no decisions."
                "\n\n{minutes}"
            ),
            False,
        ),
        (
            _system(
                "You are a senior customer support specialist. Be warm and empathetic. If the "
                "customer is rude, say no to abusive requests politely and stay calm."
            ),
            False,
        ),
    ],
)
def test_grounding_and_label_cues_keep_to_what_they_say(unit: PromptUnit, flagged: bool) -> None:
    assert is_flagged(analyse(unit)) is flagged


def test_material_under_a_label_ends_at_the_prompts_own_next_section() -> None:
    """ "Context:" hands over material, but a later line that labels a section
    of the prompt's own ("Instructions:", "Output:") is the prompt speaking
    again: its request is read (here: synthesise the reasons supplied)."""
    text = (
        "You are an AI evaluator producing a final explanation for the metric.\n\n"
        "Context:\nThe metric compares each claim against the retrieved facts and gives "
        "a reason for each verdict. You are given all those reasons.\n\n"
        "Instructions:\n1. Read all reasons and synthesize them into one explanation.\n"
        "2. Do not repeat every reason.\n\n"
        "Output:\nA single paragraph.\n\n"
        "Reasons: {reasons}\n"
    ).replace("{reasons}", HOLE)
    task = analyse_text(text).task
    assert task.category == "extraction"
    assert any(e.cue == "synthesize them into" and e.source == "prompt" for e in task.evidence)
    # a label of the material's own ("Milestones:", "Parole hearing:") is no
    # section of the prompt's: the questions under it are still material
    for label in ("Milestones:", "Parole hearing:", "Team notes:"):
        translate = (
            "You are an expert historian. Translate the text into French.\n\nText:\n"
            f"Project history\n{label}\nWhen did the Berlin Wall fall? What year did WW2 end?"
        )
        assert analyse_text(translate).task.category == "writing", label
    # "Output:", "Your task:" are the prompt's own sections too
    from prism_lint.analysis.task import material_spans

    for own in ("Output:", "Your task:", "**Output format:**"):
        given = f"Context:\nThe metric compares claims.\n{own}\nOne paragraph.\n"
        assert [given[a:b] for a, b in material_spans(given)] == ["The metric compares claims.\n"]
    # without a section of its own after it, the label's material runs on
    material = text.split("Instructions:")[0] + "Reasons: " + HOLE + "\n"
    assert not any(e.source == "prompt" for e in analyse_text(material).task.evidence)


def test_an_answers_shape_is_no_program() -> None:
    """ "Output a python list of strings" says how to answer, not that the
    task is code; the job the persona sentence states is the request."""
    text = (
        "You are an expert to brainstorm a list of {n} useful text retrieval tasks.\n"
        "Please adhere to the following guidelines:\n"
        "  - Each task should cover a wide range of queries.\n"
        "Your output should always be a python list of strings.\nBe creative!"
    )
    assert analyse_text(text).task.category not in ("code", "factual", "math")
    for code in (
        "You are a senior Python developer. Write a function that flattens a python list.",
        "You are a senior Python developer. Convert this loop into a Python list comprehension.",
        "You are a senior Python developer. Explain the difference between a Python list "
        "and a Python tuple.",
    ):
        assert analyse_text(code).task.category == "code", code


@pytest.mark.parametrize(
    "request_text",
    [
        "Answer the customer's question. You must search the knowledge base for the answer.",
        "Answer questions about our API; look them up in the vector store first.",
    ],
)
def test_told_to_look_the_answer_up_in_what_it_has_is_extraction(request_text: str) -> None:
    text = "You are a senior support engineer. " + request_text
    assert analyse_text(text).task.category == "extraction"
    # the same persona asked for a fact it must recall
    recall = "You are a senior support engineer. What year was the company founded?"
    assert analyse_text(recall).task.category == "factual"
    # documents consulted for notation, one's own documentation: still the task asked
    proof = (
        "You are an expert mathematician. Prove the statement. Consult the documents for notation."
    )
    assert analyse_text(proof).task.category == "math"


def test_an_agents_knowledge_sources_are_what_it_answers_from() -> None:
    src = (
        "from crewai import Agent\n"
        "from crewai.knowledge.source.pdf_knowledge_source import PDFKnowledgeSource\n"
        "policy = PDFKnowledgeSource(file_paths=['policy.pdf'])\n"
        "agent = Agent(role='Senior Benefits Analyst', goal='Answer benefit questions',\n"
        "              backstory='You have advised employees for years.',\n"
        "              knowledge_sources=[policy])\n"
    )
    result = check_source("crew.py", src, Settings(), named=True, inventory=True)
    [(unit, found)] = result.prompts
    assert unit.context.tools == ["policy", "PDFKnowledgeSource"]
    assert found.task.category == "extraction"


def test_a_judge_written_in_the_models_own_voice_is_an_expert_on_a_judgement() -> None:
    """Completion-style judges speak as the model: "As a specialist in ..., I
    will evaluate ..." casts it as the specialist, and "say 0 / say 1 / say 2"
    or "provide a rating of 0, 1, or 2" asks for one label of a fixed scale.
    A user story ("As a developer, I want ...") is the user's identity."""
    judge = (
        "As a specialist in assessing the strength of connections between statements "
        "and their given contexts, I will evaluate the level of support.\n"
        "If the assertion is not supported by the context, say 0.\n"
        "If the assertion is partially supported by the context, say 1.\n"
        "If the assertion is fully supported by the context, say 2.\n"
        "I will provide a rating of 0, 1, or 2, without any explanation."
    )
    found = analyse_text(judge)
    assert [p.kind for p in found.personas] == ["expert"]
    assert found.task.category == "judgement"
    story = "As a developer, I want a function that sorts a list of users by age."
    assert [p.kind for p in analyse_text(story).personas] == []
    for user in (
        "As a senior developer, I will review the code you write. Write a sort function.",
        "As a nurse, I will evaluate the patient's vitals. What is a normal resting heart rate?",
        "As a lawyer, I must review this contract. What does the indemnity clause mean?",
        "As a product manager, I will compare three vendors. Which one has the lowest price?",
    ):
        assert [p.kind for p in analyse_text(user).personas] == [], user
    # each part of the label reading: a digit label alone, a scale alone
    said = "Read the claim and the context. If the claim is partially supported, say 1."
    assert analyse_text(said).task.category == "judgement"
    scale = "Read the claim and the context. Provide a rating of 0, 1, or 2 for it."
    assert analyse_text(scale).task.category == "judgement"


@pytest.mark.parametrize(
    "request_text",
    [
        "Given the above data, is the tool selection correct or incorrect?",
        "Read the passage and the answer. Is the answer grounded or hallucinated?",
        'Read the ticket below. Return "resolved" only when the customer\'s issue was fixed.',
        "Read the chat. Determine whether the response constitutes a refusal "
        "or whether the model gave a substantive answer.",
        "Read the log below. Your task is to determine whether the agent correctly "
        "processed the tool result.",
    ],
)
def test_a_choice_of_two_labels_is_a_judgement(request_text: str) -> None:
    """Judges ask for one of two labels in many words: a pair of opposite
    labels, a label to return, one outcome or the other, whether a step was
    done right. Each alone makes the material judged, not summarised."""
    assert analyse_text(request_text).task.category == "judgement", request_text


def test_grounding_words_name_what_a_judge_checks() -> None:
    """ "Hallucinated" says an answer must come from the material; in a
    request for a label it names the label, and the judgement stays one."""
    judge = (
        "You are an expert evaluator labeling whether an assistant's response is "
        "grounded in the input: the transcript, structured data and tool results it had.\n\n"
        "HALLUCINATED - the response makes a claim the input does not support: "
        "hallucinated numbers, hallucinated entities, hallucinated sources.\n"
        "GROUNDED - every claim is supported by the transcript.\n\n"
        "You are judging whether the response is grounded in that record.\n\n"
        "<input>{input}</input>\n<output>{output}</output>"
    )
    # asked to answer from the material, the same words keep it extraction
    rag = (
        "You are a senior analyst. Answer the question using only the context below. "
        "Do not hallucinate; hallucinated figures are worse than no answer.\n\n{context}"
    )
    _judges_beside_material([judge], rag)


def _judges_beside_material(judges: list[str], material: str) -> None:
    """Each of ``judges`` reads as a flagged judgement; ``material``, the
    same material worked on rather than judged, as extraction."""
    for judge in judges:
        found = analyse_text(judge)
        assert found.task.category == "judgement", judge
        assert is_flagged(found)
    assert analyse_text(material).task.category == "extraction"


def test_a_grade_asked_of_the_material_makes_a_judge_of_its_reader() -> None:
    """ "Please grade the following conversation" and "assign a score" ask
    for a label of the material in a verb and its object; the words naming
    the material ("the retrieved documents", "the context") then say what
    is judged. Asked to summarise the same material, the prompt stays
    extraction."""
    grade = (
        "You are an expert conversation evaluator. You will be shown a conversation "
        "between a user and an assistant.\nYour task is to identify the primary language "
        "used by the user.\n\nPlease grade the following conversation according to the "
        "above instructions:\n\n<conversation>\n{outputs}\n</conversation>"
    )
    scored = (
        "You are an expert data labeler. Your task is to assign a score based on the "
        "following rubric:\n- relevant: the retrieved documents answer the question\n\n"
        "<context>{context}</context>"
    )
    summary = (
        "You are a senior analyst. Summarize the retrieved context in three bullet "
        "points.\n\n<context>{context}</context>"
    )
    _judges_beside_material([grade, scored], summary)


def test_arguing_a_side_is_persuasion_not_recall() -> None:
    """A debater argues a side and rebuts the other: no one right answer,
    however expert the debater. Asked a fact, the same persona is flagged."""
    debate = (
        "You are an expert economist taking part in a debate. Argue for the motion: "
        "'Raising the minimum wage reduces poverty.' Rebut your opponent's last point: "
        "{opponent}"
    )
    found = analyse_text(debate)
    assert found.task.category == "writing"
    assert not is_flagged(found)
    fact = "You are an expert economist. What was the US federal minimum wage in 2009?"
    assert is_flagged(analyse_text(fact))


def test_a_computer_is_no_computation_and_security_is_a_field() -> None:
    """ "comput*" reads computing, not the machine: a "computer security
    expert" answering questions recalls security knowledge, a factual task."""
    guide = (
        "You are a computer security expert and you are tasked with providing concise "
        "response to the following questions. Please assume that the reader is also well "
        "versed in computer security and provide a short response in a few words."
    )
    found = analyse_text(guide)
    assert found.task.category == "factual"
    assert is_flagged(found)
    assert analyse_text("You are a computer scientist. Compute 17 * 23.").task.category == "math"
    review = "You are a cybersecurity expert. Review this Python code for SQL injection: {code}"
    assert analyse_text(review).task.category == "code"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # the label patterns ask about the material ("whether the response
        # ...", "is the answer correct or incorrect"), not about the user's
        # own choice
        (
            "You are an experienced career coach. Help me decide whether to take the new "
            "job offer or not.",
            "advice",
        ),
        (
            "You are a licensed therapist. Help me decide if I should confront my friend "
            "about the loan or whether to let it go.",
            "advice",
        ),
        (
            "You are a seasoned travel advisor. Recommend three neighbourhoods in Paris for "
            "a family trip, and tell me which feel safe or unsafe at night.",
            "advice",
        ),
        (
            "You are a certified personal trainer. Help me check whether I'm doing squats "
            "correctly and suggest a better routine.",
            "advice",
        ),
        # a fallback label or a status column does not make an answer from
        # the context a judgement: "from the context" and "in the transcript"
        # say what is done with it, and keep their weight
        (
            "You are an expert research assistant. Answer the question from the context. "
            'If the context is not relevant, reply with "irrelevant".\n\n{context}',
            "extraction",
        ),
        (
            "You are an experienced support lead. List every customer request in the "
            "transcript and whether it was answered or refused.\n\nTranscript:\n{transcript}",
            "extraction",
        ),
    ],
)
def test_a_label_beside_other_work_makes_no_judge(text: str, category: str) -> None:
    found = analyse_text(text)
    assert found.task.category == category, text
    assert not is_flagged(found)


@pytest.mark.parametrize(
    "judge",
    [
        "You are an expert judge. Read the passage and the answer. Is the answer "
        "hallucinated or grounded?",
        "You are an expert judge. Given the above data, is the tool selection incorrect "
        "or correct?",
        'You are an expert moderator. Read the message below. Label it as "unsafe" if it '
        "contains threats.\n\n{message}",
        "You are a teacher grading a quiz. You are given a question, the student's answer, "
        "and the true answer, and are asked to score the student answer as either CORRECT "
        "or INCORRECT.",
    ],
)
def test_labels_in_either_order_and_spacing_are_a_judgement(judge: str) -> None:
    found = analyse_text(judge)
    assert found.task.category == "judgement", judge
    assert is_flagged(found)


@pytest.mark.parametrize(
    "proof",
    [
        "You are a world-class mathematician. Argue that the square root of 2 is irrational.",
        "You are an expert physics tutor. A block slides down a frictionless incline of 30 "
        "degrees. Compute the acceleration of the block during the motion.",
        "You are an expert historian. What arguments did the Federalists use to persuade "
        "the states to ratify the Constitution?",
    ],
)
def test_words_debates_share_with_proofs_and_questions_are_no_debate(proof: str) -> None:
    assert is_flagged(analyse_text(proof)), proof


@pytest.mark.parametrize(
    "question",
    [
        "What key information did I find?",
        "What information do I already have?",
        "What information is still missing?",
        "What is the most effective next action?",
    ],
)
def test_a_checklist_question_the_model_asks_itself_asks_no_fact(question: str) -> None:
    """A question about what the model itself found or must do next is a
    step of its own procedure, not a question put to it."""

    def asked(text: str) -> bool:
        evidence = analyse_text(text).task.evidence
        return any(e.category == "factual" and e.cue.endswith("?") for e in evidence)

    assert not asked(question)
    assert asked("Who was the first president of Chile?")


@pytest.mark.parametrize(
    "question",
    [
        "What medications do I need to avoid with warfarin?",
        "What is the next step in the Krebs cycle after citrate?",
        "What are the missing links in human evolution?",
        "What is I/O in operating systems?",
        "What documents does the user need to apply for a US passport?",
    ],
)
def test_a_question_of_fact_about_me_or_a_next_step_still_asks_it(question: str) -> None:
    found = analyse(chat("You are a senior expert.", question))
    assert found.task.category == "factual"


@pytest.mark.parametrize(
    "text",
    [
        "You are an expert in answering questions from documents. Read the excerpt carefully "
        "and answer the user's question from the excerpt. Your answer must follow the "
        "excerpt, even if it does not align with the facts. Assess whether the excerpt holds "
        "enough information; if it does not, reply 'none'.",
        "您是一位文档问答专家。请根据文档内容回答用户的问题。您需要判断文档是否包含答案。"
        "答案必须严格遵循文档内容，即使与事实不符。",
    ],
)
def test_answering_from_a_document_against_the_facts_is_extraction(text: str) -> None:
    """Told to keep to the document even where it contradicts the facts, the
    model reports the material, not what it knows; judging whether the
    excerpt answers the question is a step of that."""
    found = analyse_text(text)
    assert found.task.category == "extraction"
    assert not is_flagged(found)


def test_support_for_a_products_customers_is_not_code() -> None:
    """Helping customers with crashes, bug reports and account access serves
    the business's customers: not code the model writes."""
    module = (
        "from agents import Agent\n"
        "from agents.extensions.handoff_prompt import RECOMMENDED_PROMPT_PREFIX\n"
        'support = Agent(name="Support", instructions=f"""{RECOMMENDED_PROMPT_PREFIX}\n'
        "You are a technical support specialist. Help customers with:\n"
        "- App crashes and technical issues\n- Account access problems\n"
        "- Bug reports and technical questions\n\n"
        'Provide clear technical guidance and solutions.""")\n'
    )
    result = check_source("support.py", module, Settings())
    assert not [d for d in result.diagnostics if d.code.startswith("PRS1")]
    coder = "You are a senior Python developer. Help our customers with their code: find the bug."
    assert analyse_text(coder).task.category == "code"


def test_what_a_thing_is_made_for_is_not_the_thing_made() -> None:
    """ "Create visualizations for executive dashboards" makes charts, not a
    dashboard; "Create a travel agent persona" makes a persona."""
    found = analyse_text("Create comprehensive visualizations for executive dashboards.")
    assert not any(e.cue.lower().startswith("create") for e in found.task.evidence)
    built = analyse_text("Build a dashboard for our sales team.")
    assert any(e.cue.lower().startswith("build a dashboard") for e in built.task.evidence)
    persona = analyse_text("Create a Discord bot persona that greets new members.")
    assert not any(e.cue.lower().startswith("create") for e in persona.task.evidence)
    # a compound with a preposition in it is still the thing built
    for made in ("Build a to-do app in React.", "Create an in-memory database for tests."):
        assert any(
            e.category == "code" and e.cue.lower().startswith(("build", "create"))
            for e in analyse_text(made).task.evidence
        ), made


@pytest.mark.parametrize(
    ("question", "factual"),
    [
        ("Tell me about Yosemite National Park.", True),
        ("Tell me a bit about the history of the Ottoman Empire.", True),
        ("Tell me about yourself.", False),
        ("Tell me about a time when you disagreed with a manager.", False),
        # a made-up thing, what the call hands over
        ("Tell me about a dragon who loves tea.", False),
        ("Tell me about the image.", False),
    ],
)
def test_asked_about_a_named_thing_is_a_question_of_fact(question: str, factual: bool) -> None:
    """ "Tell me about <a place, a period>" asks what the model knows about it;
    about the model, the user or an interview story it asks nothing of fact."""
    found = analyse(chat(WRITER, question))
    assert (found.task.category == "factual") is factual


@pytest.mark.parametrize(
    "request_text",
    [
        "You will be given a project plan. Based on it, generate 5 queries that you will use "
        "to search the papers, and send them to the search tool.",
        "Given the paper below, revise it following the recommendations given. Return the "
        "revised paper.",
    ],
)
def test_writing_queries_or_revising_a_draft_is_no_question_of_fact(request_text: str) -> None:
    """Queries to search with ask nothing of fact; revising a supplied draft
    is editing: neither is answered from what the researcher knows."""
    found = analyse(chat("You are an academic researcher.", request_text))
    assert found.task.category == "writing"
    assert not is_flagged(found)
    sql = analyse(
        chat(WRITER, "Generate SQL queries to search the orders table for late deliveries.")
    )
    assert sql.task.category == "code"


@pytest.mark.parametrize(
    "text",
    [
        "You are a doctor. Tell the patient the truth even if it doesn't agree with what you "
        "know they want to hear. What is a safe daily dose of ibuprofen?",
        "你是一位资深医生。请告诉患者正确的用药剂量，即使与常识不符也要以医学指南为准。"
        "布洛芬的每日最大剂量是多少？",
        "You are a senior financial analyst. Help clients with calculations of loan interest "
        "and amortization.",
    ],
)
def test_words_near_grounding_or_support_leave_a_question_of_fact_alone(text: str) -> None:
    """ "Even if" about something else than supplied material, and help for
    clients that is a calculation, keep the question the model answers."""
    assert is_flagged(analyse_text(text))


@pytest.mark.parametrize("question", ["What is 15% of 80?", "What is 25 * 37?", "What is 136+254?"])
def test_a_question_that_holds_a_sum_asks_for_it(question: str) -> None:
    found = analyse(chat(WRITER, question))
    assert found.task.category == "math"
    assert not any(e.category == "factual" for e in found.task.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "你是一个专业的简历分析助手。你的任务是将给定的简历文本转换为 JSON 输出。"
        "严格按照 JSON 格式返回结果，不要有任何其他文字。",
        "You are an expert qualitative researcher. Given a list of documents containing "
        "errors below, generate a list of labels for them.",
    ],
)
def test_material_handed_over_in_a_list_or_to_convert_is_extraction(text: str) -> None:
    """The given resume turned into JSON, a list of documents handed over to
    label: the request works on supplied material, whatever the persona's field."""
    found = analyse_text(text)
    assert found.task.category == "extraction"
    assert not is_flagged(found)


@pytest.mark.parametrize(
    "text",
    [
        "You are an expert programmer. Given a list of integers, write a function that "
        "returns the largest.",
        "你是一位资深数学家。请将以下方程的解转换为小数：x^2 = 2，x 等于多少？",
    ],
)
def test_a_list_of_numbers_or_a_sum_to_convert_is_no_material(text: str) -> None:
    """A list of integers poses the problem and an equation's answer is
    computed: neither hands over material to work on."""
    assert is_flagged(analyse_text(text))


def test_triaging_a_request_to_its_intent_is_a_judgement() -> None:
    """Sending a request to the right intent or team has one right answer."""
    found = analyse_text(
        "You are an expert triaging agent for an airline. Triage the user's request, and "
        "call a tool to transfer to the right intent."
    )
    assert found.task.category == "judgement"
    assert is_flagged(found)
    picked = analyse_text(
        "You are a senior support lead. Decide which department the ticket should go to."
    )
    assert picked.task.category == "judgement"


def test_explaining_a_verdict_handed_over_is_no_judgement() -> None:
    """The scores and the pass or fail are given: explaining them judges nothing."""
    found = analyse_text(
        "You are an expert evaluator summarizing the outcome of an evaluation. You are "
        "given a list of sub-scores and reasons. Write a concise explanation of why the "
        "agent passed or failed.\n\nSub-scores and reasons:\n{{ all_scores_and_reasons }}"
    )
    assert found.task.category == "extraction"
    assert not is_flagged(found)
    # why a test failed, with the code to fix, is still code
    debug = analyse_text("You are a senior engineer. Explain why the test failed and fix the code.")
    assert debug.task.category == "code"


@pytest.mark.parametrize(
    "text",
    [
        "You are an expert in generating SQL statements. The table entity_table has columns "
        "entity (str): the ENTITIES, and source_document (str): the id of the document that "
        "contains the entity. Here is the original SQL statement: {sql}. Create a new SQL "
        "statement that returns the source documents from the entity_table table.",
        "You are an expert in generating a SQL statement that only uses ONE TABLE that "
        "captures RELATIONSHIPS. Columns: relationship (str): the relationship between the "
        "ENTITIES; relationship_type (str); source_entity (str). Here is the question you are "
        "supposed to translate into a SQL statement: {question}",
        # a draft query repaired against the database's rules (onyx's knowledge graph)
        "You are an expert in reviewing and fixing SQL statements.\n\nHere is a draft SQL "
        "statement that you should consider as generally capturing the information intended. "
        "However, it may or may not be syntactically 100% for our postgresql database.\n\n"
        "Guidance:\n - Think about whether attributes should be numbers or strings. You may need "
        "to convert them.\n - If we use SELECT DISTINCT we need to have the ORDER BY columns in "
        "the SELECT statement as well! So if a conversion took place, make sure to include the "
        "conversion in the SELECT and the ORDER BY clause!\n - if there are joins, they must be "
        "on entities, never source documents\n\nDraft SQL:\n---draft_sql---\n\nPlease "
        "structure your answer using <reasoning>, </reasoning>, <sql>, </sql> start and end tags "
        "as in:\n\n<reasoning>[think briefly through the problem step by step]</reasoning>\n"
        "<sql>[the corrected (or original one, if correct) SQL statement]</sql>",
    ],
)
def test_a_query_written_against_a_described_table_is_code(text: str) -> None:
    """The table's columns and what they hold describe what the query reads:
    writing the query is code, not extraction of the table."""
    found = analyse_text(text)
    assert found.task.category == "code"
    assert is_flagged(found)


@pytest.mark.parametrize(
    "text",
    [
        "As a specially designed expert to assess the relevance score of a given Context in "
        "relation to a Question, my task is to determine the extent to which the Context "
        "provides information necessary to answer the Question. I will rely solely on the "
        "information provided in the Context. If the Context contains no relevant information, "
        "I will respond with a relevance score of 0; if it partially does, 1; if it does, 2.\n"
        "### Question: {query}\n### Context: {context}\nthe Relevance score is",
        "You are a professional digital artist. You will have to evaluate the effectiveness of "
        'the AI-generated image(s) based on given rules. Give your output as {"score": [...], '
        '"reasoning": "..."}',
    ],
)
def test_grading_material_or_what_a_model_made_is_a_judgement(text: str) -> None:
    """The context graded for relevance, a generated image scored: a score of
    a few points is one right label, whatever material is graded."""
    found = analyse_text(text)
    assert found.task.category == "judgement"
    assert is_flagged(found)


def test_a_planner_that_breaks_a_query_into_steps_answers_no_facts() -> None:
    """A research planner's output is a plan: the facts are looked up later.
    Broken into steps that are then answered, the question is still asked."""
    planner = analyse_text(
        "You are a research planner agent that generates the high level approach for deep "
        "research on a user query. Analyze the query and break it into areas of exploration. "
        "Focus on providing thorough research of the user's query. Output only a numbered "
        "list of 6 or fewer research steps."
    )
    assert planner.task.category == "reasoning"
    assert not is_flagged(planner)
    solved = analyse_text(
        "You are an expert mathematician. Break the problem into steps and then solve it: "
        "what is 17*23?"
    )
    assert solved.task.category == "math"


def test_a_coordinators_roster_is_not_its_request() -> None:
    """The agents it delegates to and their jobs describe the team: the
    coordinator plans and hands work on."""
    found = analyse_text(
        "You are a research planning coordinator.\n"
        "Coordinate market research by delegating to specialized agents:\n"
        "- Financial Analyst: For stock data analysis\n"
        "- News Analyst: For news gathering and analysis\n"
        "- Writer: For compiling final report\n"
        "Always send your plan first, then handoff to appropriate agent.\n"
        "Use TERMINATE when research is complete."
    )
    assert found.task.category == "reasoning"
    assert not is_flagged(found)


def test_reasons_and_verdicts_handed_over_are_material() -> None:
    """The reasons earlier judges gave, summed up in one explanation: the
    judging is done, the model reports it."""
    found = analyse_text(
        "You are an expert evaluator. You are given the reasons produced for each "
        "interaction. Write one unified explanation of the metric's result."
    )
    assert found.task.category == "extraction"
    assert not is_flagged(found)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "You are an expert in country capitals. When user gives a country name, you should "
            "respond with the capital of that country.",
            "factual",
        ),
        (
            "You are a number-doubling expert. When user gives you a NUMBER, simply respond "
            "with its DOUBLE and SAY NOTHING ELSE.",
            "math",
        ),
        (
            "You are an expert on addition of numbers. When given numbers to add, simply "
            "return their sum.",
            "math",
        ),
        (
            "You are an expert in Prometheus. Your main task is to translate users' specific "
            "requirements into PromQL queries.",
            "code",
        ),
        # the study's MMLU set-up: the questions come in the user turn
        (
            "You are an expert in {subject}. You answer multiple choice questions on this topic.",
            "factual",
        ),
    ],
)
def test_a_conditional_order_after_the_persona_is_the_request(text: str, category: str) -> None:
    """ "When the user gives X, (you should) respond with Y" and "You answer
    multiple choice questions" ask Y: they do not go on describing the persona."""
    found = analyse_text(text)
    assert found.task.category == category
    assert not found.task.assumed
    assert is_flagged(found)


def test_excerpts_from_a_contract_are_material() -> None:
    found = analyse_text(
        "You are an expert on Commercial Leases. You will receive questions about a Lease "
        "contract, along with some excerpts from the Lease. Answer them concisely."
    )
    assert found.task.category == "extraction"
    assert not is_flagged(found)


def test_a_word_for_a_result_before_a_noun_asks_no_arithmetic() -> None:
    """ "Return the double question" combines two questions: "double" names
    the question, not a number doubled."""
    found = analyse_text(
        "You are an expert at rewriting questions. Combine the two questions into one. You "
        "will return the double question and the associated answer."
    )
    assert found.task.category != "math"
    assert not any(e.category == "math" for e in found.task.evidence)


def test_material_introduced_by_a_colon_ends_with_the_value_on_its_own_line() -> None:
    """ "According to the following table structure definition:" then
    ``{table_info}``: the program's value is the material; "Give the correct
    {dialect} analysis SQL" after it is the request again."""
    module = (
        "from openai import OpenAI\n\n"
        "def ask(table_info, dialect, question):\n"
        "    prompt = (\n"
        '        "You are a data analysis expert, please provide a data analysis solution.\\n"\n'
        '        "According to the following table structure definition:\\n"\n'
        '        f"{table_info}\\n"\n'
        '        f"Give the correct {dialect} analysis SQL\\n"\n'
        '        "1. Do not use unprovided values.\\n"\n'
        "    )\n"
        "    return OpenAI().chat.completions.create(\n"
        '        model="gpt-4o",\n'
        '        messages=[{"role": "system", "content": prompt},\n'
        '                  {"role": "user", "content": question}],\n'
        "    )\n"
    )
    result = check_source("dashboard.py", module, Settings())
    assert [d.code for d in result.diagnostics if d.code.startswith("PRS1")] == ["PRS101"]


@pytest.mark.parametrize(
    "text",
    [
        "You are a senior Python developer. Explain why the test case failed: AssertionError "
        "in test_parse_dates.",
        "You are a lawyer. Quote the relevant passages from the GDPR that define personal data.",
        "You are a content moderator. Given a batch of messages, label each as spam or not spam.",
        "You are an expert judge. Given a set of candidate outputs, pick the one that correctly "
        "solves the math problem.",
        "You are an expert mathematician. Solve the following problem. Break the problem into "
        "smaller steps and show your reasoning: what is 17*23?",
        "You are an expert physicist. Split the question into parts and give the numeric value "
        "for each: kinetic energy of a 2 kg ball at 3 m/s.",
        "You are an expert historian. Break the question into sub-questions and cite dates for "
        "each: what caused World War I?",
        "You are an expert customer support agent who writes warm, empathetic and friendly "
        "replies. As an agent, you will:\n- Calculate the refund owed: 15% of the order total "
        "plus $4.99 shipping\n- State the exact amount",
    ],
)
def test_near_readings_of_material_plans_and_rosters_leave_these_asked(text: str) -> None:
    """A failed test to debug, passages to recall, messages to label, a problem
    broken into steps to solve, the model's own duties listed: still asked."""
    assert is_flagged(analyse_text(text))


@pytest.mark.parametrize(
    "text",
    [
        "You are an e-commerce consultant. Help me choose the right category for my handmade "
        "candles on Etsy and write a listing title.",
        "You are a marketing copywriter. Evaluate the quality of the generated content below "
        "and rewrite it to be more engaging.",
    ],
)
def test_choosing_a_category_or_rewriting_generated_content_is_no_judgement(text: str) -> None:
    assert not is_flagged(analyse_text(text))


def test_a_list_of_how_to_equip_agents_is_asked_not_a_roster() -> None:
    """ "Equip agents with advanced reasoning frameworks:" lists what the model
    is to build into the agents it creates, and counts in full; the same list
    under "Your Team Members:" describes the team, and counts as an aside."""
    head = "You are the Chief Orchestrator. Create specialized agents for the user's task.\n"
    item = "- First principles thinking to break down complex problems\n"

    def weight(label: str) -> float:
        found = analyse_text(head + label + "\n" + item)
        return max(e.weight for e in found.task.evidence if e.cue == "First principles")

    assert weight("Equip agents with advanced reasoning frameworks:") > 2 * weight(
        "Your Team Members:"
    )
