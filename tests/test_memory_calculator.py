"""The calculator page's Python (``snippets/calculatrice/calcul.py``), without a browser:
the lesson's presets, the stacked bar, the remarks, the time (issue 16, review 2 §5).

``tests/test_browser.py`` checks that the page shows what this code computes.
"""

import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from genai_docs import french
from genai_docs.memory import model_shape, registry_names
from genai_docs.memory.presets import LESSON_PRESETS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "snippets" / "calculatrice"))
import calcul  # noqa: E402

SHAPES = {
    name: model_shape(name) for name in registry_names() if model_shape(name).family != "other"
}


def _form(**fields) -> dict:
    """The form's defaults, as the page starts, with ``fields`` changed (strings)."""
    base = {
        "model": "tinyllama-1.1b",
        "mode": "training",
        "batch_size": "1",
        "seq_len": "512",
        "attention": "sdpa",
        "device": "cuda",
        "precision": "mixed",
        "mixed": "auto",
        "optimizer": "adamw",
        "recompute": "none",
        "zero_stage": "0",
        "n_gpus": "1",
        "lora_rank": "0",
        "dtype": "fp16",
        "new_tokens": "1",
    }
    return {**base, **{k: str(v) for k, v in fields.items()}}


@cache
def _published(snippet: str) -> dict[str, str]:
    """The values a lesson snippet publishes, run as the site's build runs it."""
    values = ROOT / ".pytest-values-calculatrice.jsonl"
    values.unlink(missing_ok=True)
    try:
        subprocess.run(
            [sys.executable, str(ROOT / "snippets" / snippet)],
            cwd=ROOT,
            env={**os.environ, "GENAI_DOCS_VALUES": str(values)},
            check=True,
            capture_output=True,
            timeout=300,
        )
        lines = [json.loads(line) for line in values.read_text(encoding="utf-8").splitlines()]
    finally:
        values.unlink(missing_ok=True)
    return {line["name"]: line["text"] for line in lines if "name" in line}


@pytest.mark.parametrize("label", list(LESSON_PRESETS))
def test_each_preset_finds_the_lessons_figure_again(label):
    source, fields = LESSON_PRESETS[label]
    snippet, name = source.split(":")
    figure = _published(snippet)[name]  # e.g. "15,1 Go"
    decimals = len(re.search(r",(\d+)", figure).group(1)) if "," in figure else 0
    assert "erreur" not in calcul.calculer(fields, SHAPES)
    total = calcul.estimer(fields, calcul.forme_du_modele(fields, SHAPES)).total_bytes
    assert french.size(total, "Go", decimals) == figure.replace(" ", "\u00a0"), label


def test_the_lora_preset_is_not_the_default():
    """Review 2, §5: 44.31 GB with the form's default settings, 15.1 GB in the lesson;
    43.26 GB since issue 19 (LoRA's frozen matrices keep none of their inputs)."""
    lora = dict(LESSON_PRESETS["Llama-2-7B, LoRA rang 16"][1])
    default = calcul.calculer(_form(model="llama-2-7b", lora_rank=16), SHAPES)
    assert default["total"].startswith("total : 43,26")
    assert calcul.calculer(lora, SHAPES)["total"].startswith("total : 15,")


def test_the_bar_shows_every_part_of_the_table():
    page = calcul.calculer(_form(batch_size=4, seq_len=2048), SHAPES)
    assert [part["partie"] for part in page["barre"]] == [row[0] for row in page["lignes"][:-1]]
    assert abs(sum(part["part"] for part in page["barre"]) - 100) < 0.05
    assert len({part["rang"] for part in page["barre"]}) == len(page["barre"])


def test_several_gpus_under_zero_0_keep_everything():
    page = calcul.calculer(_form(n_gpus=8), SHAPES)
    assert any("chaque GPU garde tout" in r for r in page["remarques"])
    assert page["total"] == calcul.calculer(_form(), SHAPES)["total"].replace(
        "total :", "total par GPU :"
    )


def test_zero3_mixed_names_its_policy_and_the_pitfall():
    fsdp = calcul.calculer(_form(model="llama-2-7b", zero_stage=3, n_gpus=8), SHAPES)
    pitfall = calcul.calculer(
        _form(model="llama-2-7b", zero_stage=3, n_gpus=8, mixed="autocast"), SHAPES
    )
    assert any("FSDP2" in r for r in fsdp["remarques"])
    assert any("Piège" in r for r in pitfall["remarques"])
    assert "copies des poids" in [row[0] for row in pitfall["lignes"]]
    refused = calcul.calculer(_form(model="llama-2-7b", mixed="fsdp2"), SHAPES)
    assert refused["erreur"].startswith("La politique de précision mixte de FSDP2")


def test_positions_gpt2_never_learned_are_refused_in_french():
    page = calcul.calculer(_form(model="gpt2", seq_len=100000), SHAPES)
    assert page == {
        "erreur": "gpt2 a appris 1024 positions : 100000 tokens par séquence les dépassent."
    }
    rope = calcul.calculer(_form(model="llama-2-7b", seq_len=8192), SHAPES)
    assert any("4096" in r for r in rope["remarques"])


def test_time_on_gpu_only_and_experts_remarked():
    page = calcul.calculer(_form(model="mixtral-8x7b", mode="inference", new_tokens=64), SHAPES)
    assert any("tokens/s" in t for t in page["temps"])
    assert any("Mélange d'experts" in r for r in page["remarques"])
    assert calcul.calculer(_form(device="cpu"), SHAPES)["temps"] == []


def test_the_registry_lists_every_module_the_page_imports():
    out = subprocess.run(
        [sys.executable, "snippets/calculatrice/registre.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    registry = json.loads(out.split("\n", 1)[1].rsplit("\n</script>", 1)[0].replace("\n", ""))
    assert {"genai_docs/memory/speed.py", "genai_docs/memory/remarks.py"} <= set(
        registry["modules"]
    )
    assert not any("torch" in m for m in registry["modules"])
    assert set(registry["reglages"]) == set(LESSON_PRESETS)
    assert "mixtral-8x7b" in registry["modeles"]
