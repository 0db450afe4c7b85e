"""Number formats, int8/int4 schemes and the outlier decomposition, against known references."""

from __future__ import annotations

import math

import pytest
import torch

from genai_docs.quantization import (
    SCHEMES,
    bit_layout,
    compute_in,
    decompose_outliers,
    format_info,
    format_table,
    in_format,
    int8_matmul,
    llm_int8_matmul,
    max_error,
    mse,
    outlier_activations,
    outlier_columns,
    pack_int4,
    quantization_error,
    quantize,
    quantize_absmax,
    quantize_int4,
    quantize_zeropoint,
    snr_db,
    spacing,
    unpack_int4,
)

ROUNDING = 1e-6  # relative slack for float32 arithmetic on top of the s/2 bounds


def rows_with_scales(seed: int = 0, rows: int = 48, cols: int = 40) -> torch.Tensor:
    """A (rows, cols) matrix whose rows span four orders of magnitude."""
    generator = torch.Generator().manual_seed(seed)
    scales = torch.logspace(-3, 1, rows)[:, None]  # (rows, 1)
    return torch.randn(rows, cols, generator=generator) * scales  # (rows, cols)


# --- formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "exponent", "mantissa", "largest", "normal", "eps"),
    [
        ("fp32", 8, 23, 3.4028234663852886e38, 2.0**-126, 2.0**-23),
        ("fp16", 5, 10, 65504.0, 2.0**-14, 2.0**-10),
        ("bf16", 8, 7, 3.3895313892515355e38, 2.0**-126, 2.0**-7),
        ("fp8 e4m3", 4, 3, 448.0, 2.0**-6, 2.0**-3),
        ("fp8 e5m2", 5, 2, 57344.0, 2.0**-14, 2.0**-2),
    ],
)
def test_format_table_matches_the_standards(fmt, exponent, mantissa, largest, normal, eps) -> None:
    info = format_info(fmt)
    assert (info.sign_bits, info.exponent_bits, info.mantissa_bits) == (1, exponent, mantissa)
    assert info.bits == 1 + exponent + mantissa
    assert info.max == largest
    assert info.smallest_normal == normal
    assert info.eps == eps
    assert info.smallest_subnormal == normal * eps


def test_format_table_lists_the_five_formats_widest_first() -> None:
    assert [info.name for info in format_table()] == [
        "fp32",
        "fp16",
        "bf16",
        "fp8 e4m3",
        "fp8 e5m2",
    ]


def _decode(layout, exponent_bits: int, mantissa_bits: int) -> float:
    """The value of IEEE-style bits (normal numbers), decoded independently of torch."""
    bias = 2 ** (exponent_bits - 1) - 1
    fraction = 1 + int(layout.mantissa, 2) / 2**mantissa_bits
    return (-1) ** int(layout.sign) * fraction * 2.0 ** (int(layout.exponent, 2) - bias)


@pytest.mark.parametrize("fmt", ["fp32", "fp16", "bf16", "fp8 e4m3", "fp8 e5m2"])
def test_bit_layout_of_pi_decodes_to_the_stored_value(fmt) -> None:
    info = format_info(fmt)
    layout = bit_layout(math.pi, fmt)
    assert len(layout.exponent) == info.exponent_bits and len(layout.mantissa) == info.mantissa_bits
    assert _decode(layout, info.exponent_bits, info.mantissa_bits) == layout.stored
    assert abs(layout.stored - math.pi) <= spacing(math.pi, fmt) / 2


def test_known_bit_patterns() -> None:
    assert bit_layout(math.pi, "fp32").bits == format(0x40490FDB, "032b")
    assert bit_layout(math.pi, "fp16").bits == format(0x4248, "016b")
    assert bit_layout(math.pi, "bf16").bits == format(0x4049, "016b")
    assert bit_layout(-2.0, "fp16").bits == format(0xC000, "016b")
    assert bit_layout(math.pi, "fp8 e4m3").stored == 3.25
    assert bit_layout(math.pi, "fp8 e5m2").stored == 3.0


def test_fp16_overflows_where_bf16_does_not() -> None:
    assert compute_in(torch.mul, 300.0, 300.0, fmt="fp16") == math.inf
    assert compute_in(torch.mul, 300.0, 300.0, fmt="bf16") == 90112.0  # 90 000, to 8 bits
    assert compute_in(torch.exp, 12.0, fmt="fp16") == math.inf
    assert compute_in(torch.exp, 12.0, fmt="bf16") == pytest.approx(math.exp(12), rel=2**-8)


def test_fp16_underflows_small_values_that_bf16_keeps() -> None:
    assert in_format(1e-8, "fp16") == 0.0
    assert in_format(1e-8, "bf16") == pytest.approx(1e-8, rel=2**-8)
    assert in_format(6e-8, "fp16") == 2.0**-24  # the smallest subnormal


def test_rounding_of_integers() -> None:
    assert in_format(2049, "fp16") == 2048  # gap of 2 above 2048 (11 significant bits)
    assert in_format(2049, "bf16") == 2048
    assert in_format(257, "fp16") == 257
    assert in_format(257, "bf16") == 256  # gap of 2 above 256 (8 significant bits)
    assert spacing(2048, "fp16") == 2 and spacing(256, "bf16") == 2
    assert spacing(1.0, "fp32") == 2.0**-23


def test_formats_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="format must be one of"):
        format_info("fp64")
    with pytest.raises(ValueError, match="non-zero"):
        spacing(0.0, "fp16")


# --- schemes ----------------------------------------------------------------------------------


def _elementwise_scale(qt, shape) -> torch.Tensor:
    """The stored scale that applies to each element, shaped like the original."""
    if qt.granularity == "group":
        n = math.prod(shape)
        return qt.scale.float().repeat_interleave(qt.group_size)[:n].view(shape)
    rows = qt.scale.float()  # (r, 1)
    return rows.expand(rows.shape[0], math.prod(shape) // rows.shape[0]).reshape(shape)


@pytest.mark.parametrize("granularity", ["tensor", "channel"])
@pytest.mark.parametrize("quantizer", [quantize_absmax, quantize_zeropoint])
def test_int8_round_trip_error_is_at_most_half_a_step(quantizer, granularity) -> None:
    for seed in range(3):
        w = rows_with_scales(seed)
        qt = quantizer(w, granularity)
        error = (w - qt.dequantize()).abs()
        assert (error <= _elementwise_scale(qt, w.shape) / 2 * (1 + ROUNDING)).all()
        assert qt.data.dtype == torch.int8


def test_zero_point_is_exact_for_zero_and_wins_on_one_sided_data() -> None:
    generator = torch.Generator().manual_seed(1)
    w = torch.rand(64, 64, generator=generator) * 3  # all positive, like ReLU outputs
    w[0, 0] = 0.0
    zero_point = quantize_zeropoint(w)
    absmax = quantize_absmax(w)
    assert zero_point.dequantize()[0, 0] == 0.0
    # absmax spends half its 255 codes on negative numbers that never occur: ~4x the MSE
    assert mse(w, zero_point.dequantize()) < mse(w, absmax.dequantize()) / 3


def test_per_channel_beats_per_tensor_on_rows_of_different_scales() -> None:
    w = rows_with_scales()
    per_tensor = quantization_error(w, quantize_absmax(w, "tensor"))
    per_channel = quantization_error(w, quantize_absmax(w, "channel"))
    assert per_channel.mse < per_tensor.mse / 5
    assert per_channel.snr_db > per_tensor.snr_db + 8
    # the small rows: per tensor rounds almost all of them to 0, per channel keeps them
    small = w[:8]
    assert (quantize_absmax(w, "tensor").dequantize()[:8] == 0).float().mean() > 0.9
    assert snr_db(small, quantize_absmax(w, "channel").dequantize()[:8]) > 35


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 16, 17, 33])
def test_int4_pack_round_trip_on_all_16_values_and_odd_lengths(n) -> None:
    every = torch.arange(-8, 8, dtype=torch.int8)  # the 16 codes
    codes = every.repeat(3)[:n] if n else every[:0]
    packed = pack_int4(codes)
    assert packed.dtype == torch.uint8 and packed.numel() == math.ceil(n / 2)
    assert torch.equal(unpack_int4(packed, n), codes)
    assert torch.equal(unpack_int4(pack_int4(every), 16), every)


def test_int4_packs_two_codes_per_byte_low_nibble_first() -> None:
    packed = pack_int4(torch.tensor([-8, 7, 0], dtype=torch.int8))
    assert packed.tolist() == [0x00 | (15 << 4), 8]


@pytest.mark.parametrize(
    ("n", "group_size"), [(1, 64), (63, 64), (129, 64), (1001, 32), (4096, 64)]
)
def test_int4_real_bytes_are_half_a_byte_per_weight_plus_scales(n, group_size) -> None:
    w = torch.randn(n, generator=torch.Generator().manual_seed(n))
    qt = quantize_int4(w, group_size)
    assert qt.nbytes == math.ceil(n / 2) + 2 * math.ceil(n / group_size)  # fp16 scales
    assert qt.data.numel() == math.ceil(n / 2)


def test_int4_group_error_is_at_most_half_a_step() -> None:
    w = rows_with_scales(rows=16, cols=96)  # groups of 64 straddle rows
    qt = quantize_int4(w, 64)
    error = (w - qt.dequantize()).abs()
    assert (error <= _elementwise_scale(qt, w.shape) / 2 * (1 + ROUNDING)).all()
    assert qt.dequantize().shape == w.shape


def test_int8_real_bytes() -> None:
    w = torch.randn(48, 40)
    assert quantize_absmax(w, "tensor").nbytes == 48 * 40 + 2
    assert quantize_absmax(w, "channel").nbytes == 48 * 40 + 2 * 48
    assert quantize_zeropoint(w, "channel").nbytes == 48 * 40 + 2 * 48 + 48
    assert quantize_int4(w, 64).bits_per_weight == pytest.approx(4.25, abs=0.01)


def test_error_measures_against_hand_computed_values() -> None:
    w = torch.tensor([1.0, 2.0])
    w_hat = torch.tensor([1.0, 4.0])
    assert mse(w, w_hat) == 2.0
    assert max_error(w, w_hat) == 2.0
    assert snr_db(w, w_hat) == pytest.approx(10 * math.log10(5 / 4))
    assert snr_db(w, w) == math.inf


def test_every_named_scheme_runs_and_int4_costs_more_error() -> None:
    w = rows_with_scales()
    errors = {name: quantization_error(w, quantize(w, name)) for name in SCHEMES}
    assert errors["int4 group 64"].mse > errors["int8 absmax channel"].mse
    assert errors["int4 group 64"].nbytes < errors["int8 absmax tensor"].nbytes / 1.8


def test_schemes_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="inf or NaN"):
        quantize_absmax(torch.tensor([1.0, math.nan]))
    with pytest.raises(ValueError, match="floating-point"):
        quantize_absmax(torch.tensor([1, 2]))
    with pytest.raises(ValueError, match="empty"):
        quantize_int4(torch.zeros(0))
    with pytest.raises(ValueError, match="granularity"):
        quantize_absmax(torch.ones(3, 3), "row")
    with pytest.raises(ValueError, match="2 or more dimensions"):
        quantize_zeropoint(torch.ones(3), "channel")
    with pytest.raises(ValueError, match=r"\[-8, 7\]"):
        pack_int4(torch.tensor([8]))
    with pytest.raises(ValueError, match="cannot hold"):
        unpack_int4(torch.zeros(2, dtype=torch.uint8), 5)
    with pytest.raises(ValueError, match="scheme must be one of"):
        quantize(torch.ones(2), "int2")
    with pytest.raises(ValueError, match="group_size"):
        quantize_int4(torch.ones(2), 0)


def test_all_zero_rows_quantize_to_zero() -> None:
    w = torch.zeros(4, 8)
    w[1] = torch.linspace(-1, 1, 8)
    for granularity in ("tensor", "channel"):
        assert torch.equal(quantize_absmax(w, granularity).dequantize()[0], torch.zeros(8))
        assert torch.equal(quantize_zeropoint(w, granularity).dequantize()[0], torch.zeros(8))


# --- outliers ---------------------------------------------------------------------------------


def test_outlier_columns_are_found() -> None:
    x = outlier_activations(n_tokens=32, n_features=128, n_outliers=3, seed=2)
    columns = outlier_columns(x)
    assert len(columns) == 3
    assert (x[:, columns].abs() > 30).all()


def test_per_tensor_absmax_loses_the_small_values_and_the_decomposition_recovers_them() -> None:
    x = outlier_activations()  # (64, 256), 4 columns near ±60
    x_hat, columns = decompose_outliers(x)
    normal = torch.ones(x.shape[1], dtype=torch.bool)
    normal[columns] = False
    per_tensor = quantize_absmax(x).dequantize()
    # the step is ~60/127 ≈ 0.5: a quarter of the N(0, 1) values round to 0
    assert (per_tensor[:, normal] == 0).float().mean() > 0.2
    assert snr_db(x[:, normal], per_tensor[:, normal]) < 20
    # outliers kept in fp16 (relative error <= 2^-11), the rest with a step of max|x|/127
    step = x[:, normal].abs().max() / 127
    assert max_error(x[:, normal], x_hat[:, normal]) <= step / 2 * (1 + 1e-3)
    assert ((x_hat[:, columns] - x[:, columns]).abs() <= x[:, columns].abs() * 2**-11).all()
    assert snr_db(x[:, normal], x_hat[:, normal]) > 35


def test_llm_int8_matmul_matches_the_float_product() -> None:
    x = outlier_activations()
    w = torch.randn(256, 96, generator=torch.Generator().manual_seed(3)) * 0.05
    reference = x @ w
    relative = {
        name: (out - reference).norm() / reference.norm()
        for name, out in (
            ("tensor", int8_matmul(x, w, "tensor")),
            ("vector", int8_matmul(x, w, "vector")),
            ("mixed", llm_int8_matmul(x, w)),
        )
    }
    assert relative["mixed"] < 5e-3
    assert relative["tensor"] > 5 * relative["mixed"]
    assert relative["vector"] > 5 * relative["mixed"]  # per-token scales do not help: every
    # token carries the outlier features


def test_int8_matmul_without_outliers_is_close_to_float() -> None:
    generator = torch.Generator().manual_seed(4)
    x, w = torch.randn(32, 64, generator=generator), torch.randn(64, 16, generator=generator)
    reference = x @ w
    assert ((int8_matmul(x, w) - reference).norm() / reference.norm()) < 2e-2
    assert torch.allclose(llm_int8_matmul(x, w), int8_matmul(x, w))  # nothing above 6: no split


def test_outliers_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="cannot multiply"):
        llm_int8_matmul(torch.ones(2, 3), torch.ones(4, 2))
    with pytest.raises(ValueError, match="matrix"):
        outlier_columns(torch.ones(3))
    with pytest.raises(ValueError, match="granularity"):
        int8_matmul(torch.ones(2, 2), torch.ones(2, 2), "row")
    with pytest.raises(ValueError, match="n_outliers"):
        outlier_activations(n_features=4, n_outliers=5)
