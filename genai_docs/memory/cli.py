"""``genai-docs memory MODEL ...``: the calculator on the command line.

MODEL is a registry name (``gpt2``, ``llama-2-7b``...) or a ``config.json`` path. Without
``--train``: the peak of ``model.generate`` (a ``--seq``-token prompt, ``--new-tokens``
generated), or with ``--forward`` one forward pass that returns every position's logits.
``--device`` picks the kernels the prediction follows (CUDA's or the CPU's). Prints a
French table, then on CUDA the time it takes (a training step, or decoding's tokens per
second: :mod:`genai_docs.memory.speed`, on ``--gpu`` at ``--mfu``, the assumptions
printed), or with ``--json`` ``{"model", "params", "total_bytes", "breakdown"}``.

A sequence beyond the positions a model learned is refused (GPT-2's position table has
``n_positions`` rows); beyond the context a rotary model was trained for, a warning.
Nothing here imports PyTorch for the families modelled by formula: the answer comes from
a cold process in well under a second (``bench/bench_memory.py`` times it).
"""

from __future__ import annotations

import argparse
import json

from genai_docs.errors import UsageError


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be positive, not {value}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], not {value}")
    return value


def register(subparsers) -> None:
    """Add the ``memory`` sub-command."""
    parser = subparsers.add_parser(
        "memory",
        help="mémoire d'un modèle de langage (inférence ou entraînement)",
        description=(
            "Estime la mémoire d'un modèle (sur GPU par défaut) : génération, un passage "
            "ou entraînement."
        ),
    )
    parser.add_argument("model", help="nom connu (gpt2, llama-2-7b...) ou chemin d'un config.json")
    parser.add_argument("--train", action="store_true", help="entraînement (défaut : inférence)")
    parser.add_argument("--batch", type=_positive, default=1, help="séquences par pas (défaut 1)")
    parser.add_argument(
        "--seq", type=_positive, default=512, help="tokens par séquence ou du prompt (défaut 512)"
    )
    parser.add_argument(
        "--new-tokens",
        type=_positive,
        default=None,
        help="tokens générés par séquence, inférence (défaut 1)",
    )
    parser.add_argument(
        "--forward",
        action="store_true",
        help="inférence : un seul passage, logits de toutes les positions (sans génération)",
    )
    parser.add_argument(
        "--sample", action="store_true", help="génération par échantillonnage (défaut : glouton)"
    )
    parser.add_argument(
        "--device",
        choices=["cuda", "cpu"],
        default="cuda",
        help="noyaux suivis par la prédiction : GPU (défaut) ou CPU",
    )
    parser.add_argument(
        "--attention",
        choices=["sdpa", "eager"],
        default="sdpa",
        help="attention fusionnée (défaut) ou explicite",
    )
    parser.add_argument(
        "--dtype",
        choices=["fp32", "fp16", "bf16", "int8", "int4"],
        default="fp16",
        help="format des poids en inférence",
    )
    parser.add_argument(
        "--precision",
        choices=["fp32", "bf16", "mixed"],
        default="mixed",
        help="précision d'entraînement",
    )
    parser.add_argument("--optimizer", choices=["adamw", "sgd", "adam8bit"], default="adamw")
    parser.add_argument(
        "--recompute", choices=["none", "full"], default="none", help="recalcul des activations"
    )
    parser.add_argument(
        "--mixed",
        choices=["auto", "autocast", "fsdp2", "deepspeed"],
        default="auto",
        help=(
            "précision mixte : autocast autour de poids fp32, politique de FSDP2 (ZeRO 3), "
            "poids bf16 et copie fp32 dans l'optimiseur (DeepSpeed) ; auto : FSDP2 sous "
            "ZeRO 3, sinon autocast"
        ),
    )
    parser.add_argument(
        "--zero", type=int, choices=[0, 1, 2, 3], default=0, help="étape ZeRO (3 = FSDP)"
    )
    parser.add_argument("--gpus", type=_positive, default=1, help="nombre de GPU")
    parser.add_argument(
        "--lora-rank", type=_positive, default=None, help="rang LoRA (entraînement)"
    )
    parser.add_argument("--qlora", action="store_true", help="base en 4 bits (avec --lora-rank)")
    parser.add_argument(
        "--gpu",
        choices=["H100", "H200", "A100", "RTX 4090"],
        default=None,
        help="GPU des estimations de temps (défaut H100)",
    )
    parser.add_argument(
        "--mfu",
        type=_fraction,
        default=None,
        help="part du pic de calcul atteinte, entre 0 et 1 (défaut 0,4)",
    )
    parser.add_argument("--json", action="store_true", help="sortie JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Estimate and print; a wrong input raises ``UsageError``."""
    import sys

    from genai_docs.memory.generation import InferenceConfig, estimate_inference
    from genai_docs.memory.inference import estimate_forward
    from genai_docs.memory.params import model_shape
    from genai_docs.memory.remarks import POLICY_LABELS, check_positions, notes, time_lines
    from genai_docs.memory.report import MOMENT_LABELS, format_bytes, format_number
    from genai_docs.memory.training import TrainingConfig, estimate_training

    if args.qlora and not args.lora_rank:
        raise UsageError("--qlora needs --lora-rank")
    if not args.train and (args.lora_rank or args.zero or args.gpus > 1):
        raise UsageError("--lora-rank, --zero and --gpus apply to training: add --train")
    if not args.train and args.mixed != "auto":
        raise UsageError("--mixed applies to training: add --train")
    generating = args.new_tokens is not None or args.sample
    if args.train and (args.forward or generating):
        raise UsageError("--forward, --new-tokens and --sample apply to inference: drop --train")
    if args.forward and generating:
        raise UsageError("--forward is one pass without generation: drop --new-tokens, --sample")
    timed = args.device == "cuda" and not args.forward
    if (args.gpu or args.mfu) and not timed:
        raise UsageError("--gpu and --mfu estimate GPU time: drop --device cpu and --forward")
    shape = model_shape(args.model)
    positions = args.seq if args.train or args.forward else args.seq + (args.new_tokens or 1) - 1
    warning = check_positions(shape, positions)
    try:
        if args.train:
            cfg = TrainingConfig(
                batch_size=args.batch,
                seq_len=args.seq,
                precision=args.precision,
                optimizer=args.optimizer,
                recompute=args.recompute,
                zero_stage=args.zero,
                n_gpus=args.gpus,
                lora_rank=args.lora_rank or 0,
                qlora=args.qlora,
                attention=args.attention,
                device=args.device,
                mixed=args.mixed,
            )
            estimate = estimate_training(shape, cfg)
        elif args.forward:
            estimate = estimate_forward(shape, args.batch, args.seq, args.dtype)
        else:
            cfg = InferenceConfig(
                batch_size=args.batch,
                seq_len=args.seq,
                new_tokens=args.new_tokens or 1,
                dtype=args.dtype,
                attention=args.attention,
                device=args.device,
                sampling=args.sample,
            )
            estimate = estimate_inference(shape, cfg)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if warning:
        print(f"genai-docs memory: {warning}", file=sys.stderr)
    if args.json:
        data = estimate.to_dict()
        print(json.dumps({k: data[k] for k in ("model", "params", "total_bytes", "breakdown")}))
        return 0
    mode = "entraînement" if args.train else "un passage" if args.forward else "génération"
    print(f"{estimate.model} : {format_number(shape.params, 0)} paramètres, {mode}")
    if shape.n_experts:
        print(
            f"mélange d'experts : {shape.n_experts} experts, {shape.top_k} par token ; "
            f"{format_number(shape.active_params, 0)} paramètres actifs par token"
        )
    if "peak_at" in estimate.setting:
        print(f"pic : {MOMENT_LABELS[estimate.setting['peak_at']]} ({args.device})")
    policy = estimate.setting.get("policy")
    if policy:
        print(f"précision mixte : {POLICY_LABELS[policy]}")
    print("(1 Go = 10^9 octets ; 1 Gio = 2^30 octets)\n")
    print(estimate.table("Go"))
    print(
        f"\ntotal : {format_bytes(estimate.total_bytes, 'Go')} = {format_bytes(estimate.total_bytes, 'Gio')}"
    )
    for line in notes(shape, estimate, args.mixed):
        print(line)
    if timed:
        print()
        for line in time_lines(shape, estimate, args.gpu, args.mfu):
            print(line)
    return 0
