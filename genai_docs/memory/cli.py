"""``genai-docs memory MODEL ...``: the calculator on the command line.

MODEL is a registry name (``gpt2``, ``llama-2-7b``...) or a ``config.json`` path. Without
``--train``: the peak of ``model.generate`` (a ``--seq``-token prompt, ``--new-tokens``
generated), or with ``--forward`` one forward pass that returns every position's logits.
``--device`` picks the kernels the prediction follows (CUDA's or the CPU's). Prints a
French table, then on CUDA the time it takes (a training step, or decoding's tokens per
second: :mod:`genai_docs.memory.speed`, on ``--gpu`` at ``--mfu``, the assumptions
printed), or with ``--json`` ``{"model", "params", "total_bytes", "breakdown"}``.

An option the chosen mode would ignore is refused, one line naming the option and the mode
(exit 2): the training options without ``--train``, ``--dtype`` or ``--new-tokens`` with it,
``--new-tokens`` and ``--sample`` with ``--forward``, ``--gpu`` and ``--mfu`` where no time
is estimated. What no measurement checks is printed as « non mesuré ».

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
        default=None,
        help="format des poids en inférence (défaut fp16)",
    )
    parser.add_argument(
        "--precision",
        choices=["fp32", "bf16", "mixed"],
        default=None,
        help="précision d'entraînement (défaut mixed)",
    )
    parser.add_argument(
        "--optimizer",
        choices=["adamw", "sgd", "adam8bit"],
        default=None,
        help="optimiseur d'entraînement (défaut adamw)",
    )
    parser.add_argument(
        "--recompute",
        choices=["none", "full"],
        default=None,
        help="recalcul des activations, entraînement (défaut none)",
    )
    parser.add_argument(
        "--mixed",
        choices=["auto", "autocast", "fsdp2", "deepspeed"],
        default=None,
        help=(
            "précision mixte : autocast autour de poids fp32, politique de FSDP2 (ZeRO 3), "
            "poids bf16 et copie fp32 dans l'optimiseur (DeepSpeed) ; auto : FSDP2 sous "
            "ZeRO 3, sinon autocast"
        ),
    )
    parser.add_argument(
        "--zero", type=int, choices=[0, 1, 2, 3], default=None, help="étape ZeRO (3 = FSDP)"
    )
    parser.add_argument(
        "--gpus", type=_positive, default=None, help="nombre de GPU, entraînement (défaut 1)"
    )
    parser.add_argument(
        "--lora-rank", type=_positive, default=None, help="rang LoRA (entraînement)"
    )
    parser.add_argument(
        "--lora-targets",
        choices=["attention", "all"],
        default=None,
        help="matrices adaptées par LoRA : l'attention (défaut) ou toutes celles des blocs",
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


TRAINING_ONLY = (
    "precision",
    "optimizer",
    "recompute",
    "mixed",
    "zero",
    "gpus",
    "lora_rank",
    "lora_targets",
)
INFERENCE_ONLY = ("dtype", "new_tokens")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def check_options(args: argparse.Namespace) -> None:
    """``UsageError``, one line naming the option and the mode, for an option that the
    chosen mode would ignore: training's options without ``--train``, inference's with
    it, generation's with ``--forward``, time's where no time is estimated."""
    mode = "training" if args.train else "one forward pass" if args.forward else "generation"
    given = lambda names: [n for n in names if getattr(args, n) is not None]  # noqa: E731
    if not args.train:
        extra = given(TRAINING_ONLY) + (["qlora"] if args.qlora else [])
        if extra:
            raise UsageError(f"{_flag(extra[0])} applies to training, not to {mode}: add --train")
    else:
        extra = given(INFERENCE_ONLY)
        extra += [n for n in ("forward", "sample") if getattr(args, n)]
        if extra:
            raise UsageError(
                f"{_flag(extra[0])} applies to inference, not to training: drop it or --train"
            )
        if (args.qlora or args.lora_targets) and not args.lora_rank:
            option = "--qlora" if args.qlora else "--lora-targets"
            raise UsageError(f"{option} applies to LoRA adapters: it needs --lora-rank")
    if args.forward and (args.new_tokens is not None or args.sample):
        option = "--new-tokens" if args.new_tokens is not None else "--sample"
        raise UsageError(f"{option} applies to generation, not to one forward pass (--forward)")
    if args.gpu or args.mfu:
        option = "--gpu" if args.gpu else "--mfu"
        if args.forward:
            raise UsageError(f"{option} estimates GPU time, which one forward pass does not get")
        if args.device == "cpu":
            raise UsageError(f"{option} estimates GPU time, not with --device cpu")


def run(args: argparse.Namespace) -> int:
    """Estimate and print; a wrong input raises ``UsageError``."""
    import sys

    from genai_docs import french
    from genai_docs.memory.generation import (
        InferenceConfig,
        estimate_forward,
        estimate_inference,
    )
    from genai_docs.memory.params import model_shape
    from genai_docs.memory.remarks import (
        POLICY_LABELS,
        check_positions,
        notes,
        time_lines,
        unmeasured,
    )
    from genai_docs.memory.report import MOMENT_LABELS, format_bytes
    from genai_docs.memory.training import TrainingConfig, estimate_training

    check_options(args)
    mixed = args.mixed or "auto"
    timed = args.device == "cuda" and not args.forward
    shape = model_shape(args.model)
    positions = args.seq if args.train or args.forward else args.seq + (args.new_tokens or 1) - 1
    warning = check_positions(shape, positions)
    try:
        if args.train:
            cfg = TrainingConfig(
                batch_size=args.batch,
                seq_len=args.seq,
                precision=args.precision or "mixed",
                optimizer=args.optimizer or "adamw",
                recompute=args.recompute or "none",
                zero_stage=args.zero or 0,
                n_gpus=args.gpus or 1,
                lora_rank=args.lora_rank or 0,
                lora_targets=args.lora_targets or "attention",
                qlora=args.qlora,
                attention=args.attention,
                device=args.device,
                mixed=mixed,
            )
            estimate = estimate_training(shape, cfg)
        elif args.forward:
            estimate = estimate_forward(
                shape, args.batch, args.seq, args.dtype or "fp16", args.attention, args.device
            )
        else:
            cfg = InferenceConfig(
                batch_size=args.batch,
                seq_len=args.seq,
                new_tokens=args.new_tokens or 1,
                dtype=args.dtype or "fp16",
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
    print(f"{estimate.model} : {french.number(shape.params, 0)} paramètres, {mode}")
    if shape.n_experts:
        print(
            f"mélange d'experts : {shape.n_experts} experts, {shape.top_k} par token ; "
            f"{french.number(shape.active_params, 0)} paramètres actifs par token"
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
    for line in notes(shape, estimate, mixed) + unmeasured(shape, estimate):
        print(line)
    if timed:
        print()
        for line in time_lines(shape, estimate, args.gpu, args.mfu):
            print(line)
    return 0
