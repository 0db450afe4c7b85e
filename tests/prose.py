"""The prose of a page, sentence by sentence: what the prose checks of ``tests/`` read.

A page's prose is what a reader reads as text: paragraphs, list items, table rows, headings
and admonition titles, without fenced code, display math, footnote definitions and
abbreviation lines. :func:`sentences` cuts it into sentences, each with the line where it
starts, so a check can name the place and an allowlist can name the sentence by a fragment
of its text.

Each page's allowlist is ``tests/prose_numbers/<page>.yml``:

- ``numbers``: a number written by hand, why it may stay (a definition, a figure quoted
  from a named source, a setting readable in the code), and ``in``: the sentences where it
  stands, each named by a fragment of its text;
- ``verdicts``: a sentence that reads like a verdict about an output but cites no claim,
  named by a fragment of its text, and why (it states a fact from a source, a definition,
  or a general truth that no output of the page measures).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import yaml

from genai_docs.mkdocs.inline import prose_lines

ROOT = Path(__file__).resolve().parents[1]
ALLOWLISTS = ROOT / "tests" / "prose_numbers"  # one YAML file per page


@dataclass(frozen=True)
class Sentence:
    line: int  # 1-based line of the page where the sentence starts
    text: str  # its Markdown, whitespace collapsed
    paragraph: str  # the Markdown of the whole paragraph (list item, table row) it belongs to


_NEW_BLOCK = re.compile(r"^\s*(?:[-*+]\s|\d+\.\s|#{1,6}\s|\||!!!|\?\?\?|===|<|\*\[|\[\^)")
_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=[«(*\[{A-ZÀÂÉÈÊÎÔÛÇ])")


def paragraphs(text: str) -> list[tuple[list[int], str]]:
    """Each paragraph, list item, table row, heading or admonition title: the offset in its
    text where each of its lines starts (as ``(line, offset)``), and its Markdown."""
    found: list[list[tuple[int, str]]] = []
    in_math = in_footnote = False
    previous = -2
    for index, line in prose_lines(text.splitlines()):
        stripped = line.strip()
        if stripped.startswith("$$"):
            if stripped == "$$" or not stripped.endswith("$$"):
                in_math = not in_math
            continue
        if in_math or stripped.startswith("*["):
            continue
        if re.match(r"\[\^[^\]]+\]:", line):
            in_footnote = True
            continue
        if in_footnote and (line.startswith("    ") or not stripped):
            continue
        in_footnote = False
        if not stripped or stripped.startswith("--8<--"):
            previous = -2
            continue
        if index != previous + 1 or _NEW_BLOCK.match(line):
            found.append([])
        found[-1].append((index + 1, stripped))
        single = stripped.startswith(("|", "#", "!!!", "???", "==="))  # a paragraph of one line
        previous = -2 if single else index
    result = []
    for lines in found:
        starts, offset = [], 0
        for number, line in lines:
            starts.append((number, offset))
            offset += len(line) + 1
        result.append((starts, " ".join(line for _, line in lines)))
    return result


def sentences(text: str) -> list[Sentence]:
    """Every sentence of the page's prose, with the line it starts on."""
    found = []
    for starts, paragraph in paragraphs(text):
        cuts = [0] + [m.end() for m in _SPLIT.finditer(paragraph)] + [len(paragraph) + 1]
        if len(cuts) > 2 and re.fullmatch(r"\s*\d+\.\s*", paragraph[: cuts[1]]):
            del cuts[1]  # « 1. » opens an ordered list's item: not a sentence of its own
        for begin, end in pairwise(cuts):
            line = max(number for number, offset in starts if offset <= begin)
            piece = re.sub(r"[ \t\n]+", " ", paragraph[begin:end]).strip()  # keeps U+00A0, U+202F
            found.append(Sentence(line, piece, paragraph))
    return found


def normalize(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def allowlist(page: Path) -> dict:
    path = ALLOWLISTS / f"{page.stem}.yml"
    if not path.exists():
        return {"numbers": {}, "verdicts": []}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        "numbers": {str(k): v for k, v in (data.get("numbers") or {}).items()},
        "verdicts": list(data.get("verdicts") or []),
    }


def pages() -> list[Path]:
    return sorted((ROOT / "docs").rglob("*.md"))
