"""LoRA: low-rank adapters beside frozen linear layers, and merging them back in.

Reference: Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models" (2021). A frozen
linear layer ``y = W x + b`` (``W``: d_out × d_in) gets two trainable matrices, ``A``
(r × d_in) and ``B`` (d_out × r), and computes

    y = W x + b + (α / r) · B A x

``A`` starts Gaussian and ``B`` at zero, so the adapted model starts as the base model,
exactly; only ``r · (d_in + d_out)`` parameters per layer are trained. After training,
``W + (α / r) · B A`` is an ordinary matrix of the same shape: merged in, the adapter
costs nothing at inference (§4.1 of the paper).

We write the layer ourselves rather than use Hugging Face ``peft``: it is a dozen lines that
a reader can check against the formula, and it wraps our ``GPT``'s ``nn.Linear`` layers
without a dependency.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = [
    "ATTENTION_AND_MLP",
    "LoRALinear",
    "add_lora",
    "lora_state_dict",
    "merge_lora",
    "trainable_parameters",
]

# the linear layers of every block of our GPT that LoRA adapts: attention and MLP
ATTENTION_AND_MLP = ("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj")


class LoRALinear(nn.Module):
    """A frozen ``nn.Linear`` plus a trainable low-rank update: W x + b + (α/r) · B A x."""

    def __init__(
        self,
        base: nn.Linear,
        rank: int,
        alpha: float | None = None,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        if rank < 1:
            raise ValueError(f"rank must be positive, got {rank}")
        self.base = base
        self.base.requires_grad_(False)
        self.rank = rank
        self.scale = (alpha if alpha is not None else rank) / rank  # α / r
        d_out, d_in = base.weight.shape
        # A Gaussian of variance 1/d_in, B zero: B A = 0, the base model's output at start
        a = torch.randn(rank, d_in, generator=generator) / math.sqrt(d_in)
        self.lora_A = nn.Parameter(a)  # (r, d_in)
        self.lora_B = nn.Parameter(torch.zeros(d_out, rank))  # (d_out, r)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        update = (x @ self.lora_A.T) @ self.lora_B.T  # (..., r) then (..., d_out)
        return self.base(x) + self.scale * update  # (..., d_out)

    @torch.no_grad()
    def merged(self) -> nn.Linear:
        """An ``nn.Linear`` whose weight is W + (α/r) · B A: the same function, one matmul."""
        d_out, d_in = self.base.weight.shape
        out = nn.Linear(d_in, d_out, bias=self.base.bias is not None)
        out.weight.copy_(self.base.weight + self.scale * self.lora_B @ self.lora_A)
        if self.base.bias is not None:
            out.bias.copy_(self.base.bias)
        return out.requires_grad_(False)


def _wrapped(net: nn.Module, targets: tuple[str, ...]) -> list[tuple[str, nn.Module, str]]:
    """(full name, parent module, attribute) of every layer whose name ends with a target."""
    found = []
    for name, module in net.named_modules():
        if name.endswith(targets) and isinstance(module, (nn.Linear, LoRALinear)):
            parent_name, _, attribute = name.rpartition(".")
            found.append((name, net.get_submodule(parent_name), attribute))
    return found


def add_lora(
    net: nn.Module,
    rank: int,
    alpha: float | None = None,
    targets: tuple[str, ...] = ATTENTION_AND_MLP,
    seed: int = 0,
) -> list[str]:
    """Freeze ``net`` and wrap its ``targets`` layers in :class:`LoRALinear`, in place.

    Returns the names of the wrapped layers. ``alpha`` defaults to ``rank`` (scale 1); the
    ``A`` matrices are drawn from a generator seeded with ``seed``.
    """
    net.requires_grad_(False)
    layers = _wrapped(net, targets)
    if not layers:
        raise ValueError(f"no nn.Linear layer of the model ends with one of {targets}")
    generator = torch.Generator().manual_seed(seed)
    for _, parent, attribute in layers:
        base = getattr(parent, attribute)
        if isinstance(base, LoRALinear):
            raise ValueError("the model already has LoRA adapters")
        setattr(parent, attribute, LoRALinear(base, rank, alpha, generator))
    return [name for name, _, _ in layers]


def merge_lora(net: nn.Module) -> nn.Module:
    """Replace every :class:`LoRALinear` of ``net`` by its merged ``nn.Linear``, in place.

    A merged layer has its own weight: an adapter on a head tied to the embeddings (GPT-2's
    ``lm_head``) unties it, and the model gains a vocabulary-sized matrix.
    """
    for name, module in list(net.named_modules()):
        if isinstance(module, LoRALinear):
            parent_name, _, attribute = name.rpartition(".")
            setattr(net.get_submodule(parent_name), attribute, module.merged())
    return net


def lora_state_dict(net: nn.Module) -> dict[str, torch.Tensor]:
    """Only the adapters' tensors (``lora_A``, ``lora_B``): what a LoRA run has to save."""
    return {k: v for k, v in net.state_dict().items() if k.endswith(("lora_A", "lora_B"))}


def trainable_parameters(net: nn.Module) -> int:
    """Number of parameters that the optimizer updates (``requires_grad``)."""
    return sum(p.numel() for p in net.parameters() if p.requires_grad)
