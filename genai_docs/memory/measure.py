"""Measured peaks of a training step, of ``model.generate`` and of one forward pass, to
check the formulas against.

On CPU: PyTorch's own tracker, ``torch.distributed._tools.mem_tracker.MemTracker``, which
follows every tensor storage created inside its context. On CUDA: the caching allocator's
``torch.cuda.max_memory_allocated``. Training: both measure the second (steady-state) step,
after a first step has created the optimizer states; gradients are set to ``None`` between
steps. Generation: one ``generate`` call, greedy or sampling, that never stops early.

What a CPU measures, option by option (:data:`UNMEASURED` lists the rest):

- precision ``fp32``, ``bf16`` and ``mixed`` (``torch.autocast`` on the CPU, in bf16);
- LoRA (``lora_rank``): adapters of that rank on every attention projection (or every
  matrix of the blocks), as the calculator places them (:func:`add_lora_adapters`), the
  rest frozen; adapters in fp32
  and, in pure bf16, their input cast to fp32, as ``peft`` does;
- int8 weights (``dtype="int8"``): every matrix of the blocks stored as int8 with one
  scale per output row, multiplied by PyTorch's fused int8 weight-only kernel
  (``torch._weight_int8pack_mm``), the rest in fp16 (:func:`quantize_int8_weights`); the
  calculator's int8 layout (bitsandbytes' and GPTQ's), in CPU kernels;
- one forward pass (:func:`measure_forward_peak`), the setting of
  :func:`~genai_docs.memory.inference.estimate_forward`;
- ZeRO-1, 2 and 3, per rank, on two CPU processes:
  :func:`genai_docs.transformer.distributed.measure_sharded_peak`.
"""

from __future__ import annotations

import contextlib
from typing import Any

from genai_docs.memory.generation import InferenceConfig
from genai_docs.memory.training import TrainingConfig

# Options the calculator offers that no CPU can run, so that nothing here measures them:
# the CLI and the pages say « non mesuré » for each (genai_docs.memory.remarks).
UNMEASURED = {
    "adam8bit": "bitsandbytes' 8-bit Adam runs on CUDA only",
    "qlora": "QLoRA's 4-bit NF4 base needs bitsandbytes' CUDA kernels",
    # PyTorch's CPU int4 kernel (_weight_int4pack_mm) keeps a scale and a zero point per
    # group, not the calculator's (GPTQ's) one fp16 scale per group of 64
    "int4": "no CPU kernel stores 4-bit weights with one fp16 scale per group of 64",
}
LORA_LAYERS = {  # the layers :func:`add_lora_adapters` wraps, by ``lora_targets``
    "attention": ("attn.c_attn", "attn.c_proj", "q_proj", "k_proj", "v_proj", "o_proj"),
}
LORA_LAYERS["all"] = LORA_LAYERS["attention"] + (
    "mlp.c_fc",
    "mlp.c_proj",
    "gate_proj",
    "up_proj",
    "down_proj",
)


def build_model(config, cfg: TrainingConfig, device: str = "cpu", keep_dropout: bool = False):
    """A randomly initialised causal LM for ``config``, ready for ``cfg`` (dtype, attention,
    LoRA adapters).

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
    if cfg.qlora:
        raise ValueError(f"cannot measure QLoRA here: {UNMEASURED['qlora']}")
    if cfg.lora_rank:
        add_lora_adapters(model, cfg.lora_rank, cfg.lora_targets)
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
    reason = UNMEASURED.get(cfg.optimizer, "unknown optimizer")
    raise ValueError(f"cannot measure optimizer {cfg.optimizer!r} here: {reason}")


def add_lora_adapters(model, rank: int, targets: str = "attention") -> list[str]:
    """Freeze ``model`` and put LoRA adapters of rank ``rank`` (Hu et al., 2021) on every
    attention projection, as :func:`~genai_docs.memory.sharding.lora_params` counts them:
    GPT-2's fused ``c_attn`` and its ``c_proj`` (``Conv1D``), or ``q, k, v, o``
    (``nn.Linear``); with ``targets="all"``, on the MLP's matrices too. Each adapter adds ``x · Aᵀ · Bᵀ`` to the frozen layer's output, with
    ``A (rank × d_in)`` and ``B (d_out × rank)`` in fp32; its input is cast to fp32 first
    and the sum back to the layer's dtype (``peft``'s way). Returns the wrapped names."""
    import math

    import torch
    from torch import nn

    class Adapted(nn.Module):
        def __init__(self, base: nn.Module) -> None:
            super().__init__()
            self.base = base
            conv = type(base).__name__ == "Conv1D"  # weight stored (in, out)
            d_in, d_out = base.weight.shape if conv else base.weight.shape[::-1]
            self.lora_A = nn.Parameter(torch.randn(rank, d_in) / math.sqrt(d_in))  # (r, d_in)
            self.lora_B = nn.Parameter(torch.zeros(d_out, rank))  # (d_out, r)

        def forward(self, x):
            out = self.base(x)
            update = (x.to(self.lora_A.dtype) @ self.lora_A.T) @ self.lora_B.T
            return out + update.to(out.dtype)

    model.requires_grad_(False)
    layers = LORA_LAYERS[targets]
    wrapped = [name for name, _ in model.named_modules() if name.endswith(layers)]
    for name in wrapped:
        parent, _, attribute = name.rpartition(".")
        module = model.get_submodule(parent)
        setattr(module, attribute, Adapted(getattr(module, attribute)).to(model.device))
    return wrapped


class _NoHook:
    def remove(self) -> None:
        pass


def _tracker_class():
    """``MemTracker``, made to accept frozen parameters (see :func:`memory_tracker`)."""
    from torch.distributed._tools.mem_tracker import MemTracker

    class FrozenAwareTracker(MemTracker):
        def _track_module_params_and_buffers(self, module, install_grad_hooks=True):
            for p in module.parameters():
                if not p.requires_grad and self._param_to_grad_hook_handles.get(p) is None:
                    self._param_to_grad_hook_handles[p] = (_NoHook(), _NoHook())
            return super()._track_module_params_and_buffers(module, install_grad_hooks)

    return FrozenAwareTracker


def memory_tracker():
    """A ``MemTracker`` that accepts frozen parameters (LoRA's base, a frozen bias).

    ``MemTracker`` (as of torch 2.13) registers a gradient hook on every parameter of every
    module it sees, which a parameter that does not require a gradient refuses. We mark
    those parameters as already hooked (this overrides a private method); a frozen
    parameter gets no gradient, so no hook is lost.
    """
    return _tracker_class()()


def _peak(tracker) -> dict[str, Any]:
    """``{"peak": bytes, "parts": {...}}`` of a tracker's global peak, parts as it names them."""
    snapshot = next(iter(tracker.get_tracker_snapshot("peak").values()))
    parts = {str(k).split(".")[-1].lower(): int(v) for k, v in snapshot.items()}
    return {"peak": parts.pop("total"), "parts": parts}


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
    tracker = memory_tracker()
    tracker.track_external(model, optimizer, input_ids)
    with tracker:
        _train_step(model, optimizer, input_ids, cfg)
    return _peak(tracker)


def _generate_tracker(model):
    """A ``MemTracker`` that accepts one forward call of ``model`` per generated token.

    ``MemTracker`` keeps per-module statistics for one iteration and refuses a second call
    of the root module; ``generate`` calls it once per token. Clearing the per-module
    statistics at each call keeps the tracker's global peak, which is what we read. (This
    overrides ``MemTracker``'s private forward hook, as of torch 2.13.)
    """

    class GenerateTracker(_tracker_class()):
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
    if cfg.dtype in UNMEASURED:
        raise ValueError(f"cannot measure {cfg.dtype!r} weights here: {UNMEASURED[cfg.dtype]}")
    config = config.__class__(**config.to_dict())
    config._attn_implementation = cfg.attention
    dtype = dtypes.get(cfg.dtype, torch.float16)  # int8: the rest of the model in fp16
    model = AutoModelForCausalLM.from_config(config).to(device, dtype).eval()
    if cfg.dtype == "int8":
        quantize_int8_weights(model)
    model.generation_config.eos_token_id = None
    model.generation_config.pad_token_id = 0
    return model


def quantize_int8_weights(model) -> int:
    """Store every matrix of the blocks as int8, one scale per output row (absmax / 127,
    in the model's dtype), in place; return how many were converted. The embeddings, the
    norms and the LM head keep the model's dtype, as
    :func:`~genai_docs.memory.inference.stored_weight_bytes` counts them. The product runs
    in PyTorch's int8 weight-only kernel (``torch._weight_int8pack_mm``), which reads the
    int8 matrix directly: no dequantized copy of the weights is made."""
    import torch
    from torch import nn

    class Int8Linear(nn.Module):
        def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
            super().__init__()
            scale = weight.detach().abs().amax(dim=1).float().clamp(min=1e-8) / 127  # (out,)
            q = (weight.detach().float() / scale[:, None]).round().clamp(-127, 127)
            self.register_buffer("weight", q.to(torch.int8).contiguous())  # (out, in)
            self.register_buffer("scale", scale.to(weight.dtype))  # (out,)
            self.bias = None if bias is None else nn.Parameter(bias.detach(), False)

        def forward(self, x):
            flat = x.reshape(-1, x.shape[-1]).contiguous()  # (N, in)
            out = torch._weight_int8pack_mm(flat, self.weight, self.scale)  # (N, out)
            out = out.reshape(*x.shape[:-1], -1)
            return out if self.bias is None else out + self.bias

    blocks = model.model.layers if hasattr(model, "model") else model.transformer.h
    converted = 0
    for block in blocks:
        for name, module in list(block.named_modules()):
            conv = type(module).__name__ == "Conv1D"  # GPT-2: weight stored (in, out)
            if not (conv or isinstance(module, nn.Linear)):
                continue
            weight = module.weight.T if conv else module.weight
            parent, _, attribute = name.rpartition(".")
            owner = block.get_submodule(parent) if parent else block
            setattr(owner, attribute, Int8Linear(weight, module.bias))
            converted += 1
    return converted


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
    return _peak(tracker)


def measure_forward_peak(
    config, cfg: InferenceConfig, device: str = "cpu", seed: int = 0
) -> dict[str, Any]:
    """Measured peak bytes of one forward pass without gradients over ``cfg``'s prompt
    (``cfg.batch_size × cfg.seq_len`` tokens) that fills a KV cache and returns the logits
    of every position: ``{"peak": int, "parts": {...}}``. The setting of
    :func:`~genai_docs.memory.inference.estimate_forward`; ``cfg.new_tokens`` is ignored."""
    import torch

    torch.manual_seed(seed)
    model = build_generator(config, cfg, device)
    input_ids = torch.randint(0, config.vocab_size, (cfg.batch_size, cfg.seq_len), device=device)

    def forward() -> None:
        with torch.no_grad():
            model(input_ids=input_ids, use_cache=True)  # logits and cache, then freed

    if device == "cuda":
        forward()
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        forward()
        torch.cuda.synchronize()
        return {"peak": int(torch.cuda.max_memory_allocated()), "parts": {}}
    tracker = memory_tracker()
    tracker.track_external(model, input_ids)
    with tracker:
        forward()
    return _peak(tracker)
