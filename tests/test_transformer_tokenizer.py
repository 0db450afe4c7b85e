"""The shipped corpus and the byte-level BPE tokenizer trained on it."""

from __future__ import annotations

import zlib

from tokenizers import Tokenizer

from genai_docs.transformer import (
    corpus_text,
    generate_corpus,
    probe_stories,
    show_pieces,
    token_bytes,
    train_tokenizer,
)
from genai_docs.transformer.tokenizer import EOS

FRENCH = "Où êtes-vous, Noël ? Ça coûte 3 € à l'école : « déjà vu », œuf, naïf, Zoë."


def _small_corpus() -> list[str]:
    return corpus_text("train").splitlines()[:400]


def test_shipped_corpus_is_what_the_generator_writes() -> None:
    generated = generate_corpus()
    assert generated["train"] == corpus_text("train")
    assert generated["valid"] == corpus_text("valid")


def test_held_out_split_is_fixed_and_disjoint() -> None:
    train = corpus_text("train").splitlines()
    valid = corpus_text("valid").splitlines()
    assert 0.03 < len(valid) / (len(train) + len(valid)) < 0.07
    assert not set(train) & set(valid)
    assert all(zlib.crc32(line.encode()) % 20 == 0 for line in valid)


def test_corpus_contains_the_course_example() -> None:
    text = corpus_text("train")
    after = text.count("Omar a frappé un ")
    assert text.count("Omar a frappé un ballon") > 0.7 * after > 100


def test_probe_stories_repeat_the_first_object() -> None:
    stories = probe_stories(20, n_fillers=3)
    assert stories == probe_stories(20, n_fillers=3)
    for prompt, answer in stories:
        assert prompt.endswith((" son", " sa"))
        first = prompt.split(".")[0]  # "X a posé son <objet> <lieu>"
        assert f" {answer} " in f"{first} "
        assert prompt.count(".") == 1 + 3


def test_tokenizer_training_is_deterministic() -> None:
    a = train_tokenizer(_small_corpus(), vocab_size=400).to_str()
    b = train_tokenizer(_small_corpus(), vocab_size=400).to_str()
    assert a == b


def test_round_trip_with_accents_and_unseen_characters() -> None:
    tok = train_tokenizer(_small_corpus(), vocab_size=400)
    for text in [FRENCH, "Omar a frappé un ballon.", "Plus tard, elle a repris sa boîte."]:
        assert tok.decode(tok.encode(text).ids) == text
    assert tok.token_to_id(EOS) == 0


def test_accents_cost_bytes_until_merged() -> None:
    tok = train_tokenizer(_small_corpus(), vocab_size=400)
    assert len(tok.encode(" été").ids) <= len(" été".encode())
    assert len(tok.encode("ï").ids) == 2  # never seen: one token per UTF-8 byte
    assert len(tok.encode(" frappé").ids) == 1  # frequent: a single token


def test_save_and_load(tmp_path) -> None:
    tok = train_tokenizer(_small_corpus(), vocab_size=400)
    tok.save(str(tmp_path / "tokenizer.json"))
    loaded = Tokenizer.from_file(str(tmp_path / "tokenizer.json"))
    assert loaded.encode(FRENCH).ids == tok.encode(FRENCH).ids
    assert loaded.get_vocab_size() == tok.get_vocab_size()


def test_pieces_show_bytes_of_split_characters() -> None:
    tok = train_tokenizer(_small_corpus(), vocab_size=400)
    ids = tok.encode(FRENCH).ids
    assert b"".join(token_bytes(tok, i) for i in ids) == FRENCH.encode("utf-8")
    pieces = show_pieces(tok, " Zoë")
    assert "<C3>" in "".join(pieces) and "<AB>" in "".join(pieces)  # "ë" is C3 AB in UTF-8
    assert show_pieces(tok, " frappé") == ["␣frappé"]
