"""Measured peaks of a training step and of ``model.generate``, to check the formulas against.

On CPU: PyTorch's own tracker, ``torch.distributed._tools.mem_tracker.MemTracker``, which
follows every tensor storage created inside its context. On CUDA: the caching allocator's
``torch.cuda.max_memory_allocated``. Training: both measure the second (steady-state) step,
after a first step has created the optimizer states; gradients are set to ``None`` between
steps. Generation: one ``generate`` call, greedy or sampling, that never stops early.
"""

from __future__ import annotations

import contextlib
from typing import Any

from genai_docs.memory.generation import InferenceConfig
from genai_docs.memory.training import TrainingConfig


def build_model(config, cfg: TrainingConfig, device: str = "cpu", keep_dropout: bool = False):
    """A randomly initialised causal LM for ``config``, ready for ``cfg`` (dtype, attention).

    Dropout is switched off unless ``keep_dropout``: its masks are memory the formulas
    model only where they say so.
    """
    import torch
    from transformers import AutoModelForCausalLM

    config = config.__class__(**config.to_dict())
    config._attn_implementation = cfg.attention
    for name in ("resid_pdrop", "embd_pdrop", "attn_pdrop", "attention_dropout"):
        if hasattr(config, name) and not keep_dropout:
            setattr(config, name, 0.0)
    model = AutoModelForCausalLM.from_config(config).to(device)
    if cfg.precision == "bf16":
        model = model.to(torch.bfloat16)
    if cfg.recompute == "full":
        enable = getattr(model, "activation_checkpointing_enable", None)  # transformers >= 5.2x
        (enable or model.gradient_checkpointing_enable)()
    model.train()
    return model


def make_optimizer(model, cfg: TrainingConfig):
    """The optimizer of ``cfg``, with the ``foreach`` implementation (the GPU default)."""
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    if cfg.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=1e-4, foreach=True)
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(params, lr=1e-4, momentum=0.9, foreach=True)
    raise ValueError(f"cannot measure optimizer {cfg.optimizer!r} here")


def _train_step(model, optimizer, input_ids, cfg: TrainingConfig) -> None:
    import torch

    device_type = input_ids.device.type
    autocast = (
        torch.autocast(device_type, dtype=torch.bfloat16)
        if cfg.precision == "mixed"
        else contextlib.nullcontext()
    )
    with autocast:
        loss = model(input_ids=input_ids, labels=input_ids).loss  # the logits are dropped
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def measure_training_peak(
    config, cfg: TrainingConfig, device: str = "cpu", seed: int = 0, keep_dropout: bool = False
) -> dict[str, Any]:
    """Measured peak bytes of one steady-state training step: ``{"peak": int, "parts": {...}}``."""
    import torch

    torch.manual_seed(seed)
    model = build_model(config, cfg, device, keep_dropout)
    optimizer = make_optimizer(model, cfg)
    input_ids = torch.randint(0, config.vocab_size, (cfg.batch_size, cfg.seq_len), device=device)
    _train_step(model, optimizer, input_ids, cfg)  # creates the optimizer states
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        _train_step(model, optimizer, input_ids, cfg)
        torch.cuda.synchronize()
        return {"peak": int(torch.cuda.max_memory_allocated()), "parts": {}}
    from torch.distributed._tools.mem_tracker import MemTracker

    tracker = MemTracker()
    tracker.track_external(model, optimizer, input_ids)
    with tracker:
        _train_step(model, optimizer, input_ids, cfg)
    snapshot = next(iter(tracker.get_tracker_snapshot("peak").values()))
    parts = {str(k).split(".")[-1].lower(): int(v) for k, v in snapshot.items()}
    return {"peak": parts.pop("total"), "parts": parts}


def _generate_tracker(model):
    """A ``MemTracker`` that accepts one forward call of ``model`` per generated token.

    ``MemTracker`` keeps per-module statistics for one iteration and refuses a second call
    of the root module; ``generate`` calls it once per token. Clearing the per-module
    statistics at each call keeps the tracker's global peak, which is what we read. (This
    overrides ``MemTracker``'s private forward hook, as of torch 2.13.)
    """
    from torch.distributed._tools.mem_tracker import MemTracker

    class GenerateTracker(MemTracker):
        def _pre_fw_hook(self, module, inputs) -> None:
            if module is model:
                self.reset_mod_stats()
            super()._pre_fw_hook(module, inputs)

    return GenerateTracker()


def build_generator(config, cfg: InferenceConfig, device: str = "cpu"):
    """A randomly initialised causal LM for ``cfg`` (dtype, attention) that never stops early:
    no end-of-sequence token, so ``generate`` makes exactly ``cfg.new_tokens`` tokens."""
    import torch
    from transformers import AutoModelForCausalLM

    dtypes = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}
    if cfg.dtype not in dtypes:
        raise ValueError(f"cannot measure {cfg.dtype!r} weights here (no quantization library)")
    config = config.__class__(**config.to_dict())
    config._attn_implementation = cfg.attention
    model = AutoModelForCausalLM.from_config(config).to(device, dtypes[cfg.dtype]).eval()
    model.generation_config.eos_token_id = None
    model.generation_config.pad_token_id = 0
    return model


def measure_generate_peak(
    config, cfg: InferenceConfig, device: str = "cpu", seed: int = 0
) -> dict[str, Any]:
    """Measured peak bytes of ``model.generate`` for ``cfg``: ``{"peak": int, "parts": {...}}``.

    The prompt and its attention mask (all ones, as a tokenizer returns) exist before the
    call; the peak counts them, the weights and everything ``generate`` allocates.
    """
    import torch

    torch.manual_seed(seed)
    model = build_generator(config, cfg, device)
    shape = (cfg.batch_size, cfg.seq_len)
    input_ids = torch.randint(0, config.vocab_size, shape, device=device)
    mask = torch.ones_like(input_ids)
    options = {"max_new_tokens": cfg.new_tokens, "do_sample": cfg.sampling}

    def generate() -> None:
        with torch.no_grad():
            model.generate(input_ids, attention_mask=mask, **options)

    if device == "cuda":
        generate()  # creates the library handles and workspaces, as a server's first call does
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        generate()
        torch.cuda.synchronize()
        return {"peak": int(torch.cuda.max_memory_allocated()), "parts": {}}
    tracker = _generate_tracker(model)
    tracker.track_external(model, input_ids, mask)
    with tracker:
        generate()
    snapshot = next(iter(tracker.get_tracker_snapshot("peak").values()))
    parts = {str(k).split(".")[-1].lower(): int(v) for k, v in snapshot.items()}
    return {"peak": parts.pop("total"), "parts": parts}
