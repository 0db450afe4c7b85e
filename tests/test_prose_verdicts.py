"""No sentence reads an executed output as a verdict without a claim the build checks.

A number in a sentence is protected by an inline value (``{{ name }}``); the sentence
around it is not: « six millions de fois moins », « plus lent à partir de 128 tokens »,
« tient sur une carte » can stay written while the numbers move under them. So a sentence
that speaks of an executed output (it cites a value, or sits in a paragraph that does, or
points to a table, a figure or an output) and says a comparison, a direction, a threshold
or a verdict (plus, moins, fois, dépasse, tient, ne … pas, à partir de, presque…) must cite
a claim, ``{{ claim: name }}``, that its block computed from the outputs; or be listed,
with a reason, under ``verdicts`` in ``tests/prose_numbers/<page>.yml``.
"""

from __future__ import annotations

import re

from prose import ROOT, allowlist, normalize, pages, sentences

VERDICT = re.compile(
    r"\b(?:plus|moins|fois|dépass\w*|tien(?:t|nent|drait|draient|dra|nent)|tenir|"
    r"à partir d[eu']|presque|quasi\w*|au-dessus|au-dessous|en dessous|en-dessous|au-delà|"
    r"davantage|mieux|pire|meilleur\w*|supérieur\w*|inférieur\w*|jamais|toujours|aucun\w*|"
    r"égal\w*|égaux|identique\w*|double\w*|moitié|seulement|rapide\w*|lent\w*|"
    r"croî\w*|croiss\w*|décroî\w*|décroiss\w*|augment\w*|diminu\w*|baiss\w*|chut\w*|bouge\w*|"
    r"domin\w*|l'emport\w*|gagn\w*|perd\w*|dépend\w* peu|ne change\w*|reste\w*)\b"
    r"|\bn(?:e\s|')(?:[^.;:]{0,40}?)\b(?:pas|plus|jamais|guère|que|aucun\w*)\b",
    re.IGNORECASE,
)
VALUE = re.compile(r"\{\{\s*(?!claim:)[a-z][a-z0-9_]*\s*\}\}")
CLAIM = re.compile(r"\{\{\s*claim:\s*[a-z][a-z0-9_]*\s*\}\}")
OUTPUT = re.compile(
    r"\b(?:tableau|figure|courbe|sortie|ci-dessus|ci-dessous|dernière section|la colonne|"
    r"la ligne|(?:la|les|une|des|cette|ces|sa|ses|leur|leurs) mesures?|mesuré\w*)\b",
    re.IGNORECASE,
)
_NOT_TEXT = re.compile(r"`+.*?`+|\$[^$]+\$|\]\([^)]*\)|<[^>]+>|\[\^[^\]]+\]")


def unchecked_verdicts(text: str) -> list[tuple[int, str]]:
    """``(line, sentence)`` of each sentence that reads an output as a verdict, unclaimed."""
    found = []
    for sentence in sentences(text):
        if CLAIM.search(sentence.text):
            continue
        plain = _NOT_TEXT.sub(" ", sentence.text)
        about_output = (
            VALUE.search(sentence.text)
            or VALUE.search(sentence.paragraph)
            or OUTPUT.search(_NOT_TEXT.sub(" ", plain))
        )
        if about_output and VERDICT.search(VALUE.sub(" ", plain)):
            found.append((sentence.line, sentence.text))
    return found


def _allowed(sentence: str, entries: list[dict]) -> dict | None:
    text = normalize(sentence)
    return next((e for e in entries if normalize(e["sentence"]) in text), None)


def test_every_verdict_about_an_output_cites_a_claim_or_is_allowed() -> None:
    stray = []
    for page in pages():
        entries = allowlist(page)["verdicts"]
        for line, sentence in unchecked_verdicts(page.read_text(encoding="utf-8")):
            if _allowed(sentence, entries) is None:
                stray.append(f"{page.relative_to(ROOT).as_posix()}:{line}: {sentence}")
    assert not stray, (
        f"{len(stray)} sentence(s) read an output as a verdict without a claim: back each with "
        "{{ claim: name }} stated by its block (genai_docs.values.claim), or allow it under "
        "'verdicts' in tests/prose_numbers/<page>.yml with a reason:\n" + "\n".join(stray)
    )


def test_every_allowed_verdict_has_a_reason_and_is_used() -> None:
    problems = []
    for page in pages():
        unchecked = [s for _, s in unchecked_verdicts(page.read_text(encoding="utf-8"))]
        for entry in allowlist(page)["verdicts"]:
            if not (isinstance(entry.get("why"), str) and len(entry["why"].strip()) >= 10):
                problems.append(f"{page.stem}.yml: {entry.get('sentence')!r}: give a reason")
            matches = [s for s in unchecked if normalize(entry["sentence"]) in normalize(s)]
            if not matches:
                problems.append(
                    f"{page.stem}.yml: {entry['sentence']!r}: no such unchecked sentence"
                )
    assert not problems, "\n".join(problems)


def test_the_check_catches_the_four_sentences_the_second_review_found() -> None:
    """As the pages were at eaaf5ad: each of these read an output wrongly, and nothing saw it."""
    misread = [
        # transformateurs.md: the ratio read backwards
        "Dans le RNN simple, l'influence d'un mot est divisée en moyenne par {{ rnn_facteur_par_pas }}\n"
        "à chaque pas : à vingt mots de distance, il n'en reste que {{ rnn_attenuation_20 }} fois celle\n"
        "du dernier mot.",
        # transformateurs.md: a verdict from the first crossing only
        "Ici, le tableau a été calculé\nsur {{ appareil_temps }} : le pas du LSTM coûte "
        "{{ rapport_temps_court }} fois celui du\n*transformer* ; {{ verdict_temps }}.",
        # memoire.md: « pas nulles » beside a table of 0,0 Go
        "Avec 8 séquences, le pic vaut {{ rapport_8x4096_none }} fois la mémoire des poids. Sans\n"
        "recalcul, les activations au moment du pic\nne sont pas nulles pour les petits *batchs*.",
        # quantification.md: « plus vite » beside a table where 16 bits is 8 times slower
        "c'est possible en bf16 ({{ moitie_pur_bf16 }} d'économie). La précision mixte sert "
        "d'abord à **calculer plus\nvite** (voir la dernière\nsection), pas à tenir dans moins "
        "de mémoire.",
    ]
    for text in misread:
        assert unchecked_verdicts(text), text
    assert unchecked_verdicts("Le pic vaut {{ pic }}, plus que la carte {{ claim: trop }}.") == []
    assert unchecked_verdicts("Un LSTM est plus lent qu'un transformer en général.") == []
