"""The new-domain corpus: reproducible, a fixed and disjoint held-out part, and words that
the course corpus really does not contain."""

from __future__ import annotations

from collections import Counter

import pytest

from genai_docs.adapt import course_counts, domain_text, generate_domain, words
from genai_docs.adapt.corpus import N_PARAGRAPHS


def test_generation_is_reproducible_and_seeded() -> None:
    assert generate_domain() == generate_domain()
    assert generate_domain(seed=8) != generate_domain()
    assert domain_text("train") == generate_domain()["train"]


def test_split_is_fixed_disjoint_and_small() -> None:
    train = domain_text("train").splitlines()
    valid = domain_text("valid").splitlines()
    assert len(train) + len(valid) == N_PARAGRAPHS
    assert not set(train) & set(valid)
    assert 0.05 < len(valid) / N_PARAGRAPHS < 0.15


def test_rare_words_are_really_rare() -> None:
    counts = course_counts()
    for word in ("fusée", "Mars", "hublot", "astronaute", "comète", "piloté", "Lune"):
        assert counts[word] == 0, word
    occurrences = Counter(words(domain_text("train")))
    unseen = sum(n for word, n in occurrences.items() if counts[word] == 0)
    assert unseen / occurrences.total() > 0.3
    # the people are the course's: they are not new words
    assert min(course_counts(["Omar", "Léa", "Karim"]).values()) > 100


def test_words_and_counts() -> None:
    assert words("L'astronaute a vu la Terre.") == ["L", "astronaute", "a", "vu", "la", "Terre"]
    assert course_counts(["ballon"]) == {"ballon": course_counts(["BALLON"])["BALLON"]}


def test_unknown_split_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown split"):
        domain_text("test")
