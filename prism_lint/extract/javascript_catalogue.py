"""JavaScript/TypeScript call sites that carry prompts.

JavaScript SDKs take one options object, so a site names the properties of
that object that hold prompt text, and their shape. A callee is matched by
the dotted suffix of what is called (``chat.completions.create`` matches
``openai.chat.completions.create`` and ``this.client.chat.completions.create``);
the longest matching suffix wins.

Shapes: ``text`` (a string), ``messages`` (an array of ``{role, content}``,
``["system", "..."]`` pairs or message objects), ``input`` (a string for the
given role, or a messages array), ``blocks`` (a string or an array of text
blocks, joined), ``contents`` (Gemini contents), ``config`` (an object with
``systemInstruction``), ``instructions`` (a string or a function returning one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from prism_lint.extract.code_sites import names_regex, suffix_matches


@dataclass(frozen=True)
class Arg:
    key: str | None  # property of the options object; None: the argument itself
    pos: int = 0  # position of the argument (or of the options object)
    shape: str = "text"
    role: str = "unknown"
    label: str = ""


@dataclass(frozen=True)
class Site:
    library: str
    callees: tuple[str, ...]
    args: tuple[Arg, ...] = ()
    kind: str = "call"  # call | message
    new: bool | None = None  # True: only `new X(...)`; False: only calls; None: either
    role: str = "unknown"  # message sites: the role they stand for
    role_key: str | None = None  # message sites: property giving the role
    content_pos: int = 0  # message sites: the argument holding text or options
    content_keys: tuple[str, ...] = ("content",)
    syntax: str | None = None  # template syntax of the text (LangChain: format)
    imports: tuple[str, ...] = ()  # applies only when a module with this prefix is imported
    agent: bool = False  # builds an agent: its runs are linked to it


def _sites() -> list[Site]:
    msgs = (Arg("messages", shape="messages"),)
    vercel = (
        Arg("system", role="system"),
        Arg("instructions", role="system"),
        Arg("prompt", shape="input", role="user"),
        Arg("messages", shape="messages"),
    )
    runs = (
        Arg("instructions", pos=1, role="system"),
        Arg("additional_instructions", pos=1, role="system"),
    )
    return [
        # ------------------------------------------------------------- openai
        Site("openai", ("chat.completions.create", "chat.completions.parse",
                        "chat.completions.stream", "chat.completions.runTools",
                        "chat.completions.runFunctions", "createChatCompletion"), msgs),
        Site("openai", ("responses.create", "responses.parse", "responses.stream"), (
            Arg("instructions", role="system"),
            Arg("input", shape="input", role="user"),
        )),
        Site("openai", ("assistants.create", "assistants.update"),
             (Arg("instructions", role="system"),)),
        Site("openai", ("runs.create", "runs.createAndPoll", "runs.stream",
                        "runs.createAndStream"), runs),
        Site("openai", ("threads.createAndRun", "threads.createAndRunPoll",
                        "threads.createAndRunStream"), (Arg("instructions", role="system"),)),
        Site("openai", ("threads.messages.create",), kind="message", role="user",
             role_key="role", content_pos=1),
        Site("openai", ("completions.create", "createCompletion"),
             (Arg("prompt", role="user"),)),
        # ---------------------------------------------------------- anthropic
        Site("anthropic", ("messages.create", "messages.stream", "messages.parse",
                           "messages.countTokens", "batches.create"), (
            Arg("system", shape="blocks", role="system"),
            Arg("messages", shape="messages"),
        )),
        # ------------------------------------------------------------ mistral
        Site("mistral", ("chat.complete", "chat.stream", "agents.complete",
                         "agents.stream"), msgs),
        # ------------------------------------------------------------- google
        Site("google-genai", ("models.generateContent", "models.generateContentStream"), (
            Arg("contents", shape="contents", role="user"),
            Arg("config", shape="config"),
        )),
        Site("google-genai", ("chats.create",), (
            Arg("history", shape="contents", role="user"),
            Arg("config", shape="config"),
        )),
        Site("google-generativeai", ("getGenerativeModel",), (
            Arg("systemInstruction", shape="blocks", role="system"),
        )),
        Site("google-generativeai", ("generateContent", "generateContentStream",
                                     "sendMessage", "sendMessageStream"), (
            Arg(None, shape="contents", role="user", label="contents"),
        ), imports=("@google/generative-ai",)),
        Site("google-generativeai", ("startChat",), (
            Arg("history", shape="contents", role="user"),
            Arg("systemInstruction", shape="blocks", role="system"),
        )),
        # ------------------------------------------------------------- ollama
        Site("ollama", ("chat",), msgs, imports=("ollama",)),
        Site("ollama", ("generate",), (
            Arg("system", role="system"),
            Arg("prompt", role="user"),
        ), imports=("ollama",)),
        # ------------------------------------------------------------- cohere
        Site("cohere", ("chat", "chatStream"), (
            Arg("preamble", role="system"),
            Arg("message", role="user"),
            Arg("messages", shape="messages"),
        ), imports=("cohere-ai",)),
        # ---------------------------------------------------- Vercel AI SDK
        Site("vercel-ai", ("generateText", "streamText", "generateObject", "streamObject",
                           "streamUI"), vercel),
        Site("vercel-ai", ("ToolLoopAgent", "Experimental_Agent"), vercel, agent=True),
        # ---------------------------------------------- agents (by import)
        Site("", ("Agent", "Agent.create", "RealtimeAgent"), (
            Arg("instructions", shape="instructions", role="system"),
            Arg("system", shape="instructions", role="system"),
        ), agent=True),
        # ---------------------------------------------------------- langchain
        Site("langchain", ("ChatPromptTemplate.fromMessages",), (
            Arg(None, shape="messages", label="messages"),
        ), syntax="format"),
        Site("langchain", ("ChatPromptTemplate.fromTemplate",), (
            Arg(None, role="user", label="template"),
        ), syntax="format"),
        Site("langchain", ("PromptTemplate.fromTemplate",), (
            Arg(None, label="template"),
        ), syntax="format"),
        Site("langchain", ("PromptTemplate",), (Arg("template"),), syntax="format", new=True),
        Site("langchain", ("SystemMessagePromptTemplate.fromTemplate",), kind="message",
             role="system", content_keys=("template",), syntax="format"),
        Site("langchain", ("HumanMessagePromptTemplate.fromTemplate",), kind="message",
             role="user", content_keys=("template",), syntax="format"),
        Site("langchain", ("AIMessagePromptTemplate.fromTemplate",), kind="message",
             role="assistant", content_keys=("template",), syntax="format"),
        Site("langchain", ("SystemMessage",), kind="message", role="system", new=True),
        Site("langchain", ("HumanMessage",), kind="message", role="user", new=True),
        Site("langchain", ("AIMessage",), kind="message", role="assistant", new=True),
        Site("langgraph", ("createReactAgent",), (
            Arg("prompt", shape="instructions", role="system"),
            Arg("messageModifier", shape="instructions", role="system"),
            Arg("stateModifier", shape="instructions", role="system"),
        ), agent=True),
        Site("langchain", ("createAgent",), (
            Arg("systemPrompt", shape="instructions", role="system"),
            Arg("prompt", shape="instructions", role="system"),
        ), agent=True),
        Site("langgraph", ("createSupervisor",), (
            Arg("prompt", shape="instructions", role="system"),
        ), agent=True),
    ]


# Properties that carry a prompt on any call (wrappers, unknown libraries).
GENERIC_KEYS = {
    "system": "system",
    "systemPrompt": "system",
    "system_prompt": "system",
    "systemMessage": "system",
    "system_message": "system",
    "systemInstruction": "system",
    "system_instruction": "system",
    "instructions": "system",
    "preamble": "system",
    "prompt": "user",
    "userPrompt": "user",
    "user_prompt": "user",
}
# Calls whose `prompt`/`system` properties are not LLM prompts.
GENERIC_EXCLUDE = frozenset({"inquirer", "prompts", "enquirer", "readline", "window.prompt",
                             "vscode.window", "os.system", "commander"})

MODEL_KEYS = ("model", "modelName", "modelId", "model_name", "model_id", "deployment",
              "deploymentName", "azureDeployment", "engine", "llm")
RESPONSE_FORMAT_KEYS = ("response_format", "responseFormat", "schema", "output",
                        "experimental_output", "responseSchema", "responseMimeType",
                        "outputType", "outputSchema", "output_schema", "structuredOutput",
                        "output_format", "text")
TOOLS_KEYS = ("tools", "functions", "toolsets")

# Module specifiers and the library label they stand for (longest first).
LIBRARIES = tuple(sorted({
    "openai": "openai",
    "@azure/openai": "openai",
    "@openai/agents": "openai-agents",
    "@anthropic-ai": "anthropic",
    "ai": "vercel-ai",
    "@ai-sdk": "vercel-ai",
    "@langchain/langgraph": "langgraph",
    "@langchain": "langchain",
    "langchain": "langchain",
    "@mastra": "mastra",
    "@mistralai/mistralai": "mistral",
    "@google/genai": "google-genai",
    "@google/generative-ai": "google-generativeai",
    "ollama": "ollama",
    "cohere-ai": "cohere",
    "groq-sdk": "groq",
    "llamaindex": "llamaindex",
    "@llamaindex": "llamaindex",
    "@aws-sdk/client-bedrock-runtime": "bedrock",
}.items(), key=lambda kv: -len(kv[0])))


def library_of(module: str) -> str | None:
    for root, label in LIBRARIES:
        if module == root or module.startswith(root + "/"):
            return label
    return None


# Names whose string value is probably a prompt (fnmatch, case-insensitive).
NAME_PATTERNS = ("*prompt*", "*instruction*", "*template*", "*tmpl*", "system_message",
                 "systemMessage", "system_msg", "systemMsg", "preamble", "*_preamble",
                 "*Preamble", "*persona*", "backstory")
SYSTEM_NAME_PATTERNS = ("*system*", "*instruction*", "*preamble*", "*persona*", "backstory")
USER_NAME_PATTERNS = ("*user*", "*human*", "*question*")


@dataclass
class Catalogue:
    by_last: dict[str, list[tuple[tuple[str, ...], Site]]]
    prompt_name: re.Pattern[str]
    system_name: re.Pattern[str]
    user_name: re.Pattern[str]

    def candidates(self, parts: tuple[str, ...]) -> list[tuple[int, Site]]:
        """Sites whose callee is a suffix of ``parts``, as (suffix length, site)."""
        return suffix_matches(self.by_last, parts)


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    by_last: dict[str, list[tuple[tuple[str, ...], Site]]] = {}
    for site in _sites():
        for callee in site.callees:
            parts = tuple(callee.split("."))
            by_last.setdefault(parts[-1], []).append((parts, site))
    return Catalogue(
        by_last,
        names_regex(NAME_PATTERNS),
        names_regex(SYSTEM_NAME_PATTERNS),
        names_regex(USER_NAME_PATTERNS),
    )
