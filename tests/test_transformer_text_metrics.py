"""Scores of generated text: the corpus grammar check, distinct-n, repetition, ranks."""

from __future__ import annotations

import pytest

from genai_docs.transformer import corpus_text, probe_stories
from genai_docs.transformer.grammar import complete_sentences, grammatical_share, is_grammatical
from genai_docs.transformer.text_metrics import distinct_n, rank_correlation, repetition, words


def test_every_sentence_of_the_corpus_is_grammatical() -> None:
    """The check accepts everything the grammar wrote (held-out part and fresh stories)."""
    texts = corpus_text("valid").splitlines() + [p + " " + a + "." for p, a in probe_stories(20, 3)]
    good, total = grammatical_share(texts)
    assert total > 1000 and good == total


@pytest.mark.parametrize(
    "sentence",
    [
        "Omar a frappé une pomme.",  # "frappé" never takes a pomme
        "Omar a frappé un ballon au parc au parc.",
        "Omar a lu un livre avec Omar.",  # the partner is another name
        "Le ballon de Omar est rond.",  # d'Omar
        "La balle est rond.",  # gender
        "Une pomme est un objet rond.",  # a pomme is a fruit
        "Hier, Léa a dessiné un faisait beau.",
        "Plus tard, il a repris sa ballon.",
        "Puis il a mangé la pomme.",  # follow-ups use the indefinite article
        "Karim a posé son ballon dans la rue.",  # not a story place
        "Omar a frappé un ballon au parc",  # no period
    ],
)
def test_sentences_the_grammar_cannot_produce(sentence: str) -> None:
    assert not is_grammatical(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Après l'école, Omar a frappé le ballon avec Léa.",
        "Puis elle a bu un verre d'eau.",
        "Le ballon d'Omar est jaune.",
        "Une pomme est un fruit rond.",
        "Inès a posé sa veste sous le banc.",
        "Plus tard, elle a repris son parapluie.",
        "Tout le monde a ri.",
    ],
)
def test_sentences_the_grammar_produces(sentence: str) -> None:
    assert is_grammatical(sentence)


def test_complete_sentences_leave_out_the_unfinished_one() -> None:
    text = "Omar a lu un livre. Puis il a bu un café.\nLéa a ouvert la porte. Hier, Ka"
    assert complete_sentences(text) == [
        "Omar a lu un livre.",
        "Puis il a bu un café.",
        "Léa a ouvert la porte.",
    ]


def test_words_distinct_n_and_repetition() -> None:
    assert words("Omar a lu l'album.\nIl") == ["Omar", "a", "lu", "l", "'", "album", ".", "¶", "Il"]
    same = [["a", "b", "c"], ["a", "b", "c"]]
    assert distinct_n(same, 2) == 0.5  # 2 distinct bigrams out of 4
    assert distinct_n([["a", "b", "c"], ["c", "b", "a"]], 2) == 1.0
    assert repetition([list("abcabcabc")], 3) == pytest.approx(1 - 3 / 7)
    assert repetition([list("abcdefg")], 4) == 0.0
    with pytest.raises(ValueError):
        distinct_n([["a"]], 2)


def test_rank_correlation() -> None:
    assert rank_correlation([1, 2, 3, 4], [10, 20, 30, 45]) == pytest.approx(1.0)
    assert rank_correlation([1, 2, 3, 4], [9, 5, 2, 1]) == pytest.approx(-1.0)
    # ties share their mean rank: ranks (1.5, 1.5, 3) against (1, 2, 3)
    assert rank_correlation([1, 1, 2], [1, 2, 3]) == pytest.approx(0.8660254)
    with pytest.raises(ValueError):
        rank_correlation([1, 1], [1, 2])
