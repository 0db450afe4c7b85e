"""Every estimate of a wide grid of settings, pinned (issue 19: tests that catch a change).

The formulas are checked against measured peaks by the slow matrices
(``test_memory_validation.py``, ``test_memory_out_of_sample*.py``, ``test_memory_sharded.py``
...), and against values derived by hand (``test_memory_parts.py``,
``test_memory_formulas.py``). This file pins, part by part, what they give for a seeded
sample of the settings a user can pick (every option, both families, mixtures of experts,
sliding windows, dropout, ZeRO 0-3 with each mixed-precision policy, LoRA, QLoRA), so that
any change to a formula fails here in a second, with the settings it moved. Mutation testing
(``bench/mutation_memory.py``) measures how much of the code these tests guard.

After a deliberate change of the formulas, run the measured matrices first, then rewrite the
pinned values and review their diff::

    .venv/bin/python tests/test_memory_golden.py --write
"""

import json
import random
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from genai_docs.memory import (
    InferenceConfig,
    TrainingConfig,
    estimate_forward,
    estimate_inference,
    estimate_training,
    model_shape,
)
from genai_docs.memory.generation import forward_moments, generation_moments
from genai_docs.memory.training import training_phases

GOLDEN = Path(__file__).with_suffix(".json")
# Shapes by formula (no PyTorch): registry models, and two configs that add what the
# registry lacks (a Llama with attention dropout, a GPT-2 with the exact GELU)
MODELS = {
    "gpt2": "gpt2",  # dropout 0.1, tied head, gelu_new
    "tinyllama-1.1b": "tinyllama-1.1b",  # grouped-query attention
    "llama-2-7b": "llama-2-7b",  # multi-head attention
    "mistral-7b": "mistral-7b",  # sliding window on every block
    "mixtral-8x7b": "mixtral-8x7b",  # 8 experts, 2 per token
    "qwen1.5-moe-a2.7b": "qwen1.5-moe-a2.7b",  # 60 experts, a shared one
    "llama-dropout": {
        "model_type": "llama",
        "hidden_size": 256,
        "intermediate_size": 688,
        "num_hidden_layers": 3,
        "num_attention_heads": 8,
        "num_key_value_heads": 2,
        "vocab_size": 3000,
        "attention_dropout": 0.1,
        "max_position_embeddings": 1024,
        "tie_word_embeddings": True,
    },
    "gpt2-gelu": {
        "model_type": "gpt2",
        "n_embd": 192,
        "n_layer": 2,
        "n_head": 3,
        "vocab_size": 3001,
        "n_positions": 1024,
        "activation_function": "gelu",
    },
    "qwen2-hybrid": {
        "model_type": "qwen2",
        "hidden_size": 128,
        "intermediate_size": 352,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "vocab_size": 1000,
        "max_position_embeddings": 512,
        "use_sliding_window": True,
        "sliding_window": 48,
        "layer_types": ["sliding_attention", "full_attention"] * 2,
        "tie_word_embeddings": False,
    },
}
PER_MODEL = {"training": 24, "generate": 12, "forward": 4}
# what an estimate's setting adds to the config it was given
DERIVED = ("mode", "peak_at", "attention", "policy", "trainable", "sharded_states")


def _training(rng: random.Random, moe: bool) -> TrainingConfig:
    precision = rng.choice(["fp32", "bf16", "mixed"])
    stage = rng.choice([0, 1, 2, 3])
    mixed = "auto"
    if precision == "mixed":
        mixed = rng.choice(["auto", "autocast", "deepspeed"] + (["fsdp2"] if stage == 3 else []))
    lora = rng.choice([0, 0, 0, 8, 16])
    return TrainingConfig(
        batch_size=rng.choice([1, 2, 8]),
        seq_len=rng.choice([64, 512, 2048]),
        precision=precision,
        optimizer=rng.choice(["adamw", "sgd", "adam8bit"]),
        recompute=rng.choice(["none", "full"]),
        attention=rng.choice(["sdpa", "eager"]),
        zero_stage=stage,
        n_gpus=rng.choice([1, 2, 8]),
        lora_rank=lora,
        qlora=bool(lora) and rng.random() < 0.3,
        lora_targets="all" if lora and not moe and rng.random() < 0.5 else "attention",
        device=rng.choice(["cuda", "cpu"]),
        mixed=mixed,
    )


def _inference(rng: random.Random) -> InferenceConfig:
    return InferenceConfig(
        batch_size=rng.choice([1, 4, 32]),
        seq_len=rng.choice([2, 64, 1000]),
        new_tokens=rng.choice([1, 8, 600]),
        dtype=rng.choice(["fp32", "fp16", "bf16", "int8", "int4"]),
        attention=rng.choice(["sdpa", "eager"]),
        device=rng.choice(["cuda", "cpu"]),
        sampling=rng.random() < 0.5,
    )


def cases():
    """``(key, shape, setting, estimate)`` for the seeded grid: the key names the model, the
    kind and the index; the setting is the config, as a dict (forward: its arguments)."""
    for name, model in MODELS.items():
        shape = model_shape(model, name)
        rng = random.Random(f"issue 19 {name}")
        for i in range(PER_MODEL["training"]):
            cfg = _training(rng, bool(shape.moe_layers))
            yield f"{name} train {i}", shape, asdict(cfg), estimate_training(shape, cfg)
        for i in range(PER_MODEL["generate"]):
            cfg = _inference(rng)
            yield f"{name} generate {i}", shape, asdict(cfg), estimate_inference(shape, cfg)
        for i in range(PER_MODEL["forward"]):
            cfg = _inference(rng)
            args = [cfg.batch_size, cfg.seq_len, cfg.dtype, cfg.attention, cfg.device]
            yield f"{name} forward {i}", shape, args, estimate_forward(shape, *args)


def _record(shape, setting, estimate) -> dict:
    """The estimate's parts at the peak, its setting, and the total of every moment (so that
    a moment that is not the peak is pinned too)."""
    if estimate.setting["mode"] == "training":
        moments = training_phases(shape, TrainingConfig(**setting))
    elif estimate.setting["mode"] == "generate":
        moments = generation_moments(shape, InferenceConfig(**setting))
    else:
        batch, seq, dtype, attention, device = setting
        moments = forward_moments(shape, InferenceConfig(batch, seq, 1, dtype, attention, device))
    return {
        "model": estimate.model,
        "params": estimate.params,
        "setting": {k: v for k, v in estimate.setting.items() if k in DERIVED},
        "parts": estimate.breakdown,
        "moments": {name: sum(parts.values()) for name, parts in moments.items()},
    }


def write() -> None:
    table = {key: _record(*case) for key, *case in cases()}
    text = json.dumps(table, separators=(",", ":"), sort_keys=True)
    GOLDEN.write_text(text.replace('},"', '},\n"') + "\n", encoding="utf-8")
    print(f"{len(table)} estimates written to {GOLDEN.name}")


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_every_pinned_estimate_is_unchanged(golden):
    computed = {key: (case[1], _record(*case)) for key, *case in cases()}
    assert computed.keys() == golden.keys()
    moved = [
        f"{key} {setting}: {golden[key]} -> {record}"
        for key, (setting, record) in computed.items()
        if record != golden[key]
    ]
    assert not moved, f"{len(moved)} estimates moved:\n" + "\n".join(moved[:10])


def test_the_grid_reaches_every_option(golden):
    settings = [setting for key, _, setting, _ in cases() if " train " in key]
    for field, values in {
        "precision": {"fp32", "bf16", "mixed"},
        "optimizer": {"adamw", "sgd", "adam8bit"},
        "zero_stage": {0, 1, 2, 3},
        "mixed": {"auto", "autocast", "fsdp2", "deepspeed"},
        "lora_targets": {"attention", "all"},
        "qlora": {True, False},
        "recompute": {"none", "full"},
        "device": {"cuda", "cpu"},
    }.items():
        assert {s[field] for s in settings} == values, field
    moments = {record["setting"]["peak_at"] for record in golden.values()}
    assert {"backward_start", "step", "recompute", "last_block", "root_reduce"} <= moments
    assert {"prefill_mlp", "decode_logits", "decode_attention", "forward_head"} <= moments


if __name__ == "__main__" and "--write" in sys.argv:
    write()


def test_forward_defaults_are_the_documented_ones():
    shape = model_shape("gpt2")
    default = estimate_forward(shape)
    assert default.to_dict() == estimate_forward(shape, 1, 512, "fp16", "sdpa", "cuda").to_dict()
    assert default.setting["mode"] == "forward" and default.model == "gpt2"
