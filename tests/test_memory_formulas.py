"""Properties of the formulas (hypothesis) and hand-checked values."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_docs.memory import (
    InferenceConfig,
    TrainingConfig,
    estimate_inference,
    estimate_training,
    kv_cache_bytes,
    lora_params,
    model_shape,
    optimizer_bytes,
    shard_numel,
    weight_bytes,
)

SHAPES = {name: model_shape(name) for name in ("gpt2", "tinyllama-1.1b", "llama-3-8b")}

configs = st.builds(
    TrainingConfig,
    batch_size=st.integers(1, 16),
    seq_len=st.integers(1, 4096),
    precision=st.sampled_from(["fp32", "bf16", "mixed"]),
    optimizer=st.sampled_from(["adamw", "sgd", "adam8bit"]),
    recompute=st.sampled_from(["none", "full"]),
    attention=st.sampled_from(["sdpa", "eager"]),
)
names = st.sampled_from(sorted(SHAPES))


@settings(max_examples=200, deadline=None)
@given(names, configs)
def test_total_is_sum_of_parts(name, cfg):
    estimate = estimate_training(SHAPES[name], cfg)
    assert estimate.total_bytes == sum(estimate.breakdown.values())
    assert all(v >= 0 for v in estimate.breakdown.values())
    assert estimate.to_dict()["total_bytes"] == estimate.total_bytes


inference_configs = st.builds(
    InferenceConfig,
    batch_size=st.integers(1, 64),
    seq_len=st.integers(1, 4096),
    new_tokens=st.integers(1, 4096),
    dtype=st.sampled_from(["fp32", "fp16", "bf16", "int8", "int4"]),
    attention=st.sampled_from(["sdpa", "eager"]),
    device=st.sampled_from(["cuda", "cpu"]),
    sampling=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(names, configs, st.integers(1, 8), st.integers(1, 1024))
def test_memory_never_falls_when_batch_or_sequence_grows(name, cfg, more_batch, more_seq):
    shape = SHAPES[name]
    base = estimate_training(shape, cfg).total_bytes
    bigger_batch = replace(cfg, batch_size=cfg.batch_size + more_batch)
    longer = replace(cfg, seq_len=cfg.seq_len + more_seq)
    assert estimate_training(shape, bigger_batch).total_bytes >= base
    assert estimate_training(shape, longer).total_bytes >= base


@settings(max_examples=200, deadline=None)
@given(names, inference_configs, st.integers(1, 8), st.integers(1, 1024), st.integers(1, 1024))
def test_generation_never_needs_less_for_more_tokens(name, cfg, more_batch, more_seq, more_new):
    shape = SHAPES[name]
    base = estimate_inference(shape, cfg)
    assert base.total_bytes == sum(base.breakdown.values())
    for grown in (
        replace(cfg, batch_size=cfg.batch_size + more_batch),
        replace(cfg, seq_len=cfg.seq_len + more_seq),
        replace(cfg, new_tokens=cfg.new_tokens + more_new),
    ):
        assert estimate_inference(shape, grown).total_bytes >= base.total_bytes


@settings(max_examples=200, deadline=None)
@given(names, configs, st.integers(0, 3), st.integers(1, 64), st.integers(0, 2), st.integers(0, 64))
def test_sharding_never_raises_per_gpu_memory(name, cfg, stage, gpus, more_stage, more_gpus):
    """More GPUs never cost more; a higher stage up to ZeRO-2 neither. ZeRO-3 gathers, per
    GPU, unsharded copies of the root's parameters and gradients and of a block: for a
    small model whose embeddings are a third of it (GPT-2) at a tiny batch, that can exceed
    what it shards (tests below)."""
    shape = SHAPES[name]

    def total(s, n):
        return estimate_training(
            shape, TrainingConfig(**{**cfg.__dict__, "zero_stage": s, "n_gpus": n})
        ).total_bytes

    base = total(stage, gpus)
    assert total(stage, gpus + more_gpus) <= base
    if stage < 3:
        assert total(min(2, stage + more_stage), gpus) <= base


def test_zero3_pays_off_for_a_7b_model():
    shape = model_shape("llama-2-7b")
    for precision in ("fp32", "mixed"):
        zero = [
            estimate_training(shape, TrainingConfig(1, 2048, precision, zero_stage=s, n_gpus=8))
            for s in (2, 3)
        ]
        saved = zero[0].breakdown["weights"] - zero[1].breakdown["weights"]  # 7/8 of them
        assert zero[1].total_bytes < zero[0].total_bytes - saved / 2


def test_zero3_on_one_gpu_adds_its_gathered_copies():
    from genai_docs.memory.mixed import block_params, root_params
    from genai_docs.memory.training import training_phases

    shape = SHAPES["gpt2"]
    cfg = TrainingConfig(1, 128, "fp32", zero_stage=3)
    # GPT-2's root: token and position embeddings, final LayerNorm; one block: 7,087,872
    assert (root_params(shape), block_params(shape)) == (
        50257 * 768 + 1024 * 768 + 2 * 768,
        7087872,
    )
    gathered = 4 * (root_params(shape) + block_params(shape))
    assert training_phases(shape, cfg)["backward_start"]["weight_copies"] == gathered
    plain = estimate_training(shape, TrainingConfig(8, 1024, "fp32", zero_stage=0))
    fsdp = estimate_training(shape, TrainingConfig(8, 1024, "fp32", zero_stage=3))
    assert fsdp.setting["peak_at"] == "backward_start"
    assert fsdp.total_bytes - plain.total_bytes == gathered


def test_model_states_of_the_classic_rule():
    # 1 B parameters in fp32 with AdamW: 4 (weights) + 4 (gradients) + 8 (two moments) bytes.
    assert optimizer_bytes(10**9, "adamw", "fp32") == 8 * 10**9
    assert optimizer_bytes(10**9, "sgd", "fp32") == 4 * 10**9
    assert optimizer_bytes(10**9, "adamw", "bf16") == 4 * 10**9
    assert 2 * 10**9 < optimizer_bytes(10**9, "adam8bit", "fp32") < 2.01 * 10**9


def test_weight_formats():
    shape = SHAPES["tinyllama-1.1b"]
    fp32 = weight_bytes(shape, "fp32")
    assert fp32 == 4 * shape.params
    assert weight_bytes(shape, "bf16") == weight_bytes(shape, "fp16") == fp32 // 2
    # int8/int4 only the blocks' matrices; the scales cost a little
    assert (
        shape.linear_params
        < weight_bytes(shape, "int8")
        < 1.1 * shape.params + 2 * (shape.params - shape.linear_params)
    )
    # by hand, TinyLlama: per block q, o 2048², k, v 2048 × 256, gate, up, down 2048 × 5632:
    # 44,040,192 matrix weights, × 22 = 968,884,224; the rest (embedding, untied head,
    # 45 RMSNorms) 131,164,160, in fp16
    assert shape.linear_params == 968_884_224
    assert shape.params - shape.linear_params == 131_164_160
    # int4: half a byte per weight, an fp16 scale per 64 weights (15,138,816 groups)
    assert weight_bytes(shape, "int4") == 484_442_112 + 2 * 15_138_816 + 2 * 131_164_160
    # int8: a byte per weight, an fp16 scale per output row: 2048 + 2 × 256 + 2048
    # + 2 × 5632 + 2048 = 17,920 rows per block
    assert weight_bytes(shape, "int8") == 968_884_224 + 2 * 22 * 17_920 + 2 * 131_164_160
    with pytest.raises(ValueError):
        weight_bytes(shape, "fp8")


def test_kv_cache_grouped_query_attention():
    llama3 = SHAPES["llama-3-8b"]
    # 2 (K and V) x 32 layers x 8 kv-heads x 128 x 8192 tokens x 2 bytes = 1 GiB exactly
    assert kv_cache_bytes(llama3, 8192, 1) == 2**30
    gpt2 = SHAPES["gpt2"]
    assert kv_cache_bytes(gpt2, 1024, 1) == 2 * 12 * 768 * 1024 * 2


def test_lora_counts_match_the_modules():
    import torch
    from transformers import AutoModelForCausalLM

    from genai_docs.memory import load_config

    with torch.device("meta"):
        net = AutoModelForCausalLM.from_config(load_config("tinyllama-1.1b"))
    rank = 16
    expected = sum(
        rank * (m.in_features + m.out_features)
        for n, m in net.named_modules()
        if isinstance(m, torch.nn.Linear)
        and n.split(".")[-1] in ("q_proj", "k_proj", "v_proj", "o_proj")
    )
    assert lora_params(SHAPES["tinyllama-1.1b"], rank) == expected


def test_lora_and_qlora_need_less_memory():
    shape = SHAPES["tinyllama-1.1b"]
    full = estimate_training(shape, TrainingConfig(precision="mixed")).total_bytes
    lora = estimate_training(shape, TrainingConfig(precision="mixed", lora_rank=8)).total_bytes
    qlora = estimate_training(
        shape, TrainingConfig(precision="mixed", lora_rank=8, qlora=True)
    ).total_bytes
    assert qlora < lora < full


def test_shard_numel_pads_like_fsdp():
    assert shard_numel(((5, 3), (4,)), 2) == 3 * 3 + 2
    assert shard_numel(((5, 3), (4,)), 1) == 15 + 4


def test_bad_training_configs():
    with pytest.raises(ValueError):
        TrainingConfig(precision="fp8")
    with pytest.raises(ValueError):
        TrainingConfig(batch_size=0)
    with pytest.raises(ValueError):
        TrainingConfig(zero_stage=4)
    with pytest.raises(ValueError):
        TrainingConfig(qlora=True)


def test_sdpa_counts_the_scores_where_cuda_has_no_fused_kernel() -> None:
    """fp32 + grouped-query attention on CUDA runs SDPA's math kernel (measured on an H200)."""
    from genai_docs.memory.activations import effective_attention

    llama = SHAPES["tinyllama-1.1b"]  # 32 heads, 4 key/value heads
    gpt2 = SHAPES["gpt2"]  # as many key/value heads as heads
    assert effective_attention(llama, TrainingConfig(precision="fp32")) == "eager"
    assert effective_attention(llama, TrainingConfig(precision="fp32", device="cpu")) == "sdpa"
    assert effective_attention(llama, TrainingConfig(precision="mixed")) == "sdpa"
    assert effective_attention(gpt2, TrainingConfig(precision="fp32")) == "sdpa"
    fp32 = estimate_training(llama, TrainingConfig(4, 1024, "fp32")).total_bytes
    eager = estimate_training(llama, TrainingConfig(4, 1024, "fp32", attention="eager")).total_bytes
    assert fp32 == eager


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"dtype": "fp8"}, "dtype must be one of fp32, fp16, bf16, int8, int4, not 'fp8'"),
        ({"batch_size": 0}, "batch_size, seq_len and new_tokens must be positive"),
        ({"seq_len": 0}, "batch_size, seq_len and new_tokens must be positive"),
        ({"new_tokens": 0}, "batch_size, seq_len and new_tokens must be positive"),
        ({"attention": "flash"}, "attention must be 'sdpa' or 'eager', not 'flash'"),
        ({"device": "tpu"}, "device must be 'cuda' or 'cpu', not 'tpu'"),
    ],
)
def test_bad_inference_configs_say_what_is_wrong(fields, message):
    import re

    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        InferenceConfig(**fields)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"precision": "fp8"}, "precision must be one of fp32, bf16, mixed, not 'fp8'"),
        ({"optimizer": "lion"}, "optimizer must be one of adamw, sgd, adam8bit, not 'lion'"),
        ({"seq_len": 0}, "batch_size and seq_len must be positive"),
        ({"device": "tpu"}, "device must be 'cuda' or 'cpu', not 'tpu'"),
        ({"n_gpus": 0}, "zero_stage must be 0-3 and n_gpus positive"),
        ({"lora_rank": -1}, "lora_rank must be >= 0, and positive with qlora"),
        ({"lora_rank": 8, "lora_targets": "mlp"}, "lora_targets must be one of attention, all"),
    ],
)
def test_bad_training_configs_say_what_is_wrong(fields, message):
    import re

    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        TrainingConfig(**fields)


def test_what_lora_does_not_save_by_hand():
    """Per token, what a LoRA step saves less than full fine-tuning (the rule of
    ``lora_unsaved_bytes``, measured within 0.4 % in tests/test_memory_out_of_sample.py).
    Llama of width d = 96, MLP f = 256, 3 blocks; GPT-2 of width 96, MLP 384, 3 blocks;
    rank 8."""
    from genai_docs.memory.registry import held_out_configs
    from genai_docs.memory.training import lora_unsaved_bytes

    configs = held_out_configs()
    llama = model_shape(configs["llama-3x96-mha"])
    gpt2 = model_shape(configs["gpt2-3x96"])

    def unsaved(shape, precision, attention, targets="attention"):
        cfg = TrainingConfig(
            2, 128, precision, attention=attention, lora_rank=8, lora_targets=targets
        )
        return lora_unsaved_bytes(shape, cfg)

    # fp32: the MLP's inputs 3 × (d + f) · 4, x·rsqrt of 7 RMSNorms 7 · d · 4, the first norm
    # 4d + 4, the head's input d · 4; minus 3 blocks × 4 adapters × 8 · 4
    assert unsaved(llama, "fp32", "sdpa") == 3 * 352 * 4 + 7 * 384 + 388 + 384 - 384 == 7300
    # autocast: gate's and up's bf16 copies 2 · d · 2 and f · 2 per block; SDPA's output
    # copied once more by o's adapter (2d per block); products 8 · 2; norms in fp32; the
    # head's bf16 copy 2d
    assert unsaved(llama, "mixed", "sdpa") == 2688 - 576 - 192 + 2688 + 388 + 192 == 5188
    # pure bf16, eager: each adapter's fp32 copy of its input (q, k, v: 3 × 4d; o: 4d), the
    # bf16 inputs no longer saved (2 × d · 2), fp32 products 8 · 4
    assert unsaved(llama, "bf16", "eager") == 2112 - 3456 - 384 + 1344 + 388 + 192 == 196
    # GPT-2, every matrix adapted, fp32: only the first LayerNorm (d · 4 + 8) and the
    # head's input (d · 4), minus 3 blocks × 4 adapters × 8 · 4
    assert unsaved(gpt2, "fp32", "sdpa", "all") == 392 + 384 - 384 == 392
    assert lora_unsaved_bytes(llama, TrainingConfig(2, 128, "fp32")) == 0  # no LoRA
