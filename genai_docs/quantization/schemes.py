"""Integer quantization of a weight tensor: absmax and zero-point int8, group-wise int4.

Each scheme maps a real ``w`` to an integer code ``q`` and back (dequantization):

- **absmax** (symmetric): ``s = max|w| / 127``, ``q = round(w / s)`` in [-127, 127],
  ``ŵ = s · q``;
- **zero-point** (asymmetric, Jacob et al., "Quantization and Training of Neural Networks for
  Efficient Integer-Arithmetic-Only Inference", CVPR 2018): the range [min, max], widened to
  hold 0 so that 0 is exact, is mapped onto [-128, 127]: ``s = (max - min) / 255``,
  ``z = round(-128 - min / s)``, ``q = round(w / s) + z``, ``ŵ = s · (q - z)``;
- **int4 group-wise**: absmax over groups of ``group_size`` consecutive weights (64 by
  default), ``q`` in [-7, 7], two codes packed per byte, as GPTQ (Frantar et al., 2023) and
  bitsandbytes' 4-bit blocks (Dettmers et al., "QLoRA", 2023) store them.

The statistics (max, min) are taken per **tensor** (one scale) or per output **channel**
(one scale per row of a ``(out_features, in_features)`` weight). Scales are stored in fp16,
rounded *up* so that no code is clipped: every element then satisfies ``|w - ŵ| ≤ s / 2``
for its own stored scale ``s`` (up to float32 arithmetic).

Error measures: mean squared error, max absolute error, and the signal-to-noise ratio
``SNR = 10 log10(Σ w² / Σ (w - ŵ)²)`` in decibels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

__all__ = [
    "SCHEMES",
    "ErrorStats",
    "QuantizedTensor",
    "max_error",
    "mse",
    "pack_int4",
    "quantization_error",
    "quantize",
    "quantize_absmax",
    "quantize_int4",
    "quantize_zeropoint",
    "snr_db",
    "unpack_int4",
]

GRANULARITIES = ("tensor", "channel")
_FP16 = torch.finfo(torch.float16)


@dataclass
class QuantizedTensor:
    """Integer codes and the scales (and zero points) that map them back to real numbers."""

    data: torch.Tensor  # int8 codes shaped like the original, or uint8 packed int4 (ceil(n/2),)
    scale: torch.Tensor  # fp16: (1,) per tensor, (rows, 1) per channel, (groups,) per group
    zero_point: torch.Tensor | None  # int8 like ``scale`` (zero-point scheme), else None
    shape: torch.Size  # shape of the original tensor
    scheme: str  # "absmax", "zeropoint" or "int4"
    granularity: str  # "tensor", "channel" or "group"
    group_size: int = 0  # weights per scale in the "group" granularity

    def dequantize(self, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """The real numbers ``ŵ`` the codes stand for, shaped like the original."""
        scale = self.scale.to(torch.float32)
        if self.scheme == "int4":
            n = math.prod(self.shape)
            codes = unpack_int4(self.data, n).to(torch.float32)  # (n,)
            padded = torch.zeros(scale.numel() * self.group_size)  # (groups * g,)
            padded[:n] = codes
            values = padded.view(-1, self.group_size) * scale[:, None]  # (groups, g)
            return values.flatten()[:n].view(self.shape).to(dtype)
        codes = self.data.to(torch.float32).reshape(self.scale.shape[0], -1)  # (rows or 1, k)
        if self.zero_point is not None:
            codes = codes - self.zero_point.to(torch.float32)
        return (codes * scale).view(self.shape).to(dtype)

    @property
    def nbytes(self) -> int:
        """Real bytes in memory: the codes, the scales and the zero points."""
        parts = [self.data, self.scale] + ([self.zero_point] if self.zero_point is not None else [])
        return sum(t.numel() * t.element_size() for t in parts)

    @property
    def bits_per_weight(self) -> float:
        """``8 · nbytes / numel``: 8 plus a little for int8, 4.25 for int4 with groups of 64."""
        return 8 * self.nbytes / math.prod(self.shape)


def _check(w: torch.Tensor) -> None:
    if not isinstance(w, torch.Tensor) or not w.is_floating_point():
        raise ValueError("quantize a floating-point torch.Tensor")
    if w.numel() == 0:
        raise ValueError("cannot quantize an empty tensor")
    if not torch.isfinite(w).all():
        raise ValueError("cannot quantize a tensor holding inf or NaN")


def _fp16_scale(scale: torch.Tensor) -> torch.Tensor:
    """``scale`` stored in fp16, rounded up (never down, so no code overflows its range)."""
    scale = scale.to(torch.float32).clamp(min=_FP16.smallest_normal)  # all-zero rows: any scale
    if (scale > _FP16.max).any():
        raise ValueError(f"values too large for an fp16 scale (max {_FP16.max})")
    half = scale.to(torch.float16)
    up = torch.nextafter(half, torch.full_like(half, math.inf))
    return torch.where(half.to(torch.float32) < scale, up, half)


def _rows(w: torch.Tensor, granularity: str) -> torch.Tensor:
    """``w`` as (rows, k): one row per scale (1 row per tensor, out_features per channel)."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be 'tensor' or 'channel', not {granularity!r}")
    if granularity == "channel":
        if w.dim() < 2:
            raise ValueError("per-channel quantization needs a tensor of 2 or more dimensions")
        return w.reshape(w.shape[0], -1)  # (out_features, k)
    return w.reshape(1, -1)  # (1, n)


def quantize_absmax(w: torch.Tensor, granularity: str = "tensor") -> QuantizedTensor:
    """Symmetric int8: ``s = max|w| / 127`` per tensor or per output channel."""
    _check(w)
    rows = _rows(w.detach().to(torch.float32), granularity)  # (r, k)
    scale = _fp16_scale(rows.abs().amax(dim=1, keepdim=True) / 127)  # (r, 1)
    codes = (rows / scale.to(torch.float32)).round().clamp(-127, 127)  # (r, k)
    return QuantizedTensor(
        codes.to(torch.int8).view(w.shape), scale, None, w.shape, "absmax", granularity
    )


def quantize_zeropoint(w: torch.Tensor, granularity: str = "tensor") -> QuantizedTensor:
    """Asymmetric int8 with a zero point: [min, max] (holding 0) mapped onto [-128, 127]."""
    _check(w)
    rows = _rows(w.detach().to(torch.float32), granularity)  # (r, k)
    low = rows.amin(dim=1, keepdim=True).clamp(max=0)  # (r, 1)
    high = rows.amax(dim=1, keepdim=True).clamp(min=0)  # (r, 1)
    scale = _fp16_scale((high - low) / 255)  # (r, 1)
    s = scale.to(torch.float32)
    zero = (-128 - low / s).round().clamp(-128, 127)  # (r, 1)
    codes = ((rows / s).round() + zero).clamp(-128, 127)  # (r, k)
    return QuantizedTensor(
        codes.to(torch.int8).view(w.shape),
        scale,
        zero.to(torch.int8),
        w.shape,
        "zeropoint",
        granularity,
    )


def pack_int4(codes: torch.Tensor) -> torch.Tensor:
    """Codes in [-8, 7], any length n, packed two per byte: (ceil(n/2),) uint8.

    Code ``c`` is stored as the nibble ``c + 8``; element ``2i`` in the low nibble of byte
    ``i``, element ``2i + 1`` in its high nibble (a last odd element pairs with 0).
    """
    flat = codes.reshape(-1).to(torch.int16)  # (n,)
    if flat.numel() and (flat.min() < -8 or flat.max() > 7):
        raise ValueError("int4 codes must lie in [-8, 7]")
    nibbles = (flat + 8).to(torch.uint8)  # (n,) in [0, 15]
    if nibbles.numel() % 2:
        nibbles = torch.cat([nibbles, nibbles.new_zeros(1)])  # (n + 1,)
    pairs = nibbles.view(-1, 2)  # (ceil(n/2), 2)
    return pairs[:, 0] | (pairs[:, 1] << 4)  # (ceil(n/2),)


def unpack_int4(packed: torch.Tensor, n: int) -> torch.Tensor:
    """The ``n`` int8 codes in [-8, 7] that :func:`pack_int4` packed into ``packed``."""
    if packed.dtype != torch.uint8 or packed.dim() != 1:
        raise ValueError("unpack a 1-D uint8 tensor made by pack_int4")
    if not 0 <= n <= 2 * packed.numel() or packed.numel() != -(-n // 2):
        raise ValueError(f"{packed.numel()} bytes cannot hold exactly {n} int4 codes")
    pairs = torch.stack([packed & 0x0F, packed >> 4], dim=1)  # (ceil(n/2), 2)
    return (pairs.flatten()[:n].to(torch.int16) - 8).to(torch.int8)  # (n,)


def quantize_int4(w: torch.Tensor, group_size: int = 64) -> QuantizedTensor:
    """Group-wise symmetric int4: one fp16 scale ``max|w| / 7`` per ``group_size`` weights.

    Groups run over the flattened tensor (row-major), so they stay within a row of a
    ``(out, in)`` weight whenever ``in`` is a multiple of ``group_size``; the last group
    may be shorter.
    """
    _check(w)
    if group_size < 1:
        raise ValueError(f"group_size must be positive, not {group_size}")
    flat = w.detach().to(torch.float32).reshape(-1)  # (n,)
    n = flat.numel()
    groups = -(-n // group_size)
    padded = torch.zeros(groups * group_size)  # (groups * g,)
    padded[:n] = flat
    blocks = padded.view(groups, group_size)  # (groups, g)
    scale = _fp16_scale(blocks.abs().amax(dim=1) / 7)  # (groups,)
    codes = (blocks / scale.to(torch.float32)[:, None]).round().clamp(-7, 7)  # (groups, g)
    packed = pack_int4(codes.flatten()[:n])  # (ceil(n/2),)
    return QuantizedTensor(packed, scale, None, w.shape, "int4", "group", group_size)


# name -> how to quantize a weight with it
SCHEMES = {
    "int8 absmax tensor": lambda w: quantize_absmax(w, "tensor"),
    "int8 absmax channel": lambda w: quantize_absmax(w, "channel"),
    "int8 zeropoint tensor": lambda w: quantize_zeropoint(w, "tensor"),
    "int8 zeropoint channel": lambda w: quantize_zeropoint(w, "channel"),
    "int4 group 64": lambda w: quantize_int4(w, 64),
}


def quantize(w: torch.Tensor, scheme: str) -> QuantizedTensor:
    """Quantize ``w`` with one of ``SCHEMES`` by name."""
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}")
    return SCHEMES[scheme](w)


def _pair(reference: torch.Tensor, approx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    if reference.shape != approx.shape:
        raise ValueError(f"shapes differ: {tuple(reference.shape)} and {tuple(approx.shape)}")
    return reference.detach().to(torch.float64), approx.detach().to(torch.float64)


def mse(reference: torch.Tensor, approx: torch.Tensor) -> float:
    """Mean squared error ``mean((w - ŵ)²)``."""
    w, w_hat = _pair(reference, approx)
    return float(((w - w_hat) ** 2).mean())


def max_error(reference: torch.Tensor, approx: torch.Tensor) -> float:
    """Largest absolute error ``max|w - ŵ|``."""
    w, w_hat = _pair(reference, approx)
    return float((w - w_hat).abs().max())


def snr_db(reference: torch.Tensor, approx: torch.Tensor) -> float:
    """Signal-to-noise ratio ``10 log10(Σ w² / Σ (w - ŵ)²)`` in dB (inf when exact)."""
    w, w_hat = _pair(reference, approx)
    noise = float(((w - w_hat) ** 2).sum())
    return math.inf if noise == 0 else 10 * math.log10(float((w**2).sum()) / noise)


@dataclass(frozen=True)
class ErrorStats:
    """How far a dequantized tensor lies from the original, and what it costs."""

    mse: float  # mean squared error
    max_error: float  # largest absolute error
    snr_db: float  # signal-to-noise ratio, dB
    nbytes: int  # real bytes of the quantized tensor (codes, scales, zero points)
    bits_per_weight: float  # 8 · nbytes / numel


def quantization_error(w: torch.Tensor, qt: QuantizedTensor) -> ErrorStats:
    """The error measures of ``qt`` against the original ``w``."""
    w_hat = qt.dequantize()
    return ErrorStats(
        mse(w, w_hat), max_error(w, w_hat), snr_db(w, w_hat), qt.nbytes, qt.bits_per_weight
    )
