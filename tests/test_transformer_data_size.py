"""More data or more steps: the small corpus is a paragraph-aligned prefix of the full one,
and both arms train on the same configuration (a tiny one here)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import torch

from genai_docs.transformer import GPTConfig, TokenStream, encode_stream, load_tokenizer
from genai_docs.transformer.corpus import corpus_text, is_story
from genai_docs.transformer.data_size import DATA_SIZE_TRAIN, _build, corpus_prefix


def test_the_prefix_is_a_tenth_of_the_tokens_cut_at_a_paragraph() -> None:
    tok = load_tokenizer()
    full = encode_stream(tok, "train")
    small = corpus_prefix(full, 0.1)
    lines = corpus_text("train").splitlines()
    n = len(small.paragraphs)
    # the first n paragraphs, whole: the ids are those of the full stream's start
    assert torch.equal(small.ids, full.ids[: len(small.ids)])
    assert len(small.ids) == int(full.paragraphs[n])  # ends where paragraph n starts
    assert tok.decode(small.ids[int(small.paragraphs[-1]) :].tolist()) == lines[n - 1]
    # about a tenth: no more than one paragraph past 10 %
    longest = int((full.paragraphs[1:] - full.paragraphs[:-1]).max())
    assert 0.1 * len(full.ids) <= len(small.ids) < 0.1 * len(full.ids) + longest
    assert len(small.stories) == sum(map(is_story, lines[:n]))
    assert corpus_prefix(full, 1.0) is full
    with pytest.raises(ValueError):
        corpus_prefix(full, 0.0)


def test_prefix_of_a_toy_stream() -> None:
    stream = TokenStream(torch.arange(100), torch.tensor([0, 30, 55, 90]), torch.tensor([55]))
    small = corpus_prefix(stream, 0.4)  # 40 tokens: the first paragraph start after is 55
    assert small.ids.tolist() == list(range(55))
    assert small.paragraphs.tolist() == [0, 30]
    assert small.stories.tolist() == []


def test_both_arms_same_model_same_steps_only_the_data_differs(tmp_path) -> None:
    config = GPTConfig(n_layer=1, n_head=2, d_model=16, seq_len=32)
    train_cfg = replace(DATA_SIZE_TRAIN, steps=6, batch_size=2, seq_len=32, warmup_steps=1)
    _build(tmp_path, config, train_cfg, fractions=(0.1, 1.0), eval_every=3)
    record = json.loads((tmp_path / "record.json").read_text())
    small, full = record["arms"]
    assert small["fraction"] == 0.1 and full["fraction"] == 1.0
    assert 0.09 < small["tokens"] / full["tokens"] < 0.11
    for arm in (small, full):
        assert [p["step"] for p in arm["curve"]] == [0, 3, 6]
    # same initial weights: the same losses before any step
    assert small["curve"][0] == full["curve"][0]
    assert small["curve"][-1] != full["curve"][-1]
    assert {p.name for p in tmp_path.glob("*.safetensors")} == {
        "10pct.safetensors",
        "100pct.safetensors",
    }
