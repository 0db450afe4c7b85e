"""Which sentences the corpus's grammar can produce: a check of generated text.

The course corpus is written by the small grammar of :mod:`genai_docs.transformer.corpus`,
so we know exactly which sentences are "correct" in its world. :func:`is_grammatical` says
whether one sentence is among those the grammar can produce, built from the same word lists
and the same templates:

- an action: ``[opener]Name a <verb> <article noun>[place | avec Other].``, the noun being
  one of the objects the grammar gives that verb ("frappé": ballon, caillou, tambour,
  balle), with its indefinite or definite article, and ``Other`` another name;
- a follow-up: ``Puis il|elle a <verb> un|une <noun>.``, and one of the fixed reactions;
- a description: ``Un ballon est un objet rond.``, ``La balle de Léa est jaune.``, ``Le
  livre est lourd.`` with an adjective the grammar gives that noun, in the right gender;
- a story's first and last sentences: ``Name a posé son|sa <noun> <place>.`` and ``Plus
  tard, il|elle a repris son|sa <noun>.``.

The check is sentence by sentence: it does not check that a pronoun agrees with a subject
two sentences earlier, nor that a story takes back the object it put down.
:func:`complete_sentences` cuts a generated text into the sentences it finished.
"""

from __future__ import annotations

import re
from functools import cache

from . import corpus

__all__ = ["complete_sentences", "grammatical_share", "is_grammatical"]

_NAMES = corpus.MALE + corpus.FEMALE


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _patterns() -> dict[str, re.Pattern]:
    names = _alternatives(_NAMES)
    openers = _alternatives(o for o in corpus.OPENERS if o)
    places = _alternatives(p for p in corpus.PLACES if p)
    verbs = _alternatives(corpus.VERBS)
    nouns = _alternatives(corpus.NOUNS)
    return {
        "action": re.compile(
            rf"(?:{openers})?(?P<subject>{names}) a (?P<verb>{verbs}) (?P<np>.+?)"
            rf"(?:{places}| avec (?P<partner>{names}))?\."
        ),
        "then": re.compile(rf"Puis (?:il|elle) a (?P<verb>{verbs}) (?P<np>.+)\."),
        "round": re.compile(rf"(?P<np>Une? (?:{nouns})) est un (?P<thing>fruit|objet) rond\."),
        "described": re.compile(
            rf"(?P<np>(?:Le |La |L')(?:{nouns}))(?: (?P<of>(?:de |d')(?P<owner>{names})))? est "
            rf"(?P<adjective>\w+)\."
        ),
        "put": re.compile(
            rf"(?P<subject>{names}) a posé (?P<np>(?:son|sa) .+) "
            rf"(?:{_alternatives(corpus.STORY_PLACES)})\."
        ),
        "took": re.compile(r"Plus tard, (?:il|elle) a repris (?P<np>(?:son|sa) .+)\."),
    }


def _noun_phrase(np: str, nouns, forms) -> bool:
    return any(np == form(noun) for noun in nouns for form in forms)


def is_grammatical(sentence: str) -> bool:
    """Whether the corpus's grammar can produce ``sentence`` (one sentence, with its period)."""
    sentence = sentence.strip()
    if sentence in corpus.REACTIONS:
        return True
    p = _patterns()
    if m := p["action"].fullmatch(sentence):
        objects = [noun for noun, _ in corpus.VERBS[m["verb"]]]
        forms = (corpus._indefinite, corpus._definite)
        return m["partner"] != m["subject"] and _noun_phrase(m["np"], objects, forms)
    if m := p["then"].fullmatch(sentence):
        objects = [noun for noun, _ in corpus.VERBS[m["verb"]]]
        return _noun_phrase(m["np"], objects, (corpus._indefinite,))
    if m := p["round"].fullmatch(sentence):
        return any(
            m["np"] == corpus._indefinite(noun).capitalize()
            and m["thing"] == ("fruit" if noun == "pomme" else "objet")
            for noun in corpus.ROUND_THINGS
        )
    if m := p["described"].fullmatch(sentence):
        if m["owner"] and m["of"] != corpus._de(m["owner"]):
            return False
        return any(
            m["np"] == corpus._definite(noun).capitalize() and m["adjective"] in adjectives
            for noun, adjectives in corpus.DESCRIBED.items()
        )
    if m := p["put"].fullmatch(sentence):
        return _noun_phrase(m["np"], corpus.STORY_OBJECTS, (corpus._possessive,))
    if m := p["took"].fullmatch(sentence):
        return _noun_phrase(m["np"], corpus.STORY_OBJECTS, (corpus._possessive,))
    return False


_SENTENCE_END = re.compile(r"(?<=\.)\s+")


def complete_sentences(text: str) -> list[str]:
    """The finished sentences of ``text`` (paragraphs on separate lines): each ends with a
    period; an unfinished last sentence, cut by the length limit, is left out."""
    found = []
    for paragraph in text.splitlines():
        for sentence in _SENTENCE_END.split(paragraph.strip()):
            if sentence.endswith("."):
                found.append(sentence)
    return found


def grammatical_share(texts: list[str]) -> tuple[int, int]:
    """(grammatical, finished) sentences over ``texts``: their ratio is the share kept."""
    sentences = [s for text in texts for s in complete_sentences(text)]
    return sum(map(is_grammatical, sentences)), len(sentences)
