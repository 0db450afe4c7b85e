"""Peaks of memory on the GPU: training steps and ``model.generate``, for the Mémoire lesson.

``torch.cuda.max_memory_allocated`` around the second training step (mixed precision,
AdamW), and around a ``generate`` call, for models built from their configuration with
random weights. The lesson's block computes today's predictions beside these numbers.
"""

from __future__ import annotations

from _common import run

DEPENDS = ["genai_docs/memory/measure.py"]

# model, batch, tokens, recomputation, dropout kept (GPT-2's configs train with 0.1)
TRAINING = [
    ("gpt2", 8, 512, "none", False),
    ("gpt2", 4, 1024, "none", False),
    ("gpt2", 8, 512, "none", True),
    ("gpt2-medium", 2, 1024, "none", False),
    ("gpt2-medium", 8, 512, "full", False),
    ("tinyllama-1.1b", 1, 2048, "none", False),
    ("tinyllama-1.1b", 4, 1024, "none", False),
    ("tinyllama-1.1b", 8, 2048, "full", False),
]
# model, batch, prompt tokens, new tokens (bf16 weights, greedy)
GENERATE = [
    ("gpt2", 4, 256, 128),
    ("gpt2", 4, 896, 128),
    ("tinyllama-1.1b", 4, 256, 128),
    ("tinyllama-1.1b", 4, 1920, 128),
]
DRY_TRAINING = [("tiny-gpt2", 2, 64, "none", False), ("tiny-gpt2", 2, 64, "none", True)]
DRY_GENERATE = [("tiny-llama", 1, 16, 4)]


def measure(device: str, dry_run: bool) -> dict:
    import torch

    from genai_docs.memory import InferenceConfig, TrainingConfig
    from genai_docs.memory.measure import measure_generate_peak, measure_training_peak
    from genai_docs.memory.registry import named_config as _config

    training, generate = [], []
    for model, batch, tokens, recompute, dropout in DRY_TRAINING if dry_run else TRAINING:
        cfg = TrainingConfig(batch, tokens, "mixed", recompute=recompute, device=device)
        peak = measure_training_peak(_config(model), cfg, device, keep_dropout=dropout)["peak"]
        training.append(
            {
                "model": model,
                "batch_size": batch,
                "seq_len": tokens,
                "precision": "mixed",
                "recompute": recompute,
                "dropout": dropout,
                "peak_bytes": peak,
            }
        )
        if device == "cuda":
            torch.cuda.empty_cache()
    for model, batch, prompt, new in DRY_GENERATE if dry_run else GENERATE:
        cfg = InferenceConfig(batch, prompt, dtype="bf16", new_tokens=new, device=device)
        peak = measure_generate_peak(_config(model), cfg, device)["peak"]
        generate.append(
            {
                "model": model,
                "batch_size": batch,
                "prompt": prompt,
                "new_tokens": new,
                "dtype": "bf16",
                "peak_bytes": peak,
            }
        )
        if device == "cuda":
            torch.cuda.empty_cache()
    return {"training": training, "generate": generate}


if __name__ == "__main__":
    raise SystemExit(run("memoire", measure))
