"""Decoding with quantized weights: tokens per second and peak memory, bf16 / int8 / int4.

A Llama of about a billion parameters (TinyLlama-1.1B's configuration, random weights),
batch of one, a 128-token prompt, greedy decoding. Weight-only quantization through
``torchao`` (int8, and int4 in groups of 128), compiled with ``torch.compile`` as torchao
intends. The time of one decoding step is (time of 129 new tokens − time of 1) / 128. One
token at a time, decoding reads every weight once per step: it is bound by memory
bandwidth, and the lesson puts the roofline (weight bytes ÷ bandwidth) beside each row.
"""

from __future__ import annotations

from _common import cuda_time, run

DEPENDS = ["genai_docs/memory/registry.py"]
NEW_TOKENS = 128


def _quantize(model, variant: str) -> None:
    from torchao.quantization import Int4WeightOnlyConfig, Int8WeightOnlyConfig, quantize_

    quantize_(model, Int8WeightOnlyConfig() if variant == "int8" else Int4WeightOnlyConfig(128))


def measure(device: str, dry_run: bool) -> dict:
    import torch
    from transformers import AutoModelForCausalLM

    from genai_docs.memory import registry_config, tiny_configs

    config = tiny_configs()["llama"] if dry_run else registry_config("tinyllama-1.1b")
    prompt, new = (8, 4) if dry_run else (128, NEW_TOKENS)
    variants = {}
    for variant in ("bf16", "int8", "int4"):
        try:
            torch.manual_seed(0)
            model = AutoModelForCausalLM.from_config(config).to(device, torch.bfloat16).eval()
            model.generation_config.eos_token_id = None
            model.generation_config.pad_token_id = 0
            if variant != "bf16":
                _quantize(model, variant)
            if device == "cuda":
                model.forward = torch.compile(model.forward, mode="reduce-overhead")
            x = torch.randint(0, config.vocab_size, (1, prompt), device=device)

            def generate(n: int, model=model, x=x) -> None:
                with torch.no_grad():
                    model.generate(
                        x, max_new_tokens=n, do_sample=False, cache_implementation="static"
                    )

            if device == "cuda":
                torch.cuda.reset_peak_memory_stats()
            one = cuda_time(lambda: generate(1), device, 3)
            many = cuda_time(lambda: generate(new + 1), device, 3)
            weights = sum(
                t.numel() * t.element_size() for t in model.state_dict().values() if t.is_floating_point() or t.dtype in (torch.int8, torch.uint8, torch.int32)
            )  # fmt: skip
            variants[variant] = {
                "seconds_per_token": (many - one) / new,
                "peak_bytes": int(torch.cuda.max_memory_allocated()) if device == "cuda" else None,
                "state_dict_bytes": weights,
            }
        except Exception as error:  # a variant this torch/torchao cannot run: say why
            variants[variant] = {
                "error": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
            }
        finally:
            if device == "cuda":
                torch.cuda.empty_cache()
    return {
        "model": "tiny-llama" if dry_run else "tinyllama-1.1b",
        "prompt": prompt,
        "variants": variants,
    }


if __name__ == "__main__":
    raise SystemExit(run("decodage_quantifie", measure))
