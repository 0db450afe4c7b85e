"""Reshaping the next-token distribution before drawing from it: temperature, top-k, top-p.

A language model gives logits z (one per token of the vocabulary). A decoding strategy turns
them into the distribution that the next token is drawn from:

- **temperature** tau: ``softmax(z / tau)``; tau < 1 sharpens, tau > 1 flattens, and as tau
  goes to 0 all the mass goes to the most probable token (greedy decoding, tau = 0 here);
- **top-k** (Fan et al., "Hierarchical Neural Story Generation", 2018): keep the ``k`` most
  probable tokens, set the others to 0, renormalise;
- **top-p**, or nucleus sampling (Holtzman et al., "The Curious Case of Neural Text
  Degeneration", ICLR 2020): keep the smallest set of most probable tokens whose total
  probability reaches ``p``, renormalise.

They compose in the order Hugging Face's ``generate`` applies them: temperature, then top-k,
then top-p (:func:`reshape`). The draw itself is an inverse-CDF draw from one uniform number
per sequence (:func:`draw`): two strategies given the same uniform numbers make comparable
choices, and the same seed gives the same uniform numbers, hence the same text.

Shapes: V vocabulary, ``...`` any leading dimensions (a batch of sequences).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = ["Decoding", "draw", "entropy", "reshape", "temperature_probs", "top_k", "top_p"]


@dataclass(frozen=True)
class Decoding:
    """A decoding strategy: how the next token is chosen from the model's logits."""

    temperature: float = 1.0  # divides the logits; 0 means greedy (always the most probable)
    top_k: int | None = None  # keep only the k most probable tokens (None: all)
    top_p: float | None = None  # keep the smallest set reaching this probability (None: all)

    def __post_init__(self) -> None:
        if self.temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {self.temperature}")
        if self.top_k is not None and self.top_k < 1:
            raise ValueError(f"top_k must be >= 1, got {self.top_k}")
        if self.top_p is not None and not 0 < self.top_p <= 1:
            raise ValueError(f"top_p must be in ]0, 1], got {self.top_p}")

    @property
    def greedy(self) -> bool:
        """Whether this strategy always takes the most probable token."""
        return self.temperature == 0 or self.top_k == 1


def temperature_probs(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """``softmax(logits / temperature)`` over the last dimension; at 0, one-hot on the argmax."""
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    logits = logits.float()  # (..., V)
    if temperature == 0:
        one_hot = torch.zeros_like(logits)  # (..., V)
        return one_hot.scatter_(-1, logits.argmax(-1, keepdim=True), 1.0)
    return (logits / temperature).softmax(-1)  # (..., V)


def top_k(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly the ``k`` most probable tokens of ``probs`` (..., V), renormalised."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    k = min(k, probs.shape[-1])
    kept = probs.topk(k, dim=-1).indices  # (..., k): exactly k, ties broken by index
    mask = torch.zeros_like(probs, dtype=torch.bool).scatter_(-1, kept, True)  # (..., V)
    filtered = probs.masked_fill(~mask, 0.0)  # (..., V)
    return filtered / filtered.sum(-1, keepdim=True)


def top_p(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most probable tokens whose total reaches ``p``, renormalised.

    The tokens are sorted by probability; a token is kept when the mass of the tokens before
    it is still below ``p``, so the most probable token is always kept.
    """
    if not 0 < p <= 1:
        raise ValueError(f"p must be in ]0, 1], got {p}")
    sorted_probs, order = probs.sort(dim=-1, descending=True)  # (..., V)
    total = sorted_probs.cumsum(-1)  # (..., V)
    before = torch.cat([torch.zeros_like(total[..., :1]), total[..., :-1]], -1)  # mass before
    keep_sorted = before < p  # (..., V), True for a prefix of the sorted tokens
    mask = torch.zeros_like(keep_sorted).scatter_(-1, order, keep_sorted)  # (..., V)
    filtered = probs.masked_fill(~mask, 0.0)  # (..., V)
    return filtered / filtered.sum(-1, keepdim=True)


def reshape(logits: torch.Tensor, decoding: Decoding) -> torch.Tensor:
    """The distribution (..., V) the next token is drawn from: temperature, top-k, top-p."""
    probs = temperature_probs(logits, decoding.temperature)  # (..., V)
    if decoding.top_k is not None:
        probs = top_k(probs, decoding.top_k)
    if decoding.top_p is not None:
        probs = top_p(probs, decoding.top_p)
    return probs


def draw(probs: torch.Tensor, uniform: torch.Tensor) -> torch.Tensor:
    """The token (...,) that the uniform numbers ``uniform`` (...,) in [0, 1) pick from
    ``probs`` (..., V), by inverse CDF: the first token whose cumulative probability exceeds
    ``uniform`` times the total. A token of probability 0 is never picked."""
    cdf = probs.cumsum(-1)  # (..., V)
    target = (uniform * cdf[..., -1]).unsqueeze(-1)  # (..., 1)
    index = torch.searchsorted(cdf.contiguous(), target, right=True)  # (..., 1)
    return index.clamp_max(probs.shape[-1] - 1).squeeze(-1)  # (...,)


def entropy(probs: torch.Tensor) -> torch.Tensor:
    """Shannon entropy in nats, ``-sum p log p`` over the last dimension (0 log 0 = 0)."""
    logs = probs.clamp_min(torch.finfo(probs.dtype).tiny).log()
    return -(probs * logs).sum(-1)
