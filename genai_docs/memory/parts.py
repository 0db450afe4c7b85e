"""One public helper per column of an estimate, so that a part and the peak never disagree.

Given a setting (a :class:`TrainingConfig` or an :class:`InferenceConfig`), each helper
returns that column of the setting's estimate: the bytes of that part *at the predicted
peak*, read off the same moments (:func:`training_phases`, :func:`generation_moments`) with
the same attention kernel (:func:`effective_attention`). A part that is not alive at the
peak is 0: the activations, when a training step peaks in the optimizer step.

Three helpers also keep their plain formula, for explicit numbers instead of a setting:
``weight_bytes(shape, "int4")`` (weights stored in a format:
:func:`~genai_docs.memory.inference.stored_weight_bytes`), ``kv_cache_bytes(shape,
tokens, batch_size, dtype)`` (Pope et al., 2022) and ``optimizer_bytes(params, optimizer,
precision)`` (Rajbhandari et al., 2020).
"""

from __future__ import annotations

from genai_docs.memory import inference, training
from genai_docs.memory.generation import InferenceConfig, generation_moments
from genai_docs.memory.params import ModelShape
from genai_docs.memory.report import peak_moment
from genai_docs.memory.training import TrainingConfig, training_phases

Setting = TrainingConfig | InferenceConfig


def peak_parts(shape: ModelShape, cfg: Setting) -> dict[str, int]:
    """The parts alive at the predicted peak of ``cfg`` (missing parts are 0)."""
    if isinstance(cfg, TrainingConfig):
        moments = training_phases(shape, cfg)
    elif isinstance(cfg, InferenceConfig):
        moments = generation_moments(shape, cfg)
    else:
        raise TypeError(f"expected a TrainingConfig or an InferenceConfig, not {cfg!r}")
    return moments[peak_moment(moments)]


def weight_bytes(shape: ModelShape, cfg: Setting | str) -> int:
    """Weights stored at the peak of ``cfg`` (sharded by ZeRO-3), or, for a dtype name
    ("fp32" ... "int4"), the weights stored in that format."""
    if isinstance(cfg, str):
        return inference.stored_weight_bytes(shape, cfg)
    return peak_parts(shape, cfg).get("weights", 0)


def kv_cache_bytes(
    shape: ModelShape, cfg: InferenceConfig | int, batch_size: int = 1, dtype: str = "fp16"
) -> int:
    """The KV cache at the peak of ``cfg``, or of ``cfg`` positions for ``batch_size``
    sequences in ``dtype`` when ``cfg`` is a number of tokens."""
    if isinstance(cfg, int):
        return inference.kv_cache_bytes(shape, cfg, batch_size, dtype)
    return peak_parts(shape, cfg).get("kv_cache", 0)


def optimizer_bytes(
    model: ModelShape | int, cfg: TrainingConfig | str, precision: str = "fp32"
) -> int:
    """The optimizer states at the peak of ``cfg`` for the shape ``model`` (sharded by ZeRO,
    LoRA's only), or, as ``optimizer_bytes(params, optimizer, precision)`` with a number of
    parameters, the states of that many parameters."""
    if isinstance(model, int):
        return training.optimizer_bytes(model, str(cfg), precision)
    return peak_parts(model, cfg).get("optimizer", 0)


def weight_copy_bytes(shape: ModelShape, cfg: TrainingConfig) -> int:
    """Copies of the weights alive at the peak of the training step ``cfg``: autocast's bf16
    copies kept for the backward pass, and under ZeRO-3 the gathered, unsharded parameters
    (:mod:`genai_docs.memory.mixed`)."""
    return peak_parts(shape, cfg).get("weight_copies", 0)


def gradient_bytes(shape: ModelShape, cfg: TrainingConfig) -> int:
    """The gradients alive at the peak of the training step ``cfg``."""
    return peak_parts(shape, cfg).get("gradients", 0)


def activation_bytes(shape: ModelShape, cfg: Setting) -> int:
    """The activations alive at the peak of ``cfg``: saved for the backward pass (training),
    or the working set of the forward pass (inference)."""
    return peak_parts(shape, cfg).get("activations", 0)


def logit_bytes(shape: ModelShape, cfg: Setting) -> int:
    """The logits at the peak of ``cfg``: the loss's fp32 tensors (training), or the last
    position's logits, their fp32 copy and the sampling tensors (inference)."""
    return peak_parts(shape, cfg).get("logits", 0)


def temporary_bytes(shape: ModelShape, cfg: Setting) -> int:
    """The temporaries at the peak of ``cfg``: the optimizer step's, a tied gradient's
    second copy (training), the token ids and masks (inference)."""
    return peak_parts(shape, cfg).get("temporaries", 0)
