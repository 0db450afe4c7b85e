"""Integer quantization of a weight tensor: absmax and zero-point int8, group-wise int4, n bits.

Each scheme maps a real ``w`` to an integer code ``q`` and back (dequantization):

- **absmax** (symmetric): ``s = max|w| / 127``, ``q = round(w / s)`` in [-127, 127],
  ``ŵ = s · q``;
- **zero-point** (asymmetric, Jacob et al., "Quantization and Training of Neural Networks for
  Efficient Integer-Arithmetic-Only Inference", CVPR 2018): the range [min, max], widened to
  hold 0 so that 0 is exact, is mapped onto [-128, 127]: ``s = (max - min) / 255``,
  ``z = round(-128 - min / s)``, ``q = round(w / s) + z``, ``ŵ = s · (q - z)``;
- **int4 group-wise**: absmax over groups of ``group_size`` consecutive weights (64 by
  default), ``q`` in [-7, 7], two codes packed per byte, as GPTQ (Frantar et al., 2023) and
  bitsandbytes' 4-bit blocks (Dettmers et al., "QLoRA", 2023) store them;
- **n bits** (2 to 8), the same absmax at any width: ``q`` in [-(2^(b-1) - 1), 2^(b-1) - 1]
  (2^b - 1 levels: 255 at 8 bits, 15 at 4, 3 at 2), one scale per tensor, per channel or per
  group, the codes packed as a stream of b-bit fields (:func:`pack_bits`; at 4 bits the
  bytes are exactly those of :func:`pack_int4`).

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
    "pack_bits",
    "pack_int4",
    "quantization_error",
    "quantize",
    "quantize_absmax",
    "quantize_int4",
    "quantize_nbits",
    "quantize_zeropoint",
    "snr_db",
    "unpack_bits",
    "unpack_int4",
]

GRANULARITIES = ("tensor", "channel")  # of the int8 schemes; n bits adds "group"
_FP16 = torch.finfo(torch.float16)


@dataclass
class QuantizedTensor:
    """Integer codes and the scales (and zero points) that map them back to real numbers."""

    data: torch.Tensor  # int8 codes shaped like the original, or uint8 packed codes (bytes,)
    scale: torch.Tensor  # fp16: (1, 1) per tensor, (rows, 1) per channel, (groups,) per group
    zero_point: torch.Tensor | None  # int8 like ``scale`` (zero-point scheme), else None
    shape: torch.Size  # shape of the original tensor
    scheme: str  # "absmax", "zeropoint", or "int4", "int3"... (packed n-bit absmax)
    granularity: str  # "tensor", "channel" or "group"
    group_size: int = 0  # weights per scale in the "group" granularity
    bits: int = 8  # bits per code (the packed codes of n-bit schemes)

    def dequantize(self, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """The real numbers ``ŵ`` the codes stand for, shaped like the original."""
        scale = self.scale.to(torch.float32)
        if self.data.dtype == torch.uint8:  # packed n-bit codes
            n = math.prod(self.shape)
            codes = unpack_bits(self.data, self.bits, n).to(torch.float32)  # (n,)
            if self.granularity != "group":
                return (codes.view(scale.shape[0], -1) * scale).view(self.shape).to(dtype)
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


def _code_range(bits: int) -> tuple[int, int]:
    if not (isinstance(bits, int) and 1 <= bits <= 8):
        raise ValueError(f"bits must be an integer from 1 to 8, not {bits!r}")
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def pack_bits(codes: torch.Tensor, bits: int) -> torch.Tensor:
    """Codes in [-2^(b-1), 2^(b-1) - 1], any length n, packed as b-bit fields: (ceil(n·b/8),)
    uint8.

    Code ``c`` is stored as the unsigned field ``c + 2^(b-1)``; element ``i`` occupies bits
    ``i·b`` to ``i·b + b - 1`` of the stream, least significant first, and bit ``j`` of the
    stream is bit ``j mod 8`` of byte ``j // 8`` (a field may straddle two bytes; the last
    byte is padded with zeros). At 4 bits: two codes per byte, the first in the low nibble.
    """
    low, high = _code_range(bits)
    flat = codes.reshape(-1).to(torch.int16)  # (n,)
    if flat.numel() and (flat.min() < low or flat.max() > high):
        raise ValueError(f"int{bits} codes must lie in [{low}, {high}]")
    fields = (flat - low).to(torch.int16)  # (n,) in [0, 2^b - 1]
    stream = (fields[:, None] >> torch.arange(bits, dtype=torch.int16)) & 1  # (n, b)
    stream = stream.flatten()  # (n·b,)
    stream = torch.cat([stream, stream.new_zeros(-stream.numel() % 8)]).view(-1, 8)  # (bytes, 8)
    return (stream << torch.arange(8, dtype=torch.int16)).sum(dim=1).to(torch.uint8)  # (bytes,)


def unpack_bits(packed: torch.Tensor, bits: int, n: int) -> torch.Tensor:
    """The ``n`` int8 codes of ``bits`` bits that :func:`pack_bits` packed into ``packed``."""
    low, _ = _code_range(bits)
    if packed.dtype != torch.uint8 or packed.dim() != 1:
        raise ValueError("unpack a 1-D uint8 tensor made by pack_bits")
    if n < 0 or packed.numel() != -(-n * bits // 8):
        raise ValueError(f"{packed.numel()} bytes cannot hold exactly {n} int{bits} codes")
    stream = (packed.to(torch.int16)[:, None] >> torch.arange(8, dtype=torch.int16)) & 1
    fields = stream.flatten()[: n * bits].view(n, bits)  # (n, b)
    values = (fields << torch.arange(bits, dtype=torch.int16)).sum(dim=1)  # (n,)
    return (values + low).to(torch.int8)  # (n,)


def pack_int4(codes: torch.Tensor) -> torch.Tensor:
    """Codes in [-8, 7], any length n, packed two per byte: (ceil(n/2),) uint8.

    Code ``c`` is stored as the nibble ``c + 8``; element ``2i`` in the low nibble of byte
    ``i``, element ``2i + 1`` in its high nibble (a last odd element pairs with 0).
    """
    return pack_bits(codes, 4)


def unpack_int4(packed: torch.Tensor, n: int) -> torch.Tensor:
    """The ``n`` int8 codes in [-8, 7] that :func:`pack_int4` packed into ``packed``."""
    return unpack_bits(packed, 4, n)


def quantize_nbits(
    w: torch.Tensor, bits: int, granularity: str = "group", group_size: int = 64
) -> QuantizedTensor:
    """Symmetric absmax on ``bits`` bits (2 to 8): ``s = max|w| / (2^(b-1) - 1)`` per tensor,
    per output channel or per group of ``group_size`` consecutive weights (row-major, as
    :func:`quantize_int4`); the codes packed by :func:`pack_bits`, the scales in fp16.

    At 8 bits per tensor or per channel it rounds exactly as :func:`quantize_absmax`, and at
    4 bits per group it stores exactly what :func:`quantize_int4` stores.
    """
    _check(w)
    if not (isinstance(bits, int) and 2 <= bits <= 8):
        raise ValueError(f"bits must be an integer from 2 to 8, not {bits!r}")
    if granularity not in (*GRANULARITIES, "group"):
        raise ValueError(f"granularity must be 'tensor', 'channel' or 'group', not {granularity!r}")
    top = (1 << (bits - 1)) - 1  # 127 at 8 bits, 7 at 4, 1 at 2
    flat = w.detach().to(torch.float32)
    if granularity == "group":
        if group_size < 1:
            raise ValueError(f"group_size must be positive, not {group_size}")
        n = flat.numel()
        groups = -(-n // group_size)
        padded = torch.zeros(groups * group_size)  # (groups * g,)
        padded[:n] = flat.reshape(-1)
        rows = padded.view(groups, group_size)  # (groups, g)
    else:
        rows = _rows(flat, granularity)  # (r, k)
        group_size = 0
    scale = _fp16_scale(rows.abs().amax(dim=1, keepdim=True) / top)  # (r, 1)
    codes = (rows / scale.to(torch.float32)).round().clamp(-top, top)  # (r, k)
    if granularity == "group":
        codes, scale = codes.flatten()[: flat.numel()], scale.flatten()  # (n,), (groups,)
    return QuantizedTensor(
        pack_bits(codes, bits), scale, None, w.shape, f"int{bits}", granularity, group_size, bits
    )


def quantize_int4(w: torch.Tensor, group_size: int = 64) -> QuantizedTensor:
    """Group-wise symmetric int4: one fp16 scale ``max|w| / 7`` per ``group_size`` weights.

    Groups run over the flattened tensor (row-major), so they stay within a row of a
    ``(out, in)`` weight whenever ``in`` is a multiple of ``group_size``; the last group
    may be shorter.
    """
    return quantize_nbits(w, 4, "group", group_size)


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
