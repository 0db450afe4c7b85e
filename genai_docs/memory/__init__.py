"""How much memory a language model needs, to run and to train, validated against measurement.

Exact parameter counts from a ``transformers`` config: by formula for GPT-2, Llama,
Mistral, Qwen2, Mixtral and Qwen2-MoE (:mod:`.shape`, :mod:`.configs`: no PyTorch), on the
meta device for the others (:func:`meta_shape`, also the formulas' test oracle). Then
formulas for the weights, gradients, optimizer states, activations (dropout masks,
mixture-of-experts routing), KV cache (sliding windows) and temporaries: of a training step
(per GPU under ZeRO/FSDP, mixed precision as autocast, FSDP2 or DeepSpeed run it
(:mod:`.mixed`), with LoRA/QLoRA), of ``model.generate`` (prefill, then decoding) and of
one forward pass; and the time they take (:mod:`.speed`). Each column of an estimate has a
helper of the same name that gives the same number (:mod:`.parts`).
``measure_training_peak``, ``measure_generate_peak`` and ``measure_forward_peak`` measure
the same peaks (PyTorch's ``MemTracker`` on CPU, ``max_memory_allocated`` on CUDA).

Validated on CPU against those measures, on the models the formulas were read off and on
others (``held_out_configs``: other widths, depths, vocabularies, head layouts), for every
option a CPU can run: fp32, bf16, ``mixed`` (CPU autocast), LoRA, ZeRO-1, 2 and 3 per rank
(``genai_docs.transformer.distributed.measure_sharded_peak``), int8 weights, one forward
pass; on GPU by the frozen dataset ``frozen/memoire.json``. Not measured (« non mesuré »
in the CLI's and the calculator's output): 8-bit Adam, QLoRA's 4-bit base, int4 weights,
CUDA-only kernels (:data:`genai_docs.memory.measure.UNMEASURED`,
:func:`genai_docs.memory.remarks.unmeasured`). The tests' gates: :mod:`.validation`.
"""

from genai_docs.memory.generation import InferenceConfig, estimate_forward, estimate_inference
from genai_docs.memory.measure import (
    measure_forward_peak,
    measure_generate_peak,
    measure_training_peak,
)
from genai_docs.memory.params import (
    ModelShape,
    config_dict,
    count_parameters,
    load_config,
    meta_shape,
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
    weight_copy_bytes,
)
from genai_docs.memory.registry import registry_config, registry_names, tiny_configs
from genai_docs.memory.report import (
    GB,
    GIB,
    MemoryEstimate,
    format_bytes,
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
    "config_dict",
    "count_parameters",
    "estimate_forward",
    "estimate_inference",
    "estimate_training",
    "format_bytes",
    "gradient_bytes",
    "kv_cache_bytes",
    "load_config",
    "logit_bytes",
    "lora_params",
    "measure_forward_peak",
    "measure_generate_peak",
    "measure_training_peak",
    "meta_shape",
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
    "weight_copy_bytes",
]
