"""What an estimate means, in French: the remarks the CLI and the calculator page print.

The mixed-precision setting, several GPUs without ZeRO (each keeps everything), the
autocast-around-FSDP pitfall, a sequence beyond the positions a model learned, what is
« non mesuré », and the time an estimate takes with its assumptions
(:mod:`genai_docs.memory.speed`).
"""

from __future__ import annotations

from genai_docs.errors import UsageError


def check_positions(shape, positions: int) -> str | None:
    """``UsageError`` if ``positions`` exceed a learned position table (GPT-2); a French
    warning if they exceed the context a rotary model was trained for; else ``None``."""
    limit = shape.max_positions
    if not limit or positions <= limit:
        return None
    if shape.family == "gpt2":
        raise UsageError(
            f"{shape.name} learned {limit} positions: {positions} tokens per sequence exceed them"
        )
    return (
        f"attention : {positions} positions, au-delà des {limit} du contexte pour lequel "
        f"{shape.name} a été entraîné ; la mémoire est estimée, la qualité ne l'est pas"
    )


POLICY_LABELS = {
    "autocast": "autocast autour de poids fp32 (copies bf16 gardées, jamais découpées)",
    "fsdp2": "politique de FSDP2 (poids rassemblés en bf16, gradients réduits en fp32)",
    "deepspeed": "poids et gradients bf16, copie maîtresse fp32 dans l'optimiseur (DeepSpeed)",
}


def notes(shape, estimate, mixed: str = "auto", page: bool = False) -> list[str]:
    """French remarks on what the table shows (several GPUs without ZeRO, the pitfall);
    ``mixed`` is the policy asked for; ``page``: phrased for the calculator's form rather
    than for the command line."""
    lines = []
    setting = estimate.setting
    flag = (lambda option, field: field) if page else (lambda option, field: option)
    if setting.get("mode") == "training" and setting["n_gpus"] > 1 and not setting["zero_stage"]:
        stage = flag("--zero", "l'étape ZeRO")
        lines.append(f"DDP (ZeRO 0) : chaque GPU garde tout ; {stage} découpe les états du modèle.")
    if setting.get("policy") == "autocast" and setting.get("zero_stage") == 3:
        lines.append(
            "Piège : les copies bf16 d'autocast ne sont pas découpées par FSDP ; "
            f"{flag('--mixed fsdp2', '« politique de FSDP2 »')} les évite."
        )
    if setting.get("policy") == "fsdp2" and mixed == "auto":
        lines.append(
            "Autocast autour de FSDP, le piège : "
            f"{flag('--mixed autocast', '« autocast autour de poids fp32 »')}."
        )
    return lines


def unmeasured(shape, estimate) -> list[str]:
    """« non mesuré » lines for what the estimate rests on and nothing here measures:
    the options a CPU cannot run (:data:`genai_docs.memory.measure.UNMEASURED`) and the
    CUDA-only kernels (SDPA's fallback in fp32 with grouped-query attention, boolean
    dropout masks). Every other option is measured on CPU by the tests
    (``tests/test_memory_*.py``)."""
    s = estimate.setting
    lines = []
    if s.get("optimizer") == "adam8bit":
        lines.append("non mesuré : Adam 8 bits (bitsandbytes, sur GPU seulement)")
    if s.get("qlora"):
        lines.append("non mesuré : la base 4 bits de QLoRA (noyaux CUDA de bitsandbytes)")
    if s.get("dtype") == "int4":
        lines.append("non mesuré : les poids int4 (aucun noyau CPU ne stocke leur format)")
    if s.get("device") == "cuda":
        gqa = shape.n_kv_head != shape.n_head
        fp32 = s.get("precision", s.get("dtype")) == "fp32"
        if s.get("attention") == "eager" and gqa and fp32:
            lines.append(
                "non mesuré : l'attention sans noyau fusionné en fp32 avec têtes clés-valeurs "
                "groupées (règle de PyTorch sur GPU)"
            )
        if s.get("mode") == "training" and shape.has_dropout:
            lines.append("non mesuré : les masques de dropout en booléens (noyaux CUDA)")
    return lines


def _tera(value: float) -> str:
    """A published peak in tera-units, French style, decimals only where it has some."""
    from genai_docs import french

    tera = value / 1e12
    return french.number(tera, 0 if tera == round(tera) else 1)


def time_lines(shape, estimate, gpu_name: str | None, mfu: float | None) -> list[str]:
    """The time estimate, and its assumptions, in French (:mod:`genai_docs.memory.speed`)."""
    from genai_docs import french
    from genai_docs.memory import speed
    from genai_docs.memory.inference import kv_cache_bytes, stored_weight_bytes

    gpu = speed.GPUS[gpu_name or speed.DEFAULT_GPU]
    mfu = mfu or speed.DEFAULT_MFU
    s = estimate.setting
    if s["mode"] == "training":
        recompute = s["recompute"] == "full"
        lora = bool(s.get("lora_rank"))
        tokens = s["batch_size"] * s["seq_len"]
        flops = speed.training_step_flops(shape, tokens, s["seq_len"], recompute, lora)
        seconds = speed.training_step_seconds(
            shape, tokens, s["seq_len"], s["precision"], recompute, gpu, mfu, lora
        )
        peak = gpu.fp32_flops if s["precision"] == "fp32" else gpu.bf16_flops
        kind = "fp32" if s["precision"] == "fp32" else "bf16"
        return [
            f"temps d'un pas, par GPU : {french.number(seconds, 3)} s",
            f"  hypothèses : {french.scientific(flops, 2)} opérations "
            f"({2 * (3 - lora + recompute)}·N·tokens + attention, N = "
            f"{french.number(speed.matmul_params(shape), 0)} paramètres de matrices actifs) ; "
            f"{gpu.name} à {_tera(peak)} TFLOP/s {kind} "
            f"({gpu.source}) × {french.percent(mfu, 0)} d'utilisation (MFU)",
        ]
    batch, cached = s["batch_size"], s["seq_len"] + s["new_tokens"] - 1
    compute = s["dtype"] if s["dtype"] in ("fp32", "bf16") else "fp16"
    kv = kv_cache_bytes(shape, cached, batch, compute)
    result = speed.decode_speed(
        shape, stored_weight_bytes(shape, s["dtype"]), cached, kv, batch, compute, gpu, mfu
    )
    return [
        f"décodage : au mieux {french.number(result.tokens_per_second, 0)} tokens/s "
        f"({batch} séquence{'s' if batch > 1 else ''}, cache de {cached} positions)",
        f"  hypothèses : chaque pas lit {french.size(result.bytes_per_step, 'Go', 2)} "
        f"(poids, cache KV) à {french.number(gpu.bandwidth / 1e12, 2)} To/s ({gpu.name}, "
        f"{gpu.source}) ; borné par la {result.bound}",
    ]
