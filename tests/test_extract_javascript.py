"""The JavaScript/TypeScript extractor: call shapes, string shapes, positions, comments, errors."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prism_lint.extract import ExtractError, Extraction, ExtractOptions, kind_of
from prism_lint.extract.javascript.extractor import extract, is_minified
from prism_lint.model import HOLE, Document, PromptUnit

_ESCAPE_SOURCE = re.compile(
    r"\\(?:\r\n|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|u\{[0-9A-Fa-f]+\}|[0-7]{1,3}|[\s\S])|\r\n?"
    r"|\{\{|\}\}"  # a template's escaped brace
)


def run(source: str, path: str = "app.ts", **options: object) -> Extraction:
    return extract(Document(path, source), ExtractOptions(**options))  # type: ignore[arg-type]


def units(source: str, path: str = "app.ts", **options: object) -> list[PromptUnit]:
    out = run(source, path, **options)
    for unit in out.units:
        check_map(unit)
    return out.units


def by_text(found: list[PromptUnit], start: str) -> PromptUnit:
    matches = [u for u in found if u.text.startswith(start)]
    assert len(matches) == 1, [u.text for u in found]
    return matches[0]


def check_map(unit: PromptUnit) -> None:
    """Every character of the prompt is accounted for and maps back exactly."""
    doc = unit.doc.text
    covered = [False] * len(unit.text)
    for p in unit.pieces:
        assert 0 <= p.text_start < p.text_end <= len(unit.text)
        assert 0 <= p.doc_start <= p.doc_end <= len(doc)
        if p.exact:
            assert doc[p.doc_start : p.doc_end] == unit.text[p.text_start : p.text_end]
        else:
            # an escape sequence (or a run of surrogate escapes) stands for the text
            assert _ESCAPE_SOURCE.match(doc, p.doc_start), doc[p.doc_start : p.doc_end]
        for i in range(p.text_start, p.text_end):
            assert not covered[i]
            covered[i] = True
    for h in unit.holes:
        assert unit.text[h.text_offset] == HOLE
        assert doc[h.doc_start : h.doc_end] == h.source
        assert not covered[h.text_offset]
        covered[h.text_offset] = True
    # what no piece or hole covers is a separator the code adds (join, blocks)
    for i, flag in enumerate(covered):
        if not flag:
            assert unit.text[i] in "\n ,;|-", (unit.text, i)


# --------------------------------------------------------------------------
# Call shapes
# --------------------------------------------------------------------------

OPENAI_CHAT = """\
import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";

const client = new OpenAI();
const SYSTEM_PROMPT = "You are an expert TypeScript developer. Write the function.";

export async function review(code: string) {
  const completion = await client.chat.completions.create({
    model: "gpt-4o",
    messages: [
      { role: "system", content: SYSTEM_PROMPT },
      { role: "developer", content: 'Answer in "JSON".' },
      { role: "user", content: `Review:\\n${code}` },
      { role: "assistant", content: "Sure." },
    ],
    response_format: zodResponseFormat(Review, "review"),
    tools: [{ type: "function", function: { name: "run_tests", parameters: {} } }],
  });
  return completion;
}
"""


def test_openai_chat_messages_roles_and_context() -> None:
    found = units(OPENAI_CHAT)
    assert [u.role for u in found] == ["system", "developer", "user", "assistant"]
    system = by_text(found, "You are an expert")
    assert system.text == "You are an expert TypeScript developer. Write the function."
    assert system.tier == "call"
    ctx = system.context
    assert ctx.library == "openai"
    assert ctx.call == "client.chat.completions.create"
    assert ctx.argument == "messages[0].content"
    assert ctx.model == "gpt-4o"
    assert ctx.names[:3] == ["SYSTEM_PROMPT", "completion", "review"]
    assert ctx.response_format == 'zodResponseFormat(Review, "review")'
    assert ctx.tools == ["run_tests"]
    assert [(s.role, s.text) for s in ctx.siblings] == [
        ("developer", 'Answer in "JSON".'),
        ("user", f"Review:\n{HOLE}"),
        ("assistant", "Sure."),
    ]
    # the constant's own statement gives the rows, for suppressions above it
    assert (system.first_row, system.last_row) == (5, 5)
    user = by_text(found, "Review:")
    assert user.holes[0].source == "${code}"
    assert (user.first_row, user.last_row) == (8, 18)
    assert user.template_syntax == "template"


def test_openai_responses_and_assistants() -> None:
    source = """\
import OpenAI from "openai";
const openai = new OpenAI();
await openai.responses.create({
  model: process.env.MODEL ?? "o3-mini",
  instructions: "You are a senior data engineer. Write SQL.",
  input: [{ role: "user", content: [{ type: "input_text", text: "Top customers?" }] }],
  text: { format: { type: "json_schema", name: "q", schema: {} } },
});
await openai.beta.assistants.create({ name: "Tutor", instructions: "You are a math tutor." });
await openai.beta.threads.runs.create(thread.id, {
  assistant_id: id,
  additional_instructions: "Act as a senior lawyer. Cite the statute.",
});
await openai.beta.threads.messages.create(thread.id, { role: "user", content: "Solve 2x=4." });
"""
    found = units(source)
    instr = by_text(found, "You are a senior data engineer")
    assert instr.role == "system"
    assert instr.context.argument == "instructions"
    assert instr.context.model == "o3-mini"
    assert instr.context.response_format == "json"
    assert [(s.role, s.text) for s in instr.context.siblings] == [("user", "Top customers?")]
    user = by_text(found, "Top customers?")
    assert user.role == "user" and user.context.argument == "input[0].content"
    assert by_text(found, "You are a math tutor.").context.call == "openai.beta.assistants.create"
    run_unit = by_text(found, "Act as a senior lawyer")
    assert run_unit.role == "system" and run_unit.context.argument == "additional_instructions"
    msg = by_text(found, "Solve 2x=4.")
    assert msg.role == "user" and msg.context.library == "openai"


def test_anthropic_system_string_blocks_and_model_constant() -> None:
    source = """\
import Anthropic from "@anthropic-ai/sdk";
const anthropic = new Anthropic();
const MODEL = "claude-sonnet-4-5";
await anthropic.messages.create({
  model: MODEL,
  max_tokens: 1024,
  system: [
    { type: "text", text: "You are an expert Go developer." },
    { type: "text", text: "Review the diff.", cache_control: { type: "ephemeral" } },
  ],
  messages: [{ role: "user", content: diff }],
});
await anthropic.messages.create({ model: MODEL, system: "Act as a historian.", messages });
"""
    found = units(source)
    blocks = by_text(found, "You are an expert Go")
    assert blocks.text == "You are an expert Go developer.\nReview the diff."
    assert blocks.role == "system"
    assert blocks.context.library == "anthropic"
    assert blocks.context.model == "claude-sonnet-4-5"
    assert blocks.context.argument == "system"
    assert by_text(found, "Act as a historian.").role == "system"


def test_vercel_ai_sdk_calls_agents_and_runs() -> None:
    source = """\
import { openai } from "@ai-sdk/openai";
import { generateObject, generateText, streamText, tool, ToolLoopAgent } from "ai";
import { z } from "zod";

const { text } = await generateText({
  model: openai("o3-mini"),
  system: "You are a senior engineer.",
  prompt: "Fix the bug in the parser.",
});
const result = streamText({
  model: openai.chat("gpt-4o"),
  messages: [{ role: "system", content: "You are a poet." }, { role: "user", content: q }],
});
const { object } = await generateObject({
  model: openai("gpt-4o-mini"),
  schema: RecipeSchema,
  prompt: "Generate a lasagna recipe.",
});
const agent = new ToolLoopAgent({
  model: openai("gpt-4.1"),
  instructions: "You are an expert debugger.",
  tools: { readLogs: tool({ description: "logs" }), search },
});
await agent.generate({ prompt: "Why does checkout fail?" });
"""
    found = units(source)
    system = by_text(found, "You are a senior engineer.")
    assert system.context.library == "vercel-ai"
    assert system.context.call == "generateText"
    assert system.context.model == "o3-mini"
    assert [(s.role, s.text) for s in system.context.siblings] == [
        ("user", "Fix the bug in the parser.")
    ]
    assert by_text(found, "Fix the bug").role == "user"
    poet = by_text(found, "You are a poet.")
    assert poet.context.model == "gpt-4o" and poet.role == "system"
    recipe = by_text(found, "Generate a lasagna")
    assert recipe.context.response_format == "RecipeSchema"
    debugger = by_text(found, "You are an expert debugger.")
    assert debugger.context.tools == ["readLogs", "search"]
    assert debugger.context.names[0] == "agent"
    # the agent's instructions see the run's input, and the other way round
    assert ("user", "Why does checkout fail?") in [
        (s.role, s.text) for s in debugger.context.siblings
    ]
    run_input = by_text(found, "Why does checkout fail?")
    assert run_input.context.model == "gpt-4.1"
    assert ("system", "You are an expert debugger.") in [
        (s.role, s.text) for s in run_input.context.siblings
    ]


def test_langchain_templates_and_messages() -> None:
    source = """\
import { ChatPromptTemplate, MessagesPlaceholder, PromptTemplate,
  SystemMessagePromptTemplate } from "@langchain/core/prompts";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";

const prompt = ChatPromptTemplate.fromMessages([
  ["system", "You are an expert {language} developer. Use {{braces}}."],
  new MessagesPlaceholder("history"),
  ["human", "{input}"],
  ["ai", "Here is the code."],
]);
const sys = SystemMessagePromptTemplate.fromTemplate("You are a senior SQL developer.");
const tpl = PromptTemplate.fromTemplate("Act as a Linux terminal. {command}");
const model = new ChatOpenAI({ model: "gpt-4o-mini" });
const reply = await model.invoke([
  new SystemMessage("You are a translator."),
  new HumanMessage({ content: "Bonjour" }),
]);
"""
    found = units(source)
    system = by_text(found, "You are an expert")
    assert system.text == f"You are an expert {HOLE} developer. Use {{braces}}."
    assert system.template_syntax == "format"
    assert system.holes[0].source == "{language}"
    assert system.context.library == "langchain"
    assert system.context.call == "ChatPromptTemplate.fromMessages"
    assert system.context.argument == "messages[0]"
    assert [(s.role, s.text) for s in system.context.siblings] == [
        ("user", HOLE),
        ("assistant", "Here is the code."),
    ]
    assert by_text(found, "Here is the code.").role == "assistant"
    assert by_text(found, "You are a senior SQL").role == "system"
    terminal = by_text(found, "Act as a Linux terminal.")
    assert terminal.role == "unknown" and terminal.context.argument == "template"
    translator = by_text(found, "You are a translator.")
    assert translator.role == "system"
    assert translator.context.call == "model.invoke"
    assert translator.context.model == "gpt-4o-mini"
    assert by_text(found, "Bonjour").role == "user"


def test_langchain_template_format_option() -> None:
    source = """\
const a = PromptTemplate.fromTemplate("You are a {{role}} expert. Explain {topic}.",
  { templateFormat: "mustache" });
const b = new PromptTemplate({ template: "You are a {role} expert.", inputVariables: ["role"] });
"""
    found = units(source, "a.js")
    mustache = by_text(found, f"You are a {HOLE} expert. Explain")
    assert mustache.text == f"You are a {HOLE} expert. Explain {{topic}}."
    assert mustache.template_syntax == "mustache"
    (fstring,) = [u for u in found if u.text == f"You are a {HOLE} expert."]
    assert fstring.template_syntax == "format" and fstring.context.argument == "template"


def test_mastra_and_openai_agents_by_import() -> None:
    mastra = """\
import { Agent } from "@mastra/core/agent";
import { openai } from "@ai-sdk/openai";
export const coder = new Agent({
  name: "Coder",
  instructions: "You are an expert Rust developer.",
  model: openai("gpt-4o"),
  tools: { cargoCheck },
});
export const helper = new Agent({
  name: "Helper",
  instructions: ({ runtimeContext }) => `You are a tutor for ${runtimeContext.get("topic")}.`,
  model: openai("gpt-4o"),
});
"""
    found = units(mastra)
    coder = by_text(found, "You are an expert Rust")
    assert coder.context.library == "mastra"
    assert coder.context.names[:2] == ["Coder", "coder"]
    assert coder.context.model == "gpt-4o"
    assert coder.context.tools == ["cargoCheck"]
    helper = by_text(found, "You are a tutor")
    assert helper.holes[0].source.startswith("${runtimeContext")
    agents = """\
import { Agent, run } from "@openai/agents";
const agent = new Agent({ name: "Math", instructions: "You are a math professor." });
const result = await run(agent, "What is 17 * 23?");
"""
    found = units(agents)
    prof = by_text(found, "You are a math professor.")
    assert prof.context.library == "openai-agents"
    assert ("user", "What is 17 * 23?") in [(s.role, s.text) for s in prof.context.siblings]


def test_mistral_legacy_openai_and_gemini() -> None:
    source = """\
const { Mistral } = require("@mistralai/mistralai");
const { OpenAIApi } = require("openai");
import { GoogleGenAI } from "@google/genai";
const mistral = new Mistral({ apiKey });
await mistral.chat.complete({ model: "mistral-large-latest",
  messages: [{ role: "system", content: "You are a mathematician." }] });
await new OpenAIApi(cfg).createChatCompletion({ model: "gpt-3.5-turbo",
  messages: [{ role: "system", content: "You are a geographer." }] });
const ai = new GoogleGenAI({});
await ai.models.generateContent({
  model: "gemini-2.5-flash",
  contents: "Grade this answer.",
  config: { systemInstruction: "You are an exam grader.", responseMimeType: "application/json" },
});
"""
    found = units(source, "app.js")
    math = by_text(found, "You are a mathematician.")
    assert math.context.library == "mistral" and math.context.model == "mistral-large-latest"
    geo = by_text(found, "You are a geographer.")
    assert geo.context.library == "openai" and geo.context.model == "gpt-3.5-turbo"
    grader = by_text(found, "You are an exam grader.")
    assert grader.role == "system" and grader.context.library == "google-genai"
    assert grader.context.response_format == "json"
    assert by_text(found, "Grade this answer.").role == "user"


def test_generic_properties_wrappers_and_loose_messages() -> None:
    source = """\
async function ask(systemPrompt: string, userPrompt: string) {
  return llm(systemPrompt, userPrompt);
}
await ask("You are a senior DBA.", "Why is this query slow?");
await callModel({ systemPrompt: "You are a lawyer.", prompt: "Summarise the contract." });
const history = [
  { role: "system", content: "You are a chef." },
  { role: "user", content: "Plan a menu." },
];
const pairs = [["system", "You are a sommelier."], ["human", "{dish}"]];
"""
    found = units(source)
    assert by_text(found, "You are a senior DBA.").role == "system"
    assert by_text(found, "Why is this query slow?").role == "user"
    lawyer = by_text(found, "You are a lawyer.")
    assert lawyer.role == "system" and lawyer.context.call == "callModel"
    assert by_text(found, "Summarise").role == "user"
    chef = by_text(found, "You are a chef.")
    assert chef.role == "system" and chef.tier == "call"
    assert chef.context.names[0] == "history"
    assert [(s.role, s.text) for s in chef.context.siblings] == [("user", "Plan a menu.")]
    assert by_text(found, "You are a sommelier.").role == "system"


def test_messages_built_by_a_function_of_the_file() -> None:
    source = """\
function buildMessages(question: string) {
  return [
    { role: "system", content: "You are an actuary. Compute the premium." },
    { role: "user", content: question },
  ];
}
await groq.chat.completions.create({ model: "llama-3.3-70b", messages: buildMessages(q) });
"""
    unit = one(source)
    assert unit.role == "system"
    assert unit.context.call == "groq.chat.completions.create"
    assert unit.context.model == "llama-3.3-70b"


def test_class_members_and_this() -> None:
    source = """\
import OpenAI from "openai";
class Reviewer {
  private readonly client = new OpenAI();
  static readonly PERSONA = "You are a staff engineer. ";
  private systemPrompt = Reviewer.PERSONA + "Review the code.";
  async review(diff: string) {
    return this.client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "system", content: this.systemPrompt }, { role: "user", content: diff }],
    });
  }
}
"""
    found = units(source)
    assert len(found) == 1
    unit = found[0]
    assert unit.text == "You are a staff engineer. Review the code."
    assert unit.context.library == "openai"
    assert "this.systemPrompt" in unit.context.names
    assert "review" in unit.context.names and "Reviewer" in unit.context.names


def test_extra_call_sites_and_prompt_names_from_options() -> None:
    source = """\
import { complete } from "./llm";
await llm.complete("You are an expert Java developer. Write the class.");
const CodeReviewerBlurb = "Review the change as a strict reviewer would.";
"""
    found = units(
        source, extra_call_sites={"llm.complete": "system"}, extra_prompt_names=["*Blurb"]
    )
    site = by_text(found, "You are an expert Java")
    assert site.role == "system" and site.tier == "call"
    named = by_text(found, "Review the change as a strict")
    assert named.tier == "name"
    assert units(source) == []


# --------------------------------------------------------------------------
# String shapes
# --------------------------------------------------------------------------


def one(source: str, path: str = "app.ts") -> PromptUnit:
    found = units(source, path)
    assert len(found) == 1, [u.text for u in found]
    return found[0]


def system_call(expr: str, prelude: str = "") -> str:
    return prelude + "await generateText({ model, system: " + expr + ", prompt: input });\n"


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        (r'"a\tb\\c\"d\'e"', "a\tb\\c\"d'e"),
        (r"'\x41\u00e9\u{1F600}\uD83D\uDE00\u{D83D}\u{DE00}'", "Aé😀😀😀"),
        (r'"\0 \101\7\47\8\9 \q\é"', "\0 A\x07'89 qé"),
        ('"one \\\ntwo \\\r\nthree"', "one two three"),
        (r'"\uD83D lone"', "\ud83d lone"),
        (r'"\b\f\v\r\n"', "\b\f\v\r\n"),
        ("`tab\\t ${x} \\`q\\` \\$y \\u{41}`", f"tab\t {HOLE} `q` $y A"),
        ("`crlf\r\nline\rend\\\r\nx`", "crlf\nline\nendx"),
        ("String.raw`C:\\\\dir\\n ${x}\r\n`", f"C:\\\\dir\\n {HOLE}\n"),
    ],
)
def test_literal_decoding(literal: str, value: str) -> None:
    unit = one(system_call(literal))
    assert unit.text == value


def test_positions_with_non_ascii_text_before_and_inside() -> None:
    source = '// 日本語のコメント 👋🏽\nconst café = "ñ";\n' + system_call(
        '"Tú eres 专家 👩🏽\u200d💻: \\u00e9crire du code."'
    )
    unit = one(source)
    assert unit.text == "Tú eres 专家 👩🏽\u200d💻: écrire du code."
    start = source.index("Tú")
    assert unit.to_doc(0, 2) == (start, start + 2)
    end_of_emoji = unit.text.index(":")
    assert source[slice(*unit.to_doc(8, end_of_emoji))] == "专家 👩🏽\u200d💻"
    esc = unit.text.index("é")
    a, b = unit.to_doc(esc, esc + 1)
    assert source[a:b] == "\\u00e9"


def test_concatenation_constants_join_trim_dedent_and_members() -> None:
    source = """\
import dedent from "dedent";
const BASE = "You are an expert developer.";
const RULES = [
  "Write tests.",
  `Use ${lang}.`,
  ...extra,
];
const PROMPTS = { coder: dedent`
    ${BASE}
      Indented line.
    Write code.
  `, writer: "You are a poet." };
await generateText({ system: BASE + " " + RULES.join("\\n"), prompt: q });
await generateText({ system: PROMPTS.coder, prompt: q });
await generateText({ system: PROMPTS["writer"].trim(), prompt: q });
"""
    found = units(source)
    first = by_text(found, "You are an expert developer.")
    assert first.text == f"You are an expert developer. Write tests.\nUse {HOLE}.\n{HOLE}"
    assert [h.source for h in first.holes] == ["${lang}", "...extra"]
    assert first.context.names[:2] == ["BASE", "RULES"]
    # BASE is also inside the dedent template: its literal has one owner, the
    # first prompt that used it, and is a hole in the other.
    coder = by_text(found, HOLE)
    assert coder.text == f"{HOLE}\n  Indented line.\nWrite code."
    assert by_text(found, "You are a poet.").context.names[0] == 'PROMPTS["writer"]'


def test_string_methods_and_calls() -> None:
    source = """\
import dedent from "ts-dedent";
const A = "You are a pharmacist.".concat(" Give the dose of ", drug, ".");
const B = "Rate {x} and {x}.".replace("{x}", a).toString();
const C = String(dedent(`
    You are a judge.
    Score the essay.
`));
const D = ["Rule one.", flag && "Rule two.", null].filter(Boolean).join(" ");
for (const s of [A, B, C, D]) await generateText({ system: s, prompt: q });
await generateText({ system: A, prompt: q });
await generateText({ system: B, prompt: q });
await generateText({ system: C, prompt: q });
await generateText({ system: D, prompt: q });
"""
    found = units(source)
    assert (
        by_text(found, "You are a pharmacist.").text
        == f"You are a pharmacist. Give the dose of {HOLE}."
    )
    # only the first "{x}" is replaced; the second is still a placeholder
    rate = by_text(found, "Rate")
    assert rate.text == f"Rate {HOLE} and {HOLE}."
    assert [h.source for h in rate.holes] == ["{x}", "{x}"]
    assert by_text(found, "You are a judge.").text == "You are a judge.\nScore the essay."
    assert by_text(found, "Rule one.").text == f"Rule one. {HOLE}"


def test_requires_tools_and_gemini_turns() -> None:
    source = """\
const OpenAI = require("openai");
const genai = require("@google/generative-ai").GoogleGenerativeAI;
const client = new OpenAI();
await client.chat.completions.create({
  model: "gpt-4o",
  messages: [{ role: "system", content: "You are a quant. Price the option." }],
  tools: [zodFunction({ name: "black_scholes", parameters: P }), searchTool, new WebTool()],
});
await anthropic.messages.create({ model: "claude", system: "You are a chemist.",
  messages: [], tools: [{ name: "lookup_compound", input_schema: {} }] });
const model = new genai(key).getGenerativeModel({ model: "gemini-1.5-pro",
  systemInstruction: "You are a physician. Diagnose." });
const chat = model.startChat({ history: [
  { role: "user", parts: [{ text: "I have a fever." }] },
  { role: "model", parts: [{ text: "Since when?" }] },
] });
await model.generateContent("List the symptoms of flu.");
"""
    found = units(source, "app.js")
    quant = by_text(found, "You are a quant.")
    assert quant.context.library == "openai"
    assert quant.context.tools == ["black_scholes", "searchTool", "WebTool"]
    assert by_text(found, "You are a chemist.").context.tools == ["lookup_compound"]
    physician = by_text(found, "You are a physician.")
    assert physician.role == "system" and physician.context.library == "google-generativeai"
    assert physician.context.model == "gemini-1.5-pro"
    assert by_text(found, "I have a fever.").role == "user"
    assert by_text(found, "Since when?").role == "assistant"
    flu = by_text(found, "List the symptoms")
    assert flu.role == "user" and flu.context.call == "model.generateContent"


def test_template_substitution_of_a_constant_is_inlined() -> None:
    source = """\
const PERSONA = "You are a senior Kotlin developer.";
const SYSTEM = `${PERSONA}\\nWrite the function the user asks for.`;
await generateText({ system: SYSTEM, prompt: q });
"""
    unit = one(source)
    assert unit.text == "You are a senior Kotlin developer.\nWrite the function the user asks for."
    assert unit.context.names[:2] == ["SYSTEM", "PERSONA"]
    assert not unit.holes


def test_replace_placeholders_become_holes() -> None:
    source = """\
const TEMPLATE = "You are an expert in {lang}. Fix {lang} code.";
await generateText({ system: TEMPLATE.replaceAll("{lang}", lang), prompt: q });
"""
    unit = one(source)
    assert unit.text == f"You are an expert in {HOLE}. Fix {HOLE} code."
    assert [h.source for h in unit.holes] == ["{lang}", "{lang}"]


def test_each_literal_in_at_most_one_unit() -> None:
    source = """\
const SYSTEM_PROMPT = "You are a senior Python engineer. Write the code.";
await openai.chat.completions.create({ model: "gpt-4o",
  messages: [{ role: "system", content: SYSTEM_PROMPT }] });
await anthropic.messages.create({ model: "claude-3-5-haiku", system: SYSTEM_PROMPT, messages });
"""
    found = units(source)
    assert len(found) == 1
    unit = found[0]
    assert unit.context.model == "gpt-4o"
    assert unit.tier == "call"
    literal_starts = [p.doc_start for u in found for p in u.pieces]
    assert len(literal_starts) == len(set(literal_starts))


def test_name_tier_for_unused_prompt_constants() -> None:
    source = """\
export const CODE_REVIEW_PROMPT = "You are a principal engineer. Review the diff.";
export const systemInstructions = `You are a tax advisor. Answer the question.`;
const userQuestionTemplate = "What is the capital of {country}?";
const BUTTON_TEMPLATE = "<b>";
const greeting = "You are welcome here, friend.";
function build(promptText = "Act as a senior SRE. Find the outage cause.") { return promptText; }
"""
    found = units(source)
    texts = {u.text: u for u in found}
    assert set(texts) == {
        "You are a principal engineer. Review the diff.",
        "You are a tax advisor. Answer the question.",
        f"What is the capital of {HOLE}?",
        "Act as a senior SRE. Find the outage cause.",
    }
    assert all(u.tier == "name" for u in found)
    assert texts["You are a tax advisor. Answer the question."].role == "system"
    assert texts[f"What is the capital of {HOLE}?"].role == "user"
    assert texts["You are a principal engineer. Review the diff."].role == "unknown"


def test_name_tier_reads_a_prompt_written_without_spaces() -> None:
    found = units('export const SYSTEM_PROMPT = "你是一名资深的律师。请回答合同法的问题。";\n')
    assert [u.text for u in found] == ["你是一名资深的律师。请回答合同法的问题。"]


def test_name_tier_reads_prompt_objects_and_appended_text() -> None:
    source = """\
export const SYSTEM_PROMPTS = { coder: "You are an expert coder. Write code.", retries: 3,
  poet: `You are a poet. Write about ${topic}.` };
function analyse(q: string) {
  let prompt = "You are a senior analyst. ";
  prompt += "Compute the ratio of " + q;
  prompt += ".";
  return llm.invoke(prompt);
}
"""
    found = units(source)
    coder = by_text(found, "You are an expert coder.")
    assert coder.tier == "name" and coder.role == "system"
    assert coder.context.names == ["SYSTEM_PROMPTS.coder"]
    # a property's own rows, so a comment above it concerns it alone
    assert (coder.first_row, coder.last_row) == (1, 1)
    assert (
        by_text(found, "You are a poet.").first_row,
        by_text(found, "You are a poet.").last_row,
    ) == (2, 2)
    assert by_text(found, "You are a poet.").text == f"You are a poet. Write about {HOLE}."
    analyst = by_text(found, "You are a senior analyst.")
    assert analyst.text == f"You are a senior analyst. Compute the ratio of {HOLE}."
    assert analyst.context.names == ["prompt", "analyse"]
    assert len(found) == 3


# --------------------------------------------------------------------------
# Comments, rows, declared tasks
# --------------------------------------------------------------------------


def test_comments_rows_and_declared_task() -> None:
    source = """\
#!/usr/bin/env node
// line comment
const a = 1; // trailing noqa: PRS101
/* block
 * prism: ignore[PRS101]
 */
// prism: task=writing
const SLOGAN_PROMPT = "You are a senior engineer. Write a slogan.";
const JSX = <div>{/* jsx comment */}</div>;
"""
    out = run(source, "app.jsx")
    got = [(c.row, c.text, c.own_line) for c in out.comments]
    assert got == [
        (2, " line comment", True),
        (3, " trailing noqa: PRS101", False),
        (4, " block", True),
        (5, " prism: ignore[PRS101]", True),
        (6, "", True),
        (7, " prism: task=writing", True),
        (9, " jsx comment ", False),
    ]
    (unit,) = out.units
    assert unit.declared_task == "writing"
    assert (unit.first_row, unit.last_row) == (8, 8)
    assert not out.problems


def test_crlf_file_rows_comments_and_template_line_breaks() -> None:
    source = (
        "// prism: task=writing\r\n"
        "const SYSTEM_PROMPT = `You are a senior editor.\r\nWrite the blurb.`;\r\n"
        "/* one\r\n * two */\r\n"
    )
    out = run(source)
    (unit,) = out.units
    check_map(unit)
    assert unit.text == "You are a senior editor.\nWrite the blurb."
    assert (unit.first_row, unit.last_row) == (2, 3)
    assert unit.declared_task == "writing"
    a, b = unit.to_doc(24, 25)
    assert source[a:b] == "\r\n"
    assert [(c.row, c.text) for c in out.comments] == [
        (1, " prism: task=writing"),
        (4, " one"),
        (5, " two "),
    ]


def test_statement_rows_of_a_multiline_call() -> None:
    source = """\
export async function main() {
  const res = await openai.chat.completions.create({
    model: "gpt-4o",
    messages: [
      { role: "system", content: "You are a senior engineer. Write code." },
    ],
  });
}
"""
    unit = one(source)
    assert (unit.first_row, unit.last_row) == (2, 7)


# --------------------------------------------------------------------------
# Grammars, errors, skipped files
# --------------------------------------------------------------------------


def test_grammar_by_suffix_reads_jsx_and_typescript_generics() -> None:
    tsx = """\
const C = <T,>(p: T) => <Chat system={"ignored"} />;
const x = generateText({ system: "You are a poet." as const, prompt: q! }) satisfies R;
"""
    out = run(tsx, "panel.tsx")
    assert not out.problems and [u.text for u in out.units] == ["You are a poet."]
    ts = "const f = <T>(x: T): T => x;\nawait generateText({ system: <string>SYS, prompt });\n"
    assert not run(ts, "cast.ts").problems
    assert not run("const el = <div className='a'>hi</div>;\n", "view.js").problems
    assert run("const el = <div className='a'>hi</div>;\n", "view.ts").problems


def test_syntax_error_keeps_what_parses_and_reports_first_error() -> None:
    source = """\
const SYSTEM_PROMPT = "You are an expert Java developer. Write a method.";
function broken(a, {
  return a +;
}
"""
    out = run(source, "bad.js")
    assert [u.text for u in out.units] == ["You are an expert Java developer. Write a method."]
    (problem,) = out.problems
    assert isinstance(problem, ExtractError)
    assert (problem.row, problem.column) == (2, 1)
    assert problem.code == "PRS900"


def test_declaration_and_minified_files_are_skipped() -> None:
    prompt = 'const SYSTEM_PROMPT = "You are an expert Java developer. Write a method.";\n'
    assert run(prompt, "types.d.ts").units == []
    assert run(prompt, "vendor.min.js").units == []
    bundle = prompt + "var a=" + ";".join(f"f{i}(x,{{y:{i}}})" for i in range(600)) + "\n"
    assert is_minified(bundle)
    assert run(bundle, "bundle.js").units == []
    # a file named on the command line is read anyway
    assert len(run(bundle, "bundle.js", named_explicitly=True).units) == 1
    # one very long line of prose is a prompt, not a bundle
    prose = 'const SYSTEM_PROMPT = "You are an expert. ' + "Write clear code. " * 400 + '";\n'
    assert not is_minified(prose)
    assert len(run(prose, "long.js").units) == 1


def test_every_javascript_suffix_routes_here() -> None:
    for suffix in (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"):
        assert kind_of("src/app" + suffix) == "javascript"


def test_long_concatenation_is_read_whole() -> None:
    parts = [f'"line {i}. "' for i in range(400)]
    unit = one("const SYSTEM_PROMPT = " + " +\n  ".join(parts) + ";\n")
    assert unit.text == "".join(f"line {i}. " for i in range(400))
    assert not unit.holes


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "[" * 2000 + "]" * 2000,
        "ChatPromptTemplate.fromMessages([" * 1500 + "]) " * 1500,
        "ai.models.generateContent({contents: " + "{contents: " * 500 + '"x y"' + "}" * 501 + ")",
        "f({system: " * 1000 + '"You are a poet."' + "})" * 1000,
        "const PROMPT = " + "`a ${" * 1000 + "1" + "}`" * 1000,
        "const A = " + "a." * 3000 + "b;",
    ],
)
def test_deep_nesting_is_read_without_error(source: str) -> None:
    out = run(source, "deep.ts")
    for unit in out.units:
        check_map(unit)
    assert all(p.code == "PRS900" for p in out.problems)


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

_JS_TOKENS = st.sampled_from(
    [
        "openai.chat.completions.create(",
        "generateText(",
        "new Agent(",
        "new SystemMessage(",
        "ChatPromptTemplate.fromMessages(",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ",",
        ":",
        ";",
        "=",
        "+",
        ".join(",
        ".trim()",
        "role",
        "system",
        "content",
        "messages",
        "instructions",
        '"You are an expert. "',
        "'x'",
        "`a ${",
        "`",
        "${",
        "\\",
        "\n",
        "\r\n",
        " ",
        "const ",
        "PROMPT",
        "x",
        "=>",
        "//",
        "/*",
        "*/",
        "<div>",
        "</div>",
        "as const",
        "é",
        "👋",
        "dedent`",
        "String.raw`",
        "\\u{",
        "\\uD83D",
        "...",
        "this.",
        "class A {",
        "?.",
    ]
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_JS_TOKENS, max_size=60).map("".join),
    st.sampled_from(["a.js", "a.ts", "a.tsx", "a.jsx"]),
)
def test_code_like_input_never_raises(text: str, path: str) -> None:
    try:
        out = run(text, path)
    except ExtractError:
        return
    for unit in out.units:
        check_map(unit)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["a.js", "a.ts", "a.tsx"]))
def test_arbitrary_text_never_raises(text: str, path: str) -> None:
    try:
        out = run(text, path)
    except ExtractError:
        return
    for unit in out.units:
        check_map(unit)


# A generated literal is a list of atoms: (source, UTF-16 code units it stands
# for, whether it is copied verbatim). The expected value and map follow from
# the atoms alone, by the ECMAScript rules, not from the extractor.
Atom = tuple[str, tuple[int, ...], bool]

# "{" and "}" are left out: a "{name}" in a prompt reads as a placeholder.
_PLAIN = st.characters(codec="utf-8", exclude_characters="\\\n\r'\"`${}")
_SINGLE = {"b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
_NOT_IDENTITY = set("bfnrtvux0123456789\n\r\u2028\u2029{}")


def _units_of(cp: int) -> tuple[int, ...]:
    if cp < 0x10000:
        return (cp,)
    cp -= 0x10000
    return (0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF))


@st.composite
def _atom(draw: st.DrawFn, template: bool) -> Atom:
    kind = draw(
        st.sampled_from(
            [
                "plain",
                "plain",
                "single",
                "x",
                "u4",
                "ubrace",
                "cont",
                "identity",
                "octal",
                "89",
                "surrogates",
            ]
        )
    )
    if kind == "plain":
        c = draw(_PLAIN)
        return c, _units_of(ord(c)), True
    if kind == "single":
        k = draw(st.sampled_from(sorted(_SINGLE)))
        return "\\" + k, (_SINGLE[k],), False
    if kind == "x":
        v = draw(st.integers(0, 0xFF))
        return "\\x" + draw(st.sampled_from([f"{v:02x}", f"{v:02X}"])), (v,), False
    if kind == "u4":
        v = draw(st.integers(0, 0xFFFF))
        return f"\\u{v:04x}", (v,), False
    if kind == "ubrace":
        v = draw(st.integers(0, 0x10FFFF))
        zeros = "0" * draw(st.integers(0, 2))
        return f"\\u{{{zeros}{v:X}}}", _units_of(v), False
    if kind == "cont":
        return "\\" + draw(st.sampled_from(["\n", "\r\n", "\u2028", "\u2029"])), (), False
    if kind == "identity":
        c = draw(st.characters(codec="utf-8").filter(lambda ch: ch not in _NOT_IDENTITY))
        return "\\" + c, _units_of(ord(c)), False
    if kind == "surrogates":
        cp = draw(st.integers(0x10000, 0x10FFFF))
        hi, lo = _units_of(cp)
        return f"\\u{hi:04X}\\u{{{lo:x}}}", (hi, lo), False
    if template:  # no octal escapes in templates; escape the template's own characters
        c = draw(st.sampled_from("$`"))
        return "\\" + c, (ord(c),), False
    if kind == "octal":
        v = draw(st.integers(0, 0o377))
        return f"\\{v:03o}", (v,), False
    d = draw(st.sampled_from("89"))
    return "\\" + d, (ord(d),), False


def _expected(atoms: list[Atom], start: int) -> list[tuple[str, int, int, bool]]:
    """(character, doc start, doc end, exact) per character of the decoded value."""
    spans: list[tuple[int, int, int, bool]] = []  # code unit, span, exact
    pos = start
    for source, code_units, exact in atoms:
        # a verbatim astral character is two code units at one position
        spans.extend((u, pos, pos + len(source), exact) for u in code_units)
        pos += len(source)
    out: list[tuple[str, int, int, bool]] = []
    i = 0
    while i < len(spans):
        u, a, b, exact = spans[i]
        nxt = spans[i + 1] if i + 1 < len(spans) else None
        if 0xD800 <= u < 0xDC00 and nxt is not None and 0xDC00 <= nxt[0] < 0xE000:
            ch = chr(0x10000 + ((u - 0xD800) << 10) + (nxt[0] - 0xDC00))
            if exact and nxt[1] == a:  # one verbatim astral character
                out.append((ch, a, b, True))
            else:  # two escapes (or an escape and its pair) make one character
                out.append((ch, a, nxt[2], False))
            i += 2
            continue
        out.append((chr(u), a, b, exact))
        i += 1
    return out


def _literal_property(atoms: list[Atom], quote: str) -> None:
    prefix = "await generateText({ prompt: q, system: " + quote + "Task: "
    body = "".join(a[0] for a in atoms)
    source = prefix + body + quote + " });\n"
    expected = [
        ("Task: "[i], len(prefix) - 6 + i, len(prefix) - 5 + i, True) for i in range(6)
    ] + _expected(atoms, len(prefix))
    found = run(source, "gen.ts").units
    unit = next(u for u in found if u.context.argument == "system")
    value = "".join(e[0] for e in expected)
    # a "{name}" in the text reads as a placeholder, as it does in Python strings
    if "{" in value:
        return
    assert unit.text == value
    check_map(unit)
    for i, (_ch, a, b, _exact) in enumerate(expected):
        assert unit.to_doc(i, i + 1) == (a, b), (i, source[a:b])
    assert [p.exact for p in unit.pieces] == _runs(expected)


def _runs(expected: list[tuple[str, int, int, bool]]) -> list[bool]:
    """Verbatim characters side by side make one piece; each escape is a piece of its own."""
    out: list[bool] = []
    end = -1
    for _ch, a, b, exact in expected:
        if not (exact and out and out[-1] and end == a):
            out.append(exact)
        end = b
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(_atom(False), max_size=25), st.sampled_from(["'", '"']))
def test_generated_string_literals_decode_and_map_exactly(atoms: list[Atom], quote: str) -> None:
    atoms = [a for a in atoms if a[0] != quote]
    _literal_property(atoms, quote)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        _atom(True)
        | st.sampled_from(
            [
                ("\n", (10,), True),
                ("\r\n", (10,), False),
                ("\r", (10,), False),
                ("\\`", (96,), False),
                ("\\$", (36,), False),
                ("$", (36,), True),
            ]
        ),
        max_size=25,
    )
)
def test_generated_template_literals_decode_and_map_exactly(atoms: list[Atom]) -> None:
    # a "\r" atom followed by a "\n" atom would be one "\r\n" line break
    kept: list[Atom] = []
    for a in atoms:
        if not (kept and kept[-1][0].endswith("\r") and a[0].startswith("\n")):
            kept.append(a)
    _literal_property(kept, "`")


def test_fallback_and_ternary_literals_are_prompt_alternatives() -> None:
    src = (
        "const body = {\n"
        "  model: opts.model,\n"
        "  system_prompt:\n"
        "    opts.systemPrompt ??\n"
        "    process.env.SYSTEM_PROMPT ||\n"
        '    "You are a careful reviewer. Point out bugs briefly.",\n'
        "};\n"
        'const systemPrompt = terse ? "Answer in one short sentence please." :'
        ' "Answer in detail, with examples.";\n'
        'const note = opts.note ?? "x";\n'
    )
    found = units(src)
    fallback = by_text(found, "You are a careful reviewer.")
    assert fallback.role == "system"
    assert fallback.context.names[0] == "system_prompt"
    assert fallback.tier == "name"
    start = src.index('"You are a careful') + 1
    assert fallback.pieces[0].doc_start == start
    # the condition and the names tried first are not text
    assert {u.text for u in found} == {
        "You are a careful reviewer. Point out bugs briefly.",
        "Answer in one short sentence please.",
        "Answer in detail, with examples.",
    }


def test_call_argument_fallback_reads_its_one_literal() -> None:
    src = (
        'import OpenAI from "openai";\n'
        "const client = new OpenAI();\n"
        "await client.chat.completions.create({\n"
        '  model: "gpt-4o",\n'
        "  messages: [\n"
        '    { role: "system", content: opts.system ?? "You review pull requests. Be brief." },\n'
        '    { role: "user", content: short ? "Summarise the diff." : "Explain the diff." },\n'
        "  ],\n"
        "});\n"
    )
    found = units(src)
    assert len(found) == 1
    unit = found[0]
    system = unit.text.split("\n")[0]
    assert system == "You review pull requests. Be brief."
    assert unit.pieces[0].doc_start == src.index("You review")
    # two literal alternatives: neither is chosen
    assert "Summarise" not in unit.text and "Explain" not in unit.text


def test_media_parts_sent_with_the_text_are_recorded_as_attachments() -> None:
    code = """\
import OpenAI from "openai";
const client = new OpenAI();
await client.chat.completions.create({
  model: "gpt-4o",
  messages: [
    { role: "system", content: "You are an expert radiologist." },
    { role: "user", content: [
      { type: "text", text: "Describe the scan." },
      { type: "image_url", image_url: { url: dataUrl } },
    ] },
  ],
});
await client.chat.completions.create({
  model: "gpt-4o",
  messages: [{ role: "system", content: "You are an expert historian." },
             { role: "user", content: [{ type: "text", text: "Name a year." }] }],
});
"""
    found = units(code)
    assert by_text(found, "You are an expert radiologist.").context.attachments == ["image"]
    assert by_text(found, "You are an expert historian.").context.attachments == []


def test_a_bare_ampersand_in_jsx_text_is_not_a_syntax_problem() -> None:
    head = 'const SYSTEM_PROMPT = "You are an expert historian.";\n'
    jsx = "const A = () => (\n  <p>\n    Pick something short &\n    memorable.\n  </p>\n);\n"
    assert run(head + jsx, "a.tsx").problems == []
    broken = run(head + jsx + "const B = ( => 1;\n", "a.tsx").problems
    assert [p.row for p in broken] == [8]


@pytest.mark.parametrize("path", ["a.test.ts", "a.test.tsx"])
def test_a_typeof_import_type_argument_is_not_a_syntax_problem(path: str) -> None:
    """Vitest's ``importOriginal<typeof import("./m")>()`` is TypeScript the
    grammar misreads as a comparison; an error after it is still found."""
    head = 'const SYSTEM_PROMPT = "You are an expert historian.";\n'
    mock = (
        'vi.mock("./settings", async (importOriginal) => ({\n'
        '  ...(await importOriginal<typeof import("./settings")>()),\n'
        "}));\n"
        'const m = await load.get<typeof import("#/a").default>();\n'
    )
    assert run(head + mock, path).problems == []
    # no semicolon after the call: the error is the "()" after a comparison
    bare = 'const mod = await importOriginal<typeof import("./m")>()\nconst x = 1\n'
    assert run(head + bare, path).problems == []
    broken = run(head + mock + "const B = ( => 1;\n", path).problems
    assert [p.row for p in broken] == [6]
    # the same ">()" after a comparison of another operator is still a problem
    assert [
        p.row for p in run(head + 'const c = a <= typeof import("m") >();\n', path).problems
    ] == [2]


def test_a_type_only_star_export_is_not_a_syntax_problem() -> None:
    """``export type * from`` (TypeScript 5.0) is not in the grammar; a
    misspelt one, or an error after it, is still found."""
    head = 'const SYSTEM_PROMPT = "You are an expert historian.";\n'
    exports = 'export type * from "./types.js";\nexport type * as ns from "./ns.js";\n'
    assert run(head + exports).problems == []
    assert [p.row for p in run(head + exports + "const B = ( => 1;\n").problems] == [4]
    assert [p.row for p in run(head + 'export typo * from "./types.js";\n').problems] == [2]


def test_variance_annotations_and_deferred_imports_are_not_syntax_problems() -> None:
    """TypeScript 4.7's ``<in out T>`` and 5.9's ``import defer * as m`` are
    not in the grammar; the forms they do not allow are still errors."""
    body = 'const SYSTEM_PROMPT = "You are an expert historian.";\n'
    valid = (
        "interface State<in out T> { get: () => T }\n"
        "class Box<out T, in U> {}\n"
        'import defer * as feature from "./feature.js";\n'
    )
    assert run(valid + body).problems == []
    assert [p.row for p in run("interface S<in out T, X Y> {}\n" + body).problems] == [1]
    assert [p.row for p in run("interface S<out out T> {}\n" + body).problems] == [1]
    assert [p.row for p in run("interface S<in const> {}\n" + body).problems] == [1]
    assert [p.row for p in run('import defer { a } from "./a.js";\n' + body).problems] == [1]


def test_variance_annotations_before_a_constraint_or_a_default() -> None:
    """``<in T extends object>`` and ``<in out T = string>``: the grammar
    leaves the name as an error inside the parameter, not after it; the
    same forms TypeScript refuses are still errors there."""
    body = 'const SYSTEM_PROMPT = "You are an expert historian.";\n'
    valid = (
        "interface Sink<in T extends object> { put: (x: T) => void }\n"
        "interface Cell<in out T = string> { v: T }\n"
        "type F<out T extends X = Y> = () => T;\n"
        "class C<in T, out U extends string> {}\n"
    )
    assert run(valid + body).problems == []
    for wrong in (
        "interface S<out out T extends X> {}\n",
        "interface S<in const = X> {}\n",
        "interface S<in T U extends X> {}\n",
        "interface S<T U extends X> {}\n",
    ):
        assert [p.row for p in run(wrong + body).problems] == [1], wrong


def test_an_extendscript_directive_is_not_a_syntax_problem() -> None:
    """``#target illustrator`` heads Adobe's ExtendScript ``.jsx`` scripts; in
    a ``.js`` file, inside a line, or misspelt, it is still an error."""
    head = '#target illustrator\n#include "lib.jsx"\n'
    body = 'const SYSTEM_PROMPT = "You are an expert historian.";\n'
    assert run(head + body, "script.jsx").problems == []
    assert [p.row for p in run(head + body + "var x = ;\n", "script.jsx").problems] == [4]
    assert [p.row for p in run(head + body, "script.js").problems] == [1]
    assert [p.row for p in run("#targett illustrator\n" + body, "script.jsx").problems] == [1]
    # a directive's word inside an expression is no directive
    assert [p.row for p in run(body + "let q = 1 +\n#include\n2;\n", "script.jsx").problems]


def test_template_keeps_a_prompt_constant_it_interpolates_as_a_hole() -> None:
    code = """\
export const DEFAULT_CODE_PROMPT_RULES = `- Do not include triple backticks when generating code.
- Maintain proper indentation.`;
export const NEW_ARTIFACT_PROMPT = `You are an AI assistant tasked with generating a new artifact.
Follow these rules:
${DEFAULT_CODE_PROMPT_RULES}
Use the full chat history as context.`;
export const OTHER_PROMPT = `You are an expert software engineer. Rewrite the artifact.
${DEFAULT_CODE_PROMPT_RULES}`;
export const JOINED_PROMPT = `${DEFAULT_CODE_PROMPT_RULES}\\n\\n${OTHER_PROMPT}`;
"""
    found = units(code)
    assert len(found) == 3, [u.text for u in found]
    rules = by_text(found, "- Do not include triple backticks")
    new = by_text(found, "You are an AI assistant tasked")
    other = by_text(found, "You are an expert software engineer.")
    assert (rules.first_row, new.first_row, other.first_row) == (1, 3, 7)
    # the shared rules are the rules constant's prompt; here they are a hole
    for unit in (new, other):
        assert "triple backticks" not in unit.text
        assert [h.source for h in unit.holes] == [
            "- Do not include triple backticks when "
            "generating code.\n- Maintain proper "
            "indentation."
        ]
    assert new.text.endswith(f"rules:\n{HOLE}\nUse the full chat history as context.")
    assert "NEW_ARTIFACT_PROMPT" in new.context.names
    # a template that only joins prompts is not a prompt of its own
    assert not any(u.text.startswith(HOLE) for u in found)


def test_template_sharing_a_constant_with_a_call_is_its_own_prompt() -> None:
    code = """\
import OpenAI from "openai";
const RULES = "Answer in one short paragraph, no lists.";
const SUMMARY_PROMPT = `Summarise the article for a busy reader. ${RULES}`;
const client = new OpenAI();
await client.chat.completions.create({
  model: "gpt-4o",
  messages: [{ role: "system", content: `You are a historian. ${RULES}` }],
});
"""
    found = units(code)
    call = by_text(found, "You are a historian. Answer in one short paragraph")
    assert call.tier == "call"
    summary = by_text(found, "Summarise the article")
    assert summary.tier == "name" and summary.text.endswith(f"reader. {HOLE}")


def test_message_whose_role_a_condition_picks_is_read() -> None:
    code = """\
export async function rewrite(model, o1, artifact) {
  return await model.invoke([
    { role: o1 ? "user" : "system", content: `Rewrite the title of ${artifact} in five words.` },
    lastMessage,
  ]);
}
export async function note(model) {
  return await model.invoke([{ role: pick(), content: "Write a longer note about it." }]);
}
"""
    found = units(code)
    title = by_text(found, "Rewrite the title of")
    assert title.role == "unknown"  # user or system: which one is not known
    assert title.tier == "call" and title.holes[0].source == "${artifact}"
    # a role that is not surely a role name does not make a message
    assert not any(u.text.startswith("Write a longer note") for u in found)


def test_constant_two_prompt_constants_interpolate_is_read_at_its_own_line() -> None:
    code = """\
const APP_CONTEXT = `
The application is a canvas where users write and edit one artifact per chat.
`;
const NOTE = "Used by one template only, it stays part of that template.";
export const ROUTE_QUERY_PROMPT = `You are an assistant that routes the user's query.
${APP_CONTEXT}
${NOTE}`;
export const TITLE_PROMPT = `You are an assistant that names the artifact.
${APP_CONTEXT}`;
"""
    found = units(code)
    context = by_text(found, "\nThe application is a canvas")
    assert context.first_row == 1 and context.tier == "name"
    assert context.context.origin == "part of `ROUTE_QUERY_PROMPT`, `TITLE_PROMPT`"
    route = by_text(found, "You are an assistant that routes")
    title = by_text(found, "You are an assistant that names")
    for unit in (route, title):
        assert "canvas" not in unit.text and unit.holes
    assert route.text.endswith("Used by one template only, it stays part of that template.")
    assert len(found) == 3


def test_shared_constant_with_holes_of_its_own_is_one_hole() -> None:
    code = """\
export const SYSTEM_PROMPT = `You complete code. Write only what goes where {{FILL_HERE}} stands.`;
export function complete(prefix, suffix) {
  const fullPrompt = SYSTEM_PROMPT +
    `\\n<QUERY>\\n${prefix}{{FILL_HERE}}${suffix}\\n</QUERY>\\nTASK: Fill the {{FILL_HERE}} hole.`;
  return fullPrompt;
}
"""
    found = units(code)
    full = by_text(found, HOLE + "\n<QUERY>")
    assert full.holes[0].source == (
        "You complete code. Write only what goes where {{FILL_HERE}} stands."
    )
    assert full.text.endswith("TASK: Fill the " + HOLE + " hole.")
    assert by_text(found, "You complete code.").first_row == 1


GENAISCRIPT = """\
script({ title: "Review", system: ["system"] })
def("DIFF", await git.diff())
$`You are an expert TypeScript developer.`
$`Review DIFF and fix each bug.`
await runPrompt((_) => {
    _.$`Write a haiku about ${topic}.`
})
"""


def test_genaiscript_templates_are_one_user_prompt_per_scope() -> None:
    """A ``*.genai.mjs`` script writes its prompt with the ``$`` tag: the
    script's templates are one user prompt, a ``runPrompt`` callback's
    another. Elsewhere ``$`...``` is any tag, not a prompt."""
    found = units(GENAISCRIPT, "review.genai.mjs")
    assert [(u.role, u.text, u.context.library) for u in found] == [
        ("user", "You are an expert TypeScript developer.", "genaiscript"),
        ("user", "Review DIFF and fix each bug.", "genaiscript"),
        ("user", f"Write a haiku about {HOLE}.", "genaiscript"),
    ]
    # the script's two templates are one prompt; the callback's stands alone
    assert [s.text for s in found[0].context.siblings] == ["Review DIFF and fix each bug."]
    assert found[2].context.siblings == []
    elsewhere = [u.text for u in units(GENAISCRIPT, "review.mjs")]
    assert not any("TypeScript" in t or "haiku" in t for t in elsewhere)


def test_a_text_that_opens_with_a_persona_is_a_prompt_whatever_its_name() -> None:
    found = units(
        'const reviewer = "You are a senior TypeScript engineer. Review the diff.";\n'
        "export const CHEMIST = `\n  You are an expert chemist. Answer about ${compound}.`;\n"
    )
    reviewer = by_text(found, "You are a senior TypeScript engineer.")
    assert reviewer.tier == "name" and reviewer.context.origin == "a text that opens with a persona"
    assert [u.context.names[0] for u in found] == ["reviewer", "CHEMIST"]


@pytest.mark.parametrize(
    "source",
    [
        'const ROLE = "You are an expert lawyer.";',  # a persona alone
        "const DENY = 'You are not allowed here. Ask the owner for access.';",
        'const NOTE = "You are an expert mathematician. This is logged."; console.log(NOTE);',
        'let text = "You are a tutor. Explain it."; text = other;',  # two values: not one text
    ],
)
def test_a_text_that_does_not_open_with_a_persona_needs_a_prompt_name(source: str) -> None:
    assert units(source) == []


def test_a_persona_opened_property_of_any_object_is_a_prompt() -> None:
    """``makeAgent({ blurb: "You are ..." })``: the property's own words say
    what it is for; an object handed to ``console.log`` is shown, not sent."""
    found = units(
        "export const coder = makeAgent({\n"
        '  name: "coder",\n'
        '  blurb: "You are a senior TypeScript engineer. Write the function asked for.",\n'
        "});\n"
        'console.log({ banner: "You are a guest here. Sign in to go on." });\n'
    )
    assert [(u.context.names[0], u.context.origin) for u in found] == [
        ("blurb", "a text that opens with a persona")
    ]
