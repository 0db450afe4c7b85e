"""Attention masks of the three families: which position may look at which.

``mask[i, j]`` is True when the output at position ``i`` may depend on the input at ``j``.

- Bidirectional (BERT encoder, T5 encoder): every position sees every position.
- Causal (GPT-2 decoder, T5 decoder self-attention): position ``i`` sees ``j <= i`` only,
  the "masked" self-attention of Vaswani et al. (2017), section 3.2.3.
- Cross-attention (T5 decoder -> encoder): each target position sees the whole source.

``measured_dependencies`` checks these patterns on a real model rather than trusting the
picture: it changes one input token at a time and records which outputs move.
"""

from __future__ import annotations

import torch
from transformers import PreTrainedModel

__all__ = [
    "bidirectional_mask",
    "causal_mask",
    "cross_attention_mask",
    "family_masks",
    "measured_dependencies",
]


def bidirectional_mask(seq_len: int) -> torch.Tensor:
    """All True: every position attends to every position."""
    return torch.ones(seq_len, seq_len, dtype=torch.bool)  # (T, T)


def causal_mask(seq_len: int) -> torch.Tensor:
    """Lower triangular: position ``i`` attends to positions ``0..i``."""
    return torch.tril(torch.ones(seq_len, seq_len, dtype=torch.bool))  # (T, T)


def cross_attention_mask(tgt_len: int, src_len: int) -> torch.Tensor:
    """All True: each decoder position attends to every encoder position."""
    return torch.ones(tgt_len, src_len, dtype=torch.bool)  # (T_tgt, T_src)


def family_masks(family: str, seq_len: int, tgt_len: int | None = None) -> dict[str, torch.Tensor]:
    """The attention masks a family uses, by name (``tgt_len`` defaults to ``seq_len``)."""
    tgt_len = seq_len if tgt_len is None else tgt_len
    if family == "bert":
        return {"encoder": bidirectional_mask(seq_len)}
    if family == "gpt":
        return {"decoder": causal_mask(seq_len)}
    if family == "t5":
        return {
            "encoder": bidirectional_mask(seq_len),
            "decoder": causal_mask(tgt_len),
            "cross": cross_attention_mask(tgt_len, seq_len),
        }
    raise ValueError(f"unknown family {family!r}")


def _outputs(model: PreTrainedModel, ids: torch.Tensor, dec_ids: torch.Tensor | None):
    """Last hidden states of the model's stacks, by name, for one sequence."""
    with torch.no_grad():
        if dec_ids is None:
            out = model(input_ids=ids[None], output_hidden_states=True)
            return out.hidden_states[-1][0]  # (T, d_model)
        out = model(input_ids=ids[None], decoder_input_ids=dec_ids[None], output_hidden_states=True)
        return out.encoder_last_hidden_state[0], out.decoder_hidden_states[-1][0]


def _moved(a: torch.Tensor, b: torch.Tensor, atol: float) -> torch.Tensor:
    """Which rows (positions) of two (T, d_model) outputs differ by more than ``atol``."""
    return (a - b).abs().amax(dim=-1) > atol  # (T,)


def measured_dependencies(
    model: PreTrainedModel,
    ids: torch.Tensor,
    dec_ids: torch.Tensor | None = None,
    replacement: int = 1,
    atol: float = 1e-6,
) -> dict[str, torch.Tensor]:
    """Which outputs move when one input token is replaced: the mask the model really applies.

    ``ids`` is one sequence ``(T,)``; for an encoder-decoder, ``dec_ids`` ``(T_tgt,)`` feeds the
    decoder. Column ``j`` of each returned matrix is the set of output positions that changed
    when token ``j`` was replaced by ``replacement``.
    """
    with torch.no_grad():
        if dec_ids is None:
            ref = _outputs(model, ids, None)
            name = "decoder" if model.config.model_type == "gpt2" else "encoder"
            dep = torch.zeros(len(ids), len(ids), dtype=torch.bool)
            for j in range(len(ids)):
                changed = ids.clone()
                changed[j] = replacement if ids[j] != replacement else replacement + 1
                dep[:, j] = _moved(_outputs(model, changed, None), ref, atol)
            return {name: dep}

        enc_ref, dec_ref = _outputs(model, ids, dec_ids)
        enc_dep = torch.zeros(len(ids), len(ids), dtype=torch.bool)
        cross_dep = torch.zeros(len(dec_ids), len(ids), dtype=torch.bool)
        dec_dep = torch.zeros(len(dec_ids), len(dec_ids), dtype=torch.bool)
        for j in range(len(ids)):
            changed = ids.clone()
            changed[j] = replacement if ids[j] != replacement else replacement + 1
            enc, dec = _outputs(model, changed, dec_ids)
            enc_dep[:, j] = _moved(enc, enc_ref, atol)
            cross_dep[:, j] = _moved(dec, dec_ref, atol)
        for j in range(len(dec_ids)):
            changed = dec_ids.clone()
            changed[j] = replacement if dec_ids[j] != replacement else replacement + 1
            _, dec = _outputs(model, ids, changed)
            dec_dep[:, j] = _moved(dec, dec_ref, atol)
        return {"encoder": enc_dep, "decoder": dec_dep, "cross": cross_dep}
