"""The quantized GPT (bytes, logits), mixed-precision training and the matmul formats."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from genai_docs.quantization import (
    VARIANTS,
    MatmulShape,
    MixedPrecisionConfig,
    QuantizedLinear,
    activation_gradient_zeros,
    block_linear_names,
    compare_variants,
    dynamic_quantize,
    make_matmul,
    model_nbytes,
    published_peaks,
    quantize_absmax,
    quantize_model,
    run_benchmark,
    train_mixed_precision,
    underflow_by_layer,
    underflow_fraction,
    unsupported_reason,
)
from genai_docs.transformer import GPT, GPTConfig

TINY = GPTConfig(vocab_size=96, seq_len=32, n_layer=2, n_head=2, d_model=64)


@pytest.fixture(scope="module")
def tiny_gpt() -> GPT:
    torch.manual_seed(0)
    return GPT(TINY).eval()


@pytest.fixture(scope="module")
def tokens() -> torch.Tensor:
    return torch.randint(0, TINY.vocab_size, (4, TINY.seq_len), generator=torch.Generator())


def _linear_numel(model) -> tuple[int, int]:
    """Weights and rows of the block matrices."""
    weights = [model.get_submodule(n).weight for n in block_linear_names(model)]
    return sum(w.numel() for w in weights), sum(w.shape[0] for w in weights)


def test_variant_bytes_are_the_real_sizes(tiny_gpt) -> None:
    n, rows = _linear_numel(tiny_gpt)
    params = tiny_gpt.num_parameters()
    rest = 4 * (params - n)  # embeddings, norms, biases stay fp32
    expected = {
        "fp32": 4 * params,
        "bf16": 2 * n + rest,
        "int8 tensor": n + 2 * len(block_linear_names(tiny_gpt)) + rest,
        "int8 channel": n + 2 * rows + rest,
        "int4 group": math.ceil(n / 2) + 2 * math.ceil(n / 64) + rest,  # 64 divides each matrix
    }
    for variant in VARIANTS:
        assert model_nbytes(quantize_model(tiny_gpt, variant)) == expected[variant], variant


@torch.no_grad()
def test_quantized_logits_stay_close_to_fp32(tiny_gpt, tokens) -> None:
    reference, _ = tiny_gpt(tokens)
    # relative error of the logits; measured 0.13 %, 0.73 %, 0.47 % and 8.4 %
    tolerance = {"bf16": 0.005, "int8 tensor": 0.02, "int8 channel": 0.015, "int4 group": 0.2}
    errors = {}
    for variant, tol in tolerance.items():
        logits, _ = quantize_model(tiny_gpt, variant)(tokens)
        errors[variant] = float((logits - reference).norm() / reference.norm())
        assert errors[variant] < tol, variant
    assert errors["bf16"] < errors["int8 channel"] < errors["int4 group"]
    assert torch.equal(quantize_model(tiny_gpt, "fp32")(tokens)[0], reference)


def test_quantize_model_leaves_the_original_alone(tiny_gpt) -> None:
    before = {k: v.clone() for k, v in tiny_gpt.state_dict().items()}
    quantize_model(tiny_gpt, "int4 group")
    assert all(torch.equal(before[k], v) for k, v in tiny_gpt.state_dict().items())
    assert "lm_head" not in block_linear_names(tiny_gpt)


def test_quantized_linear_is_a_linear_with_the_dequantized_weight() -> None:
    generator = torch.Generator().manual_seed(0)
    w, b = torch.randn(8, 16, generator=generator), torch.randn(8, generator=generator)
    x = torch.randn(3, 16, generator=generator)
    qt = quantize_absmax(w, "channel")
    layer = QuantizedLinear(qt, b)
    assert torch.equal(layer(x), F.linear(x, qt.dequantize(), b))
    assert torch.allclose(layer(x), F.linear(x, w, b), atol=0.05)


@torch.no_grad()
def test_pytorch_dynamic_quantization_side_by_side(tiny_gpt, tokens) -> None:
    n, rows = _linear_numel(tiny_gpt)
    params = tiny_gpt.num_parameters()
    rest = 4 * (params - n)
    per_channel = dynamic_quantize(tiny_gpt, per_channel=True)
    # int8 codes, a float64 scale and an int64 zero point per row
    assert model_nbytes(per_channel) == n + 16 * rows + rest
    reference, _ = tiny_gpt(tokens)
    logits, _ = per_channel(tokens)
    assert (logits - reference).abs().max() < 0.1 * reference.std()  # activations in int8 too
    results = compare_variants(tiny_gpt, lambda m: math.exp(m(tokens, tokens)[1].item()))
    names = [r.variant for r in results]
    assert names == [*VARIANTS, "pytorch int8 tensor", "pytorch int8 channel"]
    by_name = {r.variant: r for r in results}
    assert by_name["int8 channel"].matrix_bytes == n + 2 * rows
    assert by_name["int4 group"].matrix_bytes / by_name["fp32"].matrix_bytes == pytest.approx(
        (0.5 + 2 / 64) / 4
    )
    ppl = by_name["fp32"].perplexity
    assert by_name["int8 channel"].perplexity == pytest.approx(ppl, rel=0.01)


def test_model_rejects_an_unknown_variant(tiny_gpt) -> None:
    with pytest.raises(ValueError, match="variant must be one of"):
        quantize_model(tiny_gpt, "int2")


# --- mixed precision ---------------------------------------------------------------------------

MIXED = MixedPrecisionConfig(
    model=GPTConfig(vocab_size=96, seq_len=16, n_layer=1, n_head=2, d_model=32),
    steps=3,
    batch_size=4,
    seq_len=16,
)


def test_every_mode_trains_from_the_same_start() -> None:
    data = torch.randint(0, 96, (2000,), generator=torch.Generator().manual_seed(0))
    runs = {mode: train_mixed_precision(mode, data, MIXED)[0] for mode in ("fp32", "bf16")}
    runs["fp16 + GradScaler"] = train_mixed_precision("fp16 + GradScaler", data, MIXED)[0]
    first = runs["fp32"].losses[0]
    for run in runs.values():
        assert len(run.losses) == 3 and all(math.isfinite(v) for v in run.losses)
        assert run.losses[0] == pytest.approx(first, abs=0.05)  # same weights, same batch
    assert runs["fp32"].final_scale == 1.0
    # GradScaler halves its scale (backoff_factor 0.5) at each step whose fp16 gradients
    # overflow, and skips that step: with the loss 2^12 times larger, all 3 overflow
    loud = MixedPrecisionConfig(**{**MIXED.__dict__, "loss_multiplier": 2.0**12})
    scaled = train_mixed_precision("fp16 + GradScaler", data, loud)[0]
    assert (scaled.skipped_steps, scaled.final_scale) == (3, 2.0**16 * 0.5**3)
    assert runs["fp16 + GradScaler"].skipped_steps == 0


def test_measured_fp16_zeros_match_the_underflow_predicted_from_fp32() -> None:
    """A loss scaled by 2^-12 pushes the gradients near fp16's floor: the share of activation
    gradients that fp16 actually flushes to zero is the share fp32 puts below 2^-25."""
    torch.manual_seed(0)
    model = GPT(MIXED.model)
    generator = torch.Generator().manual_seed(1)
    x = torch.randint(0, 96, (4, 16), generator=generator)
    y = torch.randint(0, 96, (4, 16), generator=generator)
    scale = 2.0**-12
    predicted, norm_share = underflow_fraction(model, x, y, scale)
    measured = activation_gradient_zeros(model, x, y, "fp16", scale)
    baseline = activation_gradient_zeros(model, x, y, "fp32", scale)
    assert 0.05 < predicted < 0.95  # the test is not vacuous
    assert measured - baseline == pytest.approx(predicted, abs=0.05)
    assert 0 <= norm_share < predicted
    assert underflow_fraction(model, x, y, scale * 2.0**16)[0] < predicted / 10


def test_a_power_of_two_loss_multiplier_changes_nothing_in_fp32_and_bf16() -> None:
    """The loss times 2^-13 and AdamW's eps times 2^-13: bit for bit the same run, since a
    power of two multiplies exactly; fp16, whose range is narrow, does tell them apart."""
    data = torch.randint(0, 96, (2000,), generator=torch.Generator().manual_seed(0))
    small = MixedPrecisionConfig(**{**MIXED.__dict__, "loss_multiplier": 2.0**-13})
    for mode in ("fp32", "bf16"):
        plain = train_mixed_precision(mode, data, MIXED)[0].losses
        assert train_mixed_precision(mode, data, small)[0].losses == plain
    plain = train_mixed_precision("fp16", data, MIXED)[0]
    shrunk = train_mixed_precision("fp16", data, small)[0]
    assert shrunk.losses != plain.losses
    assert shrunk.activation_zeros > plain.activation_zeros + 0.3


def test_underflow_by_layer_adds_up_to_the_whole_model() -> None:
    """Weighted by their non-zero values, the layers' shares are the model's share."""
    torch.manual_seed(0)
    model = GPT(MIXED.model)
    generator = torch.Generator().manual_seed(1)
    x = torch.randint(0, 96, (4, 16), generator=generator)
    y = torch.randint(0, 96, (4, 16), generator=generator)
    scales = (1.0, 2.0**-12, 2.0**-20)
    layers = underflow_by_layer(model, x, y, scales)
    assert [layer.name for layer in layers] == [
        "h.0.attn.c_attn",
        "h.0.attn.c_proj",
        "h.0.mlp.c_fc",
        "h.0.mlp.c_proj",
        "lm_head",
    ]
    widths = {"h.0.attn.c_attn": 96, "h.0.mlp.c_fc": 128, "lm_head": 96}  # output widths
    for layer in layers:  # B × T × width values, exact zeros left out
        n = 4 * 16 * widths.get(layer.name, 32)
        assert 0.9 * n < layer.n_values <= n
    counts = [layer.n_values for layer in layers]
    for i, scale in enumerate(scales):
        whole, _ = underflow_fraction(model, x, y, scale)
        pooled = sum(c * layer.shares[i] for c, layer in zip(counts, layers, strict=True))
        assert pooled / sum(counts) == pytest.approx(whole, rel=1e-9)
    for layer in layers:  # a smaller scale flushes more, and the median sits at the margin
        assert layer.shares[0] <= layer.shares[1] <= layer.shares[2]
        assert (layer.shares[0] < 0.5) == (layer.median_margin > 0)
        assert all(0 <= share <= 1 for share in layer.norm_shares)


def test_mixed_precision_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="mode must be one of"):
        train_mixed_precision("fp64", torch.zeros(100, dtype=torch.long))
    with pytest.raises(ValueError, match="seq_len"):
        MixedPrecisionConfig(seq_len=1000)
    with pytest.raises(ValueError, match="loss_multiplier"):
        MixedPrecisionConfig(loss_multiplier=0.0)


# --- matmul -----------------------------------------------------------------------------------

SMALL = MatmulShape("small", 32, 64, 48)


def test_int8_matmul_is_exact_and_fp8_close_to_float() -> None:
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(SMALL.m, SMALL.k, generator=generator)
    b = torch.randn(SMALL.n, SMALL.k, generator=generator).T
    result = make_matmul("int8", SMALL)()
    a8 = (a * 30).round().clamp(-127, 127).long()
    b8 = (b * 30).round().clamp(-127, 127).long()
    assert result.dtype == torch.int32 and torch.equal(result.long(), a8 @ b8)
    reference = a @ b
    tolerance = {"fp32": 1e-5, "fp16": 2e-3, "bf16": 1e-2, "fp8": 0.1}
    for fmt, tol in tolerance.items():
        if unsupported_reason(fmt, "cpu"):
            continue
        out = make_matmul(fmt, SMALL)().float()
        assert (out - reference).norm() / reference.norm() < tol, fmt


def test_benchmark_runs_every_cpu_format_and_says_why_others_are_left_out() -> None:
    results, skipped = run_benchmark("cpu", (SMALL,), min_run_time=0.01)
    assert "tf32" in skipped
    assert {r.fmt for r in results} | set(skipped) == {
        "fp32",
        "tf32",
        "fp16",
        "bf16",
        "int8",
        "fp8",
    }
    assert all(r.device == "cpu" and r.tops > 0 for r in results)
    assert SMALL.ops == 2 * 32 * 64 * 48
    assert SMALL.bytes_moved("int8") == 32 * 64 + 64 * 48 + 4 * 32 * 48


def test_published_peaks_match_device_names() -> None:
    assert published_peaks("NVIDIA H100 80GB HBM3").name == "H100 SXM"
    assert published_peaks("NVIDIA H100 PCIe").name == "H100 PCIe"
    assert published_peaks("NVIDIA H200").name == "H200 SXM"
    assert published_peaks("NVIDIA A100-SXM4-80GB").name == "A100 80GB SXM"
    assert published_peaks("NVIDIA L4").name == "L4"
    assert published_peaks("NVIDIA L40S") is None
    h100 = published_peaks("H100 SXM")
    assert h100.tops["fp8"] == 2 * h100.tops["bf16"]  # fp8 doubles the tensor-core rate


def test_matmul_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="format must be one of"):
        make_matmul("int2", SMALL)
    with pytest.raises(ValueError, match="device"):
        unsupported_reason("fp32", "tpu")
    with pytest.raises(ValueError, match="positive"):
        MatmulShape("empty", 0, 1, 1)


def test_tf32_switch_is_restored_after_each_call() -> None:
    from genai_docs.quantization.matmul import _tf32

    matmul = torch.backends.cuda.matmul
    before = matmul.fp32_precision if hasattr(matmul, "fp32_precision") else matmul.allow_tf32
    for enabled in (True, False):
        with _tf32(enabled):
            if hasattr(matmul, "fp32_precision"):
                assert matmul.fp32_precision == ("tf32" if enabled else "ieee")
            else:
                assert matmul.allow_tf32 is enabled
    after = matmul.fp32_precision if hasattr(matmul, "fp32_precision") else matmul.allow_tf32
    assert after == before


def test_only_a_missing_kernel_reads_as_unsupported(monkeypatch) -> None:
    """Issue 19: a broken fp8 path must fail, not be skipped as « unsupported »."""
    import genai_docs.quantization.matmul as matmul

    def failing(error):
        def make(*args, **kwargs):
            def run():
                raise error

            return run

        return make

    missing = NotImplementedError(
        "Could not run 'aten::_scaled_mm' with arguments from the 'CPU' backend."
    )
    monkeypatch.setattr(matmul, "make_matmul", failing(missing))
    assert "not supported" in matmul.unsupported_reason("fp8", "cpu")
    old_gpu = RuntimeError("torch._scaled_mm is only supported on CUDA devices with compute capability >= 9.0 or 8.9")  # fmt: skip
    monkeypatch.setattr(matmul, "make_matmul", failing(old_gpu))
    assert matmul.unsupported_reason("fp8", "cpu")
    broken = RuntimeError("mat1 and mat2 shapes cannot be multiplied (32x32 and 16x32)")
    monkeypatch.setattr(matmul, "make_matmul", failing(broken))
    with pytest.raises(RuntimeError, match="shapes cannot be multiplied"):
        matmul.unsupported_reason("fp8", "cpu")
