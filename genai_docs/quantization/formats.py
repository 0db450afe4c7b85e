"""Floating-point number formats: their ranges from ``torch.finfo``, their bits, their rounding.

A binary floating-point number is ``(-1)^s × 1.m × 2^(e - bias)``: one sign bit, ``E``
exponent bits (the range) and ``M`` mantissa bits (the precision). The machine epsilon is
``2^-M``, the gap between 1 and the next number; near ``x`` the gap is ``eps × 2^floor(log2 x)``,
so an integer above ``2^(M+1)`` is rounded to a multiple of 2 or more.

References: IEEE 754-2019 for fp32 (E=8, M=23) and fp16 (E=5, M=10); bfloat16 (E=8, M=7,
the range of fp32 in 16 bits) from Google Brain (Kalamkar et al., "A Study of BFLOAT16 for
Deep Learning Training", 2019); fp8 e4m3 and e5m2 from Micikevicius et al., "FP8 Formats for
Deep Learning" (2022), the OCP 8-bit floating point specification. PyTorch's
``float8_e4m3fn`` is that paper's e4m3: no infinities, a single NaN pattern, hence a
maximum of 448 instead of 240.

Every figure here is read from ``torch.finfo`` or from the bits of a tensor, not typed in:
the exponent and mantissa widths are derived from the epsilon (``M = -log2(eps)``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

__all__ = [
    "FORMATS",
    "BitLayout",
    "FormatInfo",
    "bit_layout",
    "compute_in",
    "format_info",
    "format_table",
    "in_format",
    "plot_bit_layouts",
    "spacing",
]

# name shown on the site -> PyTorch dtype
FORMATS: dict[str, torch.dtype] = {
    "fp32": torch.float32,
    "fp16": torch.float16,
    "bf16": torch.bfloat16,
    "fp8 e4m3": torch.float8_e4m3fn,
    "fp8 e5m2": torch.float8_e5m2,
}
# unsigned integer dtype of the same width, to read the bits of a value
_BITS_VIEW = {32: torch.int32, 16: torch.int16, 8: torch.uint8}


@dataclass(frozen=True)
class FormatInfo:
    """The layout and range of one floating-point format."""

    name: str  # "fp32", "fp16", "bf16", "fp8 e4m3", "fp8 e5m2"
    bits: int  # total width
    exponent_bits: int  # E: sets the range
    mantissa_bits: int  # M: sets the precision (stored bits, the leading 1 is implicit)
    max: float  # largest finite value
    smallest_normal: float  # 2^(1 - bias); below it values are subnormal, then zero
    eps: float  # 2^-M, the gap between 1 and the next representable number

    @property
    def sign_bits(self) -> int:
        """Always 1."""
        return 1

    @property
    def smallest_subnormal(self) -> float:
        """The smallest positive value: ``smallest_normal × eps``; half of it rounds to 0."""
        return self.smallest_normal * self.eps


def _dtype(fmt: str) -> torch.dtype:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return FORMATS[fmt]


def format_info(fmt: str) -> FormatInfo:
    """The ``FormatInfo`` of ``fmt``, read from ``torch.finfo``."""
    info = torch.finfo(_dtype(fmt))
    mantissa = round(-math.log2(info.eps))
    return FormatInfo(
        name=fmt,
        bits=info.bits,
        exponent_bits=info.bits - 1 - mantissa,
        mantissa_bits=mantissa,
        max=float(info.max),
        smallest_normal=float(info.smallest_normal),
        eps=float(info.eps),
    )


def format_table() -> list[FormatInfo]:
    """One ``FormatInfo`` per format of ``FORMATS``, widest first."""
    return [format_info(fmt) for fmt in FORMATS]


def in_format(value: float, fmt: str) -> float:
    """``value`` rounded to the nearest number of ``fmt`` (round to nearest even), as a float."""
    return float(torch.tensor(value, dtype=torch.float64).to(_dtype(fmt)).to(torch.float64))


def compute_in(fn: Callable[..., torch.Tensor], *args: float, fmt: str) -> float:
    """``fn`` applied to ``args`` stored in ``fmt``, computed in ``fmt``: ``300 × 300`` in fp16."""
    tensors = [torch.tensor(a, dtype=_dtype(fmt)) for a in args]
    return float(fn(*tensors).to(torch.float64))


def spacing(value: float, fmt: str) -> float:
    """The gap between ``value`` (a normal number) and the next number of ``fmt``."""
    if value == 0 or not math.isfinite(value):
        raise ValueError(f"spacing is defined for finite non-zero values, not {value!r}")
    info = format_info(fmt)
    exponent = max(math.floor(math.log2(abs(value))), round(math.log2(info.smallest_normal)))
    return info.eps * 2.0**exponent


@dataclass(frozen=True)
class BitLayout:
    """The bits of one value stored in one format."""

    fmt: str  # the format's name
    sign: str  # "0" or "1"
    exponent: str  # E bits, e.g. "10000" in fp16
    mantissa: str  # M bits
    stored: float  # the value actually stored (after rounding)

    @property
    def bits(self) -> str:
        """All the bits, sign first."""
        return self.sign + self.exponent + self.mantissa


def bit_layout(value: float, fmt: str) -> BitLayout:
    """The sign, exponent and mantissa bits of ``value`` rounded to ``fmt``."""
    info = format_info(fmt)
    stored = torch.tensor(value, dtype=torch.float64).to(_dtype(fmt)).reshape(1)  # (1,)
    raw = int(stored.view(_BITS_VIEW[info.bits]).item()) & ((1 << info.bits) - 1)
    bits = format(raw, f"0{info.bits}b")
    return BitLayout(
        fmt=fmt,
        sign=bits[0],
        exponent=bits[1 : 1 + info.exponent_bits],
        mantissa=bits[1 + info.exponent_bits :],
        stored=float(stored.to(torch.float64).item()),
    )


def plot_bit_layouts(
    value: float,
    formats: tuple[str, ...] = tuple(FORMATS),
    labels: dict[str, str] | None = None,
    value_text: Callable[[float], str] = repr,
):
    """A figure: one row of coloured bit cells per format (sign, exponent, mantissa).

    ``labels`` names the three fields in the legend (keys ``sign``, ``exponent``,
    ``mantissa``); ``value_text`` formats the stored value written at the end of each row.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    labels = {"sign": "sign", "exponent": "exponent", "mantissa": "mantissa"} | (labels or {})
    colors = {"sign": "#d62728", "exponent": "#1f77b4", "mantissa": "#2ca02c"}
    layouts = [bit_layout(value, fmt) for fmt in formats]
    width = max(len(layout.bits) for layout in layouts)
    fig, ax = plt.subplots(figsize=(11, 0.55 * len(layouts) + 1.0))
    for row, layout in enumerate(layouts):
        y = len(layouts) - 1 - row
        kinds = ["sign"] + ["exponent"] * len(layout.exponent) + ["mantissa"] * len(layout.mantissa)
        for column, (bit, kind) in enumerate(zip(layout.bits, kinds, strict=True)):
            ax.add_patch(Rectangle((column, y), 1, 0.8, facecolor=colors[kind], alpha=0.35))
            ax.text(column + 0.5, y + 0.4, bit, ha="center", va="center", fontsize=8)
        ax.text(-0.5, y + 0.4, layout.fmt, ha="right", va="center", fontsize=10)
        ax.text(width + 0.5, y + 0.4, value_text(layout.stored), va="center", fontsize=9)
    ax.set_xlim(-6, width + 12)
    ax.set_ylim(-0.2, len(layouts))
    ax.axis("off")
    handles = [Patch(facecolor=colors[k], alpha=0.35, label=labels[k]) for k in colors]
    ax.legend(handles=handles, loc="upper center", ncol=3, bbox_to_anchor=(0.5, 1.12))
    fig.tight_layout()
    return fig
