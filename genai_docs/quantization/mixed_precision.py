"""Mixed-precision training of a mini GPT: fp16 without and with loss scaling, bf16, fp32.

Reference: Micikevicius et al., "Mixed Precision Training" (ICLR 2018). The weights stay in
fp32 (the *master* copy, updated by the optimizer); ``torch.autocast`` runs the matrix
products in a 16-bit format, so the activations and their gradients are 16-bit. fp16's
smallest positive value is 2^-24 ≈ 6·10^-8: a gradient smaller than half of it becomes 0
(it *underflows*). Loss scaling multiplies the loss by S (``torch.amp.GradScaler``: S = 2^16
at first, halved whenever a gradient overflows to inf, when that step is skipped) so that
small gradients stay representable, and divides the weight gradients by S before the update.
bf16 has fp32's 8 exponent bits, so it needs no scaling.

Small gradients, on purpose: ``loss_multiplier`` multiplies the loss before the backward
pass, so every gradient is that many times smaller. The gradient of a *mean* loss over N
tokens with respect to one token's logits is (p - onehot) / N: multiplying the loss by
512 / 4 194 304 = 2^-13 gives the activation gradients the size they would have with a batch
of 4M tokens (Llama 2's, Touvron et al., 2023) instead of our 8 × 64 = 512. AdamW's ``eps`` is
multiplied by the same factor, and a power of two multiplies exactly in binary floating
point: in fp32 (and in bf16, whose range is fp32's) the run is then the same run as without
the multiplier; only fp16's narrow range can tell them apart.

Besides the loss curves, this module *measures* the mechanism: after training, one more
step with hooks on every ``nn.Linear`` output counts the activation-gradient values that
are exactly zero (:func:`activation_gradient_zeros`), and :func:`underflow_fraction` reads,
on an fp32 step, which share of the gradient values (and of their squared norm) lies below
fp16's rounding-to-zero threshold, with and without a scale; :func:`underflow_by_layer`
gives the same share layer by layer, with the median gradient's distance to the threshold.

On a CPU, autocast fp16 works but is slow (no native fp16 matrix units): the default
configuration below is tiny so that each run takes seconds.
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
    "LayerUnderflow",
    "MixedPrecisionConfig",
    "MixedPrecisionRun",
    "activation_gradient_zeros",
    "train_mixed_precision",
    "underflow_by_layer",
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
    loss_multiplier: float = 1.0  # loss and AdamW eps times this (a power of two: exact in fp32)

    def __post_init__(self) -> None:
        if min(self.steps, self.batch_size, self.seq_len) < 1 or self.lr <= 0:
            raise ValueError("steps, batch_size, seq_len and lr must be positive")
        if not (math.isfinite(self.loss_multiplier) and self.loss_multiplier > 0):
            raise ValueError(f"loss_multiplier must be positive, not {self.loss_multiplier}")
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
def _linear_output_grads(model: nn.Module, by_name: dict[str, torch.Tensor] | None = None):
    """Collect the gradient of every ``nn.Linear`` output during the next backward pass (and,
    in ``by_name``, each under its module's name)."""
    grads: list[torch.Tensor] = []

    def hook_for(name: str):
        def hook(_module, _inputs, output):
            if output.requires_grad:
                output.register_hook(lambda g: _keep(name, g.detach()))

        return hook

    def _keep(name: str, g: torch.Tensor) -> None:
        grads.append(g)
        if by_name is not None:
            by_name[name] = g

    handles = [
        m.register_forward_hook(hook_for(n))
        for n, m in model.named_modules()
        if isinstance(m, nn.Linear)
    ]
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


@dataclass(frozen=True)
class LayerUnderflow:
    """How close one layer's output gradients come to fp16's zero, on an fp32 step."""

    name: str  # the nn.Linear, e.g. "h.0.attn.c_attn"
    n_values: int  # non-zero values of its output's gradient (exact zeros left out)
    shares: tuple[float, ...]  # per scale: share of its non-zero values fp16 would flush
    norm_shares: tuple[float, ...]  # per scale: share of its squared norm those values carry
    median_margin: float  # log2(median |g| / 2^-25) at scale 1: how many halvings to zero


def underflow_by_layer(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, scales: tuple[float, ...] = (1.0,)
) -> list[LayerUnderflow]:
    """:func:`underflow_fraction` layer by layer: for each ``nn.Linear`` (in forward order),
    the share of the non-zero values of its output's gradient whose magnitude times each of
    ``scales`` lies under 2^-25, read on one fp32 backward pass."""
    by_name: dict[str, torch.Tensor] = {}
    with _linear_output_grads(model, by_name):
        _, loss = model(x, y)
        loss.backward()
    model.zero_grad(set_to_none=True)
    rows = []
    for name, module in model.named_modules():  # module order: h.0.attn.c_attn ... lm_head
        if name not in by_name or not isinstance(module, nn.Linear):
            continue
        values = by_name[name].flatten().to(torch.float64).abs()  # (n,)
        values = values[values != 0]
        lost = [values * s < FP16_ZERO for s in scales]
        shares = tuple(float(m.double().mean()) for m in lost)
        norms = tuple(float((values[m] ** 2).sum() / (values**2).sum()) for m in lost)
        margin = math.log2(float(values.median()) / FP16_ZERO)
        rows.append(LayerUnderflow(name, values.numel(), shares, norms, margin))
    return rows


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
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=cfg.lr, betas=(0.9, 0.95), eps=1e-8 * cfg.loss_multiplier
    )
    scaler = torch.amp.GradScaler("cpu", enabled=mode == "fp16 + GradScaler")
    losses: list[float] = []
    skipped = 0
    model.train()
    for _ in range(cfg.steps):
        x, y = get_batch(data, cfg.batch_size, cfg.seq_len, generator)  # (B, T), (B, T)
        with _autocast(mode, "cpu"):
            _, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss * cfg.loss_multiplier).backward()
        before = scaler.get_scale() if scaler.is_enabled() else 1.0
        scaler.step(optimizer)  # skipped when a gradient is inf or NaN
        scaler.update()
        skipped += int(scaler.is_enabled() and scaler.get_scale() < before)
        losses.append(loss.item() if math.isfinite(loss.item()) else math.nan)
    final_scale = scaler.get_scale() if scaler.is_enabled() else 1.0
    x, y = get_batch(data, cfg.batch_size, cfg.seq_len, generator)  # (B, T), (B, T)
    zeros = activation_gradient_zeros(model, x, y, mode, final_scale * cfg.loss_multiplier)
    model.eval()
    return MixedPrecisionRun(mode, losses, skipped, final_scale, zeros), model
