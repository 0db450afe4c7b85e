"""Measuring generated text: diversity, repetition, perplexity and grammaticality.

- **Diversity**, distinct-n (Li et al., "A Diversity-Promoting Objective Function for Neural
  Conversation Models", NAACL 2016): the number of distinct word n-grams over all the
  samples of a strategy, divided by the number of n-grams. 1 when no n-gram repeats, small
  when the samples say the same thing.
- **Repetition** inside one sample, seq-rep-n (Welleck et al., "Neural Text Generation with
  Unlikelihood Training", ICLR 2020): ``1 - distinct n-grams / n-grams`` of the sample,
  averaged over samples. 0 when a sample never repeats itself.
- **Perplexity of the samples under the model**: ``exp`` of the mean negative
  log-probability of the generated tokens under the model itself (temperature 1, nothing
  cut). A text the model finds predictable scores low; the held-out corpus is the reference
  (Holtzman et al., 2020, find human text far from the lowest perplexity).
- **Grammatical share**: of the sentences the samples finish, the share that the corpus's
  grammar can produce (:mod:`genai_docs.transformer.grammar`).

Words are runs of letters (an apostrophe ends a word) and punctuation marks; a paragraph
break counts as a word, ``¶``. Only the generated part of a text is measured, not its prompt.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from tokenizers import Tokenizer

from .decoding import sample_texts
from .grammar import grammatical_share
from .model import GPT
from .sampling import Decoding

__all__ = [
    "DecodingScores",
    "distinct_n",
    "rank_correlation",
    "repetition",
    "score_decoding",
    "words",
]

_WORD = re.compile(r"\w+|[^\w\s]|\n")


def words(text: str) -> list[str]:
    """``"Omar a lu.\\nIl"`` -> ``["Omar", "a", "lu", ".", "¶", "Il"]``."""
    return ["¶" if w == "\n" else w for w in _WORD.findall(text)]


def _ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def distinct_n(samples: list[list[str]], n: int = 2) -> float:
    """Distinct n-grams over all ``samples`` (lists of words) / n-grams over all samples."""
    grams = [g for sample in samples for g in _ngrams(sample, n)]
    if not grams:
        raise ValueError(f"no sample has {n} words")
    return len(set(grams)) / len(grams)


def repetition(samples: list[list[str]], n: int = 4) -> float:
    """Mean over ``samples`` of ``1 - distinct n-grams / n-grams`` within each sample."""
    rates = [1 - len(set(g)) / len(g) for s in samples if (g := _ngrams(s, n))]
    if not rates:
        raise ValueError(f"no sample has {n} words")
    return sum(rates) / len(rates)


def _ranks(values: list[float]) -> list[float]:
    """Rank of each value, 1 for the smallest; tied values share their mean rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def rank_correlation(xs: list[float], ys: list[float]) -> float:
    """Spearman's rank correlation: Pearson's correlation of the ranks (ties: mean rank).
    1 when ``ys`` grows with ``xs``, -1 when it falls as ``xs`` grows."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("give two series of the same length, at least 2")
    rx, ry = _ranks(list(xs)), _ranks(list(ys))
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sx = math.sqrt(sum((a - mx) ** 2 for a in rx))
    sy = math.sqrt(sum((b - my) ** 2 for b in ry))
    if sx == 0 or sy == 0:
        raise ValueError("a constant series has no rank correlation")
    return cov / (sx * sy)


@dataclass(frozen=True)
class DecodingScores:
    """The scores of one decoding strategy over the same prompts and seed."""

    decoding: Decoding
    texts: list[str]  # every sample, prompt included
    distinct_2: float  # diversity across samples (distinct word bigrams)
    repetition_4: float  # repetition inside a sample (seq-rep-4)
    perplexity: float  # of the generated tokens, under the model
    grammatical: int  # finished sentences that the corpus's grammar can produce
    sentences: int  # finished sentences

    @property
    def grammatical_share(self) -> float:
        return self.grammatical / self.sentences if self.sentences else float("nan")


def score_decoding(
    net: GPT,
    tok: Tokenizer,
    prompts: list[str],
    decoding: Decoding,
    n: int = 8,
    new_tokens: int = 48,
    seed: int = 0,
) -> DecodingScores:
    """Generate ``n`` samples per prompt with ``decoding`` and the seed ``seed``, and score
    them. Every strategy given the same arguments reads the same uniform random numbers."""
    texts, log_probs = sample_texts(net, tok, prompts, decoding, n, new_tokens, seed)
    generated = []
    for i, text in enumerate(texts):
        prompt = prompts[i // n]
        if not text.startswith(prompt):
            raise ValueError(f"the tokenizer does not give back the prompt {prompt!r}")
        generated.append(words(text[len(prompt) :]))
    good, total = grammatical_share(texts)
    return DecodingScores(
        decoding=decoding,
        texts=texts,
        distinct_2=distinct_n(generated, 2),
        repetition_4=repetition(generated, 4),
        perplexity=math.exp(-log_probs.mean().item()),
        grammatical=good,
        sentences=total,
    )
