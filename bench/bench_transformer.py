"""Benchmark of the mini GPT: training throughput against Hugging Face's GPT-2, side by side,
then the course model: its training tokens, time, held-out perplexity and long-range probe.

    .venv/bin/python bench/bench_transformer.py [--rounds 5] [--steps 10] [--skip-course]
        [--seeds 0 1] [--previous] [--artifacts]

``--artifacts`` builds, from scratch and outside the cache, the other artifacts of the
transformer lessons and times them: the course LSTM (its learning-rate sweep and its
training, then its probe at every distance) and the data-size runs of Mot suivant.

Throughput: tokens per second of a training step (forward, backward; no optimizer update)
for our ``GPT`` and for ``GPT2LMHeadModel`` (sdpa and eager attention) built from the same
config, with the same weights, on the same batches. The models are timed in alternating
rounds and the median round is kept, so that a load spike hits both alike.

Course model: trained from scratch (not from the cache) with ``COURSE_TRAIN`` for each
seed; ``--previous`` also trains the recipe used before issue 7 (1500 steps of 16 random
windows, twice the tokens) in the same run, for a side-by-side comparison.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import statistics
import time

import torch

from genai_docs.artifacts import usable_cores
from genai_docs.transformer import (
    COURSE_CONFIG,
    COURSE_TRAIN,
    GPT,
    TrainConfig,
    encode_split,
    encode_stream,
    evaluate_loss,
    load_tokenizer,
    probe_accuracy,
    to_hf,
    train_model,
)


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


PREVIOUS_TRAIN = dataclasses.replace(
    COURSE_TRAIN, batch_size=16, paragraph_windows=0.0, story_windows=0.0, checkpoints=()
)  # the course model's recipe before issue 7


def course(train_cfg: TrainConfig, label: str, seeds: list[int]) -> None:
    tokens = train_cfg.steps * train_cfg.batch_size * train_cfg.seq_len
    params = GPT(COURSE_CONFIG).num_parameters()
    print(f"\nCourse model, {label}: trained from scratch (not from the cache)")
    print(
        f"  {train_cfg.steps} steps x {train_cfg.batch_size} x {train_cfg.seq_len} = {tokens:,} tokens"
    )
    print(f"  tokens x parameters = {tokens * params / 1e12:.2f} x 10^12 ({params:,} parameters)")
    tok = load_tokenizer()
    stream, valid = encode_stream(tok, "train"), encode_split(tok, "valid")
    for seed in seeds:
        cfg = dataclasses.replace(train_cfg, seed=seed, checkpoints=())
        torch.manual_seed(seed)
        net = GPT(COURSE_CONFIG)
        start = time.perf_counter()
        train_model(net, stream if cfg.paragraph_windows or cfg.story_windows else stream.ids, cfg)
        elapsed = time.perf_counter() - start
        ppl = math.exp(evaluate_loss(net, valid, COURSE_TRAIN.seq_len))
        probe = probe_accuracy(net, tok, n_stories=100, n_fillers=3)
        print(
            f"  seed {seed}: {elapsed:.1f} s on {torch.get_num_threads()} threads "
            f"({tokens / elapsed:,.0f} tokens/s), held-out perplexity {ppl:.3f}, "
            f"probe {100 * probe:.0f} %"
        )


def artifacts() -> None:
    """Build the course LSTM and the data-size runs into temporary directories, timed."""
    import json
    import tempfile
    from pathlib import Path

    from safetensors.torch import load_model

    from genai_docs.transformer import data_size, rnn

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        rnn._build(Path(tmp))
        seconds = time.perf_counter() - start
        record = json.loads((Path(tmp) / "training.json").read_text())
        print(f"\nCourse LSTM: {seconds:.1f} s on {torch.get_num_threads()} threads "
              f"(sweep {record['sweep_seconds']} s, training {record['seconds']} s)")  # fmt: skip
        for run in record["sweep"]:
            print(f"  lr {run['lr']:g}: held-out loss {run['valid_loss']:.3f}, "
                  f"probe loss {run['probe_loss']:.3f}")  # fmt: skip
        print(f"  chosen lr {record['lr']:g}")
        net = rnn.LSTMLanguageModel(rnn.LSTMConfig(**record["config"]))
        load_model(net, str(Path(tmp) / f"step_{rnn.COURSE_LSTM_TRAIN.steps}.safetensors"))
        tok = load_tokenizer()
        probe = [probe_accuracy(net, tok, 100, n_fillers=n) for n in range(7)]
        print("  probe, 0 to 6 sentences between: " + " ".join(f"{100 * p:.0f}" for p in probe))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        data_size._build(Path(tmp))
        seconds = time.perf_counter() - start
        record = json.loads((Path(tmp) / "record.json").read_text())
        print(f"\nData-size runs: {seconds:.1f} s")
        for run in record["arms"]:
            last, best = run["curve"][-1], min(run["curve"], key=lambda p: p["valid_loss"])
            print(f"  {run['name']}: {run['seconds']} s, perplexity on the read text "
                  f"{math.exp(last['train_loss']):.2f}, held-out {math.exp(last['valid_loss']):.2f}"
                  f" (best {math.exp(best['valid_loss']):.2f} at step {best['step']})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--skip-course", action="store_true", help="only the throughput")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="course model seeds")
    parser.add_argument(
        "--previous", action="store_true", help="also train the recipe used before issue 7"
    )
    parser.add_argument(
        "--artifacts", action="store_true", help="only time the course LSTM and data-size builds"
    )
    args = parser.parse_args()
    if args.artifacts:
        torch.set_num_threads(usable_cores())  # as an artifact build does
        artifacts()
        return
    device = "cuda" if torch.cuda.is_available() else "cpu"
    throughput(args.rounds, args.steps, device)
    if not args.skip_course:
        course(COURSE_TRAIN, "COURSE_TRAIN", args.seeds)
        if args.previous:
            course(PREVIOUS_TRAIN, "the recipe before issue 7", args.seeds)


if __name__ == "__main__":
    main()
