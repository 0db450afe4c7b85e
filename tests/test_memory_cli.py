"""``genai-docs memory``: output, JSON, and one-line errors (exit 2, no traceback)."""

import json
import subprocess
import sys

import pytest

from genai_docs.cli import main
from genai_docs.memory import lora_params, model_shape


def test_json_output(capsys):
    assert main(["memory", "gpt2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"model", "params", "total_bytes", "breakdown"}
    assert data["params"] == 124_439_808
    assert data["total_bytes"] == sum(data["breakdown"].values())


def test_training_table_in_french(capsys):
    args = ["memory", "tinyllama-1.1b", "--train", "--batch", "2", "--seq", "256"]
    assert main(args + ["--zero", "3", "--gpus", "4"]) == 0
    out = capsys.readouterr().out
    assert "paramètres, entraînement" in out and "| **total** |" in out and "Gio" in out


def test_generate_grows_with_new_tokens_and_forward_is_kept(capsys):
    def total(*extra):
        main(["memory", "tinyllama-1.1b", "--batch", "8", "--seq", "512", "--json", *extra])
        return json.loads(capsys.readouterr().out)["total_bytes"]

    prompt = total()
    assert total("--new-tokens", "1") == prompt
    assert total("--new-tokens", "4096") > prompt  # the cache grows with the new tokens
    assert total("--forward") > prompt  # every position's logits, not the last one's
    assert main(["memory", "gpt2", "--new-tokens", "64", "--sample"]) == 0
    out = capsys.readouterr().out
    assert "génération" in out and "pic : " in out and "cache KV" in out


def test_device_cpu_matches_the_api_and_the_measure(tmp_path, capsys):
    """Issue 9: a tiny Llama in fp32, trained on CPU, was predicted for CUDA kernels."""
    from genai_docs.memory import (
        TrainingConfig,
        estimate_training,
        measure_training_peak,
        model_shape,
        tiny_configs,
    )

    config = tiny_configs()["llama"]
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config.to_dict()), encoding="utf-8")
    args = ["memory", str(path), "--train", "--precision", "fp32", "--batch", "4", "--seq", "256"]

    def cli(device):
        assert main([*args, "--device", device, "--json"]) == 0
        return json.loads(capsys.readouterr().out)["total_bytes"]

    cfg = TrainingConfig(4, 256, "fp32", device="cpu")
    api = estimate_training(model_shape(config), cfg).total_bytes
    assert cli("cpu") == api
    assert cli("cuda") > api  # SDPA's fallback on CUDA (fp32, grouped-query attention)
    measured = measure_training_peak(config, cfg)["peak"]
    assert abs(cli("cpu") / measured - 1) <= 0.02


def test_lora_is_smaller(capsys):
    main(["memory", "tinyllama-1.1b", "--train", "--json"])
    full = json.loads(capsys.readouterr().out)["total_bytes"]
    main(["memory", "tinyllama-1.1b", "--train", "--lora-rank", "8", "--qlora", "--json"])
    assert json.loads(capsys.readouterr().out)["total_bytes"] < full


def test_lora_targets_count_the_mlp_too(capsys):
    """The course GPT's four blocks (d = 128, f = 512), rank 8: the attention's c_attn
    (128 -> 384) and c_proj (128 -> 128) are 8 · (512 + 256) per block, 24 576 in all; with
    the MLP's two matrices (128 -> 512 -> 128), 8 · 2 048 per block, 65 536: the count the
    lesson « Adapter un modèle » trains."""
    from genai_docs.adapt import course_shape

    shape = course_shape()
    assert lora_params(shape, 8) == 24_576
    assert lora_params(shape, 8, "all") == 65_536
    main(["memory", "gpt2", "--train", "--lora-rank", "8", "--json"])
    attention = json.loads(capsys.readouterr().out)["breakdown"]["weights"]
    main(["memory", "gpt2", "--train", "--lora-rank", "8", "--lora-targets", "all", "--json"])
    everything = json.loads(capsys.readouterr().out)["breakdown"]["weights"]
    gpt2 = model_shape("gpt2")  # 12 blocks, d = 768, f = 3 072: the adapters are in fp32
    assert lora_params(gpt2, 8, "all") - lora_params(gpt2, 8) == 12 * 8 * 2 * (768 + 3072)
    assert everything - attention == 4 * 12 * 8 * 2 * (768 + 3072)


@pytest.mark.parametrize(
    "args",
    [
        ["no-such-model"],
        ["{path}/missing.json"],
        ["{path}/broken.json"],
        ["{path}/nomodel.json"],
        ["{path}/negative.json"],
        ["gpt2", "--batch", "0"],
        ["gpt2", "--seq", "-3"],
        ["gpt2", "--batch", "two"],
        ["gpt2", "--dtype", "fp8"],
        ["gpt2", "--train", "--optimizer", "lion"],
        ["gpt2", "--train", "--zero", "4"],
        ["gpt2", "--train", "--gpus", "0"],
        ["gpt2", "--train", "--lora-rank", "0"],
        ["gpt2", "--train", "--qlora"],
        ["gpt2", "--zero", "2"],
        ["gpt2", "--new-tokens", "0"],
        ["gpt2", "--train", "--new-tokens", "8"],
        ["gpt2", "--train", "--forward"],
        ["gpt2", "--forward", "--new-tokens", "8"],
        ["gpt2", "--device", "tpu"],
        # issue 16: positions GPT-2 never learned; mixed-precision and time options
        ["gpt2", "--seq", "100000"],
        ["gpt2", "--seq", "1000", "--new-tokens", "30"],
        ["gpt2", "--train", "--seq", "1025"],
        ["gpt2", "--mixed", "autocast"],
        ["gpt2", "--train", "--mixed", "fsdp2"],
        ["gpt2", "--train", "--precision", "fp32", "--mixed", "deepspeed"],
        ["gpt2", "--train", "--mixed", "zero"],
        ["gpt2", "--mfu", "1.5"],
        ["gpt2", "--mfu", "zero"],
        ["gpt2", "--gpu", "H100", "--device", "cpu"],
        ["gpt2", "--forward", "--mfu", "0.5"],
        ["gpt2", "--gpu", "TPU"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args):
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    (tmp_path / "nomodel.json").write_text('{"n_embd": 8}', encoding="utf-8")
    (tmp_path / "negative.json").write_text(
        '{"model_type": "gpt2", "n_embd": -8}', encoding="utf-8"
    )
    args = [a.format(path=tmp_path) for a in args]
    proc = subprocess.run(
        [sys.executable, "-m", "genai_docs.cli", "memory", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    lines = [
        line for line in proc.stderr.splitlines() if line.strip() and "[transformers]" not in line
    ]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


# Issue 19: every option that the chosen mode would ignore is refused, naming the option
# and the mode (exit 2, one line).
IGNORED = [
    (["--precision", "fp32"], "--precision applies to training, not to generation"),
    (["--optimizer", "sgd"], "--optimizer applies to training, not to generation"),
    (["--recompute", "full"], "--recompute applies to training, not to generation"),
    (["--mixed", "auto"], "--mixed applies to training, not to generation"),
    (["--gpus", "1"], "--gpus applies to training, not to generation"),
    (["--zero", "0"], "--zero applies to training, not to generation"),
    (["--lora-rank", "8"], "--lora-rank applies to training, not to generation"),
    (["--qlora"], "--qlora applies to training, not to generation"),
    (["--forward", "--precision", "bf16"], "--precision applies to training, not to one forward"),
    (["--train", "--dtype", "fp32"], "--dtype applies to inference, not to training"),
    (["--train", "--new-tokens", "8"], "--new-tokens applies to inference, not to training"),
    (["--train", "--forward"], "--forward applies to inference, not to training"),
    (["--train", "--sample"], "--sample applies to inference, not to training"),
    (["--train", "--qlora"], "--qlora applies to LoRA adapters: it needs --lora-rank"),
    (["--lora-targets", "all"], "--lora-targets applies to training, not to generation"),
    (["--train", "--lora-targets", "all"], "--lora-targets applies to LoRA adapters: it needs"),
    (["--forward", "--new-tokens", "8"], "--new-tokens applies to generation, not to one forward"),
    (["--forward", "--sample"], "--sample applies to generation, not to one forward"),
    (["--forward", "--gpu", "H100"], "--gpu estimates GPU time, which one forward pass"),
    (["--forward", "--mfu", "0.5"], "--mfu estimates GPU time, which one forward pass"),
    (["--device", "cpu", "--gpu", "H100"], "--gpu estimates GPU time, not with --device cpu"),
    (["--train", "--device", "cpu", "--mfu", "0.5"], "--mfu estimates GPU time, not with"),
]


@pytest.mark.parametrize(("args", "message"), IGNORED, ids=[" ".join(a) for a, _ in IGNORED])
def test_an_option_the_mode_ignores_is_refused(capsys, args, message):
    assert main(["memory", "gpt2", *args]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1 and message in out.err, out.err


def test_forward_honours_attention_and_device(capsys):
    def total(*extra):
        assert (
            main(["memory", "tinyllama-1.1b", "--forward", "--seq", "2048", "--json", *extra]) == 0
        )
        return json.loads(capsys.readouterr().out)["total_bytes"]

    fused, eager = total(), total("--attention", "eager")
    assert eager > fused  # the (B, h, S, S) scores of the last block
    # fp32 with grouped-query attention: CUDA has no fused kernel, the CPU has one
    assert total("--dtype", "fp32") > total("--dtype", "fp32", "--device", "cpu")


def test_what_a_cpu_cannot_measure_says_non_mesure(capsys):
    args = ["memory", "tinyllama-1.1b", "--train", "--optimizer", "adam8bit"]
    assert main(args) == 0
    assert "non mesuré : Adam 8 bits" in capsys.readouterr().out
    assert main(["memory", "tinyllama-1.1b", "--train", "--lora-rank", "8", "--qlora"]) == 0
    assert "non mesuré : la base 4 bits de QLoRA" in capsys.readouterr().out
    assert main(["memory", "tinyllama-1.1b", "--dtype", "int4"]) == 0
    assert "non mesuré : les poids int4" in capsys.readouterr().out
    assert main(["memory", "tinyllama-1.1b", "--train", "--precision", "fp32"]) == 0
    assert "non mesuré : l'attention sans noyau fusionné" in capsys.readouterr().out
    assert main(["memory", "gpt2", "--train", "--device", "cuda"]) == 0  # dropout 0.1
    assert "non mesuré : les masques de dropout" in capsys.readouterr().out
    # measured options print no such line
    assert main(["memory", "tinyllama-1.1b", "--train", "--device", "cpu"]) == 0
    assert "non mesuré" not in capsys.readouterr().out
    assert main(["memory", "tinyllama-1.1b", "--dtype", "int8", "--device", "cpu"]) == 0
    assert "non mesuré" not in capsys.readouterr().out


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "genai_docs.cli", "memory", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_beyond_the_trained_context_is_a_one_line_warning():
    proc = _run("llama-2-7b", "--seq", "8000")
    assert proc.returncode == 0
    assert proc.stderr.count("\n") == 1 and "4096" in proc.stderr and "Traceback" not in proc.stderr
    assert _run("llama-2-7b", "--seq", "4096").stderr == ""


def test_zero3_mixed_defaults_to_fsdp2_and_the_pitfall_is_one_flag_away(capsys):
    args = ["memory", "llama-2-7b", "--train", "--precision", "mixed", "--gpus", "8", "--zero", "3"]
    assert main([*args, "--json"]) == 0
    policy = json.loads(capsys.readouterr().out)
    assert main([*args, "--mixed", "autocast", "--json"]) == 0
    pitfall = json.loads(capsys.readouterr().out)
    # FSDP2's policy: 16 bytes per parameter, sharded over 8 GPUs (and AdamW's temporary)
    states = sum(policy["breakdown"][k] for k in ("weights", "gradients", "optimizer"))
    assert abs(states / (16 * 6_738_415_616 / 8) - 1) < 0.01
    # autocast around FSDP: a bf16 copy of every matrix, whole on each GPU
    assert pitfall["breakdown"]["weight_copies"] > 2 * 6_400_000_000
    assert pitfall["total_bytes"] > 1.5 * policy["total_bytes"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "politique de FSDP2" in out and "--mixed autocast" in out


def test_time_is_printed_with_its_assumptions(capsys):
    assert main(["memory", "llama-2-7b", "--train", "--seq", "2048", "--mfu", "0,5"]) == 0
    out = capsys.readouterr().out
    assert "temps d'un pas" in out and "989 TFLOP/s" in out and "50\u00a0%" in out
    assert main(["memory", "mixtral-8x7b", "--new-tokens", "64", "--gpu", "H200"]) == 0
    out = capsys.readouterr().out
    assert "tokens/s" in out and "4,8" in out and "mélange d'experts" in out


def test_several_gpus_without_zero_say_that_each_keeps_everything(capsys):
    assert main(["memory", "gpt2", "--train", "--gpus", "8"]) == 0
    assert "chaque GPU garde tout" in capsys.readouterr().out
