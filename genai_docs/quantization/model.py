"""Weight-only quantization of the course GPT: real bytes and held-out perplexity per format.

Every variant changes only how the matrices of the transformer blocks (``c_attn``,
``c_proj``, ``c_fc``: the ``nn.Linear`` layers, most of the parameters) are *stored*; the
tied embedding/head, the LayerNorms and the biases stay in fp32, and every forward pass
computes in fp32 after dequantizing the weight (weight-only quantization, as GPTQ and
bitsandbytes' 4-bit kernels do). So the perplexities differ by the storage alone, and all
are measured on the same held-out text (``held_out_perplexity``: the corpus' ``valid``
split, in consecutive windows).

Variants: ``fp32`` (the reference), ``bf16``, ``int8 tensor`` and ``int8 channel`` (absmax,
one scale per matrix or per output row), ``int4 group`` (groups of 64, two codes per byte);
the schemes are those of :mod:`genai_docs.quantization.schemes`.

The dose-response curve (:func:`perplexity_by_bits`) runs the same absmax at 8, 6, 5, 4, 3
and 2 bits, per tensor, per channel and per group, and measures each point with one
perplexity function, so that the bit width where the model breaks can be read off the curve.

The maintained counterpart is PyTorch's own dynamic quantization
(``torch.ao.quantization.quantize_dynamic``, Krishnamoorthi, "Quantizing deep convolutional
networks for efficient inference", 2018, and PyTorch's quantization docs): int8 weights
(per tensor or per channel, fbgemm/x86 kernels) *and* activations quantized on the fly, per
batch. PyTorch marks ``torch.ao.quantization`` as deprecated in favour of torchao; it is
still shipped and works in the installed version, so the comparison needs no new
dependency. Its warnings are silenced here, on purpose and only for that call.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .schemes import QuantizedTensor, quantize_absmax, quantize_int4, quantize_nbits

__all__ = [
    "GRANULARITY_SWEEP",
    "VARIANTS",
    "BitsPoint",
    "QuantizedLinear",
    "VariantResult",
    "block_linear_names",
    "compare_variants",
    "dynamic_quantize",
    "model_nbytes",
    "perplexity_by_bits",
    "quantize_model",
]

VARIANTS = ("fp32", "bf16", "int8 tensor", "int8 channel", "int4 group")
INT4_GROUP = 64  # weights per scale in "int4 group"


class QuantizedLinear(nn.Module):
    """A linear layer whose weight is stored quantized and dequantized at every call."""

    def __init__(self, weight: QuantizedTensor | torch.Tensor, bias: torch.Tensor | None) -> None:
        super().__init__()
        if isinstance(weight, QuantizedTensor):
            self.register_buffer("codes", weight.data)  # int8 (out, in) or packed uint8
            self.register_buffer("scale", weight.scale)  # fp16 scales
            self._meta = (
                weight.shape,
                weight.scheme,
                weight.granularity,
                weight.group_size,
                weight.bits,
            )
        else:  # a plain low-precision copy (bf16)
            self.register_buffer("codes", weight.detach().clone())  # (out, in)
            self.register_buffer("scale", None)
            self._meta = None
        self.bias = None if bias is None else nn.Parameter(bias.detach().clone())  # (out,)

    def weight(self) -> torch.Tensor:
        """The dequantized weight (out, in), in fp32."""
        if self._meta is None:
            return self.codes.to(torch.float32)
        shape, scheme, granularity, group_size, bits = self._meta
        quantized = QuantizedTensor(
            self.codes, self.scale, None, shape, scheme, granularity, group_size, bits
        )
        return quantized.dequantize()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight().to(x.dtype), self.bias)  # (..., out)


def block_linear_names(model: nn.Module) -> list[str]:
    """Names of the ``nn.Linear`` layers to quantize: all but the (tied) LM head."""
    return [
        name
        for name, module in model.named_modules()
        if isinstance(module, nn.Linear) and name != "lm_head"
    ]


def _store(weight: torch.Tensor, variant: str) -> QuantizedTensor | torch.Tensor:
    if variant == "bf16":
        return weight.to(torch.bfloat16)
    if variant == "int8 tensor":
        return quantize_absmax(weight, "tensor")
    if variant == "int8 channel":
        return quantize_absmax(weight, "channel")
    return quantize_int4(weight, INT4_GROUP)


def quantize_model(model: nn.Module, variant: str) -> nn.Module:
    """A copy of ``model`` whose block matrices are stored in ``variant`` (one of VARIANTS)."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, not {variant!r}")
    model = copy.deepcopy(model).eval()
    if variant == "fp32":
        return model
    for name in block_linear_names(model):
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        linear = getattr(parent, child)
        setattr(parent, child, QuantizedLinear(_store(linear.weight.data, variant), linear.bias))
    return model


def dynamic_quantize(model: nn.Module, per_channel: bool = True) -> nn.Module:
    """PyTorch's dynamic int8 quantization of the same layers (weights and activations)."""
    from torch.ao.quantization import default_dynamic_qconfig, per_channel_dynamic_qconfig

    qconfig = per_channel_dynamic_qconfig if per_channel else default_dynamic_qconfig
    spec = dict.fromkeys(block_linear_names(model), qconfig)
    model = copy.deepcopy(model).eval()
    with warnings.catch_warnings():  # torch.ao.quantization's deprecation notices
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return torch.ao.quantization.quantize_dynamic(model, spec, dtype=torch.qint8)


def _tensor_bytes(t: torch.Tensor) -> int:
    if t.is_quantized:  # an int8 tensor with its scales and zero points
        codes = t.int_repr()
        if t.qscheme() in (torch.per_channel_affine, torch.per_channel_symmetric):
            extra = [t.q_per_channel_scales(), t.q_per_channel_zero_points()]
            return codes.nbytes + sum(e.nbytes for e in extra)
        return codes.nbytes + 8 + 8  # one float64 scale, one int64 zero point
    return t.numel() * t.element_size()


def model_nbytes(model: nn.Module) -> int:
    """Real bytes of a model's parameters and buffers, a tied tensor counted once; the int8
    weights of PyTorch's dynamic layers with their scales and zero points."""
    from torch.ao.nn.quantized.dynamic import Linear as DynamicLinear

    seen: set[object] = set()
    total = 0
    for module in model.modules():
        tensors = list(module.parameters(recurse=False)) + list(module.buffers(recurse=False))
        if isinstance(module, DynamicLinear):
            tensors += [module.weight()] + ([module.bias()] if module.bias() is not None else [])
        for index, t in enumerate(tensors):
            # a quantized weight is rebuilt at each call: key it by its module, not its address
            key = (id(module), index) if t.is_quantized else t.untyped_storage().data_ptr()
            if key not in seen:
                seen.add(key)
                total += _tensor_bytes(t)
    return total


@dataclass(frozen=True)
class VariantResult:
    """One storage format of the course GPT."""

    variant: str  # a name of VARIANTS, or "pytorch dynamic int8" ...
    nbytes: int  # real bytes of the whole model
    matrix_bytes: int  # real bytes of the quantized block matrices (codes and scales)
    perplexity: float  # on the held-out text, the same for every variant


def _matrix_bytes(model: nn.Module, names: list[str]) -> int:
    return sum(
        model_nbytes(model.get_submodule(name)) - _bias_bytes(model.get_submodule(name))
        for name in names
    )


def _bias_bytes(module: nn.Module) -> int:
    bias = module.bias() if callable(module.bias) else module.bias
    return 0 if bias is None else bias.numel() * bias.element_size()


def compare_variants(
    model: nn.Module, perplexity, variants: tuple[str, ...] = VARIANTS, dynamic: bool = True
) -> list[VariantResult]:
    """Bytes and ``perplexity(model)`` for each variant of ``model``, and (``dynamic``)
    PyTorch's dynamic int8 per tensor and per channel, on the same layers."""
    names = block_linear_names(model)
    built = [(v, quantize_model(model, v)) for v in variants]
    if dynamic:
        built.append(("pytorch int8 tensor", dynamic_quantize(model, per_channel=False)))
        built.append(("pytorch int8 channel", dynamic_quantize(model, per_channel=True)))
    results = []
    for variant, net in built:
        with torch.no_grad():
            ppl = perplexity(net)
        results.append(VariantResult(variant, model_nbytes(net), _matrix_bytes(net, names), ppl))
    return results


# the scale granularities of the dose-response curve: (granularity, group size)
GRANULARITY_SWEEP = (("tensor", 0), ("channel", 0), ("group", 128), ("group", 64), ("group", 32))


@dataclass(frozen=True)
class BitsPoint:
    """One point of the dose-response curve: a bit width and a granularity."""

    bits: int  # bits per code, 2 to 8
    granularity: str  # "tensor", "channel" or "group"
    group_size: int  # weights per scale for "group", else 0
    matrix_bytes: int  # real bytes of the block matrices: packed codes and fp16 scales
    bits_per_weight: float  # 8 · matrix_bytes / weights, scales included
    perplexity: float  # ``perplexity(model)``, the same function for every point


def perplexity_by_bits(
    model: nn.Module,
    perplexity,
    bits: tuple[int, ...] = (8, 6, 5, 4, 3, 2),
    granularities: tuple[tuple[str, int], ...] = GRANULARITY_SWEEP,
) -> list[BitsPoint]:
    """Held-out ``perplexity`` of ``model`` with its block matrices quantized by
    :func:`~genai_docs.quantization.schemes.quantize_nbits` at each width and granularity.

    Each point computes exactly what :class:`QuantizedLinear` computes (fp32 after
    dequantization): the dequantized weights are written into one copy of the model, in
    place, which is cheaper than building a model per point; the bytes are those of the
    packed codes and scales.
    """
    net = copy.deepcopy(model).eval()
    names = block_linear_names(net)
    originals = {name: net.get_submodule(name).weight.detach().clone() for name in names}
    n_weights = sum(w.numel() for w in originals.values())
    points = []
    with torch.no_grad():
        for granularity, group_size in granularities:
            for b in bits:
                nbytes = 0
                for name, w in originals.items():
                    qt = quantize_nbits(w, b, granularity, group_size or 1)
                    net.get_submodule(name).weight.copy_(qt.dequantize())
                    nbytes += qt.nbytes
                points.append(
                    BitsPoint(
                        b, granularity, group_size, nbytes, 8 * nbytes / n_weights, perplexity(net)
                    )
                )
    return points
