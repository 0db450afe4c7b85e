"""GPU measurements frozen as datasets: the numbers are recorded, the pages are computed.

A GPU result has two halves. The *measurement* (a peak of ``max_memory_allocated``, a
throughput, tokens per second) needs a GPU, which the site's builders rarely have. The
*prediction* beside it (the memory calculator, a published peak, a roofline) needs only
the library. So a measuring script (``measurements/<name>.py``), run on a GPU by
``make freeze``, writes only raw measured numbers, with their provenance, to
``frozen/<name>.json``; the block that shows them runs at every build, on any machine,
and computes today's predictions with today's library.

A dataset records the SHA-256 of the code that measured it: the script itself and the
library files it declares in ``DEPENDS`` (what the measurement runs, never the formulas
it is compared with). It is *stale* only when that code changed; the page then says which
file changed and when the numbers were taken. A change to the calculator makes nothing
stale: the predicted column is recomputed at every build.

Quarto's ``freeze`` and our earlier frozen outputs kept whole rendered outputs, so any
change to any imported file made the prediction stale with the measurement.
"""

from __future__ import annotations

import ast
import contextlib
import datetime
import hashlib
import json
import os
import platform
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

__all__ = [
    "FROZEN_ENV",
    "ROOT",
    "Dataset",
    "all_datasets",
    "banner",
    "declared_code",
    "load",
    "record",
    "scripts",
]

ROOT = Path(__file__).resolve().parents[1]  # the repository: measurements/ and frozen/
FROZEN_ENV = "GENAI_DOCS_FROZEN_DIR"  # where datasets are read and written (tests: a tmp dir)


def _frozen_dir() -> Path:
    return Path(os.environ.get(FROZEN_ENV) or ROOT / "frozen")


def _sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def scripts() -> dict[str, Path]:
    """The measuring scripts, by dataset name: ``measurements/<name>.py``."""
    folder = ROOT / "measurements"
    return {
        path.stem: path for path in sorted(folder.glob("*.py")) if not path.stem.startswith("_")
    }


def declared_code(script: Path) -> list[str]:
    """The files whose code makes a measurement: the script and its ``DEPENDS`` list, read
    statically (importing the script would import torch)."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    depends: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "DEPENDS" for t in node.targets
        ):
            depends = list(ast.literal_eval(node.value))
    return [script.relative_to(ROOT).as_posix(), *depends]


@dataclass
class Dataset:
    name: str  # measurements/<name>.py wrote it to frozen/<name>.json
    data: dict  # the raw measured numbers, as the script chose to lay them out
    provenance: dict  # gpu, gpu_count, driver, cuda, torch, transformers, python, commit, date
    code: dict[str, str | None]  # file -> SHA-256 of the measuring code when it measured
    seconds: float = 0.0  # how long the measurement took
    note: str = ""  # anything a reader must know about how the numbers were obtained
    changed: list[str] = field(default_factory=list)  # measuring files changed since

    @property
    def stale(self) -> bool:
        return bool(self.changed)

    def describe(self) -> str:
        """Where and when, in one French sentence."""
        p = self.provenance
        count = p.get("gpu_count", 1)
        gpu = f"{count} × {p.get('gpu', '?')}" if count not in (0, 1) else p.get("gpu", "?")
        known = [
            f"{label} {p[key]}"
            for key, label in (("torch", "PyTorch"), ("cuda", "CUDA"), ("driver", "pilote"))
            if p.get(key) not in (None, "?", "absent")
        ]
        details = ", ".join([f"commit `{p.get('commit', '?')}`", *known])
        return f"Mesuré sur **{gpu}** le {p.get('date', '?')} ({details})."

    def status(self) -> str:
        """``fresh``, or ``stale: <why>``."""
        return (
            "fresh"
            if not self.changed
            else "stale: measuring code changed: " + ", ".join(self.changed)
        )


def _changed(name: str, code: dict[str, str | None]) -> list[str]:
    earlier = sorted(file for file in code if "@" in file)  # "file@commit": an earlier version
    if earlier:
        return earlier
    script = scripts().get(name)
    files = set(code)
    if script is not None:
        files |= set(declared_code(script))
    changed = []
    for file in sorted(files):
        if code.get(file) is None or _sha256(ROOT / file) != code[file]:
            changed.append(file)
    return changed


def load(name: str) -> Dataset | None:
    """The dataset ``frozen/<name>.json``, with what changed since it was measured; or None."""
    path = _frozen_dir() / f"{name}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        dataset = Dataset(
            raw["name"],
            raw["data"],
            raw["provenance"],
            raw["code"],
            raw.get("seconds", 0.0),
            raw.get("note", ""),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    dataset.changed = _changed(name, dataset.code)
    return dataset


def all_datasets() -> dict[str, Dataset | None]:
    """Every dataset a measuring script makes (None where none is recorded), and any other
    dataset found in the frozen folder."""
    names = set(scripts()) | {p.stem for p in _frozen_dir().glob("*.json")}
    return {name: load(name) for name in sorted(names)}


def banner(name: str, dataset: Dataset | None) -> str:
    """What a page says above a table computed from a GPU dataset (French Markdown).

    Where and when the numbers were measured; if the measuring code changed since, which
    files; if nothing was ever recorded, that the table shows the predictions only.
    """
    if dataset is None:
        return (
            "**Aucune mesure GPU enregistrée pour l'instant** : seules les valeurs calculées "
            f"sont montrées. `make freeze` sur une machine équipée d'un GPU CUDA lancera "
            f"`measurements/{name}.py` et enregistrera les mesures."
        )
    text = dataset.describe()
    if dataset.note:
        text += f" {dataset.note}"
    if dataset.stale:
        files = ", ".join(f"`{file}`" for file in dataset.changed)
        text += (
            f" **Mesures périmées** : le code qui les a prises a changé depuis ({files}) ; "
            "les valeurs calculées, elles, sont celles de la bibliothèque actuelle. "
            "`make freeze` sur un GPU les mettra à jour."
        )
    else:
        text += " Les valeurs calculées à côté le sont à chaque construction du site."
    return text


def _provenance() -> dict:
    import torch

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "absent"

    commit = os.environ.get("GENAI_DOCS_COMMIT")
    if not commit:
        try:
            commit = subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            commit = "inconnu"
    cuda = torch.cuda.is_available()
    driver = "?"
    if cuda:
        with contextlib.suppress(OSError, subprocess.CalledProcessError, IndexError):
            driver = (
                subprocess.run(
                    ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                .stdout.splitlines()[0]
                .strip()
            )
    return {
        "gpu": torch.cuda.get_device_name() if cuda else "cpu",
        "gpu_count": torch.cuda.device_count() if cuda else 0,
        "driver": driver,
        "cuda": torch.version.cuda if cuda else None,
        "torch": version("torch"),
        "transformers": version("transformers"),
        "torchao": version("torchao"),
        "python": platform.python_version(),
        "commit": commit,
        "date": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
    }


def record(name: str, data: dict, seconds: float, note: str = "") -> Path:
    """Write the dataset ``name`` measured by ``measurements/<name>.py``; return its path.

    Written to a temporary file then renamed: a failed measurement leaves the previous
    dataset as it was.
    """
    script = scripts().get(name)
    if script is None:
        raise ValueError(f"no measuring script measurements/{name}.py")
    code = {file: _sha256(ROOT / file) for file in declared_code(script)}
    missing = [file for file, digest in code.items() if digest is None]
    if missing:
        raise ValueError(f"measurements/{name}.py depends on missing files: {', '.join(missing)}")
    dataset = {
        "name": name,
        "data": data,
        "provenance": _provenance(),
        "code": code,
        "seconds": round(seconds, 1),
        "note": note,
    }
    folder = _frozen_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(dataset, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
