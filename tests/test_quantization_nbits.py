"""n-bit quantization, its bit packing and the dose-response curve, against hand-computed
values and independent references."""

from __future__ import annotations

import math

import pytest
import torch

from genai_docs.quantization import (
    BitsPoint,
    pack_bits,
    pack_int4,
    perplexity_by_bits,
    quantize_absmax,
    quantize_int4,
    quantize_model,
    quantize_nbits,
    snr_db,
    unpack_bits,
)
from genai_docs.transformer import GPT, GPTConfig

ROUNDING = 1e-6  # relative slack for float32 arithmetic on top of the s/2 bounds


# --- packing ------------------------------------------------------------------------------------


def test_three_bit_codes_straddle_bytes_as_computed_by_hand() -> None:
    # fields = code + 4: [0, 7, 4] -> bits, least significant first: 000 111 001
    # -> byte 0 = 0b00111000 = 56, byte 1 = 0b00000001 = 1
    assert pack_bits(torch.tensor([-4, 3, 0]), 3).tolist() == [56, 1]


def test_two_bit_codes_four_per_byte() -> None:
    # fields = code + 2: [2, 2, 2, 3] -> 10 10 10 11 from the low bits up -> 0b11101010 = 234
    assert pack_bits(torch.tensor([0, 0, 0, 1]), 2).tolist() == [234]


def test_eight_bit_fields_are_the_codes_offset_by_128() -> None:
    assert pack_bits(torch.tensor([-128, 0, 127]), 8).tolist() == [0, 128, 255]


@pytest.mark.parametrize("bits", range(1, 9))
@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 31])
def test_pack_round_trip_for_every_width_and_length(bits, n) -> None:
    every = torch.arange(-(1 << (bits - 1)), 1 << (bits - 1))  # all 2^b codes
    codes = every.repeat(32)[:n]
    packed = pack_bits(codes, bits)
    assert packed.dtype == torch.uint8 and packed.numel() == math.ceil(n * bits / 8)
    assert torch.equal(unpack_bits(packed, bits, n), codes.to(torch.int8))


def test_four_bit_packing_is_the_int4_packing() -> None:
    codes = torch.arange(-8, 8).repeat(5)[:77]
    assert torch.equal(pack_bits(codes, 4), pack_int4(codes))


def test_packing_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match=r"\[-4, 3\]"):
        pack_bits(torch.tensor([4]), 3)
    with pytest.raises(ValueError, match="bits must be"):
        pack_bits(torch.tensor([0]), 9)
    with pytest.raises(ValueError, match="cannot hold"):
        unpack_bits(torch.zeros(2, dtype=torch.uint8), 3, 8)  # 8 × 3 bits need 3 bytes
    with pytest.raises(ValueError, match="uint8"):
        unpack_bits(torch.zeros(2, dtype=torch.int8), 3, 5)


# --- quantize_nbits -------------------------------------------------------------------------------


def test_two_and_three_bits_on_four_weights_by_hand() -> None:
    w = torch.tensor([0.5, -1.3, 0.04, 2.54])
    # 2 bits: 3 levels, s = 2.54 rounded up in fp16 = 2.541015625 (fp16 step 2^-9 near 2.5)
    two = quantize_nbits(w, 2, "tensor")
    assert float(two.scale) == 2.541015625
    assert two.dequantize().tolist() == [0.0, -2.541015625, 0.0, 2.541015625]
    # 3 bits: s = 2.54 / 3 = 0.84666..., up to the fp16 grid (step 2^-11): 1734 / 2048
    three = quantize_nbits(w, 3, "tensor")
    s = 1734 / 2048
    assert float(three.scale) == s
    assert three.dequantize().tolist() == pytest.approx([s, -2 * s, 0.0, 3 * s], abs=0)
    assert three.nbytes == 2 + 2  # 4 codes × 3 bits = 12 bits -> 2 bytes, one fp16 scale


def test_eight_bits_round_exactly_as_absmax_int8() -> None:
    w = torch.randn(40, 24, generator=torch.Generator().manual_seed(3))
    for granularity in ("tensor", "channel"):
        ours = quantize_nbits(w, 8, granularity)
        reference = quantize_absmax(w, granularity)
        assert torch.equal(ours.scale, reference.scale)
        assert torch.equal(ours.dequantize(), reference.dequantize())


def test_four_bits_per_group_store_what_int4_stores() -> None:
    w = torch.randn(1001, generator=torch.Generator().manual_seed(4))
    ours, int4 = quantize_nbits(w, 4, "group", 32), quantize_int4(w, 32)
    assert torch.equal(ours.data, int4.data) and torch.equal(ours.scale, int4.scale)


def _elementwise_scale(qt, n: int) -> torch.Tensor:
    scale = qt.scale.to(torch.float32)
    if qt.granularity == "group":
        return scale.repeat_interleave(qt.group_size)[:n]
    return scale.expand(scale.shape[0], n // scale.shape[0]).reshape(-1)


@pytest.mark.parametrize("bits", [2, 3, 5, 6, 8])
@pytest.mark.parametrize(
    ("granularity", "group_size"), [("tensor", 0), ("channel", 0), ("group", 24)]
)
def test_round_trip_error_is_at_most_half_a_step(bits, granularity, group_size) -> None:
    generator = torch.Generator().manual_seed(bits)
    w = torch.randn(16, 40, generator=generator) * torch.logspace(-2, 1, 16)[:, None]
    qt = quantize_nbits(w, bits, granularity, group_size or 64)
    error = (w - qt.dequantize()).abs().reshape(-1)
    assert (error <= _elementwise_scale(qt, w.numel()) / 2 * (1 + ROUNDING)).all()
    groups = {"tensor": 1, "channel": 16, "group": math.ceil(w.numel() / 24)}[granularity]
    assert qt.nbytes == math.ceil(w.numel() * bits / 8) + 2 * groups


@pytest.mark.parametrize("bits", [4, 5, 6, 7, 8])
def test_snr_of_uniform_data_follows_six_db_per_bit(bits) -> None:
    """Uniform data on [-1, 1] quantized with step s: noise s²/12, signal 1/3, so
    SNR = 10 log10(4 (2^(b-1) - 1)²), the textbook 6.02 dB per bit."""
    w = torch.rand(200_000, generator=torch.Generator().manual_seed(bits)) * 2 - 1
    w[0] = 1.0  # absmax is exactly 1
    expected = 10 * math.log10(4 * (2 ** (bits - 1) - 1) ** 2)
    assert snr_db(w, quantize_nbits(w, bits, "tensor").dequantize()) == pytest.approx(
        expected, abs=0.15
    )


def test_nbits_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="from 2 to 8"):
        quantize_nbits(torch.ones(4), 1)
    with pytest.raises(ValueError, match="'tensor', 'channel' or 'group'"):
        quantize_nbits(torch.ones(4), 4, "row")
    with pytest.raises(ValueError, match="group_size"):
        quantize_nbits(torch.ones(4), 4, "group", 0)
    with pytest.raises(ValueError, match="inf or NaN"):
        quantize_nbits(torch.tensor([1.0, math.inf]), 4)


# --- the dose-response curve ------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_gpt() -> GPT:
    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=96, seq_len=16, n_layer=2, n_head=2, d_model=64)).eval()


def test_curve_points_are_the_quantized_models(tiny_gpt) -> None:
    """Each point's model computes what quantize_model's QuantizedLinear layers compute."""
    x = torch.randint(0, 96, (3, 16), generator=torch.Generator().manual_seed(5))

    def mean_logit(net) -> float:
        return float(net(x)[0].double().mean())

    points = perplexity_by_bits(
        tiny_gpt, mean_logit, bits=(8, 4), granularities=(("tensor", 0), ("group", 64))
    )
    assert [(p.bits, p.granularity, p.group_size) for p in points] == [
        (8, "tensor", 0),
        (4, "tensor", 0),
        (8, "group", 64),
        (4, "group", 64),
    ]
    with torch.no_grad():
        int8 = mean_logit(quantize_model(tiny_gpt, "int8 tensor"))
        int4 = mean_logit(quantize_model(tiny_gpt, "int4 group"))
    assert points[0].perplexity == pytest.approx(int8, rel=1e-6)
    assert points[3].perplexity == pytest.approx(int4, rel=1e-6)
    # bytes: 4 matrices per block, 64 × 192 + 64 × 64 + 256 × 64 + 64 × 256 weights per block
    n = 2 * (64 * 192 + 64 * 64 + 256 * 64 + 64 * 256)
    assert points[1] == BitsPoint(
        4, "tensor", 0, n // 2 + 2 * 8, 4 + 16 * 8 / n, points[1].perplexity
    )
    assert points[3].bits_per_weight == pytest.approx(4.25)


def test_curve_leaves_the_model_alone(tiny_gpt) -> None:
    before = {k: v.clone() for k, v in tiny_gpt.state_dict().items()}
    perplexity_by_bits(tiny_gpt, lambda net: 1.0, bits=(2,), granularities=(("tensor", 0),))
    assert all(torch.equal(before[k], v) for k, v in tiny_gpt.state_dict().items())
