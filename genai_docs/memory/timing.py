"""The time estimates of :mod:`genai_docs.memory.speed`, checked on this machine's CPU.

The estimate divides work by peaks; here the peaks are measured, not published: the
throughput of a large fp32 matrix product (``torch.mm``) and the bandwidth of a large copy
(bytes read plus bytes written). Then one training step of the course's mini GPT
(:data:`genai_docs.transformer.COURSE_CONFIG`, :data:`~genai_docs.transformer.COURSE_TRAIN`'s
batch) and the decoding of its ``transformers`` twin are timed and set against the
estimate at 100 % of those peaks: the ratio says how far a small model on a CPU is from
its peaks. Every timing is the median of several runs after a warm-up.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CpuCheck", "check_on_cpu", "measure_bandwidth", "measure_matmul_flops"]


def _median_seconds(function: Callable[[], object], repeat: int) -> float:
    function()  # warm-up: allocations, kernels chosen
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_matmul_flops(size: int = 1024, repeat: int = 5) -> float:
    """FLOP/s of an fp32 ``size × size`` matrix product (``2 · size³`` operations)."""
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    return 2 * size**3 / _median_seconds(lambda: torch.mm(a, b), repeat)


def measure_bandwidth(megabytes: int = 256, repeat: int = 5) -> float:
    """Bytes/s of copying ``megabytes`` of fp32 (each byte read once and written once)."""
    import torch

    source = torch.empty(megabytes * 2**20 // 4)
    target = torch.empty_like(source)
    return 2 * source.nbytes / _median_seconds(lambda: target.copy_(source), repeat)


@dataclass(frozen=True)
class CpuCheck:
    """Estimate against measure, on this CPU."""

    matmul_flops: float  # measured peak, FLOP/s
    bandwidth: float  # measured peak, bytes/s
    step_flops: float  # operations of one training step of the mini GPT
    step_predicted: float  # seconds, at 100 % of the matmul peak
    step_measured: float  # seconds
    decode_bytes: float  # bytes one decoding step reads
    decode_predicted: float  # seconds per token, at 100 % of the bandwidth
    decode_measured: float  # seconds per token


def check_on_cpu(repeat: int = 5, new_tokens: int = 32) -> CpuCheck:
    """Measure the peaks, a training step and decoding; estimate both with the peaks."""
    import torch
    from transformers import GPT2LMHeadModel

    from genai_docs.memory.inference import kv_cache_bytes
    from genai_docs.memory.params import model_shape
    from genai_docs.memory.speed import forward_flops_per_token, training_step_flops
    from genai_docs.transformer import COURSE_CONFIG, COURSE_TRAIN, GPT, hf_config

    torch.manual_seed(0)
    flops, bandwidth = measure_matmul_flops(repeat=repeat), measure_bandwidth(repeat=repeat)
    config = hf_config(COURSE_CONFIG)
    shape = model_shape(config, "mini-GPT")
    batch, seq = COURSE_TRAIN.batch_size, COURSE_TRAIN.seq_len
    model = GPT(COURSE_CONFIG)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    ids = torch.randint(0, COURSE_CONFIG.vocab_size, (batch, seq))

    def step() -> None:
        _, loss = model(ids, ids)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    step_flops = training_step_flops(shape, batch * seq, seq, recompute=False)
    measured_step = _median_seconds(step, repeat)

    twin = GPT2LMHeadModel(config).eval()
    twin.generation_config.eos_token_id = None
    twin.generation_config.pad_token_id = 0
    prompt = torch.randint(0, COURSE_CONFIG.vocab_size, (1, 16))

    def decode() -> None:
        with torch.no_grad():
            twin.generate(prompt, max_new_tokens=new_tokens, do_sample=False)

    cached = 16 + new_tokens // 2  # the cache's mean length over the generation
    read = 4 * shape.params + kv_cache_bytes(shape, cached, 1, "fp32")
    compute = forward_flops_per_token(shape, cached) / flops
    return CpuCheck(
        matmul_flops=flops,
        bandwidth=bandwidth,
        step_flops=step_flops,
        step_predicted=step_flops / flops,
        step_measured=measured_step,
        decode_bytes=read,
        decode_predicted=max(read / bandwidth, compute),
        decode_measured=_median_seconds(decode, repeat) / new_tokens,
    )
