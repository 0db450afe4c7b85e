"""Generation: the next-token distribution, and sampling with temperature and top-k.

At each step the model gives logits z (one per token of the vocabulary); the next token is
drawn from softmax(z / temperature), restricted to the k most probable tokens when
``top_k`` is set (Fan et al., "Hierarchical Neural Story Generation", 2018). A temperature
below 1 sharpens the distribution, above 1 flattens it; temperature 0 means greedy decoding
(always the most probable token).
"""

from __future__ import annotations

import torch
from tokenizers import Tokenizer
from torch import nn

__all__ = ["complete", "generate", "next_token_probabilities", "top_k_next_tokens"]


def _context(net: nn.Module) -> int | None:
    config = getattr(net, "config", None)
    return getattr(config, "seq_len", None)


@torch.no_grad()
def next_token_probabilities(net: nn.Module, idx: torch.Tensor) -> torch.Tensor:
    """Probabilities (V,) of the token that follows the ids ``idx`` (T,)."""
    if idx.numel() == 0:
        raise ValueError("the prompt must contain at least one token")
    seq_len = _context(net)
    idx = idx[-seq_len:] if seq_len else idx  # (T,) at most the model's context
    logits, _ = net(idx[None])  # (1, T, V)
    return logits[0, -1].float().softmax(dim=-1)  # (V,)


def top_k_next_tokens(
    net: nn.Module, tok: Tokenizer, prompt: str, k: int = 5
) -> list[tuple[str, float]]:
    """The ``k`` most probable next tokens after ``prompt``, as (text, probability)."""
    idx = torch.tensor(tok.encode(prompt).ids, dtype=torch.long)  # (T,)
    probs = next_token_probabilities(net, idx)  # (V,)
    top = probs.topk(min(k, probs.numel()))
    return [
        (tok.decode([i]), p) for i, p in zip(top.indices.tolist(), top.values.tolist(), strict=True)
    ]


@torch.no_grad()
def generate(
    net: nn.Module,
    idx: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
    stop: int | None = None,
) -> torch.Tensor:
    """Append up to ``max_new_tokens`` sampled ids to ``idx`` (T,); returns (T + n,).

    Stops early after the id ``stop`` (for instance the end-of-text token).
    """
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be >= 1, got {top_k}")
    for _ in range(max_new_tokens):
        probs = next_token_probabilities(net, idx)  # (V,)
        if temperature == 0:
            next_id = probs.argmax()[None]  # (1,)
        else:
            logits = probs.log() / temperature  # (V,)
            if top_k is not None:
                kth = logits.topk(min(top_k, logits.numel())).values[-1]
                logits = logits.masked_fill(logits < kth, float("-inf"))  # (V,)
            next_id = torch.multinomial(logits.softmax(-1), 1, generator=generator)  # (1,)
        idx = torch.cat([idx, next_id])  # (T + 1,)
        if stop is not None and next_id.item() == stop:
            break
    return idx


def complete(
    net: nn.Module,
    tok: Tokenizer,
    prompt: str,
    max_new_tokens: int = 20,
    temperature: float = 1.0,
    top_k: int | None = None,
    seed: int = 0,
) -> str:
    """The prompt followed by sampled text, stopping at the end of the paragraph."""
    idx = torch.tensor(tok.encode(prompt).ids, dtype=torch.long)  # (T,)
    generator = torch.Generator().manual_seed(seed)
    stop = tok.token_to_id("<|endoftext|>")
    out = generate(net, idx, max_new_tokens, temperature, top_k, generator, stop)
    return tok.decode(out.tolist())
