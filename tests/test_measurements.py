"""GPU measurements frozen as datasets: recorded with their provenance, stale only when the
code that measured them changed, shown by blocks that compute the rest at every build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from genai_docs import measurements
from genai_docs.mkdocs.worker import _package_file

ROOT = Path(__file__).resolve().parents[1]


def _dry_run(script: str, folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, measurements.FROZEN_ENV: str(folder)}
    command = [sys.executable, f"measurements/{script}.py", "--dry-run"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository of one measuring script, its dependency, and a formula it never runs."""
    (tmp_path / "measurements").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "measurements" / "vitesse.py").write_text('DEPENDS = ["lib/mesure.py"]\n')
    (tmp_path / "lib" / "mesure.py").write_text("def mesure(): return 1\n")
    (tmp_path / "lib" / "formules.py").write_text("def prediction(): return 1\n")
    monkeypatch.setattr(measurements, "ROOT", tmp_path)
    monkeypatch.setenv(measurements.FROZEN_ENV, str(tmp_path / "frozen"))
    return tmp_path


def test_a_dataset_is_stale_only_when_its_measuring_code_changes(repo: Path) -> None:
    measurements.record("vitesse", {"tokens_par_seconde": [1.0]}, seconds=2.0)
    dataset = measurements.load("vitesse")
    assert dataset.data == {"tokens_par_seconde": [1.0]} and not dataset.stale
    assert set(dataset.code) == {"measurements/vitesse.py", "lib/mesure.py"}
    assert {"gpu", "gpu_count", "driver", "cuda", "torch", "transformers", "commit", "date"} <= set(
        dataset.provenance
    )
    (repo / "lib" / "formules.py").write_text("def prediction(): return 2  # nouvelle formule\n")
    assert not measurements.load("vitesse").stale  # the predictions are recomputed, not frozen
    (repo / "lib" / "mesure.py").write_text("def mesure(): return 2\n")
    assert measurements.load("vitesse").changed == ["lib/mesure.py"]
    assert "Mesures périmées" in measurements.banner("vitesse", measurements.load("vitesse"))


def test_a_new_dependency_or_an_earlier_version_makes_it_stale(repo: Path) -> None:
    measurements.record("vitesse", {}, seconds=1.0)
    (repo / "measurements" / "vitesse.py").write_text(
        'DEPENDS = ["lib/mesure.py", "lib/formules.py"]\n'
    )
    assert "measurements/vitesse.py" in measurements.load("vitesse").changed
    path = repo / "frozen" / "vitesse.json"
    raw = json.loads(path.read_text())
    raw["code"] = {"snippets/ancien.py@457d091": "0" * 64}
    path.write_text(json.dumps(raw))
    assert measurements.load("vitesse").changed == ["snippets/ancien.py@457d091"]


def test_missing_datasets_are_listed_and_the_banner_says_so(repo: Path) -> None:
    assert measurements.all_datasets() == {"vitesse": None}
    assert "Aucune mesure GPU enregistrée" in measurements.banner("vitesse", None)
    with pytest.raises(ValueError, match="no measuring script measurements/autre.py"):
        measurements.record("autre", {}, seconds=0.0)


def test_every_measuring_script_declares_existing_code() -> None:
    found = measurements.scripts()
    assert set(found) == {
        "memoire",
        "debit_matmul",
        "precision_mixte",
        "decodage_quantifie",
        "rnn_transformer",
    }
    for path in found.values():
        for file in measurements.declared_code(path):
            assert (ROOT / file).is_file(), f"{path.name} depends on missing {file}"


def test_a_script_refuses_to_record_without_a_gpu() -> None:
    result = subprocess.run(
        [sys.executable, "measurements/debit_matmul.py"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "no CUDA GPU here (use --dry-run to check it on CPU)" in result.stdout


def test_dry_runs_write_datasets_that_the_pages_blocks_can_show(tmp_path: Path) -> None:
    for script in ("debit_matmul", "precision_mixte"):
        result = _dry_run(script, tmp_path)
        assert result.returncode == 0, result.stderr
    assert not list((ROOT / "frozen").glob("*.json.tmp"))
    matmul = json.loads((tmp_path / "debit_matmul.json").read_text())
    assert matmul["provenance"]["gpu"] == "cpu"  # a dry run never passes for a GPU record
    assert {r["format"] for r in matmul["data"]["results"]} >= {"fp32", "bf16"}
    env = {**os.environ, measurements.FROZEN_ENV: str(tmp_path)}
    for snippet in ("matmul_gpu", "precision_mixte_gpu"):
        shown = subprocess.run(
            [sys.executable, f"snippets/quantification/{snippet}.py"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert shown.returncode == 0, shown.stderr
        assert "Mesuré sur **cpu**" in shown.stdout and "| fp32" in shown.stdout


def test_a_block_depends_on_the_datasets_it_reads() -> None:
    """The engine's cache tracks frozen/ and measurements/ like the library: a block showing
    a dataset runs again when the dataset is recorded, even if it did not exist before."""
    assert _package_file(str(ROOT / "frozen" / "pas_encore.json")) == "frozen/pas_encore.json"
    assert _package_file(str(ROOT / "measurements" / "memoire.py")) == "measurements/memoire.py"
    assert _package_file(str(ROOT / "genai_docs" / "french.py")) == "genai_docs/french.py"
    assert _package_file(str(ROOT / "docs" / "index.md")) is None


def test_freeze_says_what_it_recorded_and_refuses_unknown_names() -> None:
    def freeze(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "genai_docs.cli", "freeze", *args]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    result = freeze("--only", "debit_matmul")
    assert result.returncode == 1  # nothing recorded: no GPU here
    assert "| debit_matmul | no GPU |" in result.stdout
    assert "0 of 1 dataset(s) recorded" in result.stdout
    wrong = freeze("--only", "inconnu")
    assert wrong.returncode == 2
    assert wrong.stderr.strip().splitlines() == [
        "genai-docs freeze: error: no measuring script for inconnu (known: debit_matmul, "
        "decodage_quantifie, memoire, precision_mixte, rnn_transformer)"
    ]
