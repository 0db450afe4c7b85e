"""The KV cache: the same logits as the full forward pass, and the bytes the calculator predicts."""

from __future__ import annotations

import pytest
import torch

from genai_docs.transformer import GPT, GPTConfig
from genai_docs.transformer.kv_cache import KVCache, forward_cached, greedy_step_times

TINY = GPTConfig(vocab_size=64, seq_len=32, n_layer=3, n_head=4, d_model=32)
# Float32 rounding differs between one pass over T positions and T passes of one (another
# order of the same sums): logits of this model agree to about 1e-6; we allow 1e-5.
ATOL = 1e-5


@pytest.fixture(autouse=True)
def one_thread():
    """Matrices this small run faster on one thread, and a busy machine does not slow them."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def net() -> GPT:
    torch.manual_seed(0)
    return GPT(TINY).eval()


def test_cached_logits_equal_the_full_forward_pass(net: GPT) -> None:
    idx = torch.randint(
        0, TINY.vocab_size, (2, TINY.seq_len), generator=torch.Generator().manual_seed(0)
    )
    with torch.no_grad():
        full = net(idx)[0]  # (2, T, V)
    for chunks in ([1] * TINY.seq_len, [5, 1, 1, 7, 3, 15], [TINY.seq_len]):
        cache, parts, start = KVCache(), [], 0
        for size in chunks:  # a prefill of several tokens, then steps of one or more
            parts.append(forward_cached(net, idx[:, start : start + size], cache))
            start += size
        assert cache.length == TINY.seq_len
        torch.testing.assert_close(torch.cat(parts, 1), full, atol=ATOL, rtol=0)


def test_the_cache_holds_2_n_layer_positions_d_model_numbers(net: GPT) -> None:
    cache = KVCache()
    forward_cached(net, torch.tensor([[1, 2, 3, 4, 5]]).repeat(3, 1), cache)  # B = 3, P = 5
    assert len(cache.keys) == len(cache.values) == TINY.n_layer
    assert cache.keys[0].shape == (3, TINY.n_head, 5, TINY.d_model // TINY.n_head)
    assert cache.nbytes == 2 * TINY.n_layer * 5 * TINY.d_model * 3 * 4


def test_the_cache_refuses_to_outgrow_the_context(net: GPT) -> None:
    cache = KVCache()
    forward_cached(net, torch.zeros(1, TINY.seq_len, dtype=torch.long), cache)
    with pytest.raises(ValueError, match="exceed the context"):
        forward_cached(net, torch.zeros(1, 1, dtype=torch.long), cache)
    with pytest.raises(ValueError, match="eval mode"):
        forward_cached(GPT(TINY).train(), torch.zeros(1, 1, dtype=torch.long), KVCache())


def test_step_times_measure_both_ways_on_the_same_tokens(net: GPT) -> None:
    prompt = torch.tensor([3, 1, 4])
    threads = torch.get_num_threads()
    times = greedy_step_times(net, prompt, 10, repeats=1)  # checks both ways chose alike
    assert torch.get_num_threads() == threads  # restored
    assert times.positions == list(range(3, 13))
    assert len(times.with_cache) == len(times.without_cache) == 10
    assert all(t >= 0 for t in times.with_cache + times.without_cache)
    element = 2 * TINY.n_layer * TINY.d_model * 4  # bytes per cached position, fp32
    assert times.cache_bytes == [element * n for n in times.positions]
    with pytest.raises(ValueError):
        greedy_step_times(net, prompt, TINY.seq_len, repeats=1)


def test_the_memory_calculator_predicts_the_cache() -> None:
    """Our GPT seen as a GPT-2 config: the calculator's formula gives the bytes our cache
    holds at every step, and its ``generate`` estimate, when it peaks while decoding, the
    cache of the last step (S + N - 1 positions)."""
    from genai_docs.memory import InferenceConfig, estimate_inference, kv_cache_bytes, model_shape
    from genai_docs.transformer import hf_config

    torch.manual_seed(0)
    config = GPTConfig(vocab_size=64, seq_len=32, n_layer=2, n_head=2, d_model=16)
    net = GPT(config).eval()
    times = greedy_step_times(net, torch.tensor([1, 2, 3]), 30, repeats=1)
    shape = model_shape(hf_config(config))
    assert times.cache_bytes == [kv_cache_bytes(shape, n, 1, "fp32") for n in times.positions]
    setting = InferenceConfig(seq_len=3, new_tokens=30, dtype="fp32", device="cpu")
    estimate = estimate_inference(shape, setting)
    assert estimate.setting["peak_at"].startswith("decode")
    assert estimate.breakdown["kv_cache"] == times.cache_bytes[-1]
