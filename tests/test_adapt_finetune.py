"""The fine-tuning helpers, on a tiny random GPT: nothing here trains the lesson's runs."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import torch

from genai_docs.adapt import (
    ADAPT,
    continuation_probability,
    domain_text,
    encode_domain,
    finetune_runs,
    predicted_peak,
)
from genai_docs.transformer import GPT, GPTConfig, load_tokenizer

TINY = GPTConfig(vocab_size=768, seq_len=32, n_layer=1, n_head=2, d_model=16)


def test_continuation_probability_is_the_product_of_its_tokens() -> None:
    tok = load_tokenizer()
    torch.manual_seed(0)
    net = GPT(TINY).eval()
    prompt, word = "Omar a piloté la", " fusée"
    context, ids = tok.encode(prompt).ids, tok.encode(prompt + word).ids
    assert len(ids) - len(context) > 1  # a word of several tokens
    with torch.no_grad():
        probs = net(torch.tensor(ids)[None])[0][0].softmax(-1)  # (T, V)
    expected = math.prod(probs[i - 1, ids[i]].item() for i in range(len(context), len(ids)))
    assert continuation_probability(net, tok, prompt, word) == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="merges"):
        continuation_probability(net, tok, "Omar a frappé un ball", "on")


def test_encode_domain_separates_paragraphs() -> None:
    tok = load_tokenizer()
    ids = encode_domain(tok, "valid")
    assert (ids == 0).sum().item() == len(domain_text("valid").splitlines())
    assert ids[-1].item() == 0


def test_train_config_follows_the_recipe() -> None:
    cfg = ADAPT.train_config(ADAPT.lora_lr)
    assert (cfg.steps, cfg.batch_size, cfg.seq_len) == (
        ADAPT.steps,
        ADAPT.batch_size,
        ADAPT.seq_len,
    )
    assert cfg.lr == ADAPT.lora_lr and cfg.min_lr == pytest.approx(ADAPT.lora_lr / 10)
    assert ADAPT.rank in ADAPT.ranks
    with pytest.raises(ValueError, match="must be one of the ranks"):
        finetune_runs(replace(ADAPT, rank=3))


def test_prediction_drops_with_lora() -> None:
    full = predicted_peak(ADAPT.batch_size, ADAPT.seq_len)
    lora = predicted_peak(ADAPT.batch_size, ADAPT.seq_len, lora_rank=ADAPT.rank)
    assert lora.total_bytes < full.total_bytes
    # almost the same activations: the backward pass still crosses every block; only what a
    # frozen weight alone needed is not saved (the first norm's input, the head's input)
    saved, lora_saved = full.breakdown["activations"], lora.breakdown["activations"]
    assert 0.95 * saved < lora_saved < saved
