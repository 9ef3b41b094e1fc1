"""Persona fixes keep what the prompt asks: the task and the stack the persona
sentence carries, the sentence around it, the document's structure and the
material the prompt quotes."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import texts_of
from test_fix_support import fix, persona_findings

from prism_lint.analysis.material import supplied_spans
from prism_lint.analysis.persona import find_personas
from prism_lint.analysis.sentences import split_sentences
from prism_lint.fix import layout
from prism_lint.fix.rewrite import imperative, plan_rewrite
from prism_lint.model import Edit


def rewrite(text: str, subject: str = "This task") -> str | None:
    """The text with its first persona rewritten, or None (identity only)."""
    p = find_personas(text)[0]
    rw = plan_rewrite(text, p.start, p.identity_end, p.end, subject)
    if rw is None:
        return None
    assert rw.safe, rw.notes
    out = text
    for e in sorted(rw.edits, key=lambda e: -e.start):
        out = out[: e.start] + e.content + out[e.end :]
    return out


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("categorizing", "categorize"),
        ("plans", "plan"),
        ("planning", "plan"),
        ("classifies", "classify"),
        ("fixes", "fix"),
        ("analyzing", "analyze"),
        ("writes", "write"),
        ("creating", "create"),
        ("loves", None),
        ("has", None),
        ("being", None),
    ],
)
def test_imperative_only_for_listed_verbs(word: str, base: str | None) -> None:
    assert imperative(word) == base


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "You are a content moderation expert tasked with categorizing user-generated text "
            "based on the following guidelines:",
            "Categorize user-generated text based on the following guidelines:",
        ),
        (
            "You are a planner that plans a sequence of API calls to assist with user queries.",
            "Plan a sequence of API calls to assist with user queries.",
        ),
        (
            "You are an expert financial analyst analyzing a transcript of Twilio's earnings call.",
            "Analyze a transcript of Twilio's earnings call.",
        ),
        (
            "You are an AI specialized in extracting insights from text.",
            "This task concerns extracting insights from text.",
        ),
        (
            "You are an expert QA engineer with deep knowledge of Cypress and TypeScript, tasked "
            "with tracking and documenting defects.",
            "This task concerns Cypress and TypeScript. Track and document defects.",
        ),
        (
            "You are an expert AI programming assistant that primarily focuses on producing "
            "clear, readable React code.",
            "This task focuses on producing clear, readable React code.",
        ),
        (
            "Your expertise spans Bayesian methods and causal inference.",
            "This task concerns Bayesian methods and causal inference.",
        ),
    ],
)
def test_task_and_field_are_kept_as_plain_statements(text: str, expected: str) -> None:
    assert rewrite(text) == expected


def test_project_files_state_their_stack() -> None:
    text = (
        "You are an expert in TypeScript, Node.js, Next.js App Router, React, Shadcn UI, "
        "Radix UI and Tailwind."
    )
    assert rewrite(text, "This project") == (
        "This project uses TypeScript, Node.js, Next.js App Router, React, Shadcn UI, "
        "Radix UI and Tailwind."
    )
    assert rewrite("You are an expert in building RTL applications.", "This project") == (
        "This project involves building RTL applications."
    )


@pytest.mark.parametrize(
    "text",
    [
        "You are a senior Python developer.",
        "You are a senior Python developer with 15 years of experience.",
        "You are a legal analyst known for highly accurate summaries.",
    ],
)
def test_identity_and_credentials_need_no_rewrite(text: str) -> None:
    assert rewrite(text) is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("You are an experienced software engineer who loves clean code.", '"loves"'),
        ("You are a Venture Capital Tech Analyst with access to tech articles.", "with access"),
    ],
)
def test_an_unknown_tail_makes_the_fix_unsafe_and_says_why(text: str, why: str) -> None:
    p = find_personas(text)[0]
    rw = plan_rewrite(text, p.start, p.identity_end, p.end, "This task")
    assert rw is not None and not rw.safe and not rw.edits
    assert why in rw.notes[0]
    found = persona_findings("prompts/system.md", text + " Write a function that sorts a list.")
    assert found[0].fix is not None and found[0].fix.applicability == "unsafe"
    assert why in found[0].fix.message


def test_rewrite_in_a_python_string_keeps_its_quoting() -> None:
    text = (
        "PROMPT = \"You are an expert financial analyst analyzing a transcript of Twilio's "
        'earnings call. Compute the revenue growth in Python."\n'
    )
    new, _, remaining = fix("app/prompts.py", text, unsafe=False)
    assert new == (
        "PROMPT = \"Analyze a transcript of Twilio's earnings call. "
        'Compute the revenue growth in Python."\n'
    )
    assert not remaining


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "You are acting as a senior code reviewer. Review the Python code for bugs.",
            "Review the Python code for bugs.",
        ),
        (
            "Are you ready to act as a senior code reviewer? Review the Python code for bugs.",
            "Review the Python code for bugs.",
        ),
        (
            "You are a senior .NET developer. Write a C# function that sorts a list.",
            "Write a C# function that sorts a list.",
        ),
        (
            "As a senior Python engineer with 15 years of experience, write a function that "
            "parses dates.",
            "Write a function that parses dates.",
        ),
    ],
)
def test_no_cue_or_fragment_is_left_behind(text: str, expected: str) -> None:
    new, _, remaining = fix("prompts/system.md", text + "\n", unsafe=False)
    assert new == expected + "\n"
    assert not remaining


def test_a_lead_phrase_goes_with_a_clause_that_carries_the_task() -> None:
    text = (
        "Write TypeScript for Cloudflare Workers. In the terminal, you are also an expert at "
        "suggesting wrangler commands.\n"
    )
    found = persona_findings(".cursorrules", text)
    assert found and found[0].fix is not None and found[0].fix.applicability == "unsafe"
    new, _, _ = fix(".cursorrules", text)
    assert "In the terminal." not in new


@pytest.mark.parametrize(
    ("text", "identity"),
    [
        ("You are also an expert in Python and Django.", "You are also an expert"),
        (
            "You're not just a Salesforce platform expert: you write Apex.",
            "You're not just a Salesforce platform expert",
        ),
        ("You are an expert Terraform wrangler.", "You are an expert Terraform wrangler"),
        ("You are a senior .NET Core developer.", "You are a senior .NET Core developer"),
        (
            "You are an expert TypeScript developer building apps with Hedera.",
            "You are an expert TypeScript developer",
        ),
    ],
)
def test_recognition_covers_the_whole_identity(text: str, identity: str) -> None:
    p = find_personas(text)[0]
    assert p.kind == "expert"
    assert text[p.start : p.identity_end] == identity


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("He moved to the U.S. in 1990. Then left.", 2),
        ("Use Node.js and .NET 8. Write code.", 2),
        ("See e.g. the docs. Go on.", 2),
        ("Call `os.path. join` here. Next.", 2),
        ("He has a Ph.D. in math. Yes.", 2),
    ],
)
def test_sentences_know_dotted_names_and_abbreviations(text: str, sentences: int) -> None:
    assert len(split_sentences(text)) == sentences


def test_personas_in_supplied_material_are_not_the_models() -> None:
    text = (
        "Summarize the transcript below.\n\n# TRANSCRIPT\n\n"
        "Host: You are an engineer, as the human programmer.\n\n"
        "<example>\nYou are an expert Python developer.\n</example>\n"
        "```\nAct as a senior reviewer.\n```\n\n# OUTPUT\n\nThree bullets.\n"
    )
    assert supplied_spans(text)
    assert find_personas(text) == []


def test_a_labelled_example_is_material_up_to_its_paragraphs_end() -> None:
    """A line that labels an example and says nothing more ("Good example:",
    "examples:") hands over the paragraph under it: a persona there is a
    sample for the model to imitate or read, not its own. What follows the
    blank line is the prompt again."""
    text = (
        "Write a system prompt for the agent described by the user.\n\n"
        "\u2705 Good example:\n"
        '> "You are a professional legal analyst. Evaluate contracts for risks."\n\n'
        "examples:\ntask: should I invest in apple stocks?\n"
        '{"agent_role_prompt": "You are a seasoned finance analyst AI assistant."}\n\n'
        "You are an expert prompt engineer. Keep it under 15 sentences.\n"
    )
    found = [text[p.start : p.end] for p in find_personas(text)]
    assert found == ["You are an expert prompt engineer."]
    # a label that goes on to say more is no example block
    said = "Example: you are a senior Python engineer, so write the function.\n"
    assert find_personas(said)


@pytest.mark.parametrize(
    "label", ["Example output:", "Sample response:", "JSON example:", "**Example 2 output:**"]
)
def test_a_label_that_names_what_the_example_shows_hands_over_its_paragraph(label: str) -> None:
    text = (
        "Plan two diagrams for the report. Return JSON.\n\n"
        f"{label}\n"
        '[{"prompt": "You are an expert software architect drawing a microservice API."}]\n\n'
        "Return the JSON array.\n"
    )
    assert find_personas(text) == []


# An example laid out in parts whose headings are of a higher level than the
# example's own: each part's heading would end the example at once.
_PARTED_EXAMPLES = (
    "You are a helpful agent tasked with rating how important a text is.\n\n"
    "### Example 1\n\n# Persona\n\nYou are an expert in network analysis.\n\n"
    "# Data\n\nAn email about a party.\n\n# Rating\n\n3\n\n"
    "### Example 2\n\n# Persona\n\nYou are a literary scholar.\n\n"
    "# Data\n\nA chapter of a novel.\n\n# Rating\n\n8\n\n"
    "-Real Data-\n\n# Persona\n\n{persona}\n\n# Data\n\n{input_text}\n\n# Rating\n"
)


def test_an_example_in_parts_headed_above_it_runs_to_the_next_example() -> None:
    found = [(p.kind, p.text) for p in find_personas(_PARTED_EXAMPLES)]
    assert found == [("role", _PARTED_EXAMPLES.split("\n")[0])]
    spans = [_PARTED_EXAMPLES[a:b] for a, b in supplied_spans(_PARTED_EXAMPLES)]
    # the last example ends where its first part's heading comes again: the
    # real input laid out the same way is the prompt's own
    assert "literary scholar" in spans[-1]
    assert "{persona}" not in spans[-1]
    # an empty example section followed by the prompt's own headings hands
    # nothing over, whatever headings of its level come later
    for empty in (
        "## Example\n\n# Task\n\nYou are an expert Python developer. Write a sort.\n",
        "## Examples\n\n# Task\n\nYou are an expert tax accountant. Compute the tax.\n\n"
        "## Output format\n\nReturn JSON.\n",
        "### Example\n# Task\nYou are an expert tax accountant. Compute it.\n# Notes\n"
        "### Example\nfoo\n",
    ):
        assert find_personas(empty), empty


def test_a_fenced_prompt_is_not_material() -> None:
    text = "```\nYou are an expert Python developer. Write a function that sorts a list.\n```\n"
    assert supplied_spans(text) == ()
    assert find_personas(text)


def test_each_persona_of_a_passage_is_reported_before_fixing() -> None:
    text = (
        "You are a senior engineer. You're proficient in creating Git patches. "
        "Write a patch that fixes the bug in the Python parser.\n"
    )
    first = {" ".join(text[d.start : d.end].split()) for d in persona_findings("p/system.md", text)}
    new, _, remaining = fix("p/system.md", text)
    assert not remaining
    after = persona_findings("p/system.md", new)
    assert {" ".join(new[d.start : d.end].split()) for d in after} <= first


STUDY_MATH = (
    "You are a rigorous mathematician who prioritizes correctness and precision. You have deep "
    "expertise across algebra, calculus, number theory, probability, and statistics. You give "
    "the exact answer with only the essential steps. You double-check every calculation and "
    "watch for sign errors and off-by-one mistakes. You never guess when an exact answer can be "
    "found. Accuracy is your highest value."
)


def test_a_persona_passage_is_measured_whole() -> None:
    p = find_personas(STUDY_MATH)[0]
    assert p.words == len(STUDY_MATH.split())
    found = persona_findings(
        "prompts/system.md", STUDY_MATH + "\n\nFind the value of f(2) for f(x) = 4x^3 - 9x - 14.\n"
    )
    assert [d.code for d in found].count("PRS201") == 1


def test_layout_takes_a_line_left_with_nothing_but_indentation() -> None:
    doc = "backstory: >\n    You are an expert.\n    Write code.\n"
    a = doc.index("You")
    edits = layout.whole_lines(doc, [Edit(a, a + len("You are an expert."), "")])
    new = doc[: edits[0].start] + doc[edits[0].end :]
    assert new == "backstory: >\n    Write code.\n"
    assert layout.blank_filled_lines(new) == 0
    assert layout.empty_block_scalars("a: >\n\nb: 1\n") == 1
    assert layout.empty_block_scalars(doc) == 0


def test_a_value_that_is_only_the_persona_gets_no_fix() -> None:
    text = (
        "coder:\n  role: Python Developer\n  goal: >\n    Write a function that parses dates.\n"
        "  backstory: >\n    You are a senior Python developer with 15 years of experience.\n"
    )
    for d in persona_findings("config/agents.yaml", text):
        if "15 years" in text[d.start : d.end]:
            assert d.fix is None


def test_a_yaml_key_above_the_persona_keeps_its_colon() -> None:
    text = (
        "---\ndescription: Java\n---\nai_persona:\n  role: Senior Java Developer\n"
        "  philosophy: Clean code.\n\nWrite unit tests and fix failing tests.\n"
    )
    new, _, _ = fix(".cursor/rules/java.mdc", text)
    assert "ai_persona:\n  philosophy: Clean code.\n" in new


_ROLES = st.sampled_from(["expert", "senior engineer", "planner", "analyst", "Terraform wrangler"])
_TAILS = st.sampled_from(
    [
        "",
        " tasked with categorizing {w}",
        " that plans {w}",
        " analyzing {w}",
        " in {W}, {W} and {W}",
        " with deep knowledge of {W}",
        " who loves {w}",
        " with 10 years of experience",
        " specializing in building {w}",
        ", tasked with fixing {w}",
    ]
)
_WORDS = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ROLES, _TAILS, _WORDS, _WORDS)
def test_rewrite_fixes_converge_and_never_lose_the_request(
    role: str, tail: str, w: str, request: str
) -> None:
    sentence = "You are a " + role + tail.format(w=w + " " + w, W=w.capitalize()) + "."
    text = sentence + " Write a Python function that sorts " + request + ".\n"
    once, _, _ = fix("prompts/system.md", text)
    twice, _, _ = fix("prompts/system.md", once)
    assert once == twice
    assert "Write a Python function that sorts " + request + "." in once
    safe, _, _ = fix("prompts/system.md", text, unsafe=False)
    # a safe fix keeps every word outside the persona's identity
    if tail and safe != text and "loves" not in tail and "years" not in tail:
        assert w in safe.lower()


def test_an_argument_that_is_only_the_persona_is_not_emptied() -> None:
    text = (
        "from crewai import Agent\n\n"
        "coder = Agent(\n"
        '    role="Python Developer",\n'
        '    goal="Write a function that parses dates and fix failing unit tests.",\n'
        '    backstory="You are an expert researcher with deep analytical skills.",\n'
        ")\n"
    )
    for d in persona_findings("agents.py", text):
        if "analytical" in text[d.start : d.end]:
            assert d.fix is None
    new, _, _ = fix("agents.py", text)
    assert 'backstory=""' not in new


def test_coordinated_verbs_all_become_instructions() -> None:
    assert rewrite(
        "You are a research analyst who searches the web for information, identifies key "
        "findings, and produces structured research summaries."
    ) == (
        "Search the web for information, identify key findings, and produce structured "
        "research summaries."
    )


def test_bulleted_identity_statements_are_one_passage() -> None:
    text = (
        "You are a senior data engineer.\n"
        "- You have twelve years of experience building batch and streaming pipelines.\n"
        "- You know Spark, Kafka, Flink, Airflow and dbt inside out, and you use them daily.\n"
        "- You care about idempotent jobs, schema evolution and data quality checks.\n"
        "- You review every query plan before a job ships to production.\n\n"
        "Write a PySpark job that deduplicates the events table by event_id.\n"
    )
    p = find_personas(text)[0]
    assert text[p.start : p.measured_end].endswith("before a job ships to production.")
    found = persona_findings("prompts/system.md", text)
    assert [d.code for d in found].count("PRS201") == 1


_PIECES = st.sampled_from(
    [
        *"abc XYZ.,:;!?\n#`<>/-*'\"",
        "You are an expert ",
        "e.g. ",
        "<example>",
        "</example>",
        "```",
        "# EXAMPLE\n",
        " tasked with ",
        " in Go",
        " that plans ",
        " with 5 years",
    ]
)
_TEXT = st.lists(_PIECES, max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_material_and_rewrite_stay_inside_their_text(text: str) -> None:
    for a, b in supplied_spans(text):
        assert 0 <= a <= b <= len(text)
    for s in split_sentences(text):
        assert 0 <= s.start < s.end <= len(text)
    for p in find_personas(text):
        assert p.start <= p.identity_end <= p.end
        if p.start < p.identity_end < p.end:
            rw = plan_rewrite(text, p.start, p.identity_end, p.end, "This task")
            for e in rw.edits if rw else []:
                assert p.start <= e.start <= e.end <= p.end


def test_a_rewrite_under_a_persona_heading_converges() -> None:
    text = (
        "# Persona\n\nYou are an expert QA engineer with deep knowledge of Playwright and "
        "TypeScript, tasked with creating API tests for web applications.\n\n"
        "# Rules\n\n- Write one test file per endpoint and fix flaky tests.\n"
    )
    safe, _, _ = fix(".cursor/rules/playwright.mdc", text, unsafe=False)
    both, _, _ = fix(".cursor/rules/playwright.mdc", text)
    assert safe == both
    assert (
        "This project uses Playwright and TypeScript. Create API tests for web applications."
        in both
    )
    assert not persona_findings(".cursor/rules/playwright.mdc", both)


def test_a_claim_after_an_as_clause_is_the_same_persona() -> None:
    text = (
        "As a talented data scientist, you excel at data analysis and visualization. "
        "Write a Python function that computes a rolling mean.\n"
    )
    new, _, remaining = fix("prompts/system.md", text, unsafe=False)
    assert new == (
        "This task concerns data analysis and visualization. "
        "Write a Python function that computes a rolling mean.\n"
    )
    assert not remaining


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "You are a data analyst and your job is to analyze the data according to the "
            "user request.",
            "Analyze the data according to the user request.",
        ),
        (
            "You are a senior engineer and you will review the diff for bugs.",
            "Review the diff for bugs.",
        ),
    ],
)
def test_a_task_joined_to_the_persona_becomes_the_instruction(text: str, expected: str) -> None:
    assert rewrite(text) == expected


# What the rewrite read a persona's tail with before: a pattern for the
# closing marks, and a part split that tried a relative clause from every
# blank.
_END_REFERENCE = re.compile(r"[\s.:;!?…*_\"'”’)]*\Z")
_TAIL = texts_of(
    [*" \t\n\u3000.:;!?…*_\"'”’),", "who", "that", "writes", " with", "ing", "a"], max_size=30
)


@given(_TAIL)
def test_a_tail_s_closing_run_and_parts_are_what_the_patterns_found(text: str) -> None:
    from prism_lint.fix.rewrite import _PART, _closing_run

    closing = _END_REFERENCE.search(text)
    assert closing is not None
    assert _closing_run(text, 0, len(text)) == closing.start()
    new = _PART.compiled
    # the same pattern, its relative clause tried from every blank as before
    reference = re.compile(new.pattern.replace(r"|(?<!\s)\s+", r"|\s+", 1), new.flags)
    assert reference.pattern != new.pattern
    assert [m.span() for m in new.finditer(text)] == [m.span() for m in reference.finditer(text)]


@pytest.mark.parametrize(
    ("text", "head", "fixed"),
    [
        (
            "You are an experienced\nPython developer. Write a parser.\n",
            "experienced Python developer",
            "Write a parser.\n",
        ),
        (
            "You are a world-class\nfull stack developer. Fix the bug.\n",
            "world-class full stack developer",
            "Fix the bug.\n",
        ),
        (
            "Act as a senior\nData Scientist and compute the median.\n",
            "senior Data Scientist",
            "Compute the median.\n",
        ),
    ],
)
def test_a_persona_hard_wrapped_before_its_noun_is_read_and_removed_whole(
    text: str, head: str, fixed: str
) -> None:
    (persona,) = find_personas(text)
    assert persona.head == head
    assert persona.text == text[: persona.end] and "\n" in persona.text
    # the request alone is left, whole: no "Python developer." behind it
    assert fix("prompts/system.md", text)[0] == fixed


@pytest.mark.parametrize(
    "text",
    [
        "You are an expert\nTask: write a parser.\n",  # a label on the next line
        "You are an expert\n- Write a parser.\n",  # a bullet
        "You are a seasoned\n\nPython developer notes.\n",  # a blank line
        # a speaker's line: "Patient: ..." is no rest of the phrase
        "You are knowledgeable and precise\nPatient: what dose for a child?\nGive it in mg.\n",
        "You are an experienced\nPatient asks: what now?\n",
    ],
)
def test_a_line_break_before_a_label_bullet_or_paragraph_ends_the_persona(text: str) -> None:
    (persona,) = find_personas(text)
    assert "\n" not in persona.text


@pytest.mark.parametrize(
    ("text", "kind", "head"),
    [
        # a task verb used as a noun before the occupation ("research", "code")
        (
            "You are an expert research article reviewer. Accept the draft or ask for revision.",
            "expert",
            "expert research article reviewer",
        ),
        (
            "You are an expert code reviewer specializing in Python.",
            "expert",
            "expert code reviewer",
        ),
        # qualities listed with commas before the noun
        (
            "You are a smart, creative and meticulous researcher.",
            "expert",
            "smart, creative and meticulous researcher",
        ),
        ("You are a friendly, experienced tutor.", "expert", "friendly, experienced tutor"),
        (
            "You are a helpful, harmless and honest assistant.",
            "role",
            "helpful, harmless and honest assistant",
        ),
        # job titles and skilled identities
        ("You are a product owner. Write the user stories.", "expert", "product owner"),
        ("You are an AI critical thinker research assistant.", "expert", "AI critical thinker"),
    ],
)
def test_a_persona_phrase_reads_on_to_its_noun(text: str, kind: str, head: str) -> None:
    persona = find_personas(text)[0]
    assert (persona.kind, persona.head) == (kind, head)


@pytest.mark.parametrize(
    ("text", "head"),
    [
        ("You are software engineer. Fix the bug.", "software engineer"),
        ("You are data analytics expert. Summarise the table.", "data analytics expert"),
        ("You are technical writer. Write the docs.", "technical writer"),
    ],
)
def test_an_occupation_with_no_article_is_a_persona(text: str, head: str) -> None:
    (persona,) = find_personas(text)
    assert (persona.kind, persona.head) == ("expert", head)


@pytest.mark.parametrize(
    "text",
    [
        "You are going to help me plan a trip.",
        "You are working on a project for a developer.",
        "You are given a developer log.",
        "You are sure the analyst is right.",
    ],
)
def test_a_bare_you_are_before_other_words_is_no_persona(text: str) -> None:
    assert find_personas(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "You are an expert, write the code.",  # the comma starts the task
        "You are a nutritionist and create a recipe for the user.",  # a verb, no noun after it
    ],
)
def test_a_comma_or_verb_with_no_noun_after_it_still_ends_the_phrase(text: str) -> None:
    persona = find_personas(text)[0]
    assert persona.head in ("expert", "nutritionist")


def test_a_persona_glued_to_the_request_is_removed_without_it() -> None:
    """No space after the persona's full stop: the request that follows is
    still the prompt's, and the fix keeps it."""
    text = "You are a world class frontend software developer.Write unit tests for each function.\n"
    fixed, _n, _left = fix("prompts/system.md", text, unsafe=False)
    assert fixed == "Write unit tests for each function.\n"
