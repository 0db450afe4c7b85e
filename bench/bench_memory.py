"""How fast ``genai-docs memory`` answers from a cold process, by formula and on the meta
device; our training-peak estimate and accelerate's, side by side, against measured peaks;
then our ``generate`` estimate and the forward-only one against measured ``generate`` peaks.

Cold CLI: each command is a new Python process (``python -m genai_docs.cli memory ...``),
timed from start to exit, the median of ``--repeat`` runs (default 5), for a registry name
and for the ``config.json`` of each family modelled by formula (GPT-2, Llama, Mistral,
Qwen2, Mixtral, Qwen2-MoE). Beside it, in the same run, the earlier path: the same
estimate with the shape built by ``transformers`` on the meta device (``meta_shape``),
which imports PyTorch. Timings depend on the machine and on its load: run it on an idle one.

accelerate's ``estimate-memory`` (``accelerate.commands.estimate``) sizes the model built
by ``AutoModel`` (no LM head) and takes, for AdamW, the largest of its "model", "gradients",
"optimizer" and "step" figures; it counts no activations. We call the same functions on
the same configs, offline (``init_empty_weights`` on a local config, nothing downloaded).
Measured: PyTorch's ``MemTracker`` on CPU (or ``max_memory_allocated`` with ``--cuda``).

    .venv/bin/python bench/bench_memory.py [--cuda] [--cli-only] [--repeat N]
    .venv/bin/python bench/bench_memory.py --matrix   # the tests' validation matrices

``--matrix`` prints each case's error, then the maximum and median absolute errors of the
four CPU matrices the tests check (tests/test_memory_validation.py,
test_memory_generate.py, test_memory_architectures.py,
test_memory_generate_architectures.py).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def _cold_seconds(code_or_args: list[str], repeat: int) -> float:
    """Median wall-clock seconds of a fresh ``python`` process running ``code_or_args``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, *code_or_args], check=True, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


META_PATH = (
    "import sys; from genai_docs.memory import TrainingConfig, estimate_training, meta_shape; "
    "print(estimate_training(meta_shape(sys.argv[1]), TrainingConfig()).total_bytes)"
)


def cli_speed(repeat: int) -> None:
    """Cold ``genai-docs memory`` by formula, beside the meta-device path, same models."""
    from genai_docs.memory import tiny_configs

    tiny = tiny_configs()
    models = {"llama-2-7b (registre)": "llama-2-7b", "mixtral-8x7b (registre)": "mixtral-8x7b"}
    with tempfile.TemporaryDirectory() as tmp:
        for family in ("gpt2", "llama", "mistral", "qwen2-hybrid", "mixtral", "qwen2-moe"):
            config = tiny[family]
            path = Path(tmp) / f"{family}.json"
            path.write_text(json.dumps(config.to_dict() | {"model_type": config.model_type}))
            models[f"{config.model_type} (config.json)"] = str(path)
        print(f"cold CLI, median of {repeat} fresh processes (seconds):")
        print(f"{'model':28s} {'formula (CLI)':>14s} {'meta device':>12s} {'ratio':>7s}")
        fast_all = []
        for label, model in models.items():
            fast = _cold_seconds(["-m", "genai_docs.cli", "memory", model, "--train"], repeat)
            slow = _cold_seconds(["-c", META_PATH, model], repeat)
            fast_all.append(fast)
            print(f"{label:28s} {fast:14.3f} {slow:12.3f} {slow / fast:7.1f}")
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from genai_docs.cli import main; main(['memory', 'llama-2-7b', "
            "'--train']); print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'torch', 'transformers', 'numpy'}))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[-1]
    print(f"slowest cold CLI answer: {max(fast_all):.3f} s; heavy modules imported: {heavy}\n")


def matrices() -> None:
    """The tests' validation matrices, case by case, with their max and median |error|."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import test_memory_architectures as arch
    import test_memory_generate as gen
    import test_memory_generate_architectures as gen_arch
    import test_memory_validation as val

    def summary(label: str, errors: list[float]) -> None:
        print(
            f"{label}: {len(errors)} cases, max |error| {max(map(abs, errors)):.3%}, "
            f"median {statistics.median(map(abs, errors)):.3%}\n"
        )

    for label, module, dropout in (
        ("training (no dropout)", val, False),
        ("training, issue 16", arch, True),
    ):
        configs = module._configs()
        errors = []
        for case in getattr(module, "MATRIX", None) or module.CASES:
            name, batch, seq, precision, optimizer, recompute, attention = case
            cfg = TrainingConfig(
                batch, seq, precision, optimizer, recompute, attention, device="cpu"
            )
            measured = measure_training_peak(configs[name], cfg, keep_dropout=dropout)["peak"]
            shape = model_shape(configs[name], name)
            shape = shape if dropout else shape.without_dropout()
            errors.append(estimate_training(shape, cfg).total_bytes / measured - 1)
            print(f"  {case}: {errors[-1]:+.3%}", flush=True)
        summary(label, errors)
    configs = tiny_configs()
    for label, module in (("generate", gen), ("generate, issue 16", gen_arch)):
        errors = []
        for case in module.CASES:
            name, batch, prompt, new, dtype, attention, sampling = case
            cfg = InferenceConfig(batch, prompt, new, dtype, attention, "cpu", sampling)
            measured = measure_generate_peak(configs[name], cfg)["peak"]
            estimate = estimate_inference(model_shape(configs[name], name), cfg).total_bytes
            errors.append(estimate / measured - 1)
            print(f"  {case}: {errors[-1]:+.3%}", flush=True)
        summary(label, errors)


def main() -> None:
    if "--matrix" in sys.argv:
        matrices()
        return
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 5
    cli_speed(repeat)
    if "--cli-only" in sys.argv:
        return
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
