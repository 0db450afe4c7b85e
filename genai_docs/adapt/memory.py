"""Memory of one fine-tuning step of the course GPT: predicted by the calculator, and measured.

The prediction is ``genai_docs.memory.estimate_training`` on the course GPT's shape. Our
``GPT`` is GPT-2-shaped (``genai_docs.transformer.hf.hf_config`` gives the matching
``GPT2Config``) with one difference that matters for memory: its MLP calls PyTorch's fused
tanh GELU, one operation that saves one tensor for the backward pass, which ``transformers``
names ``"gelu_pytorch_tanh"``; ``hf_config`` says ``"gelu_new"``, the same function written
as four operations that save four more.

The measurement follows ``genai_docs.memory.measure``: PyTorch's ``MemTracker`` follows every
tensor storage of the second (steady-state) step, after a first step has created AdamW's
states (``foreach`` implementation, gradients set to ``None`` between steps).
"""

from __future__ import annotations

import torch
from torch import nn

from genai_docs.memory import (
    MemoryEstimate,
    ModelShape,
    TrainingConfig,
    estimate_training,
    model_shape,
)
from genai_docs.memory.measure import memory_tracker as _tracker  # accepts frozen parameters
from genai_docs.transformer.config import COURSE_CONFIG, GPTConfig
from genai_docs.transformer.hf import hf_config

__all__ = ["course_shape", "measured_peak", "predicted_peak"]


def course_shape(config: GPTConfig = COURSE_CONFIG) -> ModelShape:
    """The course GPT as the calculator sees it: GPT-2's shape, with the fused tanh GELU."""
    hf = hf_config(config)
    hf.activation_function = "gelu_pytorch_tanh"  # our nn.GELU(approximate="tanh")
    return model_shape(hf, name="mini-GPT du cours")


def predicted_peak(batch_size: int, seq_len: int, lora_rank: int = 0) -> MemoryEstimate:
    """The calculator's peak for one fp32 AdamW step on CPU (LoRA of rank ``lora_rank`` on
    every matrix of the blocks, attention and MLP, as :mod:`genai_docs.adapt.lora` adapts)."""
    cfg = TrainingConfig(
        batch_size=batch_size,
        seq_len=seq_len,
        device="cpu",
        lora_rank=lora_rank,
        lora_targets="all",
    )
    return estimate_training(course_shape(), cfg)


def _step(net: nn.Module, optimizer: torch.optim.Optimizer, ids: torch.Tensor) -> None:
    _, loss = net(ids, ids)  # the logits are dropped, as in genai_docs.memory.measure
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def measured_peak(
    net: nn.Module, batch_size: int, seq_len: int, seed: int = 0
) -> dict[str, int | dict[str, int]]:
    """Peak bytes of one steady-state AdamW step of ``net`` (its trainable parameters only):
    ``{"peak": int, "parts": {"param": ..., "grad": ..., "act": ..., "opt": ..., ...}}``, the
    parts as ``MemTracker`` names them, at the moment of the peak."""
    generator = torch.Generator().manual_seed(seed)
    vocab_size = net.config.vocab_size
    ids = torch.randint(0, vocab_size, (batch_size, seq_len), generator=generator)  # (B, T)
    params = [p for p in net.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4, foreach=True)
    net.train()
    _step(net, optimizer, ids)  # creates the optimizer states
    tracker = _tracker()
    tracker.track_external(net, optimizer, ids)
    with tracker:
        _step(net, optimizer, ids)
    net.eval()
    snapshot = next(iter(tracker.get_tracker_snapshot("peak").values()))
    parts = {str(k).split(".")[-1].lower(): int(v) for k, v in snapshot.items()}
    return {"peak": parts.pop("total"), "parts": parts}
