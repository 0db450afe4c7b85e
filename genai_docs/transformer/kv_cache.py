"""The KV cache: decoding one token at a time without recomputing the past.

When a decoder generates token t + 1, the keys and values of positions 1..t do not change:
a causal model never lets a position see later ones. Without a cache, each step runs the
whole sequence through the model again, so step t costs about t positions of work and a
text of n tokens costs about n²/2; with a cache, each step runs only the new token through
the model and reads the stored keys and values, so a text costs about n positions of work
(plus an attention over the cache that grows with t, small at these lengths). The price is
memory: per sequence, ``2 · n_layer · seq · d_model`` numbers (keys and values of every
layer and position), the formula of Pope et al., "Efficiently Scaling Transformer
Inference" (2022), which ``genai_docs.memory`` uses too.

This module leaves ``GPT`` as it is: :func:`forward_cached` runs the model's own submodules
and weights (embeddings, each block's LayerNorms, ``c_attn``, ``c_proj`` and MLP, the final
LayerNorm and tied head) step by step, storing each layer's keys and values in a
:class:`KVCache` and appending to it with ``torch.cat``, as Hugging Face's ``DynamicCache``
does. The test suite checks that it gives the logits of the full forward pass.

Shapes: B batch, T new tokens, P cached positions, C = d_model, nh heads, hs = C / nh.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from .model import GPT, CausalSelfAttention

__all__ = ["KVCache", "StepTimes", "forward_cached", "greedy_step_times"]


@dataclass
class KVCache:
    """The keys and values of every layer for the positions already read."""

    keys: list[torch.Tensor] = field(default_factory=list)  # n_layer x (B, nh, P, hs)
    values: list[torch.Tensor] = field(default_factory=list)  # n_layer x (B, nh, P, hs)

    @property
    def length(self) -> int:
        """Positions stored (P)."""
        return self.keys[0].shape[2] if self.keys else 0

    @property
    def nbytes(self) -> int:
        """Bytes held by the keys and values of every layer."""
        return sum(t.numel() * t.element_size() for t in (*self.keys, *self.values))

    def append(
        self, layer: int, k: torch.Tensor, v: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Add the new positions' keys and values (B, nh, T, hs) to ``layer``; return all of
        that layer's keys and values (B, nh, P + T, hs)."""
        if layer == len(self.keys):  # first call for this layer
            self.keys.append(k)
            self.values.append(v)
        else:
            self.keys[layer] = torch.cat([self.keys[layer], k], dim=2)  # (B, nh, P + T, hs)
            self.values[layer] = torch.cat([self.values[layer], v], dim=2)
        return self.keys[layer], self.values[layer]


def _attention(
    attn: CausalSelfAttention, x: torch.Tensor, cache: KVCache, layer: int
) -> torch.Tensor:
    """The block's attention for the new positions ``x`` (B, T, C), reading the cache."""
    B, T, C = x.shape
    past = cache.keys[layer].shape[2] if layer < len(cache.keys) else 0  # P
    q, k, v = attn.c_attn(x).split(C, dim=2)  # 3 x (B, T, C)
    hs = C // attn.n_head
    q = q.view(B, T, attn.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
    k = k.view(B, T, attn.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
    v = v.view(B, T, attn.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
    k, v = cache.append(layer, k, v)  # (B, nh, P + T, hs) with P = past
    mask = None  # one new token sees every cached position
    if T > 1:  # new position i (absolute past + i) sees positions <= past + i
        mask = torch.ones(T, past + T, dtype=torch.bool, device=x.device).tril(past)
    y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # (B, nh, T, hs)
    y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
    return attn.c_proj(y)  # (B, T, C)


@torch.no_grad()
def forward_cached(net: GPT, idx: torch.Tensor, cache: KVCache) -> torch.Tensor:
    """Logits (B, T, V) of the new token ids ``idx`` (B, T), which follow the positions in
    ``cache``; their keys and values are appended to ``cache``. ``net`` must be in eval mode.

    With an empty cache and the whole prompt this is the prefill; then one token at a time.
    """
    if net.training:
        raise ValueError("forward_cached runs a model in eval mode (call net.eval())")
    B, T = idx.shape
    past = cache.length
    if past + T > net.config.seq_len:
        raise ValueError(
            f"{past} cached + {T} new positions exceed the context of {net.config.seq_len}"
        )
    pos = torch.arange(past, past + T, device=idx.device)  # (T,) absolute positions
    x = net.wte(idx) + net.wpe(pos)  # (B, T, C)
    for layer, block in enumerate(net.h):
        x = x + _attention(block.attn, block.ln_1(x), cache, layer)  # (B, T, C)
        x = x + block.mlp(block.ln_2(x))  # (B, T, C)
    return net.lm_head(net.ln_f(x))  # (B, T, V)


@dataclass(frozen=True)
class StepTimes:
    """Seconds of each decoding step, with and without the cache, and the cache's bytes."""

    positions: list[int]  # tokens of text the step reads (prompt + tokens generated so far)
    with_cache: list[float]  # seconds of each step with the cache, fastest of the repeats
    without_cache: list[float]  # seconds of each step without it, fastest of the repeats
    cache_bytes: list[int]  # bytes of the cache's keys and values after each step


def greedy_step_times(
    net: GPT, prompt: torch.Tensor, new_tokens: int, repeats: int = 3
) -> StepTimes:
    """Time each step of greedy decoding after ``prompt`` (S,), with and without the cache.

    Step ``s`` reads a text of ``S + s`` tokens and chooses the next one. Without the cache
    it is a forward pass over the whole text; with it, a forward pass of the text's last
    token, the others being in the cache (the prompt's prefill is done before, untimed).
    Both ways must choose the same tokens (checked). Each step is timed ``repeats`` times,
    the two ways taking turns, and the fastest run is kept, the usual defence against a
    busy machine. Runs on one thread.
    """
    S = prompt.numel()
    if S < 1 or new_tokens < 1 or S + new_tokens - 1 > net.config.seq_len:
        raise ValueError(f"{S} + {new_tokens} tokens do not fit the model's context")
    net.eval()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # for matrices this small, threads cost more than they save
    try:
        return _step_times(net, prompt, new_tokens, repeats)
    finally:
        torch.set_num_threads(threads)


def _step_times(net: GPT, prompt: torch.Tensor, new_tokens: int, repeats: int) -> StepTimes:
    S = prompt.numel()
    best = {True: [float("inf")] * new_tokens, False: [float("inf")] * new_tokens}
    chosen: list[list[int]] = []
    cache_bytes: list[int] = []
    for _ in range(repeats):
        for cached in (True, False):
            idx = prompt[None]  # (1, S)
            cache = KVCache()
            if cached and S > 1:
                forward_cached(net, idx[:, :-1], cache)  # the prefill, untimed
            out, sizes = [], []
            for step in range(new_tokens):
                start = time.process_time()
                with torch.no_grad():
                    if cached:
                        logits = forward_cached(net, idx[:, -1:], cache)[:, -1]  # (1, V)
                    else:
                        logits = net(idx)[0][:, -1]  # (1, V): the whole text again
                    next_id = logits.argmax(-1, keepdim=True)  # (1, 1)
                    idx = torch.cat([idx, next_id], dim=1)  # (1, S + step + 1)
                best[cached][step] = min(best[cached][step], time.process_time() - start)
                out.append(int(next_id))
                sizes.append(cache.nbytes)
            chosen.append(out)
            if cached:
                cache_bytes = sizes
    if any(tokens != chosen[0] for tokens in chosen):
        raise RuntimeError("cached and uncached greedy decoding chose different tokens")
    return StepTimes(
        positions=[S + s for s in range(new_tokens)],
        with_cache=best[True],
        without_cache=best[False],
        cache_bytes=cache_bytes,
    )
