"""Every exercise of every page is folded, and so is its answer.

An exercise is a ``??? question "Exercice N : …"`` block with a nested ``??? success
"Réponse"``. One stray character in the indentation (a no-break space, as the second
content review found on the Quantification page) turns the answer into a paragraph shown
under the question, with its LaTeX raw: this renders every page with the site's own
Markdown extensions and checks the structure of the HTML.
"""

from __future__ import annotations

from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").rglob("*.md"))


class _Details(HTMLParser):
    """The tree of ``<details>`` elements: (classes, open, children)."""

    def __init__(self) -> None:
        super().__init__()
        self.root: list = []
        self.stack: list[list] = [self.root]

    def handle_starttag(self, tag, attrs):
        if tag == "details":
            attributes = dict(attrs)
            node = [set((attributes.get("class") or "").split()), "open" in attributes, []]
            self.stack[-1].append(node)
            self.stack.append(node[2])

    def handle_endtag(self, tag):
        if tag == "details":
            self.stack.pop()


@cache
def _config():
    return load_config(str(ROOT / "mkdocs.yml"))


def _render(text: str) -> str:
    config = _config()
    extensions = [e for e in config.markdown_extensions if not e.startswith("genai_docs")]
    return markdown.markdown(text, extensions=extensions, extension_configs=config.mdx_configs)


def _problems(html: str) -> list[str]:
    parser = _Details()
    parser.feed(html)
    problems = []
    exercises = [node for node in parser.root if "question" in node[0]]
    for number, (_classes, is_open, children) in enumerate(exercises, start=1):
        answers = [child for child in children if "success" in child[0]]
        if is_open:
            problems.append(f"exercise {number} is unfolded")
        if not answers:
            problems.append(f"exercise {number} has no folded answer")
        problems += [f"exercise {number}: its answer is unfolded" for a in answers if a[1]]
    if "??? success" in html or "??? question" in html:
        problems.append("a '???' block is shown as text (its indentation is not four spaces?)")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_exercise_and_its_answer_are_folded(page: Path) -> None:
    assert _problems(_render(page.read_text(encoding="utf-8"))) == []


def test_the_check_catches_an_answer_indented_with_a_no_break_space() -> None:
    good = '??? question "Exercice 1 : x"\n\n    Énoncé.\n\n    ??? success "Réponse"\n\n        Oui.\n'
    assert _problems(_render(good)) == []
    broken = good.replace("    ??? success", "   \u00a0??? success")
    assert _problems(_render(broken)) != []
