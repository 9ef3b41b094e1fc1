"""Fix copies of real source trees and classify every changed hunk.

Used by ``check_strip_corpus.py --tree DIR``. Each tree is copied to a
temporary directory and fixed there with the command line, as a user would
(``check --fix``, then on a second copy ``check --fix --unsafe-fixes``); the
original is never written. Every changed hunk of every file is then put in
one of three classes:

- **identity only**: the words that went are all the persona's identity
  (its cue, its role, its credentials), and no word was put in but a
  capital letter;
- **identity + rewritten clause**: the same, and the words put in are a
  rewrite's lead ("This project uses", "This task concerns", an instruction
  verb standing for the persona's "tasked with categorizing");
- **anything else**: a word went that was not identity (the task, the stack,
  a quoted transcript, a placeholder), or some other word came in.

For safe fixes "anything else" must be zero. Afterwards the fixed copy is
checked again, after safe fixes and after unsafe ones: a persona found there
that the first report did not name means one pass does not converge.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from prism_lint.analysis.persona import find_personas
from prism_lint.config import Settings
from prism_lint.engine import check_source
from prism_lint.fix.rewrite import _parts, imperative
from prism_lint.model import Diagnostic

PERSONA_CODES = ("PRS1", "PRS2", "PRS3", "PRS4")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_LEADS = frozenset({"this", "project", "task", "uses", "involves", "concerns", "focuses"})
MAX_BYTES = 2_000_000


@dataclass
class TreeResult:
    name: str
    files: int = 0
    findings: int = 0
    hunks: dict[str, Counter[str]] = field(default_factory=dict)  # mode -> class -> count
    others: dict[str, list[str]] = field(default_factory=dict)  # mode -> examples
    new_personas: list[str] = field(default_factory=list)  # found only after fixing


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _findings(path: str, text: str) -> list[Diagnostic]:
    try:
        diags = check_source(path, text, Settings(), named=True).diagnostics
    except Exception as exc:  # a file the linter cannot read is reported, not fatal
        print(f"  {path}: {exc}", file=sys.stderr)
        return []
    return [d for d in diags if d.code.startswith(PERSONA_CODES)]


def _persona_key(d: Diagnostic) -> str:
    said = str(d.details.get("persona") or d.doc.text[d.start : d.end])
    return " ".join(said.split())[:40].lower()


def identity_words(snippet: str) -> tuple[Counter[str], Counter[str]]:
    """Words of a persona finding's text that are identity, and those that
    carry something else (a task, a field) and must be kept."""
    found = find_personas(snippet, titles=False)
    if not found:
        return Counter(words(snippet)), Counter()
    p = found[0]
    ident = Counter(words(snippet[: max(p.identity_end, p.start)]))
    kept: Counter[str] = Counter()
    if p.start < p.identity_end < len(snippet):
        for part in _parts(snippet, p.identity_end, len(snippet)):
            if part.kind == "credentials":
                ident.update(words(snippet[part.start : part.end]))
            elif part.kind in ("field", "task") and part.keep_from:
                ident.update(words(snippet[part.start : part.keep_from]))
                kept.update(words(snippet[part.keep_from : part.end]))
            else:
                kept.update(words(snippet[part.start : part.end]))
    ident.update(words(snippet[p.end :]))  # closing words a fix takes with the span
    return ident, kept


def classify(old: str, new: str, identity: Counter[str]) -> str:
    """The class of one hunk (old lines -> new lines)."""
    lost = Counter(words(old)) - Counter(words(new))
    added = Counter(words(new)) - Counter(words(old))
    rewritten = False
    for w in list(added):
        if w in _LEADS:
            rewritten = True
            del added[w]
            continue
        # an instruction verb in place of "categorizing", "plans"
        for gone in list(lost):
            if imperative(gone) == w:
                lost[gone] -= 1
                if lost[gone] <= 0:
                    del lost[gone]
                added[w] -= 1
                rewritten = True
                break
        if added[w] <= 0:
            del added[w]
    if added:
        return "anything else"
    if any(identity[w] < n for w, n in lost.items()):
        return "anything else"
    return "identity + rewritten clause" if rewritten else "identity only"


def _hunks(old: str, new: str) -> list[tuple[str, str]]:
    a = old.splitlines(keepends=True)
    b = new.splitlines(keepends=True)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append(("".join(a[i1:i2]), "".join(b[j1:j2])))
    return out


def _fix_copy(src: Path, unsafe: bool) -> Path:
    dest = Path(tempfile.mkdtemp(prefix="prism-strip-"))
    shutil.copytree(
        src, dest / "tree", symlinks=True, ignore=shutil.ignore_patterns(".prism_lint_cache")
    )
    cmd = [
        sys.executable,
        "-m",
        "prism_lint",
        "check",
        "--fix",
        "--no-cache",
        "--exit-zero",
        "-s",
        str(dest / "tree"),
    ]
    if unsafe:
        cmd.insert(4, "--unsafe-fixes")
    subprocess.run(cmd, check=False, timeout=1800)
    return dest


def check_tree(root: Path, *, examples: int = 20) -> TreeResult:
    """Fix two copies of ``root`` (safe fixes, then unsafe too) and classify."""
    result = TreeResult(root.name)
    first: dict[str, list[Diagnostic]] = {}
    for mode in ("safe", "unsafe"):
        dest = _fix_copy(root, unsafe=mode == "unsafe")
        counts: Counter[str] = Counter()
        others: list[str] = []
        try:
            for fixed in sorted((dest / "tree").rglob("*")):
                if not fixed.is_file() or fixed.is_symlink():
                    continue
                rel = fixed.relative_to(dest / "tree")
                orig = root / rel
                if orig.stat().st_size > MAX_BYTES:
                    continue
                try:
                    old = orig.read_text(encoding="utf-8")
                    new = fixed.read_text(encoding="utf-8")
                except (UnicodeDecodeError, OSError):
                    continue
                if old == new:
                    continue
                if str(rel) not in first:
                    first[str(rel)] = _findings(str(rel), old)
                identity: Counter[str] = Counter()
                for d in first[str(rel)]:
                    # the finding's own text (a notebook's offsets are its cell's)
                    said = str(d.details.get("persona") or "") if d.doc.cell else ""
                    ident, _kept = identity_words(said or d.doc.text[d.start : d.end])
                    identity.update(ident)
                for a, b in _hunks(old, new):
                    cls = classify(a, b, identity)
                    counts[cls] += 1
                    if cls == "anything else" and len(others) < examples:
                        others.append(f"{rel}: {a.strip()[:160]!r} -> {b.strip()[:160]!r}")
                # a persona is the same one when its own words start the same
                # way (a passage's end moves as the fixes around it land)
                seen = {_persona_key(d) for d in first[str(rel)]}
                for d in _findings(str(rel), new):
                    if _persona_key(d) not in seen:
                        said = " ".join(new[d.start : d.end].split())
                        result.new_personas.append(f"{rel} ({mode}): {d.code} {said[:100]!r}")
        finally:
            shutil.rmtree(dest, ignore_errors=True)
        result.hunks[mode] = counts
        result.others[mode] = others
    result.files = len(first)
    result.findings = sum(len(v) for v in first.values())
    return result


def report(results: list[TreeResult], verbose: bool) -> int:
    bad = 0
    print(
        "tree | files changed | persona findings | mode | identity only | "
        "identity + rewritten clause | anything else"
    )
    for r in results:
        for mode in ("safe", "unsafe"):
            c = r.hunks.get(mode, Counter())
            print(
                f"{r.name} | {r.files} | {r.findings} | {mode} | {c['identity only']} | "
                f"{c['identity + rewritten clause']} | {c['anything else']}"
            )
        bad += r.hunks.get("safe", Counter())["anything else"]
        print(f"  personas found only after fixing: {len(r.new_personas)}")
        if verbose:
            for mode in ("safe", "unsafe"):
                for line in r.others.get(mode, []):
                    print(f"  [{mode}] {line}")
            for line in r.new_personas:
                print(f"  [new] {line}")
    return 1 if bad else 0
