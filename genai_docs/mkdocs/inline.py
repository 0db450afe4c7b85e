"""Executed values inside sentences: ``{{ name }}`` in a page's prose.

A block publishes named values (``genai_docs.values.publish``); the worker collects them
with its output, so they are cached with it and editing prose runs nothing. Before a page
is converted, :func:`substitute` replaces each ``{{ name }}`` outside code with the value
that a block of the same page published under that name, already formatted the French way
by the block. The value is wrapped in ``<span class="valeur">`` whose title names the
snippet that computed it, so a reader can trace it.

A name that no block of the page publishes is an error naming the page and line (the build
fails; ``mkdocs serve`` shows the error in the page); so is a name published by two blocks
of one page. ``\\{{ name }}`` shows the braces as they are. Fenced code and inline code
spans are left alone: a snippet's f-string may well contain ``{{``.

The design is MyST-NB's ``glue`` (a name chosen by the code, cited by the text) with the
brace syntax of mkdocs-macros, which MkDocs authors know.

A sentence that interprets an output cites a claim, ``{{ claim: name }}``, that a block of
the page stated (``genai_docs.values.claim``). A true claim becomes a discreet mark whose
tooltip says what was checked, with which values (« vérifié à la construction : … »). A
false claim, or one that no block states, is an error naming the page and line, the claim
and its detail; ``mkdocs serve`` shows it in the sentence itself.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["CITE", "Claim", "Published", "prose_lines", "substitute"]

CITE = re.compile(r"(\\?)\{\{\s*(claim:\s*)?([a-z][a-z0-9_]*)\s*\}\}")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).+?\1")


@dataclass(frozen=True)
class Published:
    text: str  # the value as shown, formatted by the block
    source: str  # where it was computed: a snippet path, or "page.md:line"


@dataclass(frozen=True)
class Claim:
    holds: bool  # whether what the sentence says is true of the outputs
    detail: str  # what was checked, with its values: « 3,9 × 10⁻⁷ < 10⁻⁶ »
    source: str  # where it was stated: a snippet path, or "page.md:line"


def _claim(name: str, claims: dict[str, Claim], where: str, errors: list[str]) -> str:
    found = claims.get(name)
    if found is None:
        errors.append(f"{where}: claim {name!r} is cited but no block of this page states it")
        return f'<span class="affirmation-fausse">{{{{ claim: {name} }}}}</span>'
    if not found.holds:
        errors.append(
            f"{where}: claim {name!r} is false: {found.detail} (stated by {found.source}); "
            "the sentence that cites it no longer says what the outputs show"
        )
        title = html.escape(f"faux à la construction : {found.detail}", quote=True)
        text = html.escape(f"✗ affirmation fausse ({name}) : {found.detail}")
        return f'<span class="affirmation-fausse" title="{title}">{text}</span>'
    title = html.escape(
        f"vérifié à la construction : {found.detail} (par {found.source})", quote=True
    )
    return f'<span class="affirmation" title="{title}" aria-label="{title}">✓</span>'


def _replace(
    line: str,
    values: dict[str, Published] | None,
    claims: dict[str, Claim] | None,
    where: str,
    missing: list[str],
) -> str:
    def one(match: re.Match) -> str:
        escaped, is_claim, name = match.group(1), match.group(2), match.group(3)
        if escaped:
            return match.group(0)[1:]
        if values is None:  # execution disabled: nothing to cite
            return "" if is_claim else '<span class="valeur">…</span>'
        if is_claim:
            return _claim(name, claims or {}, where, missing)
        value = values.get(name)
        if value is None:
            missing.append(
                f"{where}: value {name!r} is cited but no block of this page publishes it"
            )
            return f'<span class="valeur-manquante">{{{{ {name} }}}}</span>'
        title = html.escape(f"calculé par {value.source}", quote=True)
        return f'<span class="valeur" title="{title}">{html.escape(value.text)}</span>'

    pieces, last = [], 0
    for span in _CODE_SPAN.finditer(line):  # leave inline code alone
        pieces.append(CITE.sub(one, line[last : span.start()]))
        pieces.append(span.group(0))
        last = span.end()
    pieces.append(CITE.sub(one, line[last:]))
    return "".join(pieces)


def substitute(
    markdown: str,
    values: dict[str, Published] | None,
    page: str,
    skip: list[tuple[int, int]] = (),
    claims: dict[str, Claim] | None = None,
) -> tuple[str, list[str]]:
    """``markdown`` with its cited values and claims replaced, and the errors (empty when
    all is well).

    ``values`` None means execution is disabled: values show "…" and claims nothing.
    ``skip`` lists ``(start, end)`` line ranges to leave as they are (the executed blocks).
    """
    lines = markdown.split("\n")
    errors: list[str] = []
    skipped = {index for start, end in skip for index in range(start, end)}
    for index, line in prose_lines(lines):
        if index in skipped or "{{" not in line:
            continue
        lines[index] = _replace(line, values, claims, f"{page}:{index + 1}", errors)
    return "\n".join(lines), errors


def prose_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """``(index, line)`` of the lines outside fenced code blocks."""
    fence: str | None = None
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
        elif opening:
            fence = opening.group(1)
        else:
            yield index, line
