"""Decoding with a strategy: greedy, temperature, top-k, top-p, on a batch, with the KV cache.

:func:`decode` extends a batch of prompts of equal length token by token. At every step the
model's logits are reshaped by a :class:`~genai_docs.transformer.sampling.Decoding` and one
token per sequence is drawn by inverse CDF from a uniform number (``sampling.draw``). The
uniform numbers come from a ``torch.Generator`` seeded with ``seed``: the same seed gives the
same numbers, hence the same text, and two strategies decoded with the same seed share
their random numbers (common random numbers), so that they differ only by the strategy.

Each chosen token's log-probability under the model itself (temperature 1, nothing cut) is
kept: its mean over the generated tokens gives the samples' perplexity under the model.

:func:`sample_texts` runs several prompts, each with ``n`` sequences drawn together, and
returns the decoded texts (prompt included). Generation goes on through the end-of-text
token, which then separates paragraphs, so every sample has the same number of tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from tokenizers import Tokenizer

from .kv_cache import KVCache, forward_cached
from .model import GPT
from .sampling import Decoding, draw, reshape
from .tokenizer import EOS

__all__ = ["Decoded", "decode", "sample_texts", "text_of"]


@dataclass(frozen=True)
class Decoded:
    """What :func:`decode` returns."""

    ids: torch.Tensor  # (B, S + N) the prompts followed by the generated tokens
    log_probs: torch.Tensor  # (B, N) log-probability of each generated token under the model


@torch.no_grad()
def decode(
    net: GPT,
    prompts: torch.Tensor,
    new_tokens: int,
    decoding: Decoding,
    seed: int = 0,
    use_cache: bool = True,
) -> Decoded:
    """Generate ``new_tokens`` tokens after each of the ``prompts`` (B, S) with ``decoding``.

    With ``use_cache`` the prompt is read once (prefill) and each step reads one token
    (:mod:`.kv_cache`); without it, each step reads the whole text again. Both give the
    same tokens up to float rounding. The text must fit the model's context; ``net`` is
    put in eval mode.
    """
    if prompts.dim() != 2 or prompts.shape[1] < 1:
        raise ValueError("prompts must be a (B, S) tensor of token ids with S >= 1")
    B, S = prompts.shape
    if new_tokens < 1 or S + new_tokens - 1 > net.config.seq_len:
        raise ValueError(f"{S} + {new_tokens} tokens do not fit a context of {net.config.seq_len}")
    net.eval()
    generator = torch.Generator().manual_seed(seed)
    cache = KVCache()
    idx = prompts  # (B, S)
    logits = forward_cached(net, idx, cache)[:, -1] if use_cache else None  # (B, V)
    log_probs = []
    for step in range(new_tokens):
        if not use_cache:
            logits = net(idx)[0][:, -1]  # (B, V): the whole text again
        probs = reshape(logits, decoding)  # (B, V)
        uniform = torch.rand(B, generator=generator)  # (B,) drawn even when greedy
        next_id = draw(probs, uniform)  # (B,)
        log_probs.append(logits.float().log_softmax(-1).gather(-1, next_id[:, None]))  # (B, 1)
        idx = torch.cat([idx, next_id[:, None]], dim=1)  # (B, S + step + 1)
        if use_cache and step < new_tokens - 1:
            logits = forward_cached(net, next_id[:, None], cache)[:, -1]  # (B, V)
    return Decoded(ids=idx, log_probs=torch.cat(log_probs, dim=1))


def sample_texts(
    net: GPT,
    tok: Tokenizer,
    prompts: list[str],
    decoding: Decoding,
    n: int,
    new_tokens: int,
    seed: int = 0,
) -> tuple[list[str], torch.Tensor]:
    """``n`` samples of ``new_tokens`` tokens after each prompt, with the seed ``seed``.

    Prompts of the same length in tokens are decoded together, in one batch. Returns the
    texts (prompt first, paragraphs separated by newlines), prompt by prompt, and the
    log-probabilities (len(prompts) * n, new_tokens) of their generated tokens under the
    model.
    """
    if n < 1 or not prompts:
        raise ValueError("give at least one prompt and n >= 1")
    encoded = [tok.encode(prompt).ids for prompt in prompts]
    texts: list[str] = [""] * (len(prompts) * n)
    log_probs = torch.empty(len(prompts) * n, new_tokens)
    for length in sorted({len(ids) for ids in encoded}):
        group = [i for i, ids in enumerate(encoded) if len(ids) == length]
        batch = torch.tensor([encoded[i] for i in group for _ in range(n)])  # (G * n, S)
        out = decode(net, batch, new_tokens, decoding, seed=seed)
        rows = [i * n + j for i in group for j in range(n)]  # where each row goes
        for row, ids in zip(rows, out.ids.tolist(), strict=True):
            texts[row] = text_of(tok, ids)
        log_probs[rows] = out.log_probs
    return texts, log_probs


def text_of(tok: Tokenizer, ids: list[int]) -> str:
    """The text of ``ids``, one paragraph per line (the end-of-text token separates them)."""
    eos = tok.token_to_id(EOS)
    parts: list[list[int]] = [[]]
    for i in ids:
        if i == eos:
            parts.append([])
        else:
            parts[-1].append(i)
    return "\n".join(tok.decode(part).strip() for part in parts)
