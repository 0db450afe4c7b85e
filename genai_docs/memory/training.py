"""Training memory: weights, gradients, optimizer states, activations, at the peak.

Model states per parameter (Rajbhandari et al., "ZeRO", 2020, §3): AdamW keeps two moments
(8 bytes in fp32), SGD with momentum one (4 bytes), 8-bit Adam two 1-byte moments
(Dettmers et al., "8-bit Optimizers via Block-wise Quantization", 2022). Gradients have the
dtype of the weights. "mixed" precision runs one of three ways (:mod:`.mixed`): autocast
in bf16 over fp32 master weights (``torch.autocast``, 4 + 4 + 8 = 16 bytes per parameter
with AdamW, plus a bf16 copy of every matrix kept for the backward pass), FSDP2's
mixed-precision policy under ZeRO-3 (the default there), or DeepSpeed's bf16 weights with
fp32 master copies.

Activations are in :mod:`genai_docs.memory.activations`. The peak is the largest of four
moments of a steady-state step (gradients set to ``None`` by ``zero_grad``):

1. start of the backward pass: weights, optimizer states, all activations, the loss tensors;
2. the LM head's backward: the same minus the loss tensors, plus the head's gradients;
3. end of the backward pass: all gradients (a tied embedding's twice more, being summed);
4. optimizer step: weights, states, gradients, the step's temporaries (``foreach`` AdamW
   allocates one tensor per parameter, for a square root).

With full recomputation (activation checkpointing), a fifth moment: a block's forward is
replayed in the backward pass, on top of the saved inputs of the blocks below it and of the
gradients of those above it (:func:`recompute_phase`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from genai_docs.memory.activations import (
    attention_activation_bytes,
    blocks_activation_bytes,
    effective_attention,
    element_sizes,
    head_activation_bytes,
    layer_activation_bytes,
    loss_bytes,
    norm_bytes,
)
from genai_docs.memory.experts import expert_element
from genai_docs.memory.inference import stored_weight_bytes
from genai_docs.memory.mixed import (
    activation_precision,
    autocast_copy_bytes,
    check_policy,
    gathered_bytes,
    last_block_bytes,
    policy,
    root_params,
    root_reduce_bytes,
    state_bytes,
)
from genai_docs.memory.report import MemoryEstimate, peak_moment
from genai_docs.memory.shape import ModelShape
from genai_docs.memory.sharding import LORA_TARGETS, lora_params, shard_numel

PRECISIONS = ("fp32", "bf16", "mixed")
OPTIMIZERS = ("adamw", "sgd", "adam8bit")
RECOMPUTE = ("none", "full")
ATTENTIONS = ("sdpa", "eager", "math")  # "math": SDPA's fallback (see effective_attention)
TRAINING_PARTS = (
    "weights",
    "gradients",
    "optimizer",
    "activations",
    "logits",
    "temporaries",
    "weight_copies",
)


@dataclass(frozen=True)
class TrainingConfig:
    """One training setting."""

    batch_size: int = 1  # sequences per step (per GPU)
    seq_len: int = 512  # tokens per sequence
    precision: str = "fp32"  # "fp32", "bf16" (pure) or "mixed" (bf16 autocast, fp32 weights)
    optimizer: str = "adamw"  # "adamw", "sgd" (with momentum) or "adam8bit"
    recompute: str = "none"  # "none" or "full" (activation checkpointing of every block)
    attention: str = "sdpa"  # "sdpa" (fused, no score matrix) or "eager" (stores the scores)
    zero_stage: int = 0  # ZeRO stage 0-3 (3 = FSDP): which model states are sharded
    n_gpus: int = 1  # data-parallel GPUs sharing the model states
    lora_rank: int = 0  # 0 = full fine-tuning; r > 0 trains LoRA adapters of rank r only
    qlora: bool = False  # with lora_rank > 0: the frozen base is stored in 4 bits (QLoRA)
    lora_targets: str = "attention"  # LoRA on "attention" (q, k, v, o) or "all" (+ the MLP)
    device: str = "cuda"  # "cuda" or "cpu": autocast's op lists differ (see activations)
    mixed: str = "auto"  # how "mixed" runs: "autocast", "fsdp2", "deepspeed" (see .mixed)

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("precision", self.precision, PRECISIONS),
            ("optimizer", self.optimizer, OPTIMIZERS),
            ("recompute", self.recompute, RECOMPUTE),
            ("attention", self.attention, ATTENTIONS),
        ):
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
        if self.batch_size < 1 or self.seq_len < 1:
            raise ValueError("batch_size and seq_len must be positive")
        if self.device not in ("cuda", "cpu"):
            raise ValueError(f"device must be 'cuda' or 'cpu', not {self.device!r}")
        if self.zero_stage not in (0, 1, 2, 3) or self.n_gpus < 1:
            raise ValueError("zero_stage must be 0-3 and n_gpus positive")
        if self.lora_rank < 0 or (self.qlora and self.lora_rank == 0):
            raise ValueError("lora_rank must be >= 0, and positive with qlora")
        if self.lora_targets not in LORA_TARGETS:
            raise ValueError(
                f"lora_targets must be one of {', '.join(LORA_TARGETS)}, not {self.lora_targets!r}"
            )
        check_policy(self)

    @property
    def tokens(self) -> int:
        """Tokens per step: ``batch_size * seq_len``."""
        return self.batch_size * self.seq_len

    @property
    def compute_dtype(self) -> str:
        """The dtype the matmuls run in: "fp32", or "bf16" (pure or under autocast)."""
        return "fp32" if self.precision == "fp32" else "bf16"

    @property
    def policy(self) -> str:
        """The mixed-precision implementation ("" without mixed precision): see .mixed."""
        return policy(self)

    @property
    def training(self) -> bool:
        """Always true: dropout is active (see :func:`effective_attention`)."""
        return True


def weight_bytes_per_param(precision: str) -> int:
    """Bytes of one stored weight (and of its gradient): 2 in pure bf16, else 4."""
    return 2 if precision == "bf16" else 4


def optimizer_bytes(params: int, optimizer: str, precision: str) -> int:
    """Bytes of the optimizer states for ``params`` trainable parameters."""
    state = weight_bytes_per_param(precision)  # PyTorch keeps states in the weights' dtype
    if optimizer == "adamw":
        return 2 * state * params
    if optimizer == "sgd":
        return state * params
    if optimizer == "adam8bit":
        blocks = -(-params // 2048)  # one fp32 absmax per block of 2048, per moment
        return 2 * params + 2 * 4 * blocks
    raise ValueError(f"unknown optimizer {optimizer!r}")


def step_temporary_bytes(shape: ModelShape, trainable: int, cfg: TrainingConfig) -> int:
    """Temporaries of the optimizer step (``foreach`` implementation, PyTorch's GPU default):
    AdamW's square root of the second moment, in the states' dtype. With DeepSpeed-style
    master copies, the bf16 gradients copied to fp32 (4 bytes each), and a fused AdamW
    (DeepSpeed's ``FusedAdam``) without temporaries."""
    if cfg.policy == "deepspeed" and not cfg.lora_rank:
        return 4 * trainable
    if cfg.optimizer == "adamw":
        return weight_bytes_per_param(cfg.precision) * trainable
    return 0


def saved_activation_bytes(shape: ModelShape, cfg: TrainingConfig) -> int:
    """Activations alive at the start of the backward pass (loss tensors excluded).

    ``cfg.attention`` is taken as given: :func:`training_phases` first replaces it by the
    kernel that really runs (:func:`effective_attention`). With full recomputation each
    block keeps only its input (``N · d · r`` bytes).
    """
    head = head_activation_bytes(shape, cfg.precision, cfg.device)
    if cfg.recompute == "full":
        _, r = element_sizes(cfg.precision)
        return cfg.tokens * (shape.n_layer * shape.d_model * r + head)
    blocks = blocks_activation_bytes(shape, cfg.precision, cfg.seq_len, cfg.attention, cfg.device)
    return cfg.tokens * (blocks + head - lora_unsaved_bytes(shape, cfg))


def lora_unsaved_bytes(shape: ModelShape, cfg: TrainingConfig) -> int:
    """Bytes per token that a LoRA step does *not* save, compared with full fine-tuning.

    Autograd saves a matmul's input only to compute its weight's gradient, so a frozen
    matrix keeps nothing of it, and a frozen norm weight nothing of what it multiplies
    (read tensor by tensor with ``saved_tensors_hooks``, then measured on models the rule
    was not read off, ``tests/test_memory_out_of_sample.py``). Compared with full
    fine-tuning, a LoRA step does not save:

    - the inputs of the block's frozen matrices without an adapter (``lora_targets=
      "attention"``: the MLP's, the norm's output ``d · e`` (under autocast the bf16 copy
      each of Llama's gate and up made, ``2 · d · 2``) and the down projection's ``f · e``);
    - Llama's RMSNorms' ``x · rsqrt``, which the frozen weight multiplies (``d · r`` per
      norm, two per block and the final one);
    - the first block's first norm: its input does not require a gradient (the embedding
      is frozen), so it saves nothing (GPT-2: the input, mean and rstd, ``d · r + 8``;
      Llama: the input and ``rsqrt``, ``4 · d + 4``);
    - the frozen LM head's input (``d · e``, or Llama's bf16 copy under autocast, ``2 · d``);

    and each adapter saves its input, then its rank-wide product ``x · Aᵀ`` (``rank · e``).
    Its input is the tensor the frozen matrix would have saved, except where the adapter
    casts it (``peft``'s way: to the adapters' fp32, and autocast back to bf16):

    - pure bf16: each adapter saves an fp32 copy (``4 · w`` for an input of width ``w``)
      and an fp32 product; the bf16 input is then saved by nothing else (``− w · e``),
      but for SDPA's output, which SDPA saves itself;
    - autocast: an input that is already bf16 (the attention's output, the down
      projection's) comes back as a new bf16 copy, which replaces it, except SDPA's output,
      still saved by SDPA (``+ 2 · d``). 0 without LoRA, and for other families.
    """
    if not cfg.lora_rank or shape.family not in ("gpt2", "llama") or shape.moe_layers:
        return 0
    e, r = element_sizes(cfg.precision)
    d, f, n = shape.d_model, shape.d_ff, shape.n_layer
    llama, mixed, bf16 = shape.family == "llama", cfg.precision == "mixed", cfg.precision == "bf16"
    sdpa = cfg.attention != "eager"  # SDPA saves its output for its own backward
    everything = cfg.lora_targets == "all"
    # the adapted inputs of a block: (width, adapters reading it, saved by something else);
    # only SDPA's output is saved by something else, and it is bf16 under autocast
    inputs = [(d, 3 if llama else 1, False), (d, 1, sdpa)]  # the norm's output, o's input
    if everything:  # the norm's output for the MLP (gate and up, or c_fc), the down input
        inputs += [(d, 2 if llama else 1, False), (f, 1, False)]
    unsaved = 0 if everything else (2 * d * 2 if llama and mixed else d * e) + f * e
    for width, adapters, kept in inputs:
        if bf16:
            unsaved -= adapters * 4 * width - (0 if kept else width * e)
        elif mixed and kept:
            unsaved -= 2 * width
    unsaved *= n
    adapters = sum(count for _, count, _ in inputs)
    unsaved -= n * adapters * cfg.lora_rank * (4 if bf16 else e)
    if llama:
        norms, first, head = (2 * n + 1) * d * r, 4 * d + 4, 2 * d if mixed else d * e
    else:
        norms, first, head = 0, d * r + 8, d * e
    return unsaved + norms + first + head


def recompute_phase(
    shape: ModelShape, cfg: TrainingConfig, weights: int, states: int, grads: int, head_grad: int
) -> dict[str, int]:
    """The peak inside the backward pass with full recomputation, read off what is alive.

    Measured with MemTracker (and a dispatch-mode tracer) on GPT-2 and Llama: the backward of
    block ``i`` (``n - 1`` down to ``0``) first replays its forward, so that block's whole set
    of saved activations ``A`` (:func:`layer_activation_bytes`, whose input is the block's
    saved checkpoint) is alive together with

    * the checkpointed inputs of the blocks below it: ``i · N · d · r``;
    * the gradient of its output, flowing down the residual stream: ``N · d · r``;
    * the gradients of the LM head (a tied head's too, kept until the lookup's is added) and
      of the ``n - 1 - i`` blocks above it, ``G`` bytes each; the logits' gradients are gone;
    * the block's first backward ops: the MLP's down projection frees its input (``f · e``
      per token) but leaves its weight gradient (``d · f`` weights) and the gradient of that
      input, then the product's backward (gated MLP, GELU's ``mul``) allocates two more
      ``f``-wide gradients while its saved inputs are alive: ``+2 · f · e`` per token.

    Later in the same backward, the attention's: the MLP's activations are freed, its weight
    gradients and the output projection's are alive; eager attention then holds three
    score-sized tensors (the saved softmax, its gradient and the scores' gradient, ``2·h·s·e``
    more per token), which dominates at long sequences.

    The total is linear in ``i``, so the peak is at ``i = 0`` (all upper blocks' gradients,
    when ``G > N · d · r``: small batches) or at ``i = n - 1`` (all checkpoints: large
    batches): ``(n - 1) · max(G, N · d · r)``.
    """
    e, r = element_sizes(cfg.precision)
    d, f, n, h = shape.d_model, shape.d_ff, shape.n_layer, shape.n_head
    moe = shape.moe_layers > 0  # replay a mixture-of-experts block, the larger one
    block = layer_activation_bytes(
        shape, cfg.precision, cfg.seq_len, cfg.attention, cfg.device, moe=moe
    )
    attn = attention_activation_bytes(shape, cfg.precision, cfg.seq_len, cfg.attention, cfg.device)
    block_weights = max(shape.linear_params // n, 1)
    # the blocks' share of the (possibly sharded) gradients, norms and biases neglected;
    # LoRA's adapters are all inside the blocks
    block_share = grads * shape.linear_params // (n * shape.params)
    block_grad = grads // n if cfg.lora_rank else block_share
    mlp_weights = (3 if shape.family == "llama" else 2) * d * f
    down, wide = d * f, 2 * f * e  # the down projection's weights, the product's gradients
    if moe:  # every expert's down projection; k routed copies, in the experts' dtype
        mlp_weights = shape.n_experts * shape.expert_params + 3 * d * shape.d_shared
        down = shape.n_experts * d * shape.d_expert
        wide = 2 * shape.top_k * shape.d_expert * expert_element(cfg.precision)
    checkpoint = cfg.tokens * d * r
    first = block_grad >= checkpoint  # the peak is in the first block's backward (i = 0)
    upper = head_grad + ((n - 1) * block_grad if first else 0)
    below = 0 if first else (n - 1) * checkpoint
    # (a) the MLP's backward: whole block, output gradient, down projection's weight gradient
    mlp = {
        "gradients": upper + block_grad * down // block_weights,
        "activations": cfg.tokens * (block + d * r + wide) + below,
    }
    # (b) the attention's backward: first norm, attention, output gradient, MLP's gradients
    scores = 2 * h * cfg.seq_len * e if cfg.attention == "eager" else 0
    attention = {
        "gradients": upper + block_grad * (mlp_weights + d * d) // block_weights,
        "activations": cfg.tokens * (norm_bytes(shape, cfg.precision) + attn + d * r + scores)
        + below,
    }
    moment = max((mlp, attention), key=lambda part: sum(part.values()))
    return {"weights": weights, "optimizer": states, **moment}


def model_state_bytes(shape: ModelShape, cfg: TrainingConfig) -> dict[str, int]:
    """Bytes of the model states this GPU holds: ``weights``, ``gradients``, ``optimizer``
    (sharded by ZeRO, or the frozen base plus fp32 adapters under LoRA), the gradient of the
    LM head (``head_gradient``, the first one the backward pass writes), the number of
    ``trainable`` parameters and of those this GPU's optimizer updates (``stepped``)."""
    w, g, master = state_bytes(cfg)
    local = shard_numel(shape.param_shapes, cfg.n_gpus)  # parameters on the first GPU

    def count(stage: int) -> int:
        """Parameters whose state this GPU holds: a shard once ZeRO reaches ``stage``."""
        return local if cfg.zero_stage >= stage else shape.params

    if cfg.lora_rank:
        trainable = lora_params(shape, cfg.lora_rank, cfg.lora_targets)
        base = stored_weight_bytes(shape, "int4") if cfg.qlora else w * shape.params
        return {
            "weights": base + 4 * trainable,  # adapters in fp32
            "gradients": 4 * trainable,
            "optimizer": optimizer_bytes(trainable, cfg.optimizer, "fp32"),
            "head_gradient": 0,
            "trainable": trainable,
            "stepped": min(trainable, count(1)),  # parameters this GPU's optimizer updates
        }
    states = "fp32" if master else cfg.precision  # DeepSpeed: fp32 states beside the master
    return {
        "weights": w * count(3),
        "gradients": g * count(2),
        "optimizer": optimizer_bytes(count(1), cfg.optimizer, states) + master * count(1),
        "head_gradient": g * shape.vocab_size * shape.d_model,
        "trainable": shape.params,
        "stepped": count(1),  # parameters this GPU's optimizer updates
    }


def training_phases(shape: ModelShape, cfg: TrainingConfig) -> dict[str, dict[str, int]]:
    """The bytes alive, part by part, at each moment of a steady-state step (see above).

    Every number of the package about a training step comes from here: the estimate is the
    largest moment, and the helpers of :mod:`genai_docs.memory.parts` read its columns.
    """
    cfg = replace(cfg, attention=effective_attention(shape, cfg))
    states = model_state_bytes(shape, cfg)
    weights, grads, optimizer = states["weights"], states["gradients"], states["optimizer"]
    head_grad = states["head_gradient"]
    # autocast's bf16 copies of the matrices, FSDP's gathered parameters (ZeRO-3)
    copies = autocast_copy_bytes(shape, cfg) + gathered_bytes(shape, cfg)
    computed = replace(cfg, precision=activation_precision(cfg), mixed="auto")
    acts = saved_activation_bytes(shape, computed)
    # a tied embedding's gradient is computed twice (LM head, then lookup): two more copies
    tied = 2 * head_grad if shape.head_params == 0 and cfg.zero_stage < 2 else 0
    phases = {
        "backward_start": {
            "weights": weights,
            "weight_copies": copies,
            "optimizer": optimizer,
            "activations": acts,
            "logits": cfg.tokens * loss_bytes(shape),
        },
        "head_backward": {
            "weights": weights,
            "weight_copies": copies,
            "gradients": head_grad,
            "optimizer": optimizer,
            "activations": acts,
            "logits": cfg.tokens * shape.vocab_size * 4,
        },
        "backward_end": {
            "weights": weights,
            "gradients": grads,
            "optimizer": optimizer,
            "temporaries": tied,
        },
        "step": {
            "weights": weights,
            "gradients": grads,
            "optimizer": optimizer,
            "temporaries": step_temporary_bytes(shape, states["stepped"], cfg),
        },
    }
    if cfg.zero_stage == 3:  # the first block's backward, then the root's reduce-scatter
        reduce = root_reduce_bytes(shape, cfg)
        blocks = grads * (shape.params - root_params(shape)) // shape.params
        last = last_block_bytes(shape, cfg)
        phases["last_block"] = {
            "weights": weights,
            "weight_copies": last["weight_copies"],
            "gradients": blocks * (shape.n_layer - 2) // shape.n_layer + last["gradients"],
            "optimizer": optimizer,
            "activations": acts // shape.n_layer,
        }
        phases["root_reduce"] = {
            "weights": weights,
            "gradients": blocks + reduce["gradients"],
            "optimizer": optimizer,
            "temporaries": reduce["temporaries"],
        }
    if cfg.recompute == "full":
        phases["recompute"] = {
            **recompute_phase(shape, computed, weights, optimizer, grads, head_grad),
            "weight_copies": copies,
        }
    return phases


def estimate_training(shape: ModelShape, cfg: TrainingConfig | None = None) -> MemoryEstimate:
    """The predicted peak memory of one training step of ``shape``, per GPU."""
    cfg = cfg or TrainingConfig()
    phases = training_phases(shape, cfg)
    phase = peak_moment(phases)
    breakdown = dict.fromkeys(TRAINING_PARTS, 0)
    breakdown.update(phases[phase])
    states = model_state_bytes(shape, cfg)
    setting = {
        "mode": "training",
        "peak_at": phase,
        "trainable": states["trainable"],
        "sharded_states": {k: states[k] for k in ("weights", "gradients", "optimizer")},
        "policy": cfg.policy,
        **asdict(replace(cfg, attention=effective_attention(shape, cfg))),
    }
    return MemoryEstimate(
        model=shape.name, params=shape.params, breakdown=breakdown, setting=setting
    )
