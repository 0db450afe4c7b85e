"""The mini GPT against Hugging Face's GPT2LMHeadModel, and its own invariants.

Tolerances (float32): logits within 1e-5 absolute, losses within 1e-6; the explicit
attention path agrees with scaled_dot_product_attention within 1e-5.
"""

from __future__ import annotations

import pytest
import torch

from genai_docs.transformer import GPT, GPTConfig, from_hf, hf_config, to_hf

TINY = GPTConfig(vocab_size=101, seq_len=24, n_layer=2, n_head=4, d_model=32)


def _model(config: GPTConfig = TINY, seed: int = 0) -> GPT:
    torch.manual_seed(seed)
    return GPT(config).eval()


def test_hf_config_fields_match() -> None:
    c = hf_config(TINY, "eager")
    assert c.activation_function == "gelu_new"
    assert c.layer_norm_epsilon == TINY.layer_norm_eps
    assert (c.n_embd, c.n_layer, c.n_head, c.n_positions, c.vocab_size) == (32, 2, 4, 24, 101)
    assert c.tie_word_embeddings
    assert c._attn_implementation == "eager"


@pytest.mark.parametrize("attn_implementation", ["eager", "sdpa"])
def test_logits_and_loss_match_gpt2(attn_implementation: str) -> None:
    """Random HF weights copied into ours: same logits (1e-5) and same loss (1e-6)."""
    torch.manual_seed(0)
    from transformers import GPT2LMHeadModel

    hf = GPT2LMHeadModel(hf_config(TINY, attn_implementation)).eval()
    assert hf.config._attn_implementation == attn_implementation
    ours = from_hf(hf).eval()
    idx = torch.randint(0, TINY.vocab_size, (3, TINY.seq_len))
    targets = idx.roll(-1, dims=1)
    targets[:, -1] = -100  # HF shifts labels itself and ignores the last position
    with torch.no_grad():
        out = hf(input_ids=idx, labels=idx)
        logits, loss = ours(idx, targets)
    assert logits.shape == out.logits.shape == (3, TINY.seq_len, TINY.vocab_size)
    torch.testing.assert_close(logits, out.logits, atol=1e-5, rtol=0)
    torch.testing.assert_close(loss, out.loss, atol=1e-6, rtol=0)


def test_to_hf_copies_our_weights() -> None:
    ours = _model(seed=1)
    hf = to_hf(ours, "eager").eval()
    assert hf.lm_head.weight.data_ptr() == hf.transformer.wte.weight.data_ptr()
    idx = torch.randint(0, TINY.vocab_size, (2, 10))
    with torch.no_grad():
        torch.testing.assert_close(ours(idx)[0], hf(idx).logits, atol=1e-5, rtol=0)


def test_weights_are_tied() -> None:
    net = _model()
    assert net.lm_head.weight is net.wte.weight
    untied = sum(p.numel() for p in net.parameters()) + net.wte.weight.numel()
    assert net.num_parameters() < untied


def test_explicit_attention_matches_sdpa_and_is_causal() -> None:
    net = _model()
    idx = torch.randint(0, TINY.vocab_size, (2, 12))
    with torch.no_grad():
        fast, _ = net(idx)
        slow, _, attentions = net(idx, return_attention=True)
    torch.testing.assert_close(fast, slow, atol=1e-5, rtol=0)
    assert len(attentions) == TINY.n_layer
    for weights in attentions:
        assert weights.shape == (2, TINY.n_head, 12, 12)
        torch.testing.assert_close(weights.sum(-1), torch.ones(2, TINY.n_head, 12))
        assert torch.all(weights.triu(diagonal=1) == 0)  # no look at the future


def test_future_tokens_do_not_change_past_logits() -> None:
    net = _model()
    idx = torch.randint(0, TINY.vocab_size, (1, 16))
    changed = idx.clone()
    changed[0, 10:] = (changed[0, 10:] + 1) % TINY.vocab_size
    with torch.no_grad():
        a, b = net(idx)[0], net(changed)[0]
    torch.testing.assert_close(a[:, :10], b[:, :10], atol=1e-6, rtol=0)
    assert not torch.allclose(a[:, 10:], b[:, 10:])


def test_overfitting_one_batch_drives_loss_near_zero() -> None:
    torch.manual_seed(0)
    net = GPT(GPTConfig(vocab_size=50, seq_len=16, n_layer=2, n_head=2, d_model=32)).train()
    x = torch.randint(0, 50, (4, 16))
    y = torch.randint(0, 50, (4, 16))  # random targets: only memorisation can fit them
    optimizer = torch.optim.AdamW(net.parameters(), lr=1e-2)
    first = None
    for _ in range(300):
        _, loss = net(x, y)
        first = first if first is not None else loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert first > 3.5  # about log(50) = 3.9 at initialisation
    assert loss.item() < 0.05


def test_rejects_bad_shapes_and_configs() -> None:
    net = _model()
    with pytest.raises(ValueError, match="longer than seq_len"):
        net(torch.zeros(1, TINY.seq_len + 1, dtype=torch.long))
    with pytest.raises(ValueError, match="divisible"):
        GPTConfig(d_model=30, n_head=4)
    with pytest.raises(ValueError, match="positive"):
        GPTConfig(n_layer=0)
