"""The simplest language model: count which word follows which, then predict by frequency.

A bigram model estimates the probability of the next word from the previous one only,
by maximum likelihood on a corpus (Jurafsky & Martin, *Speech and Language Processing*,
3rd ed., chapter 3, "N-gram Language Models"):

    P(w_t | w_{t-1}) = count(w_{t-1}, w_t) / count(w_{t-1})

It has no notion of meaning: it only knows what it has seen, which is exactly the point the
course's introduction makes before any neural network appears.

Ties: two words that followed ``w_{t-1}`` equally often are ranked in the order the model
first met them in its text. The rule is arbitrary, as any tie-break is, but it is
deterministic and easy to say; an alphabetical rule would have to choose how to sort
accented words (Python puts « à » after « z »). :meth:`BigramModel.complete` is greedy (it
takes the first-ranked word, an argmax: nothing is drawn); :meth:`BigramModel.sample`
draws each word with its probability, which is how a generative model writes.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

__all__ = ["BigramModel", "words"]

_WORD = re.compile(r"[\w'’-]+|[.!?]", re.UNICODE)
_END = ".!?"  # sentence-ending tokens: nothing is predicted after them


def words(text: str) -> list[str]:
    """Lower-cased words and sentence-ending punctuation, in order."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


@dataclass
class BigramModel:
    # previous word -> Counter of the words that followed it; a Counter keeps the order in
    # which its keys were first inserted, which is the tie-break order.
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    @classmethod
    def fit(cls, text: str) -> BigramModel:
        model = cls()
        tokens = words(text)
        for previous, current in zip(tokens, tokens[1:], strict=False):
            if previous not in _END:
                model.counts[previous][current] += 1
        return model

    def distribution(self, context: str) -> list[tuple[str, float]]:
        """Every word seen after the last word of ``context``, most likely first.

        Ties keep the order in which the words were first met in the training text.
        An unseen last word gives an empty list.
        """
        tokens = words(context)
        if not tokens:
            raise ValueError("the context holds no word")
        following = self.counts.get(tokens[-1])
        if not following:
            return []
        total = sum(following.values())
        ranked = sorted(following.items(), key=lambda item: -item[1])  # stable: ties keep order
        return [(word, count / total) for word, count in ranked]

    def next_word(self, context: str, k: int = 5) -> list[tuple[str, float]]:
        """The k most likely next words after the last word of ``context``, with probabilities."""
        return self.distribution(context)[:k]

    def complete(self, context: str, n_words: int) -> str:
        """Extend ``context`` greedily, always taking the most likely next word (an argmax)."""
        text = context
        for _ in range(n_words):
            candidates = self.next_word(text, k=1)
            if not candidates or candidates[0][0] in _END:
                break
            text += " " + candidates[0][0]
        return text

    def sample(self, context: str, n_words: int, rng: random.Random) -> str:
        """Extend ``context`` by drawing each next word with its probability.

        Stops after ``n_words`` words, or at the end of a sentence (the final punctuation
        is kept), or when the last word was never followed by anything.
        """
        text = context
        for _ in range(n_words):
            candidates = self.distribution(text)
            if not candidates:
                break
            chosen = rng.choices([w for w, _ in candidates], [p for _, p in candidates])[0]
            text += chosen if chosen in _END else " " + chosen
            if chosen in _END:
                break
        return text
