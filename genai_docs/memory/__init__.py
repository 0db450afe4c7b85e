"""How much memory a language model needs, to run and to train, validated against measurement.

Exact parameter counts from a ``transformers`` config (built on the meta device), then
formulas for the weights, gradients, optimizer states, activations, KV cache and
temporaries: of a training step (per GPU under ZeRO/FSDP, with LoRA/QLoRA), of
``model.generate`` (prefill, then decoding) and of one forward pass. Each column of an
estimate has a helper of the same name that gives the same number (:mod:`.parts`).
``measure_training_peak`` and ``measure_generate_peak`` measure the same peaks (PyTorch's
``MemTracker`` on CPU, ``max_memory_allocated`` on CUDA).
"""

from genai_docs.memory.generation import InferenceConfig, estimate_inference
from genai_docs.memory.inference import estimate_forward
from genai_docs.memory.measure import measure_generate_peak, measure_training_peak
from genai_docs.memory.params import (
    ModelShape,
    count_parameters,
    load_config,
    model_shape,
    shape_from_sizes,
)
from genai_docs.memory.parts import (
    activation_bytes,
    gradient_bytes,
    kv_cache_bytes,
    logit_bytes,
    optimizer_bytes,
    temporary_bytes,
    weight_bytes,
)
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
from genai_docs.memory.training import TrainingConfig, estimate_training

__all__ = [
    "GB",
    "GIB",
    "InferenceConfig",
    "MemoryEstimate",
    "ModelShape",
    "TrainingConfig",
    "activation_bytes",
    "count_parameters",
    "estimate_forward",
    "estimate_inference",
    "estimate_training",
    "format_bytes",
    "format_number",
    "format_percent",
    "gradient_bytes",
    "kv_cache_bytes",
    "load_config",
    "logit_bytes",
    "lora_params",
    "measure_generate_peak",
    "measure_training_peak",
    "model_shape",
    "optimizer_bytes",
    "plot_estimates",
    "registry_config",
    "registry_names",
    "shape_from_sizes",
    "shard_numel",
    "temporary_bytes",
    "tiny_configs",
    "weight_bytes",
]
