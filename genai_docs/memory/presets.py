"""« Réglages de la leçon »: the settings of the Mémoire lesson's figures, for the calculator.

Each preset is what a reader would type into the calculator's form (field name → value)
to find one figure of ``docs/memoire.md`` again; the snippet that computes the figure is
named beside it, and ``tests/test_memory_calculator.py`` runs that snippet and checks that
the calculator shows the figure it publishes. Without them, the calculator's default
(mixed precision, no recomputation) gives 44.31 GB for the LoRA example the lesson puts
at 15.1 GB (content review 2, §5).
"""

from __future__ import annotations

_TRAINING = {
    "mode": "training",
    "batch_size": "1",
    "seq_len": "2048",
    "attention": "sdpa",
    "device": "cuda",
    "precision": "mixed",
    "mixed": "auto",
    "optimizer": "adamw",
    "recompute": "full",
    "zero_stage": "0",
    "n_gpus": "1",
    "lora_rank": "0",
    "qlora": "",
}

# label -> (snippet and the value it publishes, the form's fields)
LESSON_PRESETS: dict[str, tuple[str, dict[str, str]]] = {
    "TinyLlama, fp32, 4 × 2048": (
        "memoire/entrainement_1b.py:pic_4x2048",
        {
            **_TRAINING,
            "model": "tinyllama-1.1b",
            "precision": "fp32",
            "batch_size": "4",
            "recompute": "none",
        },
    ),
    "Llama-2-7B, ZeRO-3 sur 8 GPU": (
        "memoire/zero_plusieurs_gpu.py:pic_zero3",
        {**_TRAINING, "model": "llama-2-7b", "zero_stage": "3", "n_gpus": "8"},
    ),
    "Llama-2-7B, LoRA rang 16": (
        "memoire/lora.py:pic_lora",
        {**_TRAINING, "model": "llama-2-7b", "precision": "bf16", "lora_rank": "16"},
    ),
    "Llama-2-7B, QLoRA": (
        "memoire/lora.py:pic_qlora",
        {
            **_TRAINING,
            "model": "llama-2-7b",
            "precision": "bf16",
            "lora_rank": "16",
            "qlora": "on",
        },
    ),
    "Llama-2-7B, inférence bf16": (
        "memoire/modeles_connus.py:inference_7b",
        {
            "model": "llama-2-7b",
            "mode": "inference",
            "batch_size": "1",
            "seq_len": "2048",
            "attention": "sdpa",
            "device": "cuda",
            "dtype": "bf16",
            "new_tokens": "1",
            "sampling": "",
        },
    ),
}
