"""Time estimates (:mod:`genai_docs.memory.speed`): published formulas and peaks, by hand.

The CPU check against a measured step lives in ``snippets/memoire/vitesse_cpu.py`` (a
timing never fails a test)."""

import pytest

from genai_docs.memory import kv_cache_bytes, model_shape, weight_bytes
from genai_docs.memory.speed import (
    DEFAULT_MFU,
    GPUS,
    decode_speed,
    experts_read,
    matmul_params,
    training_step_flops,
    training_step_seconds,
)


@pytest.mark.parametrize("recompute", [False, True])
def test_training_flops_are_narayanan_et_als(recompute):
    """Narayanan et al. (SC 2021), for GPT-2's layout (d_ff = 4h): per step,
    (72 or 96 with recomputation) · B · s · l · h² · (1 + s / 6h + V / 12lh)."""
    shape = model_shape("gpt2")
    B, s, n, h, V = 8, 1024, shape.n_layer, shape.d_model, shape.vocab_size
    factor = 96 if recompute else 72
    expected = factor * B * s * n * h**2 * (1 + s / (6 * h) + V / (12 * n * h))
    assert training_step_flops(shape, B * s, s, recompute) == pytest.approx(expected, rel=1e-12)


def test_lora_skips_the_frozen_weight_gradients():
    shape = model_shape("llama-2-7b")
    full = training_step_flops(shape, 2048, 2048, False)
    assert training_step_flops(shape, 2048, 2048, False, lora=True) == pytest.approx(full * 2 / 3)


def test_the_peaks_and_utilisation_are_the_courses():
    from genai_docs import compute

    assert GPUS["H100"].bf16_flops == compute.H100_BF16_FLOPS
    assert GPUS["A100"].bf16_flops == compute.A100_BF16_FLOPS
    assert DEFAULT_MFU == compute.DEFAULT_MFU


def test_a_step_is_operations_over_peak_times_mfu():
    shape = model_shape("llama-2-7b")
    flops = training_step_flops(shape, 8 * 2048, 2048, False)
    seconds = training_step_seconds(shape, 8 * 2048, 2048, "mixed", mfu=0.5)
    assert seconds == pytest.approx(flops / (989e12 * 0.5))
    fp32 = training_step_seconds(shape, 8 * 2048, 2048, "fp32", mfu=0.5)
    assert fp32 == pytest.approx(flops / (67e12 * 0.5))  # no tensor cores in fp32
    with pytest.raises(ValueError):
        training_step_seconds(shape, 1, 1, mfu=0)


def test_decoding_reads_the_weights_and_the_cache():
    shape = model_shape("llama-2-7b")
    kv = kv_cache_bytes(shape, 2048, 1, "bf16")
    speed = decode_speed(shape, weight_bytes(shape, "bf16"), 2048, kv, 1)
    assert speed.bytes_per_step == 2 * shape.params + kv
    assert speed.tokens_per_second == pytest.approx(3.35e12 / (2 * shape.params + kv))
    assert speed.bound == "mémoire"
    # a large batch reads the weights once for all: compute takes over
    big = decode_speed(
        shape, weight_bytes(shape, "bf16"), 16, kv_cache_bytes(shape, 16, 4096, "bf16"), 4096
    )
    assert big.bound == "calcul"


def test_experts_read_at_decoding():
    mixtral = model_shape("mixtral-8x7b")
    assert experts_read(mixtral, 1) == pytest.approx(2)  # a token's k experts
    assert experts_read(mixtral, 256) == pytest.approx(8)  # a large batch reads them all
    one = decode_speed(mixtral, weight_bytes(mixtral, "bf16"), 1, 0, 1)
    assert one.bytes_per_step == pytest.approx(2 * mixtral.active_params)
    # matmuls a token goes through: the active parameters but the embedding and norms
    assert matmul_params(mixtral) < mixtral.active_params
