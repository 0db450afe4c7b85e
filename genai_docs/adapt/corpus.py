"""A second, small corpus in a new domain, for the fine-tuning lesson: space missions.

The course model (``genai_docs.transformer``) learned a small world of balls, books and
parks from the grammar of ``genai_docs.transformer.corpus``. This module writes stories of
another kind, in the same style and with the same people: rockets flown to the Moon or to
Mars, comets seen through a porthole, antennas repaired. Most of their nouns never occur in
the course corpus (``course_counts`` counts them), so the course model has to learn them.

Origin and size: every sentence is drawn from the word lists below by a seeded
``random.Random``, so the corpus is exactly reproducible and costs a few milliseconds to
generate; nothing is shipped. 1,500 paragraphs, one per line, about 155,000 characters and
83,000 tokens of the course tokenizer. A paragraph is held out when the CRC-32 of its text
is divisible by 10 (about 7 % here: the short facts repeat, and all copies of one fall on
the same side), so the split is fixed and a repeated paragraph never sits on both sides.

Three kinds of paragraphs, as in the course corpus:

- missions: "Ce matin, la capitaine Léa a piloté la fusée vers Mars. Par le hublot, elle a vu
  une comète.", with a skewed choice of destination (Mars most often);
- facts: "Mars est une planète rouge.", "Titan est une lune de Saturne.";
- landings, with a long-range dependency: a crew member flies to a destination, other
  things happen, then "Enfin, elle a atterri sur Mars." repeats it.
"""

from __future__ import annotations

import random
import re
import zlib
from collections import Counter
from functools import cache

from genai_docs.transformer.corpus import FEMALE, MALE, corpus_text

__all__ = [
    "N_PARAGRAPHS",
    "SEED",
    "course_counts",
    "domain_text",
    "generate_domain",
    "words",
]

N_PARAGRAPHS = 1_500
SEED = 7

# role -> (masculine, feminine)
ROLES = {
    "astronaute": ("l'astronaute", "l'astronaute"),
    "capitaine": ("le capitaine", "la capitaine"),
    "pilote": ("le pilote", "la pilote"),
    "ingénieur": ("l'ingénieur", "l'ingénieure"),
}
VEHICLES = ["la fusée", "la navette", "la capsule", "le vaisseau"]
# destination -> weight; Mars comes up most often, as "ballon" does after "frappé"
DESTINATIONS = {"Mars": 6.0, "la Lune": 3.0, "Titan": 1.0, "Vénus": 1.0, "Mercure": 1.0}
SIGHTS = ["une comète", "une étoile filante", "une nébuleuse", "un astéroïde", "un satellite",
          "les anneaux de Saturne", "une galaxie lointaine", "la Terre"]  # fmt: skip
TASKS = ["a réparé l'antenne", "a vérifié le réservoir d'oxygène", "a réglé le télescope",
         "a enfilé sa combinaison", "a allumé les propulseurs", "a ouvert le sas",
         "a calculé l'orbite", "a lancé la sonde"]  # fmt: skip
OPENERS = ["", "Ce matin, ", "Un jour, ", "Pendant la mission, ", "Après le décollage, ",
           "Le soir, "]  # fmt: skip
SOUNDS = ["Le moteur a grondé.", "La radio a grésillé.", "Le silence était total.",
          "Les étoiles brillaient."]  # fmt: skip
FACTS = ["Mars est une planète rouge.", "Vénus est une planète brûlante.",
         "Mercure est la planète la plus proche du Soleil.", "Titan est une lune de Saturne.",
         "La Lune tourne autour de la Terre.", "Une comète est une boule de glace.",
         "Saturne est entourée d'anneaux.", "Jupiter est la plus grande planète."]  # fmt: skip


class _Grammar:
    """Draws space-mission sentences with one seeded random generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def crew(self) -> tuple[str, str]:
        """(name with its role, pronoun): ("la capitaine Léa", "elle")."""
        female = self.rng.random() < 0.5
        name = self.rng.choice(FEMALE if female else MALE)
        role = self.rng.choice(list(ROLES.values()))[female]
        if self.rng.random() < 0.3:
            return name, "elle" if female else "il"
        return f"{role} {name}", "elle" if female else "il"

    def destination(self) -> str:
        return self.rng.choices(list(DESTINATIONS), list(DESTINATIONS.values()))[0]

    def flight(self, who: str, where: str) -> str:
        sentence = f"{self.rng.choice(OPENERS)}{who} a piloté {self.rng.choice(VEHICLES)}"
        sentence += f" vers {where}."
        return sentence[0].upper() + sentence[1:]

    def event(self, pronoun: str) -> str:
        kind = self.rng.random()
        if kind < 0.4:
            return f"Par le hublot, {pronoun} a vu {self.rng.choice(SIGHTS)}."
        if kind < 0.7:
            return f"Puis {pronoun} {self.rng.choice(TASKS)}."
        if kind < 0.85:
            who, _ = self.crew()
            return f"{who[0].upper()}{who[1:]} {self.rng.choice(TASKS)}."
        return self.rng.choice(SOUNDS)

    def mission(self) -> str:
        who, pronoun = self.crew()
        events = [self.event(pronoun) for _ in range(self.rng.randrange(3))]
        return " ".join([self.flight(who, self.destination()), *events])

    def landing(self) -> str:
        who, pronoun = self.crew()
        where = self.destination()
        events = [self.event(pronoun) for _ in range(1 + self.rng.randrange(3))]
        return " ".join(
            [self.flight(who, where), *events, f"Enfin, {pronoun} a atterri sur {where}."]
        )

    def paragraph(self) -> str:
        kind = self.rng.random()
        if kind < 0.55:
            return self.mission()
        if kind < 0.7:
            return self.rng.choice(FACTS)
        return self.landing()


def generate_domain(n_paragraphs: int = N_PARAGRAPHS, seed: int = SEED) -> dict[str, str]:
    """The new-domain corpus: {"train": text, "valid": text}, one paragraph per line."""
    grammar = _Grammar(seed)
    splits: dict[str, list[str]] = {"train": [], "valid": []}
    for _ in range(n_paragraphs):
        paragraph = grammar.paragraph()
        held_out = zlib.crc32(paragraph.encode()) % 10 == 0
        splits["valid" if held_out else "train"].append(paragraph)
    return {split: "\n".join(lines) + "\n" for split, lines in splits.items()}


@cache
def domain_text(split: str = "train") -> str:
    """The new-domain corpus: ``"train"`` or the held-out ``"valid"`` part."""
    if split not in ("train", "valid"):
        raise ValueError(f"unknown split {split!r}: expected 'train' or 'valid'")
    return generate_domain()[split]


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """The words of ``text`` as written ("l'antenne" gives "l" and "antenne")."""
    return _WORD.findall(text)


@cache
def _course_word_counts() -> Counter:
    return Counter(word.lower() for word in words(corpus_text("train")))


def course_counts(vocabulary: list[str] | None = None) -> dict[str, int]:
    """How often each word occurs in the course corpus' training part, whatever its case.

    ``vocabulary`` defaults to every distinct word of the new corpus' training part.
    """
    if vocabulary is None:
        vocabulary = sorted(set(words(domain_text("train"))))
    counts = _course_word_counts()
    return {word: counts[word.lower()] for word in vocabulary}
