"""The mini GPT as a Hugging Face ``GPT2LMHeadModel``, with the weights copied across.

Our ``GPT`` follows GPT-2 exactly (Radford et al., 2019), so a ``GPT2LMHeadModel`` built
from the matching ``GPT2Config`` (random weights, nothing downloaded) computes the same
function once the weights are copied: the test suite checks equal logits and losses. The
one difference in storage: GPT-2's projections are ``Conv1D`` layers whose weight is the
transpose of ``nn.Linear``'s, (in, out) rather than (out, in).
"""

from __future__ import annotations

import torch
from transformers import GPT2Config, GPT2LMHeadModel

from .config import GPTConfig
from .model import GPT

__all__ = ["from_hf", "hf_config", "to_hf"]

_TRANSPOSED = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")


def hf_config(config: GPTConfig, attn_implementation: str = "sdpa") -> GPT2Config:
    """The ``GPT2Config`` with the same shapes, activation and epsilon as ``config``."""
    return GPT2Config(
        vocab_size=config.vocab_size,
        n_positions=config.seq_len,
        n_embd=config.d_model,
        n_layer=config.n_layer,
        n_head=config.n_head,
        n_inner=None,  # 4 * n_embd, as ours
        activation_function="gelu_new",  # GELU, tanh approximation
        resid_pdrop=config.dropout,
        embd_pdrop=config.dropout,
        attn_pdrop=config.dropout,
        layer_norm_epsilon=config.layer_norm_eps,
        scale_attn_weights=True,  # divide scores by sqrt(head size)
        scale_attn_by_inverse_layer_idx=False,
        reorder_and_upcast_attn=False,
        tie_word_embeddings=True,
        bos_token_id=0,  # our end-of-text token
        eos_token_id=0,
        attn_implementation=attn_implementation,
    )


def _hf_name(name: str) -> str:
    return "lm_head.weight" if name == "lm_head.weight" else f"transformer.{name}"


def to_hf(net: GPT, attn_implementation: str = "sdpa") -> GPT2LMHeadModel:
    """A ``GPT2LMHeadModel`` holding a copy of ``net``'s weights."""
    hf = GPT2LMHeadModel(hf_config(net.config, attn_implementation))
    hf_params = dict(hf.named_parameters(remove_duplicate=False))
    with torch.no_grad():
        for name, p in net.named_parameters(remove_duplicate=False):
            value = p.t() if name.endswith(_TRANSPOSED) else p
            hf_params[_hf_name(name)].copy_(value)
    return hf.train(net.training)


def from_hf(hf: GPT2LMHeadModel) -> GPT:
    """Our ``GPT`` holding a copy of a ``GPT2LMHeadModel``'s weights."""
    c = hf.config
    if c.activation_function != "gelu_new" or c.n_inner not in (None, 4 * c.n_embd):
        raise ValueError("only GPT-2 models with a 4x tanh-GELU MLP can be converted")
    net = GPT(
        GPTConfig(
            vocab_size=c.vocab_size,
            seq_len=c.n_positions,
            n_layer=c.n_layer,
            n_head=c.n_head,
            d_model=c.n_embd,
            dropout=c.resid_pdrop,
            layer_norm_eps=c.layer_norm_epsilon,
        )
    )
    hf_params = dict(hf.named_parameters(remove_duplicate=False))
    with torch.no_grad():
        for name, p in net.named_parameters(remove_duplicate=False):
            value = hf_params[_hf_name(name)]
            p.copy_(value.t() if name.endswith(_TRANSPOSED) else value)
    return net.train(hf.training)
