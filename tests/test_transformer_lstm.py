"""The course LSTM's pieces: its initialisation, the probe loss, and the learning-rate sweep
that picks its rate (run end to end on a tiny configuration, a few steps)."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest
import torch
from torch import nn

from genai_docs.transformer import (
    LSTMConfig,
    LSTMLanguageModel,
    encode_stream,
    load_tokenizer,
    train_model,
)
from genai_docs.transformer.corpus import probe_stories
from genai_docs.transformer.rnn import (
    COURSE_LSTM_TRAIN,
    _build,
    best_learning_rate,
    probe_loss,
    story_stream,
    validation_stories,
)


def test_forget_bias_and_untied_head() -> None:
    torch.manual_seed(0)
    net = LSTMLanguageModel(LSTMConfig(vocab_size=50, d_model=8, n_layer=2, forget_bias=3.0,
                                       tie_embeddings=False))  # fmt: skip
    for layer in range(2):
        b_ih, b_hh = getattr(net.lstm, f"bias_ih_l{layer}"), getattr(net.lstm, f"bias_hh_l{layer}")
        total = b_ih + b_hh  # PyTorch adds the two biases
        assert torch.all(total[8:16] == 3.0)  # the forget gate, second of (i, f, g, o)
        assert not torch.all(total[:8] == 3.0)  # the other gates keep PyTorch's initialisation
    assert net.lm_head.weight is not net.wte.weight
    tied = LSTMLanguageModel(LSTMConfig(vocab_size=50, d_model=8, n_layer=2))
    assert tied.lm_head.weight is tied.wte.weight
    assert net.num_parameters() == tied.num_parameters() + 50 * 8  # its own output layer


class _Uniform(nn.Module):
    """Logits all equal: every token has probability 1 / V."""

    def __init__(self, vocab_size: int) -> None:
        super().__init__()
        self.vocab_size = vocab_size

    def forward(self, idx, targets=None):
        return torch.zeros(*idx.shape, self.vocab_size), None


class _Oracle(nn.Module):
    """Puts all its weight on the object each story ends with: the probe loss is ~0."""

    def __init__(self, vocab_size: int, answers: dict[tuple[int, ...], int]) -> None:
        super().__init__()
        self.vocab_size, self.answers = vocab_size, answers

    def forward(self, idx, targets=None):
        logits = torch.zeros(*idx.shape, self.vocab_size)
        logits[0, -1, self.answers[tuple(idx[0].tolist())]] = 100.0
        return logits, None


def test_probe_loss_against_a_uniform_and_a_perfect_model() -> None:
    tok = load_tokenizer()
    stories = probe_stories(5, n_fillers=1)
    assert probe_loss(_Uniform(768), tok, stories) == pytest.approx(math.log(768))
    answers = {tuple(tok.encode(p).ids): tok.encode(" " + a).ids[0] for p, a in stories}
    assert probe_loss(_Oracle(768, answers), tok, stories) < 1e-6


def test_validation_stories_are_not_the_probe_stories() -> None:
    valid = validation_stories(10)
    assert len(valid) == 50  # 0 to 4 intercalated sentences, 10 each
    test = {p for n in range(5) for p, _ in probe_stories(10, n)}
    assert len(test & {p for p, _ in valid}) <= 2  # a few may coincide by chance, not the draw


def test_best_learning_rate_is_the_lowest_probe_loss() -> None:
    sweep = [
        {"lr": 1e-3, "probe_loss": 1.9},
        {"lr": 1e-2, "probe_loss": 1.2},
        {"lr": 3e-2, "probe_loss": 1.5},
    ]
    assert best_learning_rate(sweep) == 1e-2
    assert (
        best_learning_rate([{"lr": 3e-2, "probe_loss": 1.0}, {"lr": 1e-3, "probe_loss": 1.0}])
        == 1e-3
    )
    with pytest.raises(ValueError):
        best_learning_rate([])


def test_the_build_goes_on_with_the_rate_its_sweep_chose(tmp_path) -> None:
    config = LSTMConfig(d_model=16, n_layer=1, forget_bias=3.0, tie_embeddings=False)
    train_cfg = replace(
        COURSE_LSTM_TRAIN, steps=5, batch_size=2, seq_len=16, warmup_steps=1, checkpoints=(3, 5)
    )
    # 1e-6 barely moves the weights; 3e-2 does: the sweep must see the difference
    _build(tmp_path, config, train_cfg, lrs=(1e-6, 3e-2), sweep_steps=3, n_per_distance=2)
    record = json.loads((tmp_path / "training.json").read_text())
    losses = {run["lr"]: run["probe_loss"] for run in record["sweep"]}
    assert set(losses) == {1e-6, 3e-2}
    assert losses[1e-6] != losses[3e-2]
    assert record["lr"] == min(losses, key=losses.get)
    assert record["train"]["lr"] == record["lr"]
    assert record["train"]["min_lr"] == pytest.approx(record["lr"] / 10)
    # the chosen run, stopped and resumed, is the same run as one trained in one go
    stream = story_stream(encode_stream(load_tokenizer(), "train"))
    torch.manual_seed(train_cfg.seed)
    net = LSTMLanguageModel(config)
    cfg = replace(train_cfg, lr=record["lr"], min_lr=record["lr"] / 10, checkpoints=())
    assert record["losses"] == pytest.approx(train_model(net, stream, cfg).losses, rel=1e-6)
    assert {p.name for p in tmp_path.glob("step_*.safetensors")} == {
        "step_3.safetensors",
        "step_5.safetensors",
    }
    with pytest.raises(ValueError, match="checkpoints"):
        _build(tmp_path, config, replace(train_cfg, checkpoints=(1, 5)), sweep_steps=3)


def test_story_stream_keeps_the_stories_whole_and_only_them() -> None:
    from genai_docs.transformer.corpus import corpus_text, is_story

    tok = load_tokenizer()
    stories = story_stream(encode_stream(tok, "valid"))
    expected = [line for line in corpus_text("valid").splitlines() if is_story(line)]
    assert len(stories.paragraphs) == len(expected) > 0
    assert torch.equal(stories.paragraphs, stories.stories)
    bounds = [*stories.paragraphs.tolist(), len(stories.ids)]
    for start, end, line in zip(bounds[:-1], bounds[1:], expected, strict=True):
        assert tok.decode(stories.ids[start:end].tolist()) == line  # EOS is a special token
