"""Mixture-of-experts layers: what routing and the experts keep in memory.

A sparse MoE layer (Shazeer et al., 2017; Mixtral: Jiang et al., "Mixtral of Experts",
2024) replaces the MLP by ``E`` experts and a router: each token goes to its ``k`` best
experts, so the model stores every expert (weights, gradients, optimizer states: all
parameters are trained) but a token computes through ``k`` of them
(:attr:`ModelShape.active_params`). Qwen2-MoE adds a shared expert that every token goes
through, scaled by a sigmoid gate.

Read off ``transformers`` 5 (``MixtralTopKRouter``, ``Qwen2MoeTopKRouter`` and
``grouped_mm_experts_forward``, its default) and checked with ``MemTracker``, per token
(``S = k`` routed copies of it; ``e_x`` = bytes of the experts' matmuls, which run in the
weights' dtype: ``grouped_mm`` is not an autocast operation, so under autocast the experts
compute in fp32):

- **router**: its logits ``(N, E)`` and their fp32 softmax (saved), the top-``k``
  indices (int64, saved) and weights; Mixtral renormalises the ``k`` weights in place
  (saving them and their sum);
- **dispatch**: the tokens sorted by expert, gathered into ``(N·k, d)`` (saved, as the
  input of the grouped matmul), three int64 permutations ``(N·k,)`` (saved by the gather
  and the scatter back), the routing weights per copy;
- **experts**: the fused gate-up output ``(N·k, 2·f_e)``, the SiLU and the product
  ``(N·k, f_e)`` each, the down projection's output ``(N·k, d)`` (saved by the
  multiplication with the routing weight);
- **shared expert** (Qwen2-MoE): a gated MLP of width ``f_s`` (as a dense Llama MLP), its
  output kept for the multiplication with its gate, and the gate's sigmoid.
"""

from __future__ import annotations

from genai_docs.memory.shape import ModelShape

__all__ = ["expert_element", "moe_autocast_copies", "moe_saved_bytes", "moe_working_bytes"]


def expert_element(precision: str) -> int:
    """Bytes of the experts' activations: the weights' dtype (2 in pure bf16, else 4)."""
    return 2 if precision == "bf16" else 4


def moe_autocast_copies(shape: ModelShape) -> int:
    """Inputs of a MoE layer that autocast copies to bf16 (each ``d`` wide), besides q, k, v:
    the router's, and with a shared expert those of its gate and up projections and of its
    sigmoid gate."""
    return 1 + (3 if shape.d_shared else 0)


def moe_saved_bytes(shape: ModelShape, precision: str, e: int) -> int:
    """Bytes per token a MoE MLP saves for the backward pass (see the module's list).

    ``e`` is the bytes of a matmul output outside the experts (the router's, the shared
    expert's): 2 under autocast or in bf16, 4 in fp32.
    """
    d, E, k, f = shape.d_model, shape.n_experts, shape.top_k, shape.d_expert
    x = expert_element(precision)
    experts = k * (4 * f * x + 2 * d * x)  # gate-up output, SiLU, product; input, output
    dispatch = k * (3 * 8 + 4)  # three int64 permutations, the routing weight per copy
    router = E * 4 + k * 8  # fp32 softmax, top-k indices
    if precision == "mixed":
        router += E * 2  # the bf16 logits
    if shape.d_shared:  # gated MLP, its output, the sigmoid gate's output and product
        router += 4 * shape.d_shared * e + d * e + 2 * e
    else:  # Mixtral renormalises the top-k weights in place: it saves them and their sum
        router += k * 4 + 4
    return experts + dispatch + router


def moe_working_bytes(shape: ModelShape, e: int) -> int:
    """Bytes per token alive inside a MoE MLP at its busiest, without gradients (inference).

    While the experts' activation runs: the routed copies sorted by expert ``(N·k, d)``, the
    fused gate-up output ``(N·k, 2·f_e)``, the SiLU and the product ``(N·k, f_e)`` each;
    the sorted expert ids and the permutation (int64), the routing weight per copy and the
    ids as floats (for ``histc``); the router's top-``k`` weights (fp32) and ids (int64).
    Qwen2-MoE's shared expert runs first, a gated MLP whose three ``f_s``-wide tensors are
    gone by then; whichever is larger counts.
    """
    d, k, f = shape.d_model, shape.top_k, shape.d_expert
    routed = k * ((d + 4 * f) * e + 8 + 8 + 4 + 4) + k * (4 + 8)
    return max(routed, 3 * shape.d_shared * e)
