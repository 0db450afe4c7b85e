"""French formatting of numbers: the one place that decides how a reader sees a number.

Every number on the site goes through here, whether a snippet prints it in a table or a
sentence cites it as an inline value, so the two always agree. The rules are those of
French typography (Lexique des règles typographiques en usage à l'Imprimerie nationale):

- a decimal comma: ``2,59``;
- digits grouped by three with a narrow no-break space (U+202F): ``124 439 808``;
- a true minus sign (U+2212), not a hyphen: ``−0,5``;
- a no-break space (U+00A0) between a number and its unit or ``%``: ``50,0 %``, ``4,40 Go``;
- powers of ten with superscript digits: ``3,15 × 10²³``.
"""

from __future__ import annotations

import math

__all__ = ["GB", "GIB", "MINUS", "NBSP", "NNBSP", "number", "percent", "scientific", "size"]

NNBSP = "\u202f"  # narrow no-break space: thousands separator
NBSP = "\u00a0"  # no-break space: before a unit or %
MINUS = "\u2212"  # the minus sign
GB = 10**9  # a gigabyte (Go), as GPU makers count
GIB = 2**30  # a gibibyte (Gio), as PyTorch and nvidia-smi count
_UNITS = {"o": 1, "ko": 10**3, "Mo": 10**6, "Go": GB, "To": 10**12, "Mio": 2**20, "Gio": GIB}
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def number(value: float, decimals: int = 0) -> str:
    """``1234.5`` -> ``"1 234,5"`` (``decimals=1``); ``-0.5`` -> ``"−0,5"``."""
    if not math.isfinite(value):
        return "∞" if value > 0 else (f"{MINUS}∞" if value < 0 else "NaN")
    text = f"{abs(value):,.{decimals}f}".replace(",", NNBSP).replace(".", ",")
    negative = value < 0 and any(c not in "0,\u202f" for c in text)  # no "−0,0"
    return f"{MINUS}{text}" if negative else text


def percent(fraction: float, decimals: int = 1) -> str:
    """``0.123`` -> ``"12,3 %"``."""
    return f"{number(100 * fraction, decimals)}{NBSP}%"


def size(n_bytes: float, unit: str = "Go", decimals: int = 2, with_unit: bool = True) -> str:
    """Bytes in ``unit`` (o, ko, Mo, Go, To, Mio, Gio): ``size(4.4e9) == "4,40 Go"``."""
    if unit not in _UNITS:
        raise ValueError(f"unit must be one of {', '.join(_UNITS)}, not {unit!r}")
    text = number(n_bytes / _UNITS[unit], decimals)
    return f"{text}{NBSP}{unit}" if with_unit else text


def scientific(value: float, digits: int = 3) -> str:
    """``3.15e23`` -> ``"3,15 × 10²³"`` (``digits`` significant digits)."""
    if value == 0 or not math.isfinite(value):
        return number(value)
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10**exponent
    if round(abs(mantissa), digits - 1) >= 10:  # 9.996 rounds up to 10,0
        mantissa, exponent = mantissa / 10, exponent + 1
    if exponent == 0:
        return number(mantissa, digits - 1)
    power = f"10{str(exponent).translate(_SUPERSCRIPT)}"
    return f"{number(mantissa, digits - 1)}{NBSP}×{NBSP}{power}"
