"""No number in a sentence is written by hand unless it is allowed, with a reason.

A number that this site computes belongs in a sentence as an inline value, ``{{ name }}``,
published by a block of the same page (``genai_docs.values.publish``): then it cannot go
stale when the library changes. Every other number written in the prose of ``docs/`` must
be listed in ``tests/prose_numbers/<page>.yml``, with why it may stay and the sentences
where it stands (a fragment of each: a number is allowed sentence by sentence, so the same
« 8 » cannot slip into another sentence unseen): a figure quoted from a source (named on
the page), a definition (4 octets = 32 bits), a count that is part of the text's structure
(« trois familles »), a name (Llama 2).

What counts as a number: a run of digits standing alone (not inside a word such as fp16,
GPT-2 or H100), and the spelled-out numbers from « onze » up (the small ones, « deux »,
« trois », are the grammar of the text; the large ones are the ones that drift). What is
not prose: code (fenced or inline), formulas, executed blocks, inline values, link
targets, footnote definitions (they are the sources themselves) and abbreviations.
"""

from __future__ import annotations

import re
from pathlib import Path

from prose import ALLOWLISTS, ROOT, allowlist, normalize, pages, sentences

_NOT_PROSE = [
    re.compile(r"`+.*?`+"),  # inline code
    re.compile(r"\{\{.*?\}\}"),  # inline values
    re.compile(r"\$[^$]+\$"),  # inline math
    re.compile(r"\\\(.*?\\\)"),  # inline math, the other way
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"<[^>]+>"),  # HTML tags and their attributes
    re.compile(r"\[\^[^\]]+\]"),  # footnote references
    re.compile(r"pour cent", re.IGNORECASE),  # « quelques pour cent » counts nothing
]
_DIGITS = re.compile(r"(?<![\w\-/.,])\d+(?:[.,\u202f\u00a0]\d+)*(?![\w\-/]|[.,]\d)")
_WORDS = re.compile(
    r"\b(onze|douze|treize|quatorze|quinze|seize|dix-sept|dix-huit|dix-neuf|vingt|trente|"
    r"quarante|cinquante|soixante|quatre-vingts?|cent|cents|mille)\b",
    re.IGNORECASE,
)


def prose_numbers(text: str) -> list[tuple[int, str, str]]:
    """``(line, number, sentence)`` for every number written in the prose of a Markdown page."""
    found = []
    for sentence in sentences(text):
        plain = re.sub(r"^\s*\d+\.\s", " ", sentence.text)  # an ordered list's number
        plain = re.sub(r"Exercice \d+", " ", plain)  # an exercise's number
        for pattern in _NOT_PROSE:
            plain = pattern.sub(" ", plain)
        tokens = [m.group(0) for m in _DIGITS.finditer(plain)]
        tokens += [m.group(0).lower() for m in _WORDS.finditer(plain)]
        found += [
            (sentence.line, token.replace("\u202f", " ").replace("\u00a0", " "), sentence.text)
            for token in tokens
        ]
    return found


def _allowed(page: Path) -> dict[str, dict]:
    return allowlist(page)["numbers"]


def _stands_in(entry: dict, sentence: str) -> bool:
    return any(normalize(fragment) in normalize(sentence) for fragment in entry.get("in") or [])


def stray_numbers(text: str, allowed: dict[str, dict]) -> list[tuple[int, str, str]]:
    """The numbers of ``text`` that no entry of ``allowed`` allows in their sentence."""
    return [
        (line, token, sentence)
        for line, token, sentence in prose_numbers(text)
        if token not in allowed or not _stands_in(allowed[token], sentence)
    ]


def test_every_number_in_a_sentence_is_computed_or_allowed() -> None:
    stray = []
    for page in pages():
        text = page.read_text(encoding="utf-8")
        for line, token, sentence in stray_numbers(text, _allowed(page)):
            where = page.relative_to(ROOT).as_posix()
            stray.append(f"{where}:{line}: {token} in « {sentence} »")
    assert not stray, (
        "numbers written by hand in sentences: make them inline values {{ name }}, or allow "
        "each, in its sentence, in tests/prose_numbers/<page>.yml with a reason:\n"
        + "\n".join(stray)
    )


def test_every_allowed_number_has_a_reason_and_is_used() -> None:
    stems = {page.stem: page for page in pages()}
    problems = []
    for path in sorted(ALLOWLISTS.glob("*.yml")):
        page = stems.get(path.stem)
        if page is None:
            problems.append(f"{path.name}: no page docs/{path.stem}.md")
            continue
        written = prose_numbers(page.read_text(encoding="utf-8"))
        for token, entry in _allowed(page).items():
            why = entry.get("why") if isinstance(entry, dict) else None
            if not (isinstance(why, str) and len(why.strip()) >= 10):
                problems.append(f"{path.name}: {token}: give a reason (why:)")
                continue
            for fragment in entry.get("in") or [None]:
                holders = [s for _, t, s in written if t == token]
                if fragment is None or not any(
                    normalize(fragment) in normalize(s) for s in holders
                ):
                    problems.append(f"{path.name}: {token} in {fragment!r}: no such sentence")
    assert not problems, "\n".join(problems)


def test_the_check_catches_the_stale_numbers_the_review_found() -> None:
    """The sentences the content review found stale (before issue 8), caught as written."""
    stale = {
        "Avec 8 séquences de 4096 *tokens*, le pic dépasse 30 fois la mémoire des poids": "30",
        "la perte n'est que de $-\\log p$, environ 0,15.": "0,15",
        "un vecteur de scores, avec une composante par token du vocabulaire (768 ici).": "768",
        "l'accord de « sont » dépend d'un mot lu quinze positions plus tôt": "quinze",
    }
    for sentence, number in stale.items():
        assert number in [token for _, token, _ in prose_numbers(sentence)], sentence
    assert prose_numbers("Le modèle fp16 de GPT-2 sur H100 : `x = 30` et {{ perte }}.") == []


def test_a_number_is_allowed_in_its_sentence_only() -> None:
    allowed = {"8": {"why": "réglage lisible dans le code", "in": ["Avec 8 séquences"]}}
    page = "Avec 8 séquences, le pic monte.\n\nSur 8 GPU, il baisse."
    assert [token for _, token, _ in stray_numbers(page, allowed)] == ["8"]
    assert stray_numbers("Avec 8 séquences, le pic monte.", allowed) == []
