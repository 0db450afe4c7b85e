"""The training loop, evaluation, generation and the LSTM, on tiny configurations."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch

from genai_docs.transformer import (
    GPT,
    GPTConfig,
    LSTMConfig,
    LSTMLanguageModel,
    TrainConfig,
    evaluate_loss,
    generate,
    lstm_config_like,
    top_k_next_tokens,
    train_model,
)
from genai_docs.transformer.train import get_batch, lr_at

TINY = GPTConfig(vocab_size=64, seq_len=16, n_layer=2, n_head=2, d_model=32)
STEPS = TrainConfig(steps=12, batch_size=4, seq_len=16, warmup_steps=3, checkpoints=(0, 5, 12))


def _data(n: int = 2_000) -> torch.Tensor:
    # a learnable stream: a repeating pattern with some noise
    g = torch.Generator().manual_seed(0)
    pattern = torch.arange(n) % 7 * 3
    noise = torch.randint(0, 64, (n,), generator=g)
    return torch.where(torch.rand(n, generator=g) < 0.1, noise, pattern)


def _run(seed: int) -> list[float]:
    torch.manual_seed(seed)
    return train_model(GPT(TINY), _data(), dataclasses.replace(STEPS, seed=seed)).losses


def test_same_seed_same_losses() -> None:
    a, b = _run(0), _run(0)
    assert len(a) == STEPS.steps
    assert a == b  # bit for bit on one machine
    assert _run(1) != a


def test_training_lowers_the_loss_and_keeps_checkpoints() -> None:
    torch.manual_seed(0)
    net = GPT(TINY)
    data = _data()
    before = evaluate_loss(net, data, seq_len=16)
    result = train_model(net, data, TrainConfig(steps=60, batch_size=8, seq_len=16))
    assert evaluate_loss(net, data, seq_len=16) < before - 1.0
    assert not net.training
    result = train_model(GPT(TINY), data, STEPS)
    assert sorted(result.checkpoints) == [0, 5, 12]
    assert not torch.equal(
        result.checkpoints[0]["wte.weight"], result.checkpoints[12]["wte.weight"]
    )


def test_evaluate_loss_of_uniform_model_is_log_vocab() -> None:
    net = GPT(TINY)
    torch.nn.init.zeros_(net.wte.weight)  # tied head: all logits 0, a uniform distribution
    assert evaluate_loss(net, _data(), seq_len=16) == pytest.approx(math.log(64), abs=1e-5)


def test_lr_schedule_warms_up_then_decays() -> None:
    cfg = TrainConfig(steps=100, warmup_steps=10, lr=1.0, min_lr=0.1)
    assert lr_at(0, cfg) == pytest.approx(0.1)
    assert lr_at(9, cfg) == pytest.approx(1.0)
    assert lr_at(100, cfg) == pytest.approx(0.1)
    assert lr_at(10, cfg) > lr_at(50, cfg) > lr_at(99, cfg)


def test_batches_are_next_token_shifted() -> None:
    data = torch.arange(100)
    x, y = get_batch(data, 5, 8, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (5, 8)
    assert torch.equal(y, x + 1)


class _Fixed(torch.nn.Module):
    """A 'model' whose next-token distribution is known: logits log(p) at every position."""

    def __init__(self, probs: torch.Tensor) -> None:
        super().__init__()
        self.logits = probs.log()

    def forward(self, idx, targets=None):
        return self.logits.expand(*idx.shape, -1), None


class _Tok:
    def encode(self, text):
        return type("E", (), {"ids": [1, 2]})()

    def decode(self, ids):
        return f"<{ids[0]}>"


PROBS = torch.tensor([0.5, 0.3, 0.15, 0.05])


def test_top_k_next_tokens_are_sorted_probabilities() -> None:
    top = top_k_next_tokens(_Fixed(PROBS), _Tok(), "x", k=3)
    assert [t for t, _ in top] == ["<0>", "<1>", "<2>"]
    assert [p for _, p in top] == pytest.approx([0.5, 0.3, 0.15])


def test_generation_greedy_top_k_and_temperature() -> None:
    net, idx = _Fixed(PROBS), torch.tensor([3])
    assert generate(net, idx, 5, temperature=0).tolist() == [3, 0, 0, 0, 0, 0]
    g = torch.Generator().manual_seed(0)
    assert set(generate(net, idx, 50, top_k=1, generator=g)[1:].tolist()) == {0}
    sampled = generate(net, idx, 2_000, top_k=2, generator=g)[1:]
    assert set(sampled.tolist()) == {0, 1}  # never outside the top 2
    assert (sampled == 0).float().mean().item() == pytest.approx(0.5 / 0.8, abs=0.05)
    hot = generate(net, idx, 2_000, temperature=100.0, generator=g)[1:]
    assert (hot == 3).float().mean().item() == pytest.approx(0.25, abs=0.05)  # near uniform
    assert generate(net, idx, 10, temperature=0, stop=0).tolist() == [3, 0]
    with pytest.raises(ValueError):
        generate(net, idx, 1, temperature=-1)


def test_lstm_is_causal_about_the_gpt_size_and_trains() -> None:
    gpt = GPTConfig()
    lstm_cfg = lstm_config_like(gpt)
    assert lstm_cfg.n_layer == 6
    torch.manual_seed(0)
    ratio = LSTMLanguageModel(lstm_cfg).num_parameters() / GPT(gpt).num_parameters()
    assert 0.9 < ratio < 1.1
    net = LSTMLanguageModel(LSTMConfig(vocab_size=64, d_model=32, n_layer=2)).eval()
    idx = torch.randint(0, 64, (2, 12))
    changed = idx.clone()
    changed[:, 8:] = (changed[:, 8:] + 1) % 64
    with torch.no_grad():
        a, b = net(idx)[0], net(changed)[0]
    torch.testing.assert_close(a[:, :8], b[:, :8])
    before = evaluate_loss(net, _data(), seq_len=16)
    train_model(net, _data(), TrainConfig(steps=60, batch_size=8, seq_len=16))
    assert evaluate_loss(net, _data(), seq_len=16) < before - 1.0


def test_windows_start_where_the_mix_asks() -> None:
    from genai_docs.transformer import TokenStream

    data = torch.arange(1_000)
    paragraphs, stories = torch.arange(0, 1_000, 50), torch.tensor([100, 400, 990])
    g = torch.Generator().manual_seed(0)
    x, y = get_batch(data, 8, 16, g, anchors=[(paragraphs, 2), (stories, 4)])
    assert torch.equal(y, x + 1)
    starts = x[:, 0]
    assert set(starts[:2].tolist()) <= set(paragraphs.tolist())
    assert set(starts[2:6].tolist()) <= {100, 400}  # 990 leaves no room for 16 + 1 tokens
    stream = TokenStream(data % TINY.vocab_size, paragraphs, stories)
    cfg = TrainConfig(steps=3, batch_size=4, seq_len=16, paragraph_windows=0.25, story_windows=0.5)
    torch.manual_seed(0)
    assert len(train_model(GPT(TINY), stream, cfg).losses) == 3
    with pytest.raises(ValueError, match="TokenStream"):
        train_model(GPT(TINY), data, cfg)
    with pytest.raises(ValueError, match="summing to <= 1"):
        TrainConfig(paragraph_windows=0.6, story_windows=0.6)


def test_the_corpus_stream_marks_its_stories() -> None:
    from genai_docs.transformer import corpus_text, encode_stream, load_tokenizer
    from genai_docs.transformer.corpus import is_story

    tok = load_tokenizer()
    stream = encode_stream(tok, "valid")
    lines = corpus_text("valid").splitlines()
    assert len(stream.paragraphs) == len(lines)
    assert len(stream.stories) == sum(map(is_story, lines)) > 0
    first = int(stream.stories[0])
    text = tok.decode(stream.ids[first : first + 12].tolist())
    assert " a posé " in text  # a story starts with an object put down
