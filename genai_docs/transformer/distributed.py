"""Data-parallel training of the mini GPT on several processes: DDP, then FSDP2.

``torchrun`` starts ``nproc`` processes (ranks); each builds the same model from the same
seed, draws the same global *batch* from the same generator and keeps its own slice of it
(``batch_size / nproc`` sequences). Two ways to share the work:

- **DDP** (Li et al., "PyTorch Distributed: Experiences on Accelerating Data Parallel
  Training", VLDB 2020): every rank holds the whole model, its gradients and its AdamW
  states; after the backward pass an all-reduce averages the gradients, so every rank
  takes the same step. This is ZeRO stage 0.
- **FSDP2** (``fully_shard``; Zhao et al., "PyTorch FSDP: Experiences on Scaling Fully
  Sharded Data Parallel", VLDB 2023): every parameter is cut along its first dimension
  into ``nproc`` shards (``ceil(dim0 / nproc)`` rows each, the last one shorter), and a
  rank keeps only its shard of the weights, of the gradients and of the AdamW moments;
  a block's full weights are gathered just before it runs. This is ZeRO stage 3
  (Rajbhandari et al., "ZeRO: Memory Optimizations Toward Training Trillion Parameter
  Models", SC 2020).

Since the per-rank losses are means over equal numbers of *tokens* and both wrappers
average the gradients over ranks, the gradient is the one of the full batch: the
training loss must equal, step for step, that of :func:`train_model` on one process,
up to float rounding (the sums are taken in another order).

After the first update each rank reports the bytes it holds (``to_local()`` on FSDP2's
DTensors): parameters, gradients (DDP is built with ``gradient_as_bucket_view=True``, so
its communication buckets *are* the gradients and hold no second copy) and AdamW's two
moments (its ``step`` counters, one scalar per tensor, are left out, as the calculator
leaves them out). :func:`predicted_bytes` gives the calculator's figures for the same
setting. Backend: NCCL when there is one GPU per rank, else gloo on CPU.

**Memory, measured** (:func:`measure_sharded_peak`): each rank trains a ``transformers``
model of :func:`genai_docs.memory.tiny_configs` at one ZeRO stage and measures the peak
of its second step with PyTorch's ``MemTracker``; the calculator predicts the same
per-rank peak (``TrainingConfig(zero_stage=..., n_gpus=nproc, mixed=...)``).

- ZeRO-3: ``fully_shard`` on every block, then on the root, measured with
  ``FSDPMemTracker`` (a ``MemTracker`` that also follows FSDP2's all-gather buffers and
  storage resizes), in one of the mixed-precision settings of
  :mod:`genai_docs.memory.mixed`: "fsdp2" (``MixedPrecisionPolicy(param_dtype=
  torch.bfloat16, reduce_dtype=torch.float32)``), "autocast" (``torch.autocast`` around
  fp32 FSDP2: the pitfall), "deepspeed" (bf16 parameters, fp32 master copies in the
  optimizer: :class:`MasterWeightsAdamW`), or "fp32" and "bf16" without mixed precision.
- ZeRO-1: PyTorch's ``ZeroRedundancyOptimizer`` (each rank keeps the AdamW states of its
  share of the parameters, then broadcasts what it updated), the gradients all-reduced
  in place after the backward pass; settings "fp32", "bf16", "autocast".
- ZeRO-2, as the ZeRO paper defines it (§5.2: every rank keeps the whole weights, and
  only its shard of the gradients and optimizer states): :class:`Zero2AdamW`. PyTorch has
  no such mode: FSDP2 with ``reshard_after_forward=False`` (FSDP1's ``SHARD_GRAD_OP``)
  shards the gradients and states but also the weights between steps, so that a rank
  holds its fp32 shard of the weights *and* the gathered weights during the forward and
  backward passes, a layout the calculator does not model (measured: 8.6 % above its
  ZeRO-2 prediction in fp32 on the tiny Llama, 12 % under autocast).

Run one mode by hand (each rank writes ``rank<r>.json`` into ``--out``)::

    python -m torch.distributed.run --standalone --nproc-per-node 2 \\
        -m genai_docs.transformer.distributed --mode fsdp --out /tmp/fsdp
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn

from .config import GPTConfig, TrainConfig
from .model import GPT
from .tokenizer import load_tokenizer

# train_model's own optimizer (AdamW, decay on matrices only), so that the runs compare
from .train import _optimizer, encode_split, get_batch, lr_at, train_model

__all__ = [
    "DIST_CONFIG",
    "DIST_TRAIN",
    "MODES",
    "SHARDED_SETTINGS",
    "STAGE_SETTINGS",
    "ZERO_STAGE",
    "MasterWeightsAdamW",
    "Zero2AdamW",
    "RankReport",
    "measure_sharded_peak",
    "predicted_bytes",
    "run_distributed",
    "single_process_losses",
]

MODES = ("ddp", "fsdp")
SHARDED_SETTINGS = ("fsdp2", "autocast", "deepspeed", "fp32", "bf16")
# the settings each ZeRO stage is measured in (stage 3: FSDP2's mixed-precision policies)
STAGE_SETTINGS = {1: ("fp32", "bf16", "autocast"), 2: ("fp32", "bf16", "autocast")}
ZERO_STAGE = {"ddp": 0, "fsdp": 3}  # the ZeRO stage each mode implements

# A narrow mini GPT on the course tokenizer's vocabulary: a run takes seconds on 2 cores.
# Every first dimension is even, so that two ranks get shards of the same size.
DIST_CONFIG = GPTConfig(vocab_size=768, seq_len=64, n_layer=2, n_head=4, d_model=64)
DIST_TRAIN = TrainConfig(steps=30, batch_size=8, seq_len=64, warmup_steps=5)


@dataclass(frozen=True)
class RankReport:
    """What one rank measured."""

    mode: str  # "ddp" or "fsdp"
    rank: int  # this process's index, 0 to world_size - 1
    world_size: int  # number of processes
    backend: str  # "gloo" (CPU) or "nccl" (GPU)
    params: int  # bytes of the parameters this rank holds (its shards under FSDP2)
    grads: int  # bytes of its gradients, after the first backward pass
    optimizer: int  # bytes of its AdamW moments (exp_avg, exp_avg_sq), after the first step
    losses: list[float]  # the global training loss (mean over ranks) before each update


def _check(mode: str, nproc: int, train: TrainConfig) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if nproc < 1:
        raise ValueError(f"nproc must be positive, got {nproc}")
    if train.steps < 1:
        raise ValueError(f"steps must be positive, got {train.steps}")
    if getattr(train, "paragraph_windows", 0) or getattr(train, "story_windows", 0):
        raise ValueError("only random windows are supported: paragraph/story_windows must be 0")
    if train.batch_size % nproc:
        raise ValueError(f"batch_size={train.batch_size} is not divisible by nproc={nproc}")


@functools.cache
def _course_ids() -> torch.Tensor:
    """The course corpus' training part as ids (N,), with the course tokenizer."""
    return encode_split(load_tokenizer(), "train")  # (N,)


def _check_vocab(config: GPTConfig) -> None:
    vocab = load_tokenizer().get_vocab_size()
    if config.vocab_size < vocab:
        raise ValueError(f"vocab_size={config.vocab_size} < the tokenizer's {vocab} tokens")


def _local_bytes(tensor: torch.Tensor) -> int:
    """Bytes of the part of ``tensor`` stored by this rank (a DTensor's local shard)."""
    local = tensor.to_local() if hasattr(tensor, "to_local") else tensor
    return local.numel() * local.element_size()


def state_bytes(net: nn.Module, optimizer: torch.optim.Optimizer) -> dict[str, int]:
    """Bytes of the parameters, gradients and AdamW moments held by this process."""
    params = list(net.parameters())  # a tied weight once
    return {
        "params": sum(_local_bytes(p) for p in params),
        "grads": sum(_local_bytes(p.grad) for p in params if p.grad is not None),
        "optimizer": sum(
            _local_bytes(value)
            for p in params
            for key, value in optimizer.state[p].items()
            if key in ("exp_avg", "exp_avg_sq")
        ),
    }


def predicted_bytes(
    config: GPTConfig = DIST_CONFIG, n_gpus: int = 2, zero_stage: int = 0
) -> dict[str, int]:
    """The calculator's parameter, gradient and AdamW bytes on the first of ``n_gpus`` (fp32).

    ``model_shape`` counts the parameters of the equivalent ``GPT2LMHeadModel``; its
    ``Conv1D`` weights are stored transposed (in, out), which would change the shards'
    rows when a first dimension does not divide evenly, so the shapes are taken from our
    own ``GPT`` (built on the meta device, nothing allocated).
    """
    from genai_docs.memory import TrainingConfig, estimate_training, model_shape

    from .hf import hf_config

    with torch.device("meta"):
        shapes = tuple(tuple(p.shape) for p in GPT(config).parameters())
    shape = model_shape(hf_config(config), "mini-gpt")
    if sum(torch.Size(s).numel() for s in shapes) != shape.params:
        raise ValueError("the mini GPT and its GPT-2 twin do not have the same parameters")
    shape = replace(shape, param_shapes=shapes)
    cfg = TrainingConfig(precision="fp32", optimizer="adamw", zero_stage=zero_stage, n_gpus=n_gpus)
    parts = estimate_training(shape, cfg).setting["sharded_states"]
    return {
        "params": parts["weights"],
        "grads": parts["gradients"],
        "optimizer": parts["optimizer"],
    }


def single_process_losses(
    config: GPTConfig = DIST_CONFIG, train: TrainConfig = DIST_TRAIN
) -> list[float]:
    """The reference: :func:`train_model` on one process, full batch, same seed and data."""
    _check_vocab(config)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as each rank: for matrices this small, threads cost more
    try:
        torch.manual_seed(train.seed)
        net = GPT(config)
        return train_model(net, _course_ids(), train).losses
    finally:
        torch.set_num_threads(threads)


def _clip(params: list[nn.Parameter], max_norm: float) -> None:
    """Clip the global gradient norm; with DTensor gradients the norm is summed over ranks."""
    grads = [p.grad for p in params if p.grad is not None]
    total = nn.utils.get_total_norm(grads)
    if hasattr(total, "full_tensor"):
        total = total.full_tensor()  # each rank's partial norm -> the global norm
    nn.utils.clip_grads_with_norm_(params, max_norm, total)


def _train_rank(mode: str, config: GPTConfig, train: TrainConfig, ids: torch.Tensor) -> RankReport:
    """One rank's training loop: :func:`train_model`'s, on this rank's slice of each batch."""
    rank, world = dist.get_rank(), dist.get_world_size()
    _check(mode, world, train)
    device = torch.device("cpu")
    if dist.get_backend() == "nccl":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", rank)))
        torch.cuda.set_device(device)
    torch.manual_seed(train.seed)
    net = GPT(config).to(device)  # the same initial weights on every rank
    if mode == "ddp":
        from torch.nn.parallel import DistributedDataParallel

        model = DistributedDataParallel(net, gradient_as_bucket_view=True)
    else:
        from torch.distributed.fsdp import fully_shard

        for block in net.h:
            fully_shard(block)  # one all-gather per block
        fully_shard(net)  # embeddings (tied with the head), final norm
        model = net
    optimizer = _optimizer(net, train)  # after fully_shard: its states are sharded too
    params = list(net.parameters())
    generator = torch.Generator().manual_seed(train.seed)
    share = train.batch_size // world
    losses = torch.zeros(train.steps, device=device)  # (steps,)
    measured: dict[str, int] = {}
    model.train()
    for step in range(train.steps):
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, train)
        x, y = get_batch(ids, train.batch_size, train.seq_len, generator)  # (B, T), (B, T)
        x = x[rank * share : (rank + 1) * share].to(device)  # (B / world, T)
        y = y[rank * share : (rank + 1) * share].to(device)  # (B / world, T)
        _, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()  # DDP all-reduces the gradients, FSDP2 reduce-scatters them
        if train.grad_clip > 0:
            _clip(params, train.grad_clip)
        optimizer.step()
        losses[step] = loss.detach()
        if step == 0:
            measured = state_bytes(net, optimizer)
    dist.all_reduce(losses)  # (steps,): sum over ranks (gloo has no AVG)
    return RankReport(
        mode=mode,
        rank=rank,
        world_size=world,
        backend=dist.get_backend(),
        losses=(losses / world).tolist(),
        **measured,
    )


class MasterWeightsAdamW(torch.optim.Optimizer):
    """AdamW on fp32 master copies of bf16 parameters, as DeepSpeed's bf16 mode stores them.

    The parameters (and their gradients) stay in bf16; the optimizer keeps an fp32 copy of
    each, with AdamW's two fp32 moments: 2 + 2 + (4 + 8) bytes per parameter, the ZeRO
    paper's accounting (Rajbhandari et al., 2020, §3.1). A step copies the gradients to
    fp32, runs the fused ``torch.optim.AdamW`` (one kernel, no temporaries, as DeepSpeed's
    ``FusedAdam``) on the masters, copies them back to bf16 and frees the fp32 gradients.
    Works on FSDP2's sharded parameters (DTensors).
    """

    def __init__(self, params, lr: float = 1e-4, weight_decay: float = 0.01) -> None:
        params = list(params)
        super().__init__(params, {"lr": lr})
        # fp32 masters of this rank's shards (the update is element-wise: no communication)
        self.masters = [_local(p).detach().float() for p in params]
        self.inner = torch.optim.AdamW(self.masters, lr=lr, weight_decay=weight_decay, fused=True)

    @torch.no_grad()
    def step(self, closure=None):  # noqa: ARG002 - the Optimizer signature
        params = [p for group in self.param_groups for p in group["params"]]
        for param, master in zip(params, self.masters, strict=True):
            master.grad = None if param.grad is None else _local(param.grad).float()
        self.inner.step()
        for param, master in zip(params, self.masters, strict=True):
            _local(param).copy_(master)
            master.grad = None
            # the states where tools look for them (MemTracker reads ``optimizer.state``)
            self.state[param] = {"master": master, **self.inner.state[master]}


class Zero2AdamW:
    """ZeRO stage 2 (Rajbhandari et al., 2020, §5.2) around ``torch.optim.AdamW``: every
    rank keeps the whole weights; each gradient, as soon as the backward pass has written
    it, is reduce-scattered and only this rank's rows are kept (the full gradient is
    freed); AdamW updates this rank's rows of each weight (views, so its states are
    shards too); then the updated rows are all-gathered into every rank's weights.

    Rows are split as FSDP2 and :func:`genai_docs.memory.shard_numel` split them:
    ``ceil(dim0 / N)`` rows per rank, the last rank's fewer (a padded reduce-scatter).
    """

    def __init__(self, params, lr: float = 1e-4) -> None:
        self.params = [p for p in params if p.requires_grad]
        self.rank, self.world = dist.get_rank(), dist.get_world_size()
        self.rows = {p: -(-p.shape[0] // self.world) for p in self.params}
        self.local = {}  # param -> the view of this rank's rows, which AdamW updates
        for p in self.params:
            start = min(self.rank * self.rows[p], p.shape[0])
            end = min(start + self.rows[p], p.shape[0])
            self.local[p] = p.detach()[start:end]
            p.register_post_accumulate_grad_hook(self._scatter)
        self.inner = torch.optim.AdamW(list(self.local.values()), lr=lr, foreach=True)

    def _padded(self, tensor: torch.Tensor, p: nn.Parameter) -> torch.Tensor:
        """``tensor`` with ``world · rows`` rows (zeros appended), flat."""
        missing = self.world * self.rows[p] - p.shape[0]
        if missing:
            tensor = torch.cat([tensor, tensor.new_zeros(missing, *p.shape[1:])])
        return tensor.reshape(-1)

    @torch.no_grad()
    def _scatter(self, p: nn.Parameter) -> None:
        local = self.local[p]
        shard = p.grad.new_empty(self.rows[p], *p.shape[1:])  # this rank's summed rows
        dist.reduce_scatter_tensor(shard.reshape(-1), self._padded(p.grad, p))
        p.grad = None  # the full gradient is freed: only the shard is kept
        local.grad = shard[: local.shape[0]].div_(self.world)

    @torch.no_grad()
    def step(self) -> None:
        self.inner.step()
        for p, local in self.local.items():
            rows = p.new_zeros(self.rows[p], *p.shape[1:])
            rows[: local.shape[0]] = local
            gathered = p.new_empty(self.world * self.rows[p], *p.shape[1:])
            dist.all_gather_into_tensor(gathered.reshape(-1), rows.reshape(-1))
            p.copy_(gathered[: p.shape[0]])

    def zero_grad(self, set_to_none: bool = True) -> None:  # noqa: ARG002 - the usual call
        for local in self.local.values():
            local.grad = None


def _local(tensor: torch.Tensor) -> torch.Tensor:
    """This rank's shard of a DTensor (FSDP2's parameters and gradients), or the tensor."""
    return tensor.to_local() if hasattr(tensor, "to_local") else tensor


def _sharded_model(config_name: str, setting: str, device: torch.device, stage: int = 3):
    """A tiny ``transformers`` model at ZeRO ``stage``, its optimizer, and what to run after
    the backward pass (stage 1: the all-reduce of the gradients), for ``setting``."""
    from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard
    from transformers import AutoModelForCausalLM

    from genai_docs.memory.registry import named_config

    config = named_config(config_name)
    config = config.__class__(**config.to_dict())
    config._attn_implementation = "sdpa"
    for name in ("resid_pdrop", "embd_pdrop", "attn_pdrop", "attention_dropout"):
        if hasattr(config, name):
            setattr(config, name, 0.0)  # the same model on every rank, no dropout masks
    model = AutoModelForCausalLM.from_config(config).to(device)
    if setting in ("deepspeed", "bf16"):
        model = model.to(torch.bfloat16)
    if stage == 1:
        from torch.distributed.optim import ZeroRedundancyOptimizer

        optimizer = ZeroRedundancyOptimizer(
            model.parameters(), optimizer_class=torch.optim.AdamW, lr=1e-4, foreach=True
        )
        return model, optimizer, _all_reduce_gradients(model)
    if stage == 2:
        return model, Zero2AdamW(model.parameters()), lambda: None
    policy = MixedPrecisionPolicy()
    if setting == "fsdp2":
        policy = MixedPrecisionPolicy(param_dtype=torch.bfloat16, reduce_dtype=torch.float32)
    for block in model.model.layers if hasattr(model, "model") else model.transformer.h:
        fully_shard(block, mp_policy=policy)
    fully_shard(model, mp_policy=policy)
    if setting == "deepspeed":
        return model, MasterWeightsAdamW(model.parameters()), lambda: None
    return model, torch.optim.AdamW(model.parameters(), lr=1e-4, foreach=True), lambda: None


def _all_reduce_gradients(model: nn.Module):
    """ZeRO-1's gradient averaging: an in-place all-reduce of each gradient (DDP's buckets,
    a second copy of the gradients, are left out: the calculator does not count them)."""

    @torch.no_grad()
    def run() -> None:
        world = dist.get_world_size()
        for p in model.parameters():
            if p.grad is not None:
                dist.all_reduce(p.grad)  # sum over ranks (gloo has no AVG)
                p.grad.div_(world)

    return run


def _memory_rank(model_name: str, run: dict) -> dict:
    """One rank's measured peak (bytes) of a steady-state ZeRO-3 step, and its parts."""
    import contextlib

    from torch.distributed._tools.fsdp2_mem_tracker import FSDPMemTracker

    from genai_docs.memory.measure import memory_tracker

    rank = dist.get_rank()
    device = torch.device("cpu")
    torch.manual_seed(0)
    stage = run.get("zero_stage", 3)
    model, optimizer, after_backward = _sharded_model(model_name, run["setting"], device, stage)
    generator = torch.Generator().manual_seed(1 + rank)  # each rank its own batch
    shape = (run["batch_size"], run["seq_len"])
    ids = torch.randint(0, model.config.vocab_size, shape, generator=generator)

    def step() -> None:
        autocast = contextlib.nullcontext()
        if run["setting"] == "autocast":
            autocast = torch.autocast(device.type, dtype=torch.bfloat16)
        with autocast:
            loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        after_backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    step()  # creates the optimizer states
    if stage == 3:
        tracker = FSDPMemTracker(model, optimizer)
        tracker.track_inputs((ids,))
    else:  # ZeroRedundancyOptimizer and Zero2AdamW keep their states in an inner AdamW
        tracker = memory_tracker()
        inner = optimizer.optim if stage == 1 else optimizer.inner
        tracker.track_external(model, inner, ids)
    with tracker:
        step()
    snapshot = next(iter(tracker.get_tracker_snapshot("peak").values()))
    parts = {str(k).split(".")[-1].lower(): int(v) for k, v in snapshot.items()}
    return {**run, "rank": rank, "peak": parts.pop("total"), "parts": parts}


def measure_sharded_peak(
    model: str = "tiny-llama",
    runs: list[tuple] = (("fsdp2", 2, 128),),
    nproc: int = 2,
    timeout: float = 300.0,
) -> list[list[dict]]:
    """Measured peaks of sharded training steps of ``model`` (a name of
    :func:`genai_docs.memory.registry.named_config`, e.g. ``tiny-llama``) on ``nproc`` CPU
    processes (gloo), one launch for all ``runs``: ``(setting, batch_size, seq_len)`` at
    ZeRO-3, the setting one of :data:`SHARDED_SETTINGS`, or ``(setting, batch_size,
    seq_len, zero_stage)``, stages 1 and 2 in the settings of :data:`STAGE_SETTINGS`; the
    batch is per rank. Returns, for each run, each rank's ``{"setting", "batch_size",
    "seq_len", "zero_stage", "rank", "peak", "parts"}``."""
    specs = []
    for setting, batch_size, seq_len, *more in runs:
        stage = more[0] if more else 3
        allowed = STAGE_SETTINGS.get(stage, SHARDED_SETTINGS if stage == 3 else ())
        if not allowed:
            raise ValueError(f"zero_stage must be 1, 2 or 3, not {stage!r}")
        if setting not in allowed:
            raise ValueError(
                f"setting must be one of {', '.join(allowed)} at ZeRO-{stage}, not {setting!r}"
            )
        if batch_size < 1 or seq_len < 1:
            raise ValueError("batch_size and seq_len must be positive")
        specs.append(
            {"setting": setting, "batch_size": batch_size, "seq_len": seq_len, "zero_stage": stage}
        )
    if nproc < 1:
        raise ValueError(f"nproc must be positive, got {nproc}")
    with tempfile.TemporaryDirectory(prefix="genai-docs-memory-") as tmp:
        out = Path(tmp)
        (out / "settings.json").write_text(json.dumps({"memory": {"model": model, "runs": specs}}))
        _launch("memory", nproc, out, timeout)
        ranks = [json.loads((out / f"rank{r}.json").read_text()) for r in range(nproc)]
    return [[rank[i] for rank in ranks] for i in range(len(specs))]


def _worker(mode: str, out: Path) -> None:
    """Inside ``torchrun``: train, then write this rank's report to ``out/rank<r>.json``."""
    file = out / "settings.json"
    settings = json.loads(file.read_text()) if file.exists() else {}
    if mode == "memory":
        spec = settings["memory"]
        dist.init_process_group("gloo")
        try:
            results = [_memory_rank(spec["model"], run) for run in spec["runs"]]
            dist.barrier()
        finally:
            dist.destroy_process_group()
        (out / f"rank{results[0]['rank']}.json").write_text(json.dumps(results))
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    config = GPTConfig(**settings.get("config", asdict(DIST_CONFIG)))
    train_fields = settings.get("train", asdict(DIST_TRAIN))
    train = TrainConfig(**{**train_fields, "checkpoints": tuple(train_fields["checkpoints"])})
    ids_file = out / "ids.pt"
    ids = torch.load(ids_file) if ids_file.exists() else _course_ids()
    world = int(os.environ["WORLD_SIZE"])
    use_nccl = torch.cuda.is_available() and torch.cuda.device_count() >= world
    dist.init_process_group("nccl" if use_nccl else "gloo")
    try:
        report = _train_rank(mode, config, train, ids)
        # Both ranks reach this point before either tears gloo down: a rank that closes
        # its connections while the other still uses them aborts it ("terminate called").
        dist.barrier()
    finally:
        dist.destroy_process_group()
    (out / f"rank{report.rank}.json").write_text(json.dumps(asdict(report)))
    # The report is written: leave without the interpreter's teardown. On one core, about
    # one run in six aborted there ("terminate called without an active exception": a gloo
    # thread still joinable when FSDP2's objects are destroyed), after all the work was done.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def run_distributed(
    mode: str,
    nproc: int = 2,
    config: GPTConfig = DIST_CONFIG,
    train: TrainConfig = DIST_TRAIN,
    timeout: float = 300.0,
) -> list[RankReport]:
    """Train under ``torchrun`` with ``nproc`` processes; return their reports, by rank.

    ``--standalone`` lets the launcher bind a free port itself, so runs started at the
    same time do not collide. Each rank gets one thread (``OMP_NUM_THREADS=1``). Raises
    ``RuntimeError`` with the end of the ranks' output when the run fails or times out.
    """
    _check(mode, nproc, train)
    _check_vocab(config)
    with tempfile.TemporaryDirectory(prefix="genai-docs-dist-") as tmp:
        out = Path(tmp)
        settings = {"config": asdict(config), "train": asdict(train)}
        (out / "settings.json").write_text(json.dumps(settings))
        torch.save(_course_ids(), out / "ids.pt")
        _launch(mode, nproc, out, timeout)
        return [
            RankReport(**json.loads((out / f"rank{rank}.json").read_text()))
            for rank in range(nproc)
        ]


def _launch(mode: str, nproc: int, out: Path, timeout: float) -> None:
    """Run ``mode`` under ``torchrun`` with ``nproc`` ranks writing into ``out``.

    ``--standalone`` lets the launcher bind a free port itself, so runs started at the
    same time do not collide. Each rank gets one thread (``OMP_NUM_THREADS=1``). Raises
    ``RuntimeError`` with the end of the ranks' output when the run fails or times out.
    """
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    cmd += ["--nproc-per-node", str(nproc), "-m", __name__, "--mode", mode, "--out", str(out)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    # same process group as the caller: a docs block killed on timeout takes it along
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.terminate()  # torchrun passes SIGTERM on to its ranks
        try:
            output, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        raise RuntimeError(
            f"torchrun {mode} stopped after {timeout:.0f} s:\n{output[-3000:]}"
        ) from None
    if proc.returncode != 0:
        raise RuntimeError(f"torchrun {mode} failed ({proc.returncode}):\n{output[-3000:]}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=[*MODES, "memory"], required=True)
    parser.add_argument("--out", type=Path, required=True, help="folder for rank<r>.json")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    _worker(args.mode, args.out)


if __name__ == "__main__":
    main()
