"""Mixed-precision training of a mini GPT: fp16 without and with loss scaling, bf16, fp32.

Reference: Micikevicius et al., "Mixed Precision Training" (ICLR 2018). The weights stay in
fp32 (the *master* copy, updated by the optimizer); ``torch.autocast`` runs the matrix
products in a 16-bit format, so the activations and their gradients are 16-bit. fp16's
smallest positive value is 2^-24 ≈ 6·10^-8: a gradient smaller than half of it becomes 0
(it *underflows*). Loss scaling multiplies the loss by S (``torch.amp.GradScaler``: S = 2^16
at first, halved whenever a gradient overflows to inf, when that step is skipped) so that
small gradients stay representable, and divides the weight gradients by S before the update.
bf16 has fp32's 8 exponent bits, so it needs no scaling.

Besides the loss curves, this module *measures* the mechanism: after training, one more
step with hooks on every ``nn.Linear`` output counts the activation-gradient values that
are exactly zero (:func:`activation_gradient_zeros`), and :func:`underflow_fraction` reads,
on an fp32 step, which share of the gradient values (and of their squared norm) lies below
fp16's rounding-to-zero threshold, with and without a scale.

On a CPU, autocast fp16 works but is slow (no native fp16 matrix units): the default
configuration below is tiny so that the four runs take seconds.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field

import torch
from torch import nn

from genai_docs.transformer.config import GPTConfig
from genai_docs.transformer.model import GPT
from genai_docs.transformer.train import get_batch

__all__ = [
    "MODES",
    "MixedPrecisionConfig",
    "MixedPrecisionRun",
    "activation_gradient_zeros",
    "train_mixed_precision",
    "underflow_fraction",
]

MODES = ("fp32", "fp16", "fp16 + GradScaler", "bf16")
FP16_ZERO = 2.0**-25  # half of fp16's smallest subnormal 2^-24: below it, a value rounds to 0


@dataclass(frozen=True)
class MixedPrecisionConfig:
    """A training run small enough for four precisions in seconds on a CPU."""

    model: GPTConfig = field(
        default_factory=lambda: GPTConfig(seq_len=64, n_layer=2, n_head=4, d_model=64)
    )  # the mini GPT's shape (vocab_size 768: the course tokenizer)
    steps: int = 100  # optimizer steps
    batch_size: int = 8  # sequences per step
    seq_len: int = 64  # tokens per sequence
    lr: float = 3e-3  # AdamW's learning rate (constant)
    seed: int = 0  # same weights and batches for every precision

    def __post_init__(self) -> None:
        if min(self.steps, self.batch_size, self.seq_len) < 1 or self.lr <= 0:
            raise ValueError("steps, batch_size, seq_len and lr must be positive")
        if self.seq_len > self.model.seq_len:
            raise ValueError(f"seq_len {self.seq_len} > the model's {self.model.seq_len}")


@dataclass
class MixedPrecisionRun:
    """What one precision did: its losses, its skipped steps, its gradient zeros."""

    mode: str  # one of MODES
    losses: list[float]  # training loss at each step (before the update)
    skipped_steps: int  # steps GradScaler skipped (inf/NaN gradients)
    final_scale: float  # GradScaler's scale at the end (1 without scaling)
    activation_zeros: float  # fraction of activation-gradient values exactly 0, last batch


def _autocast(mode: str, device: str):
    if mode == "fp32":
        return contextlib.nullcontext()
    dtype = torch.bfloat16 if mode == "bf16" else torch.float16
    return torch.autocast(device, dtype=dtype)


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")


@contextlib.contextmanager
def _linear_output_grads(model: nn.Module):
    """Collect the gradient of every ``nn.Linear`` output during the next backward pass."""
    grads: list[torch.Tensor] = []

    def hook(_module, _inputs, output):
        if output.requires_grad:
            output.register_hook(lambda g: grads.append(g.detach()))

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Linear)]
    try:
        yield grads
    finally:
        for handle in handles:
            handle.remove()


def activation_gradient_zeros(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, mode: str, scale: float = 1.0
) -> float:
    """Fraction of the gradient values of all ``nn.Linear`` outputs that are exactly 0 after
    one backward pass of ``scale × loss`` in ``mode`` (fp16: the gradients are fp16)."""
    _check_mode(mode)
    with _linear_output_grads(model) as grads:
        with _autocast(mode, x.device.type):
            _, loss = model(x, y)
        (loss * scale).backward()
    model.zero_grad(set_to_none=True)
    zeros = sum(int((g == 0).sum()) for g in grads)
    return zeros / sum(g.numel() for g in grads)


def underflow_fraction(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, scale: float = 1.0
) -> tuple[float, float]:
    """On one fp32 backward pass: the share of the non-zero activation-gradient values whose
    magnitude times ``scale`` is below fp16's zero threshold (2^-25), and the share of the
    gradients' squared norm they carry. Those are the values fp16 would flush to zero."""
    with _linear_output_grads(model) as grads:
        _, loss = model(x, y)
        loss.backward()
    model.zero_grad(set_to_none=True)
    values = torch.cat([g.flatten().to(torch.float64) for g in grads])  # (n,)
    values = values[values != 0]
    lost = (values * scale).abs() < FP16_ZERO
    return float(lost.double().mean()), float((values[lost] ** 2).sum() / (values**2).sum())


def train_mixed_precision(
    mode: str, data: torch.Tensor, cfg: MixedPrecisionConfig | None = None
) -> tuple[MixedPrecisionRun, GPT]:
    """Train a fresh mini GPT on token ids ``data`` (N,) in ``mode``; return the run and the
    trained model. Same seed, weights and batches for every mode."""
    _check_mode(mode)
    cfg = cfg or MixedPrecisionConfig()
    torch.manual_seed(cfg.seed)
    model = GPT(cfg.model)
    generator = torch.Generator().manual_seed(cfg.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, betas=(0.9, 0.95))
    scaler = torch.amp.GradScaler("cpu", enabled=mode == "fp16 + GradScaler")
    losses: list[float] = []
    skipped = 0
    model.train()
    for _ in range(cfg.steps):
        x, y = get_batch(data, cfg.batch_size, cfg.seq_len, generator)  # (B, T), (B, T)
        with _autocast(mode, "cpu"):
            _, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        before = scaler.get_scale() if scaler.is_enabled() else 1.0
        scaler.step(optimizer)  # skipped when a gradient is inf or NaN
        scaler.update()
        skipped += int(scaler.is_enabled() and scaler.get_scale() < before)
        losses.append(loss.item() if math.isfinite(loss.item()) else math.nan)
    final_scale = scaler.get_scale() if scaler.is_enabled() else 1.0
    x, y = get_batch(data, cfg.batch_size, cfg.seq_len, generator)  # (B, T), (B, T)
    zeros = activation_gradient_zeros(model, x, y, mode, final_scale)
    model.eval()
    return MixedPrecisionRun(mode, losses, skipped, final_scale, zeros), model
