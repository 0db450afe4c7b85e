"""Decoding strategies: temperature, top-k, top-p, the inverse-CDF draw, seeds and greedy."""

from __future__ import annotations

import pytest
import torch

from genai_docs.transformer import GPT, GPTConfig
from genai_docs.transformer.decoding import decode, sample_texts
from genai_docs.transformer.sampling import (
    Decoding,
    draw,
    entropy,
    reshape,
    temperature_probs,
    top_k,
    top_p,
)

TINY = GPTConfig(vocab_size=64, seq_len=32, n_layer=2, n_head=2, d_model=32)


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


def test_top_k_keeps_exactly_k_tokens_and_renormalises() -> None:
    probs = torch.tensor([[0.1, 0.4, 0.2, 0.2, 0.1], [0.3, 0.1, 0.2, 0.25, 0.15]])
    kept = top_k(probs, 2)
    assert ((kept > 0).sum(-1) == 2).all()  # exactly k, even with tied values
    torch.testing.assert_close(kept.sum(-1), torch.ones(2))
    torch.testing.assert_close(kept[1], torch.tensor([0.3, 0, 0, 0.25, 0]) / 0.55)
    assert kept[0, 1] > 0  # the largest is always kept
    torch.testing.assert_close(top_k(probs, 10), probs / probs.sum(-1, keepdim=True))


def test_top_p_keeps_the_smallest_set_reaching_p() -> None:
    # Sorted: 0.5 (index 1), 0.25 (index 3), 0.15 (index 2), 0.1 (index 0).
    probs = torch.tensor([0.1, 0.5, 0.15, 0.25], dtype=torch.float64)
    torch.testing.assert_close(top_p(probs, 0.5), torch.tensor([0, 1.0, 0, 0], dtype=torch.float64))
    expected = torch.tensor([0, 0.5, 0, 0.25], dtype=torch.float64) / 0.75
    torch.testing.assert_close(top_p(probs, 0.7), expected)  # 0.5 < 0.7 <= 0.75: two tokens
    torch.testing.assert_close(top_p(probs, 0.75), expected)  # reached exactly: still two
    expected = torch.tensor([0, 0.5, 0.15, 0.25], dtype=torch.float64) / 0.9
    torch.testing.assert_close(top_p(probs, 0.8), expected)  # three tokens
    torch.testing.assert_close(top_p(probs, 1.0), probs)
    torch.testing.assert_close(
        top_p(probs, 0.01), torch.tensor([0, 1.0, 0, 0], dtype=torch.float64)
    )


def test_temperature_sharpens_and_flattens() -> None:
    logits = torch.tensor([2.0, 1.0, 0.0, -1.0])
    cold, plain, hot = (temperature_probs(logits, t) for t in (0.5, 1.0, 2.0))
    torch.testing.assert_close(plain, logits.softmax(-1))
    assert entropy(cold) < entropy(plain) < entropy(hot)
    torch.testing.assert_close(temperature_probs(logits, 0.0), torch.tensor([1.0, 0, 0, 0]))
    # as the temperature goes to 0, all the mass goes to the most probable token
    gaps = [1 - temperature_probs(logits, t)[0].item() for t in (1.0, 0.3, 0.1, 0.01)]
    assert gaps == sorted(gaps, reverse=True) and gaps[-1] < 1e-30


def test_draw_is_an_inverse_cdf_that_never_picks_a_zero() -> None:
    probs = torch.tensor([0.0, 0.2, 0.0, 0.8, 0.0]).expand(5, 5)
    u = torch.tensor([0.0, 0.1, 0.2, 0.5, 0.999999])
    assert draw(probs, u).tolist() == [1, 1, 3, 3, 3]
    unnormalised = torch.tensor([[0.0, 2.0, 6.0]])  # the draw scales u by the total
    assert draw(unnormalised, torch.tensor([0.3])).tolist() == [2]
    assert draw(unnormalised, torch.tensor([0.2])).tolist() == [1]


def test_reshape_composes_temperature_top_k_top_p() -> None:
    logits = torch.tensor([3.0, 2.0, 1.0, 0.0, -1.0])
    probs = reshape(logits, Decoding(temperature=0.7, top_k=3, top_p=0.9))
    manual = top_p(top_k(temperature_probs(logits, 0.7), 3), 0.9)
    torch.testing.assert_close(probs, manual)
    assert (probs > 0).sum() <= 3
    with pytest.raises(ValueError):
        Decoding(top_p=0.0)
    with pytest.raises(ValueError):
        Decoding(temperature=-1.0)
    with pytest.raises(ValueError):
        Decoding(top_k=0)


def test_temperature_near_zero_decodes_like_greedy(net: GPT) -> None:
    prompts = torch.randint(1, TINY.vocab_size, (3, 4), generator=torch.Generator().manual_seed(1))
    greedy = decode(net, prompts, 12, Decoding(temperature=0.0), seed=5).ids
    cold = decode(net, prompts, 12, Decoding(temperature=1e-6), seed=7).ids
    assert torch.equal(greedy, cold)
    # greedy is the argmax at every step
    with torch.no_grad():
        logits = net(greedy[:, :-1])[0][:, 3:]  # (3, 12, V) the logits each token follows
    assert torch.equal(logits.argmax(-1), greedy[:, 4:])
    assert torch.equal(greedy, decode(net, prompts, 12, Decoding(top_k=1), seed=3).ids)


def test_a_seed_repeats_a_sample_and_another_seed_changes_it(net: GPT) -> None:
    prompts = torch.tensor([[1, 2, 3]]).repeat(4, 1)
    hot = Decoding(temperature=1.5)
    first = decode(net, prompts, 16, hot, seed=11)
    again = decode(net, prompts, 16, hot, seed=11)
    other = decode(net, prompts, 16, hot, seed=12)
    assert torch.equal(first.ids, again.ids)
    torch.testing.assert_close(first.log_probs, again.log_probs)
    assert not torch.equal(first.ids, other.ids)
    assert len({tuple(row) for row in first.ids.tolist()}) > 1  # rows differ within a batch


def test_decoding_with_or_without_cache_chooses_the_same_tokens(net: GPT) -> None:
    prompts = torch.tensor([[5, 6, 7, 8], [9, 10, 11, 12]])
    for decoding in (Decoding(temperature=0.0), Decoding(temperature=1.0, top_p=0.9)):
        cached = decode(net, prompts, 20, decoding, seed=3, use_cache=True)
        plain = decode(net, prompts, 20, decoding, seed=3, use_cache=False)
        assert torch.equal(cached.ids, plain.ids)
        torch.testing.assert_close(cached.log_probs, plain.log_probs, atol=1e-5, rtol=1e-5)


def test_log_probs_are_under_the_model_itself(net: GPT) -> None:
    prompts = torch.tensor([[1, 2, 3]])
    out = decode(net, prompts, 6, Decoding(temperature=2.0, top_k=3), seed=0)
    with torch.no_grad():
        logits = net(out.ids[:, :-1])[0][:, 2:]  # (1, 6, V)
    expected = logits.log_softmax(-1).gather(-1, out.ids[:, 3:, None])[..., 0]
    torch.testing.assert_close(out.log_probs, expected, atol=1e-5, rtol=1e-5)


def test_decode_refuses_what_does_not_fit(net: GPT) -> None:
    with pytest.raises(ValueError, match="do not fit"):
        decode(net, torch.zeros(1, 30, dtype=torch.long), 4, Decoding())
    with pytest.raises(ValueError):
        decode(net, torch.zeros(4, dtype=torch.long), 4, Decoding())


def test_sample_texts_groups_prompts_and_keeps_their_order() -> None:
    from genai_docs.transformer import load_tokenizer

    tok = load_tokenizer()
    torch.manual_seed(0)
    net = GPT(GPTConfig(vocab_size=768, seq_len=32, n_layer=1, n_head=2, d_model=16)).eval()
    prompts = ["Omar a frappé un", "Le vélo", "Hier, Léa a"]  # 4, 2 and 4 tokens
    texts, log_probs = sample_texts(net, tok, prompts, Decoding(), n=2, new_tokens=5, seed=1)
    assert len(texts) == 6 and log_probs.shape == (6, 5)
    assert all(
        t.startswith(p) for t, p in zip(texts, [p for p in prompts for _ in "ab"], strict=True)
    )
