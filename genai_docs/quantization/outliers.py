"""The outlier problem of int8 matrix multiplication, and LLM.int8()'s mixed decomposition.

Reference: Dettmers et al., "LLM.int8(): 8-bit Matrix Multiplication for Transformers at
Scale" (NeurIPS 2022). From about 6.7 billion parameters on, a few *feature dimensions* of
the hidden states take values up to 20 times larger than the others, in almost every token.
With absmax quantization the scale follows the largest value, so the ordinary values fall
into a handful of codes around zero and their information is lost.

The paper's remedy, for ``X W`` with ``X`` (tokens, features) and ``W`` (features, out):

1. outlier columns: the features ``h`` where some ``|X[:, h]| ≥ threshold`` (6.0);
2. those columns of ``X`` and rows of ``W`` are multiplied in 16 bits;
3. the rest in int8, with *vector-wise* scales: one per row of ``X`` (per token) and one
   per column of ``W`` (per output), accumulated in int32 and rescaled by their product;
4. the two partial products are added.

Here the 16-bit part is fp16 storage with float32 accumulation (as GPU tensor cores do), and
the int8 part an exact int32 matrix product on CPU.
"""

from __future__ import annotations

import torch

from .schemes import quantize_absmax

__all__ = [
    "decompose_outliers",
    "int8_matmul",
    "llm_int8_matmul",
    "outlier_activations",
    "outlier_columns",
]

THRESHOLD = 6.0  # LLM.int8()'s outlier threshold on |x|


def outlier_activations(
    n_tokens: int = 64,
    n_features: int = 256,
    n_outliers: int = 4,
    magnitude: float = 60.0,
    seed: int = 0,
) -> torch.Tensor:
    """Hidden states (n_tokens, n_features) ~ N(0, 1), with ``n_outliers`` feature columns
    around ``±magnitude`` in every token: the systematic outliers of LLM.int8() (§3)."""
    if not 0 <= n_outliers <= n_features or min(n_tokens, n_features) < 1:
        raise ValueError("need n_tokens, n_features >= 1 and 0 <= n_outliers <= n_features")
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n_tokens, n_features, generator=generator)  # (T, F)
    columns = torch.randperm(n_features, generator=generator)[:n_outliers]  # (k,)
    signs = torch.randint(0, 2, (n_outliers,), generator=generator) * 2 - 1  # (k,)
    spread = 1 + 0.1 * torch.randn(n_tokens, n_outliers, generator=generator)  # (T, k)
    x[:, columns] = magnitude * signs * spread  # (T, k)
    return x


def outlier_columns(x: torch.Tensor, threshold: float = THRESHOLD) -> torch.Tensor:
    """Indices of the feature columns of ``x`` (T, F) holding a value with ``|x| ≥ threshold``."""
    if x.dim() != 2:
        raise ValueError(f"x must be a matrix (tokens, features), not of shape {tuple(x.shape)}")
    if threshold <= 0:
        raise ValueError(f"threshold must be positive, not {threshold}")
    return (x.abs() >= threshold).any(dim=0).nonzero().flatten()  # (k,)


def decompose_outliers(
    x: torch.Tensor, threshold: float = THRESHOLD
) -> tuple[torch.Tensor, torch.Tensor]:
    """Quantize-dequantize ``x`` (T, F) the LLM.int8() way: outlier columns kept in fp16, the
    rest in int8 absmax per tensor. Returns the reconstruction (T, F) and the outlier indices."""
    columns = outlier_columns(x, threshold)  # (k,)
    rest = torch.ones(x.shape[1], dtype=torch.bool)  # (F,)
    rest[columns] = False
    x_hat = torch.empty_like(x, dtype=torch.float32)  # (T, F)
    x_hat[:, columns] = x[:, columns].to(torch.float16).to(torch.float32)  # (T, k)
    if rest.any():
        x_hat[:, rest] = quantize_absmax(x[:, rest], "tensor").dequantize()  # (T, F - k)
    return x_hat, columns


def _check_matmul(x: torch.Tensor, w: torch.Tensor) -> None:
    if x.dim() != 2 or w.dim() != 2 or x.shape[1] != w.shape[0]:
        raise ValueError(f"cannot multiply shapes {tuple(x.shape)} and {tuple(w.shape)}")


def int8_matmul(x: torch.Tensor, w: torch.Tensor, granularity: str = "vector") -> torch.Tensor:
    """``x @ w`` with both operands in int8 absmax and an int32 accumulator.

    ``granularity="tensor"``: one scale per matrix; ``"vector"``: one per row of ``x`` and one
    per column of ``w`` (LLM.int8()'s vector-wise quantization).
    """
    _check_matmul(x, w)
    if granularity not in ("tensor", "vector"):
        raise ValueError(f"granularity must be 'tensor' or 'vector', not {granularity!r}")
    per = "channel" if granularity == "vector" else "tensor"
    qx = quantize_absmax(x, per)  # codes (T, F), scales (T, 1) or (1, 1)
    qw = quantize_absmax(w.T, per)  # codes (N, F), scales (N, 1) or (1, 1)
    acc = qx.data.to(torch.int32) @ qw.data.to(torch.int32).T  # (T, N), exact
    sx = qx.scale.to(torch.float32)  # (T, 1) or (1, 1)
    sw = qw.scale.to(torch.float32).T  # (1, N) or (1, 1)
    return acc.to(torch.float32) * sx * sw  # (T, N)


def llm_int8_matmul(x: torch.Tensor, w: torch.Tensor, threshold: float = THRESHOLD) -> torch.Tensor:
    """``x @ w`` by LLM.int8()'s mixed decomposition: outlier features of ``x`` (and the
    matching rows of ``w``) in fp16, the rest in vector-wise int8."""
    _check_matmul(x, w)
    columns = outlier_columns(x, threshold)  # (k,)
    rest = torch.ones(x.shape[1], dtype=torch.bool)  # (F,)
    rest[columns] = False
    x16 = x[:, columns].to(torch.float16).to(torch.float32)  # (T, k)
    w16 = w[columns].to(torch.float16).to(torch.float32)  # (k, N)
    out = x16 @ w16  # (T, N)
    if rest.any():
        out = out + int8_matmul(x[:, rest], w[rest], "vector")  # (T, N)
    return out
