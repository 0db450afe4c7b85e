"""Our training-peak estimate and accelerate's, side by side, against measured peaks; then
our ``generate`` estimate and the forward-only one against measured ``generate`` peaks.

accelerate's ``estimate-memory`` (``accelerate.commands.estimate``) sizes the model built
by ``AutoModel`` (no LM head) and takes, for AdamW, the largest of its "model", "gradients",
"optimizer" and "step" figures; it counts no activations. We call the same functions on
the same configs, offline (``init_empty_weights`` on a local config, nothing downloaded).
Measured: PyTorch's ``MemTracker`` on CPU (or ``max_memory_allocated`` with ``--cuda``).

    .venv/bin/python bench/bench_memory.py [--cuda]
"""

from __future__ import annotations

import statistics
import sys

import torch
from accelerate import init_empty_weights
from accelerate.commands.estimate import calculate_maximum_sizes, estimate_training_usage
from transformers import AutoModel, GPT2Config

from genai_docs.memory import (
    InferenceConfig,
    TrainingConfig,
    estimate_forward,
    estimate_inference,
    estimate_training,
    measure_generate_peak,
    measure_training_peak,
    model_shape,
    tiny_configs,
)


def accelerate_peak(config, precision: str) -> int:
    """accelerate's "Training using Adam (Peak vRAM)" for ``config``, in bytes."""
    with init_empty_weights():
        model = AutoModel.from_config(config)
    total, _ = calculate_maximum_sizes(model)  # fp32 bytes of the weights
    mode = "float32" if precision == "fp32" else "bfloat16"
    return max(estimate_training_usage(total, mode).values())


def main() -> None:
    device = "cuda" if "--cuda" in sys.argv and torch.cuda.is_available() else "cpu"
    if device == "cuda":
        from genai_docs.memory import registry_config

        configs = {n: registry_config(n) for n in ("gpt2", "gpt2-medium", "tinyllama-1.1b")}
        sizes = [(8, 512), (4, 1024), (1, 1024)]
    else:
        tiny = tiny_configs()
        configs = {
            "gpt2-tiny": tiny["gpt2"],
            "gpt2-small-ish": GPT2Config(
                n_embd=256, n_layer=4, n_head=4, vocab_size=8000, n_positions=512
            ),
            "llama-tiny": tiny["llama"],
        }
        sizes = [(1, 64), (4, 256), (2, 512)]
    print(f"device: {device}")
    print(
        f"{'model':16s} {'precision':9s} {'batch x seq':>11s} {'measured MB':>12s} "
        f"{'ours MB':>9s} {'err':>7s} {'accelerate MB':>14s} {'err':>7s}"
    )
    ours_err, acc_err = [], []
    for name, config in configs.items():
        shape = model_shape(config, name)
        for precision in ("fp32", "mixed"):
            for batch, seq in sizes:
                cfg = TrainingConfig(batch, seq, precision, "adamw", device=device)
                measured = measure_training_peak(config, cfg, device=device)["peak"]
                ours = estimate_training(shape, cfg).total_bytes
                theirs = accelerate_peak(config, precision)
                ours_err.append(ours / measured - 1)
                acc_err.append(theirs / measured - 1)
                print(
                    f"{name:16s} {precision:9s} {f'{batch}x{seq}':>11s} {measured / 1e6:12.2f} "
                    f"{ours / 1e6:9.2f} {ours_err[-1]:+7.1%} {theirs / 1e6:14.2f} {acc_err[-1]:+7.1%}"
                )
                if device == "cuda":
                    torch.cuda.empty_cache()
    _summary((("ours", ours_err), ("accelerate", acc_err)))
    generate(configs, device)


def _summary(rows) -> None:
    for label, errors in rows:
        worst = max(errors, key=abs)
        print(
            f"{label:>10s}: max |error| {abs(worst):.1%} ({worst:+.1%}), "
            f"median |error| {statistics.median(abs(e) for e in errors):.1%}"
        )


def generate(configs: dict, device: str) -> None:
    """``model.generate`` peaks: our prefill/decode model and the forward-only estimate."""
    dtype = "bf16" if device == "cuda" else "fp32"
    sizes = [(1, 1024, 128), (8, 512, 64)] if device == "cuda" else [(4, 256, 8), (32, 2, 24)]
    print(f"\ngenerate ({dtype}, greedy): batch x (prompt + new tokens)")
    print(
        f"{'model':16s} {'setting':>14s} {'measured MB':>12s} {'ours MB':>9s} {'err':>7s} "
        f"{'forward MB':>11s} {'err':>7s}"
    )
    ours_err, forward_err = [], []
    for name, config in configs.items():
        shape = model_shape(config, name)
        for batch, prompt, new in sizes:
            cfg = InferenceConfig(batch, prompt, new, dtype, device=device)
            measured = measure_generate_peak(config, cfg, device=device)["peak"]
            ours = estimate_inference(shape, cfg).total_bytes
            forward = estimate_forward(shape, batch, prompt, dtype).total_bytes
            ours_err.append(ours / measured - 1)
            forward_err.append(forward / measured - 1)
            print(
                f"{name:16s} {f'{batch}x({prompt}+{new})':>14s} {measured / 1e6:12.2f} "
                f"{ours / 1e6:9.2f} {ours_err[-1]:+7.1%} {forward / 1e6:11.2f} {forward_err[-1]:+7.1%}"
            )
            if device == "cuda":
                torch.cuda.empty_cache()
    _summary((("generate", ours_err), ("forward", forward_err)))


if __name__ == "__main__":
    main()
