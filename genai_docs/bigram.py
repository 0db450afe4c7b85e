"""The simplest language model: count which word follows which, then predict by frequency.

A bigram model estimates the probability of the next word from the previous one only,
by maximum likelihood on a corpus (Jurafsky & Martin, *Speech and Language Processing*,
3rd ed., chapter 3, "N-gram Language Models"):

    P(w_t | w_{t-1}) = count(w_{t-1}, w_t) / count(w_{t-1})

It has no notion of meaning: it only knows what it has seen, which is exactly the point the
course's introduction makes before any neural network appears.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

__all__ = ["BigramModel", "words"]

_WORD = re.compile(r"[\w'’-]+|[.!?]", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-cased words and sentence-ending punctuation, in order."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


@dataclass
class BigramModel:
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    @classmethod
    def fit(cls, text: str) -> BigramModel:
        model = cls()
        tokens = words(text)
        for previous, current in zip(tokens, tokens[1:], strict=False):
            if previous not in ".!?":
                model.counts[previous][current] += 1
        return model

    def next_word(self, context: str, k: int = 5) -> list[tuple[str, float]]:
        """The k most likely next words after the last word of ``context``, with probabilities."""
        tokens = words(context)
        if not tokens:
            raise ValueError("the context holds no word")
        following = self.counts.get(tokens[-1])
        if not following:
            return []
        total = sum(following.values())
        ranked = sorted(following.items(), key=lambda item: (-item[1], item[0]))
        return [(word, count / total) for word, count in ranked[:k]]

    def complete(self, context: str, n_words: int) -> str:
        """Extend ``context`` greedily, always taking the most likely next word."""
        text = context
        for _ in range(n_words):
            candidates = self.next_word(text, k=1)
            if not candidates or candidates[0][0] in ".!?":
                break
            text += " " + candidates[0][0]
        return text
