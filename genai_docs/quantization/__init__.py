"""Number formats and quantization: fewer bits per number, and what it costs.

- ``formats``: fp32, fp16, bf16, fp8 e4m3/e5m2 from ``torch.finfo``, their bits, rounding;
- ``schemes``: absmax and zero-point int8 (per tensor, per channel), group-wise int4 packed
  two per byte, dequantization, error measures (MSE, max error, SNR);
- ``outliers``: the outlier features of LLM.int8() and its mixed int8/fp16 decomposition;
- ``model``: the course GPT with its matrices stored in each format: real bytes, perplexity,
  and PyTorch's own dynamic int8 quantization beside ours;
- ``mixed_precision``: training in fp16 without and with loss scaling, and in bf16;
- ``matmul``: matrix-multiply throughput per format, beside published GPU peaks;
- ``speed``: what the published peaks and bandwidths predict (roofline), and PyTorch's int8
  CPU path timed against ``nn.Linear``;
- ``figures``: French tick labels (decimal comma) for matplotlib figures.

Attributes are imported lazily (PEP 562), so that importing one module does not import the
others (``model`` and ``mixed_precision`` import the course transformer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from genai_docs.lazy import lazy_exports

# public name -> submodule that defines it
_EXPORTS = {
    "FORMATS": "formats",
    "BitLayout": "formats",
    "FormatInfo": "formats",
    "bit_layout": "formats",
    "compute_in": "formats",
    "format_info": "formats",
    "format_table": "formats",
    "in_format": "formats",
    "plot_bit_layouts": "formats",
    "spacing": "formats",
    "SCHEMES": "schemes",
    "ErrorStats": "schemes",
    "QuantizedTensor": "schemes",
    "max_error": "schemes",
    "mse": "schemes",
    "pack_bits": "schemes",
    "pack_int4": "schemes",
    "quantization_error": "schemes",
    "quantize": "schemes",
    "quantize_absmax": "schemes",
    "quantize_int4": "schemes",
    "quantize_nbits": "schemes",
    "quantize_zeropoint": "schemes",
    "snr_db": "schemes",
    "unpack_bits": "schemes",
    "unpack_int4": "schemes",
    "decompose_outliers": "outliers",
    "int8_matmul": "outliers",
    "llm_int8_matmul": "outliers",
    "outlier_activations": "outliers",
    "outlier_columns": "outliers",
    "GRANULARITY_SWEEP": "model",
    "VARIANTS": "model",
    "BitsPoint": "model",
    "QuantizedLinear": "model",
    "VariantResult": "model",
    "block_linear_names": "model",
    "compare_variants": "model",
    "dynamic_quantize": "model",
    "model_nbytes": "model",
    "perplexity_by_bits": "model",
    "quantize_model": "model",
    "CpuLinearTiming": "speed",
    "DecodeEstimate": "speed",
    "crossover_batch": "speed",
    "decode_step": "speed",
    "time_dynamic_int8": "speed",
    "MODES": "mixed_precision",
    "LayerUnderflow": "mixed_precision",
    "MixedPrecisionConfig": "mixed_precision",
    "MixedPrecisionRun": "mixed_precision",
    "activation_gradient_zeros": "mixed_precision",
    "train_mixed_precision": "mixed_precision",
    "underflow_by_layer": "mixed_precision",
    "underflow_fraction": "mixed_precision",
    "MATMUL_FORMATS": "matmul",
    "PUBLISHED_PEAKS": "matmul",
    "GpuPeaks": "matmul",
    "MatmulResult": "matmul",
    "MatmulShape": "matmul",
    "default_shapes": "matmul",
    "make_matmul": "matmul",
    "published_peaks": "matmul",
    "run_benchmark": "matmul",
    "unsupported_reason": "matmul",
}

__all__ = [
    "BitLayout",
    "BitsPoint",
    "CpuLinearTiming",
    "DecodeEstimate",
    "ErrorStats",
    "FORMATS",
    "FormatInfo",
    "GRANULARITY_SWEEP",
    "GpuPeaks",
    "LayerUnderflow",
    "MATMUL_FORMATS",
    "MODES",
    "MatmulResult",
    "MatmulShape",
    "MixedPrecisionConfig",
    "MixedPrecisionRun",
    "PUBLISHED_PEAKS",
    "QuantizedLinear",
    "QuantizedTensor",
    "SCHEMES",
    "VARIANTS",
    "VariantResult",
    "activation_gradient_zeros",
    "bit_layout",
    "block_linear_names",
    "compare_variants",
    "compute_in",
    "crossover_batch",
    "decode_step",
    "decompose_outliers",
    "default_shapes",
    "dynamic_quantize",
    "format_info",
    "format_table",
    "in_format",
    "int8_matmul",
    "llm_int8_matmul",
    "make_matmul",
    "max_error",
    "model_nbytes",
    "mse",
    "outlier_activations",
    "outlier_columns",
    "pack_bits",
    "pack_int4",
    "perplexity_by_bits",
    "plot_bit_layouts",
    "published_peaks",
    "quantization_error",
    "quantize",
    "quantize_absmax",
    "quantize_int4",
    "quantize_model",
    "quantize_nbits",
    "quantize_zeropoint",
    "run_benchmark",
    "snr_db",
    "spacing",
    "time_dynamic_int8",
    "train_mixed_precision",
    "underflow_by_layer",
    "underflow_fraction",
    "unpack_bits",
    "unpack_int4",
    "unsupported_reason",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .formats import (
        FORMATS,
        BitLayout,
        FormatInfo,
        bit_layout,
        compute_in,
        format_info,
        format_table,
        in_format,
        plot_bit_layouts,
        spacing,
    )
    from .matmul import (
        MATMUL_FORMATS,
        PUBLISHED_PEAKS,
        GpuPeaks,
        MatmulResult,
        MatmulShape,
        default_shapes,
        make_matmul,
        published_peaks,
        run_benchmark,
        unsupported_reason,
    )
    from .mixed_precision import (
        MODES,
        LayerUnderflow,
        MixedPrecisionConfig,
        MixedPrecisionRun,
        activation_gradient_zeros,
        train_mixed_precision,
        underflow_by_layer,
        underflow_fraction,
    )
    from .model import (
        GRANULARITY_SWEEP,
        VARIANTS,
        BitsPoint,
        QuantizedLinear,
        VariantResult,
        block_linear_names,
        compare_variants,
        dynamic_quantize,
        model_nbytes,
        perplexity_by_bits,
        quantize_model,
    )
    from .outliers import (
        decompose_outliers,
        int8_matmul,
        llm_int8_matmul,
        outlier_activations,
        outlier_columns,
    )
    from .schemes import (
        SCHEMES,
        ErrorStats,
        QuantizedTensor,
        max_error,
        mse,
        pack_bits,
        pack_int4,
        quantization_error,
        quantize,
        quantize_absmax,
        quantize_int4,
        quantize_nbits,
        quantize_zeropoint,
        snr_db,
        unpack_bits,
        unpack_int4,
    )
    from .speed import (
        CpuLinearTiming,
        DecodeEstimate,
        crossover_batch,
        decode_step,
        time_dynamic_int8,
    )


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
