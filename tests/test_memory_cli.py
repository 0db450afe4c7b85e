"""``genai-docs memory``: output, JSON, and one-line errors (exit 2, no traceback)."""

import json
import subprocess
import sys

import pytest

from genai_docs.cli import main


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
