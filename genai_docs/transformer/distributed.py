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
    "ZERO_STAGE",
    "RankReport",
    "predicted_bytes",
    "run_distributed",
    "single_process_losses",
]

MODES = ("ddp", "fsdp")
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


def _worker(mode: str, out: Path) -> None:
    """Inside ``torchrun``: train, then write this rank's report to ``out/rank<r>.json``."""
    file = out / "settings.json"
    settings = json.loads(file.read_text()) if file.exists() else {}
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
        cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
        cmd += ["--nproc-per-node", str(nproc), "-m", __name__, "--mode", mode, "--out", tmp]
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
        return [
            RankReport(**json.loads((out / f"rank{rank}.json").read_text()))
            for rank in range(nproc)
        ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=MODES, required=True)
    parser.add_argument("--out", type=Path, required=True, help="folder for rank<r>.json")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    _worker(args.mode, args.out)


if __name__ == "__main__":
    main()
