"""Exact parameter counts, and the shapes the memory formulas need, from a model config.

Two ways to the same :class:`ModelShape`:

- **by formula** (:mod:`genai_docs.memory.shape`, :mod:`genai_docs.memory.configs`): for
  the decoders we model (GPT-2, Llama, Mistral, Qwen2, Mixtral, Qwen2-MoE), the shape of
  every tensor is arithmetic on the ``config.json``'s keys: no PyTorch, no
  ``transformers``, an answer in milliseconds. :func:`model_shape` takes this path
  whenever it can;
- **on PyTorch's meta device** (:func:`meta_shape`): the model is built from its config,
  every tensor with a shape and a dtype but no storage, so a 70-billion-parameter model is
  "built" in a second and nothing is downloaded. ``model.parameters()`` yields a tied
  weight (GPT-2's embedding and LM head) once. Any ``transformers`` architecture works
  (BERT, T5...); for the formula families it is the tests' oracle.

Oracles (tests): GPT-2 = 124,439,808; Llama-2-7B = 6,738,415,616; Mixtral 8x7B = 46.7
billion parameters, 12.9 billion per token (Mistral AI, "Mixtral of experts", 2023).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from genai_docs.errors import UsageError
from genai_docs.memory.configs import formula_shape
from genai_docs.memory.registry import registry_config, registry_dict, registry_names
from genai_docs.memory.shape import ModelShape, decoder_shape

__all__ = [
    "ModelShape",
    "config_dict",
    "count_parameters",
    "load_config",
    "meta_shape",
    "model_shape",
    "shape_from_sizes",
]


def _is_config(model: Any) -> bool:
    """A ``transformers`` config object, recognised without importing ``transformers``."""
    return hasattr(model, "to_dict") and hasattr(model, "model_type")


def config_dict(model: Any) -> dict[str, Any]:
    """The keys of ``model``'s config (a config object or dict, a registry name, a
    ``config.json`` path or its folder), without importing ``transformers``."""
    if _is_config(model):
        return {**model.to_dict(), "model_type": model.model_type}
    if isinstance(model, dict):
        if "model_type" not in model:
            raise UsageError("a config needs a 'model_type' key")
        return dict(model)
    name = str(model)
    if name.lower() in registry_names():
        return registry_dict(name)
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
    return data


def load_config(model: Any):
    """A ``transformers`` config from a config object, a registry name or a ``config.json`` path."""
    from transformers import AutoConfig

    if _is_config(model):
        return model
    name = str(model)
    if isinstance(model, str) and name.lower() in registry_names():
        return registry_config(name)
    data = config_dict(model)
    model_type = data.pop("model_type")
    try:
        return AutoConfig.for_model(model_type, **data)
    except Exception as exc:  # noqa: BLE001 - ValueError, TypeError, a strict field's error...
        if isinstance(exc, (MemoryError, RecursionError)):
            raise
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(f"{name}: invalid config: {first}") from None


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


def _default_name(model: Any, data: dict[str, Any]) -> str:
    return data["model_type"] if _is_config(model) or isinstance(model, dict) else str(model)


def model_shape(model: Any, name: str | None = None) -> ModelShape:
    """The exact parameter count and the shapes of ``model`` (config, registry name or path):
    by formula for the families we model, else on the meta device (:func:`meta_shape`)."""
    data = config_dict(model)
    try:
        shape = formula_shape(data, name or _default_name(model, data))
    except (ValueError, TypeError) as exc:
        raise UsageError(f"{name or model}: invalid config: {exc}") from None
    return shape if shape is not None else meta_shape(model, name)


def _structure(config, net) -> dict[str, Any]:
    """The fields of :class:`ModelShape` beyond the counts, read off what ``transformers``
    built: dropout, experts (the ``*SparseMoeBlock`` modules), attention window (the layer
    types ``DynamicCache`` reads), positions."""
    from transformers.cache_utils import get_layer_types_and_kwargs

    moe = [m for m in net.modules() if type(m).__name__.endswith("SparseMoeBlock")]
    fields: dict[str, Any] = {
        "max_positions": int(_get(config, "max_position_embeddings", default=0)),  # GPT-2's too
        "embd_dropout": float(_get(config, "embd_pdrop", default=0.0)),
        "resid_dropout": float(_get(config, "resid_pdrop", default=0.0)),
        "attn_dropout": float(_get(config, "attn_pdrop", "attention_dropout", default=0.0)),
    }
    if moe:
        shared = getattr(moe[0], "shared_expert", None)
        fields.update(
            n_experts=int(_get(config, "num_local_experts", "num_experts")),
            top_k=int(config.num_experts_per_tok),
            d_expert=int(_get(config, "moe_intermediate_size", "intermediate_size")),
            d_shared=shared.gate_proj.out_features if shared is not None else 0,
            moe_layers=len(moe),
        )
    if config.is_encoder_decoder:  # no decoder-only cache layers to read
        return fields
    try:
        types, kwargs = get_layer_types_and_kwargs(config)
    except (AttributeError, TypeError):
        return fields
    windows = [
        k["sliding_window"] for t, k in zip(types, kwargs, strict=True) if t == "sliding_attention"
    ]
    if windows and windows[0]:
        fields.update(window=int(windows[0]), window_layers=len(windows))
    return fields


def meta_shape(model: Any, name: str | None = None) -> ModelShape:
    """The shape of ``model`` as ``transformers`` builds it on the meta device (needs
    PyTorch): any architecture, and the oracle of :func:`model_shape`'s formulas."""
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
        if type(module).__name__.endswith("Experts"):  # 3-D expert weights, not Linear
            linear_params += sum(p.numel() for p in module.parameters(recurse=False))

    # every transformers config answers to these names (its attribute_map: GPT-2's n_embd,
    # T5's d_model and num_heads...), so no family needs its own
    d_model, n_head = config.hidden_size, config.num_attention_heads
    n_layer = config.num_hidden_layers
    if config.is_encoder_decoder:
        n_layer = n_layer + _get(config, "num_decoder_layers", default=n_layer)
    family = {
        "gpt2": "gpt2",
        "llama": "llama",
        "mistral": "llama",
        "qwen2": "llama",
        "mixtral": "llama",
        "qwen2_moe": "llama",
    }.get(config.model_type, "other")
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
        **_structure(config, net),
    )


# The shape of a GPT-2 or Llama decoder given its sizes, without torch: the formulas of
# :func:`genai_docs.memory.shape.decoder_shape` under the name the calculator page and the
# tests use. For the same config it gives exactly what :func:`meta_shape` gives.
shape_from_sizes = decoder_shape


def count_parameters(model: Any) -> int:
    """The exact number of parameters of ``model`` (config, registry name or path)."""
    return model_shape(model).params
