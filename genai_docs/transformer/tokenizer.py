"""A byte-level BPE tokenizer trained locally on the course corpus.

Byte-pair encoding (Sennrich et al., 2016) over UTF-8 bytes, as GPT-2 does (Radford et al.,
2019): text is split into words (a leading space stays attached to the word), each word into
bytes, and the most frequent adjacent pair is merged into a new token until the vocabulary
is full. Working on bytes means any text can be encoded, and that a character outside
ASCII, such as "é" (two bytes in UTF-8), costs more than one symbol before merges.

Training uses Hugging Face ``tokenizers`` and nothing is downloaded. It is deterministic:
the same corpus and vocabulary size give the same ``tokenizer.json``, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from genai_docs.artifacts import cached_artifact

from . import corpus

__all__ = ["EOS", "load_tokenizer", "train_tokenizer"]

EOS = "<|endoftext|>"  # separates paragraphs; always id 0
COURSE_VOCAB_SIZE = 768  # the corpus saturates below it: about 710 tokens are learned


def train_tokenizer(texts: Iterable[str], vocab_size: int = COURSE_VOCAB_SIZE) -> Tokenizer:
    """Train a byte-level BPE tokenizer of at most ``vocab_size`` tokens on ``texts``."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=[EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),  # all 256 bytes: nothing is unknown
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer


def _build(directory: Path) -> None:
    lines = corpus.corpus_text("train").splitlines()
    train_tokenizer(lines).save(str(directory / "tokenizer.json"))


def load_tokenizer() -> Tokenizer:
    """The course tokenizer, trained on the corpus' training part (cached on disk)."""
    directory = cached_artifact(
        "tokenizer",
        _build,
        key={"vocab_size": COURSE_VOCAB_SIZE, "corpus": corpus.corpus_text("train")},
        code=[corpus, __file__],
    )
    return Tokenizer.from_file(str(directory / "tokenizer.json"))
