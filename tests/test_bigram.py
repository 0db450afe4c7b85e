"""Tests of genai_docs.bigram: counts, the tie-break rule, greedy completion and sampling."""

from __future__ import annotations

import random

import pytest

from genai_docs.bigram import BigramModel, words

TEXT = "Omar a frappé un ballon. Marie a frappé un livre. Omar a vu un ballon rouge."


def test_probabilities_are_frequencies():
    model = BigramModel.fit(TEXT)
    assert model.next_word("un") == [("ballon", 2 / 3), ("livre", 1 / 3)]
    assert sum(p for _, p in model.distribution("a")) == pytest.approx(1.0)


def test_only_the_last_word_counts():
    model = BigramModel.fit(TEXT)
    assert model.next_word("Omar a frappé un") == model.next_word("n'importe quoi un")


def test_ties_keep_the_order_of_first_occurrence():
    # after "le": "zèbre" is met first, then "âne", then "chat", once each
    model = BigramModel.fit("le zèbre dort. le âne dort. le chat dort.")
    assert [w for w, _ in model.next_word("le")] == ["zèbre", "âne", "chat"]


def test_greedy_completion_is_an_argmax_and_stops_at_a_full_stop():
    model = BigramModel.fit(TEXT)
    assert model.complete("Marie a", n_words=10) == "Marie a frappé un ballon"


def test_unseen_word_and_empty_context():
    model = BigramModel.fit(TEXT)
    assert model.next_word("girafe") == []
    assert model.complete("girafe", n_words=3) == "girafe"
    with pytest.raises(ValueError):
        model.next_word("  ")


def test_sampling_is_seeded_and_only_follows_seen_pairs():
    model = BigramModel.fit(TEXT)
    first = [model.sample("Omar a", 6, random.Random(1)) for _ in range(3)]
    again = [model.sample("Omar a", 6, random.Random(1)) for _ in range(3)]
    assert first == again
    for text in (model.sample("un", 8, random.Random(seed)) for seed in range(20)):
        tokens = words(text)
        for previous, current in zip(tokens, tokens[1:], strict=False):
            assert current in model.counts[previous]


def test_sampling_draws_with_the_model_probabilities():
    model = BigramModel.fit(TEXT)
    rng = random.Random(0)
    draws = [words(model.sample("un", 1, rng))[-1] for _ in range(3000)]
    assert draws.count("ballon") / len(draws) == pytest.approx(2 / 3, abs=0.03)
