"""A word-level toy vocabulary for the pre-training lesson, built locally from a few French lines.

The three model families of the lesson (BERT, GPT-2, T5) share this one vocabulary so their
parameter counts compare. Words are split by a regular expression that keeps French elisions
together (``l'``, ``jusqu'``) and punctuation apart; nothing is downloaded.

Special tokens follow the names each family uses in its original code, so a reader meets
them again in Hugging Face: ``[CLS]``, ``[SEP]``, ``[MASK]`` from BERT (Devlin et al., 2019),
``</s>`` and the sentinels ``<extra_id_0>``, ``<extra_id_1>``, ... from T5 (Raffel et al., 2020),
and one padding token ``<pad>`` at id 0 for all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "COURSE_SENTENCE",
    "FRENCH_LINES",
    "N_SENTINELS",
    "SPECIAL_TOKENS",
    "WordVocab",
    "build_course_vocab",
    "split_words",
]

N_SENTINELS = 8  # how many T5 sentinels <extra_id_k> the vocabulary holds

SPECIAL_TOKENS: tuple[str, ...] = (
    "<pad>",
    "<unk>",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "</s>",
    *(f"<extra_id_{k}>" for k in range(N_SENTINELS)),
)

# The sentence every objective of the lesson is shown on.
COURSE_SENTENCE = (
    "Omar a frappé un ballon jaune dans la cour de l'école, puis le ballon a roulé "
    "jusqu'au portail, où Marie l'a rattrapé avant qu'il ne tombe dans la rue."
)

# Written for this project: a small French text the vocabulary is built from.
FRENCH_LINES: tuple[str, ...] = (
    COURSE_SENTENCE,
    "Omar a frappé un ballon rond et jaune.",
    "Marie a lancé la balle rouge à son frère.",
    "Le chat dort sur le canapé du salon.",
    "Un modèle de langage prédit le mot suivant dans une phrase.",
    "Le modèle lit beaucoup de texte avant de savoir compléter une phrase.",
    "Les enfants jouent au ballon dans la cour de l'école.",
    "La maîtresse ouvre le portail de l'école le matin.",
    "Il pleut sur la ville et les rues sont mouillées.",
    "Nous apprenons à partir des exemples que nous lisons.",
    "Un réseau de neurones apprend à partir d'exemples.",
    "Le transformeur regarde tous les mots de la phrase en même temps.",
    "Un réseau récurrent lit les mots un par un, de gauche à droite.",
    "Le train part de la gare à huit heures.",
    "Ma grand-mère prépare une tarte aux pommes le dimanche.",
    "Le soleil se couche derrière la montagne.",
    "Le petit garçon a perdu son ballon dans le jardin.",
    "La traduction automatique transforme une phrase française en phrase anglaise.",
    "Le chien court après le ballon jusqu'au bout du jardin.",
    "Elle a rattrapé le ballon avant qu'il ne tombe dans l'eau.",
)

_WORD_RE = re.compile(r"\w+'|\w+(?:-\w+)*|[^\w\s]")


def split_words(text: str) -> list[str]:
    """Split French text into words, elisions (``l'``) and punctuation marks."""
    return _WORD_RE.findall(text)


@dataclass
class WordVocab:
    """A fixed list of tokens: special tokens first, then words in order of first appearance."""

    tokens: list[str]  # id -> token
    index: dict[str, int] = field(init=False, repr=False)  # token -> id

    def __post_init__(self) -> None:
        self.index = {tok: i for i, tok in enumerate(self.tokens)}
        if len(self.index) != len(self.tokens):
            raise ValueError("duplicate token in the vocabulary")
        missing = [t for t in SPECIAL_TOKENS if t not in self.index]
        if missing:
            raise ValueError(f"missing special tokens: {missing}")

    def __len__(self) -> int:
        return len(self.tokens)

    def id(self, token: str) -> int:
        """The id of ``token``, or of ``<unk>`` when it is not in the vocabulary."""
        return self.index.get(token, self.index["<unk>"])

    def encode(self, text: str) -> list[int]:
        """Word ids of ``text``, without any special token."""
        return [self.id(w) for w in split_words(text)]

    def decode(self, ids: list[int]) -> list[str]:
        """Tokens of ``ids`` (a list, so a reader sees where each token starts and ends)."""
        return [self.tokens[i] for i in ids]

    @property
    def pad_id(self) -> int:
        return self.index["<pad>"]

    @property
    def mask_id(self) -> int:
        return self.index["[MASK]"]

    @property
    def eos_id(self) -> int:
        return self.index["</s>"]

    def sentinel_id(self, k: int) -> int:
        """The id of the T5 sentinel ``<extra_id_k>``."""
        if not 0 <= k < N_SENTINELS:
            raise ValueError(f"sentinel {k} out of range [0, {N_SENTINELS})")
        return self.index[f"<extra_id_{k}>"]

    @property
    def special_ids(self) -> set[int]:
        return {self.index[t] for t in SPECIAL_TOKENS}

    @property
    def word_ids(self) -> list[int]:
        """Ids of ordinary words (what MLM may draw a random replacement from)."""
        return [i for i in range(len(self.tokens)) if i not in self.special_ids]


def build_course_vocab(lines: tuple[str, ...] = FRENCH_LINES) -> WordVocab:
    """The lesson's vocabulary: the special tokens, then every word of ``lines`` once."""
    tokens = list(SPECIAL_TOKENS)
    seen = set(tokens)
    for line in lines:
        for word in split_words(line):
            if word not in seen:
                seen.add(word)
                tokens.append(word)
    return WordVocab(tokens)
