"""One setting, one answer: each column helper of :mod:`genai_docs.memory.parts` against
values computed by hand from the tensors a step keeps (issues 8 and 19).

Issue 8: ``activation_bytes`` ignored the CUDA attention fallback that ``estimate_training``
applies, so one page showed 28.6 GB and 78.45 GB of activations for the same setting. The
helpers now read the estimate's own moments; here they are checked against numbers derived
by hand (the derivations are in the comments), never against another call of the library.
The activation counts are those the measured matrices validate
(``tests/test_memory_validation.py`` and the out-of-sample files).
"""

import pytest

import genai_docs.memory as memory
from genai_docs.memory import InferenceConfig, TrainingConfig, estimate_training, model_shape

GPT2 = model_shape("gpt2")  # P = 124,439,808; d = 768, f = 3072, 12 blocks, V = 50,257
LLAMA7 = model_shape("llama-2-7b")  # P = 6,738,415,616
TINYLLAMA = model_shape("tinyllama-1.1b")  # d = 2048, f = 5632, 32 heads, 4 kv heads, 22 blocks


def _columns(shape, cfg) -> dict[str, int]:
    return {
        "weights": memory.weight_bytes(shape, cfg),
        "gradients": memory.gradient_bytes(shape, cfg),
        "optimizer": memory.optimizer_bytes(shape, cfg),
        "activations": memory.activation_bytes(shape, cfg),
        "logits": memory.logit_bytes(shape, cfg),
        "temporaries": memory.temporary_bytes(shape, cfg),
        "weight_copies": memory.weight_copy_bytes(shape, cfg),
    }


def test_gpt2_small_batch_peaks_at_the_optimizer_step():
    """fp32 AdamW, 1 × 128 tokens: the ZeRO paper's 16 bytes per parameter (4 weights, 4
    gradients, 8 moments) and foreach AdamW's square root (4 more); activations are freed."""
    cfg = TrainingConfig(1, 128, "fp32")
    p = 124_439_808
    assert _columns(GPT2, cfg) == {
        "weights": 4 * p,
        "gradients": 4 * p,
        "optimizer": 8 * p,
        "activations": 0,
        "logits": 0,
        "temporaries": 4 * p,
        "weight_copies": 0,
    }
    assert estimate_training(GPT2, cfg).total_bytes == 2_488_796_160  # 20 P


def test_gpt2_large_batch_peaks_when_the_backward_pass_starts():
    """fp32, 8 × 1024 on CUDA, SDPA, GPT-2's dropout 0.1. Per token and block: two
    LayerNorms (input 4d, mean and rstd 8, the next matmul's input 4d: 2 × (8d + 8)), SDPA
    (fused qkv 12d, q and v copies 8d, output 4d, logsumexp 4h: 24d + 48), the gelu_new MLP
    (5 saved f-wide tensors: 20f) and two boolean dropout masks (2d): 93,760 bytes; the
    final LayerNorm (8d + 8) and the embeddings' mask (d): 6,920. The loss: 3 V fp32."""
    cfg = TrainingConfig(8, 1024, "fp32")
    tokens = 8 * 1024
    per_token = 12 * (2 * (8 * 768 + 8) + 24 * 768 + 48 + 20 * 3072 + 2 * 768) + 8 * 768 + 8 + 768
    assert per_token == 1_132_040
    columns = _columns(GPT2, cfg)
    assert columns["activations"] == tokens * per_token == 9_273_671_680
    assert columns["logits"] == 3 * tokens * 50257 * 4 == 4_940_464_128
    assert (columns["weights"], columns["optimizer"], columns["gradients"]) == (
        497_759_232,
        995_518_464,
        0,
    )


def test_pure_bf16_sgd_keeps_six_bytes_per_parameter():
    """Llama-2-7B in bf16 with SGD, 1 × 512: weights, gradients and momentum, 2 bytes each,
    at the end of the backward pass (SGD has no temporaries)."""
    columns = _columns(LLAMA7, TrainingConfig(1, 512, "bf16", "sgd"))
    assert columns["weights"] == columns["gradients"] == columns["optimizer"] == 13_476_831_232
    assert columns["activations"] == columns["temporaries"] == 0


def test_issue_8_setting_gives_one_activation_figure():
    """TinyLlama, fp32, 4 × 2048. On CUDA, SDPA has no fused kernel for fp32 with
    grouped-query attention: the scores are kept. Per token and block: two RMSNorms in fp32
    (x 4d, rsqrt 4, x·rsqrt 4d, the matmul's input 4d: 2 × (12d + 4)), the gated MLP (gate,
    silu, up, product: 16f), and the attention: eager, q, k, v, output (16d) and the fp32
    softmax (4 h S); fused (CPU), q, output (8d), k, v (8 d_kv) and logsumexp (4h). The
    final RMSNorm adds 12d + 4."""
    d, f, h, s, d_kv = 2048, 5632, 32, 2048, 256
    norms, mlp, head = 2 * (12 * d + 4), 16 * f, 12 * d + 4
    eager = 8192 * (22 * (norms + mlp + 16 * d + 4 * h * s) + head)
    fused = 8192 * (22 * (norms + mlp + 8 * d + 8 * d_kv + 4 * h) + head)
    assert (eager, fused) == (78_451_736_576, 28_646_473_728)  # issue 8's 78.45 and 28.6 GB
    cuda = TrainingConfig(4, 2048, "fp32")
    assert memory.activation_bytes(TINYLLAMA, cuda) == eager
    assert estimate_training(TINYLLAMA, cuda).breakdown["activations"] == eager
    eager_asked = TrainingConfig(4, 2048, "fp32", attention="eager")
    assert memory.activation_bytes(TINYLLAMA, eager_asked) == eager
    assert memory.activation_bytes(TINYLLAMA, TrainingConfig(4, 2048, "fp32", device="cpu")) == (
        fused
    )


def test_generate_columns_by_hand():
    """GPT-2 in fp16. Prefill of 1 × 1024: the last block's MLP holds 6 d-wide tensors and
    gelu_new's 4 f-wide ones (2 bytes each); the cache 2 × 12 blocks × 768 × 1024 positions
    × 2 bytes (Pope et al., 2022); the token ids 6 int64 copies of the prompt. Sampling
    4 × (16 + 64): the last step's logits (e + 17 bytes per vocabulary entry), a cache of 79
    positions, the ids (5 S + 2 T int64 per sequence)."""
    prefill = InferenceConfig(1, 1024, 1, "fp16")
    assert memory.weight_bytes(GPT2, prefill) == 2 * 124_439_808
    assert memory.kv_cache_bytes(GPT2, prefill) == 2 * 12 * 768 * 1024 * 2 == 37_748_736
    assert memory.activation_bytes(GPT2, prefill) == (6 * 768 + 4 * 3072) * 1024 * 2
    assert memory.temporary_bytes(GPT2, prefill) == 8 * 6 * 1024
    assert memory.logit_bytes(GPT2, prefill) == 0
    sampling = InferenceConfig(4, 16, 64, "fp16", sampling=True)
    assert memory.logit_bytes(GPT2, sampling) == 4 * 50257 * (2 + 17) == 3_819_532
    assert memory.kv_cache_bytes(GPT2, sampling) == 2 * 12 * 768 * 79 * 4 * 2
    assert memory.temporary_bytes(GPT2, sampling) == 8 * 4 * (5 * 16 + 2 * 79)
    assert memory.activation_bytes(GPT2, sampling) == 0


def test_plain_formulas():
    """The helpers' plain forms: published rules, explicit numbers."""
    assert memory.weight_bytes(GPT2, "fp16") == 248_879_616
    assert memory.kv_cache_bytes(GPT2, 1024, 1) == 37_748_736
    assert memory.optimizer_bytes(10**9, "adamw", "fp32") == 8 * 10**9


def test_helpers_refuse_what_is_not_a_setting():
    with pytest.raises(TypeError):
        memory.activation_bytes(GPT2, {"batch_size": 4})
