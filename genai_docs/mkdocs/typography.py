"""French typography for the rendered pages: no-break spaces where French puts them.

A Python-Markdown extension (``genai_docs.mkdocs.typography`` in ``markdown_extensions``).
After the inline patterns have run, it walks the page's element tree and, in running text
only (never inside ``code``, ``pre``, ``kbd``, ``script``, ``style`` or a formula), turns
the ordinary space that an author typed into the space French typography asks for:

- before ``;``, ``?``, ``!`` and ``%``: a narrow no-break space (U+202F);
- before ``:`` and after ``«`` / before ``»``: a no-break space (U+00A0);

so that a line never breaks between a word and its punctuation (Lexique des règles
typographiques en usage à l'Imprimerie nationale). It adds no space where the author wrote
none: ``http://``, ``12:30`` and code are left as they are. Numbers printed by blocks are
already formatted by :mod:`genai_docs.french`.

Why not a library: the French typography engines on PyPI work on plain strings (they would
also rewrite units and ordinals, and know nothing of code spans); walking Markdown's tree is
what makes the rule safe, and it is a few lines.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

__all__ = ["FrenchTypography", "french_spaces", "makeExtension"]

NBSP, NNBSP = "\u00a0", "\u202f"
_SKIP_TAGS = {"code", "pre", "kbd", "samp", "script", "style", "math"}
_SKIP_CLASSES = {"arithmatex", "mermaid"}  # formulas and diagrams keep their source as is
_RULES = [
    (re.compile(r"[ \u00a0]+(?=[;?!%](?:\s|$|[)»,.]))"), NNBSP),
    (re.compile(r"[ \u202f]+(?=:(?:\s|$))"), NBSP),
    (re.compile(r"«[ \u202f]+"), "«" + NBSP),
    (re.compile(r"[ \u202f]+»"), NBSP + "»"),
]


def french_spaces(text: str) -> str:
    """``text`` with the spaces before ``; ? ! % :`` and inside « » made no-break."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def _skipped(element: etree.Element) -> bool:
    classes = set((element.get("class") or "").split())
    return element.tag in _SKIP_TAGS or bool(classes & _SKIP_CLASSES)


class _Spaces(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        if _skipped(element):
            return
        if element.text:
            element.text = french_spaces(element.text)
        for child in element:
            self._walk(child)
            if child.tail:  # running text of this element, even after a code span
                child.tail = french_spaces(child.tail)


class FrenchTypography(Extension):
    """No-break spaces before French double punctuation and inside guillemets."""

    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's API
        md.treeprocessors.register(_Spaces(md), "genai_docs_french_spaces", 4)


def makeExtension(**kwargs) -> FrenchTypography:  # noqa: N802 - Python-Markdown's entry point
    return FrenchTypography(**kwargs)
