"""How much memory a language model needs, to run and to train, validated against measurement.

Exact parameter counts from a ``transformers`` config (built on the meta device), then
formulas for the weights, gradients, optimizer states, activations, KV cache and
temporaries, per GPU under ZeRO/FSDP, with LoRA/QLoRA. ``measure_training_peak`` measures
the same peak (PyTorch's ``MemTracker`` on CPU, ``max_memory_allocated`` on CUDA).
"""

from genai_docs.memory.inference import estimate_inference, kv_cache_bytes, weight_bytes
from genai_docs.memory.measure import measure_training_peak
from genai_docs.memory.params import ModelShape, count_parameters, load_config, model_shape
from genai_docs.memory.registry import registry_config, registry_names, tiny_configs
from genai_docs.memory.report import (
    GB,
    GIB,
    MemoryEstimate,
    format_bytes,
    format_number,
    format_percent,
    plot_estimates,
)
from genai_docs.memory.sharding import lora_params, shard_numel
from genai_docs.memory.training import (
    TrainingConfig,
    activation_bytes,
    estimate_training,
    optimizer_bytes,
)

__all__ = [
    "GB",
    "GIB",
    "MemoryEstimate",
    "ModelShape",
    "TrainingConfig",
    "activation_bytes",
    "count_parameters",
    "estimate_inference",
    "estimate_training",
    "format_bytes",
    "format_number",
    "format_percent",
    "kv_cache_bytes",
    "load_config",
    "lora_params",
    "measure_training_peak",
    "model_shape",
    "optimizer_bytes",
    "plot_estimates",
    "registry_config",
    "registry_names",
    "tiny_configs",
    "shard_numel",
    "weight_bytes",
]
