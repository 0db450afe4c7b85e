"""Benchmark of the mini GPT: training throughput against Hugging Face's GPT-2, side by side,
then the course model's training time and held-out perplexity.

    .venv/bin/python bench/bench_transformer.py [--rounds 5] [--steps 10] [--skip-course]

Throughput: tokens per second of a training step (forward, backward; no optimizer update)
for our ``GPT`` and for ``GPT2LMHeadModel`` (sdpa and eager attention) built from the same
config, with the same weights, on the same batches. The models are timed in alternating
rounds and the median round is kept, so that a load spike hits both alike.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from pathlib import Path

import torch

from genai_docs.transformer import COURSE_CONFIG, COURSE_TRAIN, GPT, to_hf
from genai_docs.transformer.train import _build_course, encode_split, evaluate_loss


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def _time_steps(step, steps: int, device: str) -> float:
    step()  # warm-up
    _sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    _sync(device)
    return (time.perf_counter() - start) / steps


def throughput(rounds: int, steps: int, device: str) -> None:
    torch.manual_seed(0)
    ours = GPT(COURSE_CONFIG).to(device).train()
    models = {
        "ours (GPT, sdpa)": ours,
        "GPT2LMHeadModel (sdpa)": to_hf(ours, "sdpa").to(device).train(),
        "GPT2LMHeadModel (eager)": to_hf(ours, "eager").to(device).train(),
    }
    B, T = COURSE_TRAIN.batch_size, COURSE_TRAIN.seq_len
    x = torch.randint(0, COURSE_CONFIG.vocab_size, (B, T), device=device)  # (B, T)

    def step_for(name, model):
        def step():
            model.zero_grad(set_to_none=True)
            loss = model(x, x)[1] if name.startswith("ours") else model(input_ids=x, labels=x).loss
            loss.backward()

        return step

    steps_fns = {name: step_for(name, m) for name, m in models.items()}
    times: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(rounds):
        for name, fn in steps_fns.items():
            times[name].append(_time_steps(fn, steps, device))
    print(f"Training throughput, forward + backward, batch {B} x {T} tokens, {device}")
    print(f"  config: {COURSE_CONFIG}")
    median = {name: statistics.median(t) for name, t in times.items()}
    for name, t in median.items():
        print(f"  {name:<26} {B * T / t:>10,.0f} tokens/s   ({1000 * t:.1f} ms/step)")
    base = median["ours (GPT, sdpa)"]
    for name in list(models)[1:]:
        print(f"  ratio ours / {name}: {median[name] / base:.2f}x  (> 1: ours is faster)")


def course(device: str) -> None:
    print("\nCourse model: training from scratch (not from the cache)")
    print(f"  {COURSE_TRAIN}")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        _build_course(Path(tmp))
        elapsed = time.perf_counter() - start
        print(f"  training time: {elapsed:.1f} s ({torch.get_num_threads()} CPU threads)")
        from safetensors.torch import load_model
        from tokenizers import Tokenizer

        net = GPT(COURSE_CONFIG)
        load_model(net, str(Path(tmp) / f"step_{COURSE_TRAIN.steps}.safetensors"))
        tok = Tokenizer.from_file(str(Path(tmp) / "tokenizer.json"))
    loss = evaluate_loss(net.eval(), encode_split(tok, "valid"), COURSE_TRAIN.seq_len)
    print(f"  held-out loss {loss:.4f} nats/token, perplexity {math.exp(loss):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--skip-course", action="store_true", help="only the throughput")
    args = parser.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    throughput(args.rounds, args.steps, device)
    if not args.skip_course:
        course(device)


if __name__ == "__main__":
    main()
