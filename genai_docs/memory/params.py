"""Exact parameter counts, and the shapes the memory formulas need, from a model config.

The model is instantiated on PyTorch's *meta* device: every tensor has a shape and a dtype
but no storage, so a 70-billion-parameter model is "built" in a second and nothing is
downloaded. ``model.parameters()`` yields a tied weight (GPT-2's embedding and LM head) once.
Oracles (tests): GPT-2 = 124,439,808; Llama-2-7B = 6,738,415,616.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genai_docs.errors import UsageError
from genai_docs.memory.registry import registry_config, registry_names


@dataclass(frozen=True)
class ModelShape:
    """What the memory formulas need to know about an architecture."""

    name: str  # registry name, file name or config class name
    family: str  # "gpt2" (LayerNorm, fused QKV, GELU MLP), "llama" (RMSNorm, gated MLP) or "other"
    params: int  # exact number of parameters, tied weights counted once
    n_layer: int  # transformer blocks (encoder + decoder for encoder-decoders)
    n_head: int  # attention (query) heads
    n_kv_head: int  # key/value heads (< n_head with grouped-query attention)
    d_model: int  # hidden size
    d_ff: int  # MLP inner size
    vocab_size: int  # tokens in the vocabulary
    head_dim: int  # size of one attention head
    activation: str  # MLP activation name from the config
    linear_params: int  # weights of the linear layers inside the blocks (quantizable)
    head_params: int  # weights of an untied LM head (0 when tied)
    param_shapes: tuple[tuple[int, ...], ...]  # shape of every parameter tensor, in order

    @property
    def d_kv(self) -> int:
        """Width of the keys (and of the values): ``n_kv_head * head_dim``."""
        return self.n_kv_head * self.head_dim


def load_config(model: Any):
    """A ``transformers`` config from a config object, a registry name or a ``config.json`` path."""
    from transformers import AutoConfig, PretrainedConfig

    if isinstance(model, PretrainedConfig):
        return model
    name = str(model)
    if name.lower() in registry_names():
        return registry_config(name)
    path = Path(name)
    if path.is_dir():
        path = path / "config.json"
    if not path.exists():
        known = ", ".join(registry_names())
        raise UsageError(f"unknown model {name!r}: neither a config.json file nor one of {known}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict) or "model_type" not in data:
        raise UsageError(f"{path} is not a transformers config (no 'model_type' key)")
    model_type = data.pop("model_type")
    try:
        return AutoConfig.for_model(model_type, **data)
    except (ValueError, TypeError, KeyError) as exc:
        raise UsageError(f"{path}: invalid config: {exc}") from None


def _build_on_meta(config):
    import torch
    from transformers import (
        AutoModel,
        AutoModelForCausalLM,
        AutoModelForMaskedLM,
        AutoModelForSeq2SeqLM,
    )

    if getattr(config, "is_encoder_decoder", False):
        factories = (AutoModelForSeq2SeqLM, AutoModel)
    elif config.model_type == "bert":
        factories = (AutoModelForMaskedLM, AutoModel)
    else:
        factories = (AutoModelForCausalLM, AutoModel)
    with torch.device("meta"):
        for factory in factories:
            try:
                return factory.from_config(config)
            except ValueError:
                continue
    raise UsageError(f"no model class for config type {config.model_type!r}")


def _get(config, *names: str, default: Any = None) -> Any:
    for name in names:
        value = getattr(config, name, None)
        if value is not None:
            return value
    return default


def model_shape(model: Any, name: str | None = None) -> ModelShape:
    """The exact parameter count and the shapes of ``model`` (config, registry name or path)."""
    import torch

    config = load_config(model)
    try:
        net = _build_on_meta(config)
    except (ValueError, TypeError, AttributeError, RuntimeError) as exc:
        raise UsageError(f"cannot build a model from this config: {exc}") from None
    params = list(net.parameters())  # tied weights once
    head = net.get_output_embeddings() if hasattr(net, "get_output_embeddings") else None
    inputs = net.get_input_embeddings() if hasattr(net, "get_input_embeddings") else None
    head_weight = getattr(head, "weight", None)
    tied = inputs is not None and head_weight is inputs.weight
    head_params = 0 if head_weight is None or tied else head_weight.numel()
    linear_params = 0
    for module in net.modules():
        weight = getattr(module, "weight", None)
        is_linear = isinstance(module, torch.nn.Linear) or type(module).__name__ == "Conv1D"
        if is_linear and weight is not None and weight is not head_weight:
            linear_params += weight.numel()

    d_model = _get(config, "hidden_size", "n_embd", "d_model")
    n_head = _get(config, "num_attention_heads", "n_head", "num_heads")
    n_layer = _get(config, "num_hidden_layers", "n_layer", "num_layers")
    if getattr(config, "is_encoder_decoder", False):
        n_layer = n_layer + _get(config, "num_decoder_layers", default=n_layer)
    family = {"gpt2": "gpt2", "llama": "llama", "mistral": "llama", "qwen2": "llama"}.get(
        config.model_type, "other"
    )
    return ModelShape(
        name=name or (str(model) if not hasattr(model, "model_type") else config.model_type),
        family=family,
        params=sum(p.numel() for p in params),
        n_layer=int(n_layer),
        n_head=int(n_head),
        n_kv_head=int(_get(config, "num_key_value_heads", default=n_head)),
        d_model=int(d_model),
        d_ff=int(_get(config, "intermediate_size", "n_inner", "d_ff", default=4 * d_model)),
        vocab_size=int(config.vocab_size),
        head_dim=int(_get(config, "head_dim", "d_kv", default=d_model // n_head)),
        activation=str(
            _get(config, "hidden_act", "activation_function", "dense_act_fn", default="")
        ),
        linear_params=linear_params,
        head_params=head_params,
        param_shapes=tuple(tuple(p.shape) for p in params),
    )


_ACTIVATIONS = {"gpt2": "gelu_new", "llama": "silu"}  # the configs' defaults


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, not {value!r}")
    return value


def shape_from_sizes(
    family: str,
    *,
    n_layer: int,
    d_model: int,
    n_head: int,
    d_ff: int,
    vocab_size: int,
    n_kv_head: int | None = None,
    max_positions: int = 1024,
    tied_embeddings: bool | None = None,
    name: str | None = None,
) -> ModelShape:
    """The :class:`ModelShape` of a GPT-2 or Llama decoder given its sizes, without torch.

    Pure arithmetic, so it runs where PyTorch does not (the site's calculator, in the
    reader's browser). It lists the parameters in the order ``transformers`` registers them
    and gives exactly what :func:`model_shape` gives for the same config (tested on every
    GPT-2, Llama and Mistral config of the registry), for the defaults of those families:

    - ``"gpt2"`` (``GPT2LMHeadModel``): token and learned position embeddings
      (``max_positions`` rows), then per block LayerNorm, fused ``c_attn`` (``d → 3d``) and
      ``c_proj``, LayerNorm, ``c_fc`` (``d → d_ff``) and ``c_proj``, all with biases; a final
      LayerNorm; the LM head tied to the embedding unless ``tied_embeddings=False``.
    - ``"llama"`` (``LlamaForCausalLM``, ``MistralForCausalLM``): token embedding (rotary
      positions have no parameter: ``max_positions`` is ignored), then per block ``q, k, v,
      o`` and the gated MLP's ``gate, up, down`` projections without bias, two RMSNorms; a
      final RMSNorm; an untied LM head unless ``tied_embeddings=True``. ``n_kv_head`` below
      ``n_head`` is grouped-query attention.

    ``head_dim`` is ``d_model // n_head``. Sizes that describe no such model raise
    ``ValueError``.
    """
    if family not in _ACTIVATIONS:
        raise ValueError(f"family must be 'gpt2' or 'llama', not {family!r}")
    L = _positive_int("n_layer", n_layer)
    d = _positive_int("d_model", d_model)
    h = _positive_int("n_head", n_head)
    f = _positive_int("d_ff", d_ff)
    V = _positive_int("vocab_size", vocab_size)
    kv = h if n_kv_head is None else _positive_int("n_kv_head", n_kv_head)
    P = _positive_int("max_positions", max_positions)
    if d % h:
        raise ValueError(f"n_head ({h}) must divide d_model ({d})")
    if family == "gpt2" and kv != h:
        raise ValueError(f"GPT-2 has one key/value head per query head: n_kv_head must be {h}")
    if h % kv:
        raise ValueError(f"n_kv_head ({kv}) must divide n_head ({h})")
    tied = (family == "gpt2") if tied_embeddings is None else bool(tied_embeddings)
    hd = d // h
    if family == "gpt2":
        block = [
            *[(d,), (d,)],  # ln_1: weight, bias
            *[(d, 3 * d), (3 * d,), (d, d), (d,)],  # attn: c_attn (Conv1D: in, out), c_proj
            *[(d,), (d,)],  # ln_2
            *[(d, f), (f,), (f, d), (d,)],  # mlp: c_fc, c_proj
        ]
        shapes = [(V, d), (P, d), *block * L, (d,), (d,)]  # wte, wpe, blocks, ln_f
        linear = L * (4 * d * d + 2 * d * f)  # c_attn, attn.c_proj, c_fc, mlp.c_proj
    else:
        q, k = h * hd, kv * hd
        block = [
            *[(q, d), (k, d), (k, d), (d, q)],  # self_attn: q, k, v, o (Linear: out, in)
            *[(f, d), (f, d), (d, f)],  # mlp: gate, up, down
            *[(d,), (d,)],  # input_layernorm, post_attention_layernorm
        ]
        shapes = [(V, d), *block * L, (d,)]  # embed_tokens, blocks, norm
        linear = L * (2 * q * d + 2 * k * d + 3 * d * f)
    if not tied:
        shapes.append((V, d))  # lm_head
    params = 0
    for shape in shapes:
        size = 1
        for dim in shape:
            size *= dim
        params += size
    return ModelShape(
        name=name or family,
        family=family,
        params=params,
        n_layer=L,
        n_head=h,
        n_kv_head=kv,
        d_model=d,
        d_ff=f,
        vocab_size=V,
        head_dim=hd,
        activation=_ACTIVATIONS[family],
        linear_params=linear,
        head_params=0 if tied else V * d,
        param_shapes=tuple(shapes),
    )


def count_parameters(model: Any) -> int:
    """The exact number of parameters of ``model`` (config, registry name or path)."""
    return model_shape(model).params
