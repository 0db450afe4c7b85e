"""The result of an estimate: a breakdown in bytes, its total, French formatting, a figure.

Units are exact: 1 Go (gigaoctet, SI) = 10**9 bytes and 1 Gio (gibioctet, IEC) = 2**30 bytes
(about 7 % more); every printed size says which of the two it uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from genai_docs import french
from genai_docs.french import GB, GIB

# French labels of the breakdown's parts, in display order.
PART_LABELS: dict[str, str] = {
    "weights": "poids",
    "gradients": "gradients",
    "optimizer": "états de l'optimiseur",
    "activations": "activations",
    "kv_cache": "cache KV",
    "logits": "logits et perte",
    "temporaries": "temporaires",
    "weight_copies": "copies des poids",  # autocast's bf16 copies, FSDP's gathered weights
}

# French names of the moments an estimate's peak can fall at.
MOMENT_LABELS: dict[str, str] = {
    "backward_start": "début de la rétropropagation",
    "head_backward": "rétropropagation de la tête",
    "backward_end": "fin de la rétropropagation",
    "step": "pas de l'optimiseur",
    "recompute": "recalcul d'un bloc",
    "last_block": "rétropropagation du premier bloc (ZeRO-3)",
    "root_reduce": "fin de la rétropropagation : réduction des gradients hors blocs (ZeRO-3)",
    "prefill_mlp": "traitement du prompt : MLP du dernier bloc",
    "prefill_attention": "traitement du prompt : attention du dernier bloc",
    "prefill_head": "traitement du prompt : tête de sortie",
    "prefill_logits": "traitement du prompt : logits",
    "decode_attention": "génération du dernier token : attention",
    "decode_logits": "génération du dernier token : logits",
    "forward_head": "un passage : tête de sortie, logits de toutes les positions",
}


@dataclass
class MemoryEstimate:
    """Memory of one model under one setting, broken down into parts (bytes)."""

    model: str  # the model's name
    params: int  # exact number of parameters
    breakdown: dict[str, int]  # part name (a key of PART_LABELS) -> bytes
    setting: dict[str, Any] = field(default_factory=dict)  # what was asked (batch, dtype...)

    @property
    def total_bytes(self) -> int:
        """The sum of the parts: the predicted peak, in bytes."""
        return sum(self.breakdown.values())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary: model, params, total_bytes, breakdown (and the setting)."""
        return {
            "model": self.model,
            "params": self.params,
            "total_bytes": self.total_bytes,
            "breakdown": dict(self.breakdown),
            "setting": dict(self.setting),
        }

    def table(self, unit: str = "Go") -> str:
        """The breakdown as a French Markdown table, in ``unit`` ("Go" or "Gio")."""
        lines = [f"| partie | {unit} | part |", "| --- | ---: | ---: |"]
        total = self.total_bytes or 1
        for part, value in self.breakdown.items():
            if not value:
                continue
            share = french.percent(value / total)
            lines.append(
                f"| {PART_LABELS.get(part, part)} | {format_bytes(value, unit, False)} | {share} |"
            )
        lines.append(f"| **total** | **{format_bytes(self.total_bytes, unit, False)}** | 100 % |")
        return "\n".join(lines)

    def plot(self, ax=None, label: str | None = None, position: float = 0.0, unit: str = "Go"):
        """Draw the breakdown as one stacked bar at ``position`` on ``ax``; return ``ax``."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        scale = GB if unit == "Go" else GIB
        bottom = 0.0
        colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        for index, part in enumerate(PART_LABELS):
            value = self.breakdown.get(part, 0) / scale
            if value <= 0:
                continue
            ax.bar(position, value, bottom=bottom, color=colors[index % len(colors)], width=0.6)
            bottom += value
        ax.set_ylabel(f"mémoire ({unit})")
        return ax

    def __str__(self) -> str:
        parts = ", ".join(
            f"{PART_LABELS.get(k, k)} {format_bytes(v)}" for k, v in self.breakdown.items()
        )
        return f"{self.model} : {format_bytes(self.total_bytes)} ({parts})"


def peak_moment(moments: dict[str, dict[str, int]]) -> str:
    """The moment with the most bytes alive, of ``{moment: {part: bytes}}`` (first on a tie)."""
    return max(moments, key=lambda name: sum(moments[name].values()))


def format_bytes(value: int, unit: str = "Go", with_unit: bool = True) -> str:
    """Bytes in Go (10**9) or Gio (2**30), French style: ``format_bytes(4 * 10**9) == '4,00 Go'``."""
    if unit not in ("Go", "Gio"):
        raise ValueError(f"unit must be 'Go' or 'Gio', not {unit!r}")
    return french.size(value, unit, 2, with_unit)


def plot_estimates(
    estimates: list[MemoryEstimate], labels: list[str], unit: str = "Go", title: str = ""
):
    """Stacked bars, one per estimate, with a legend of the parts; return the figure."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    fig, ax = plt.subplots(figsize=(max(5, 1.3 * len(estimates) + 2), 4))
    for position, estimate in enumerate(estimates):
        estimate.plot(ax=ax, position=position, unit=unit)
    ax.set_xticks(range(len(estimates)), labels)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    used = [p for p in PART_LABELS if any(e.breakdown.get(p, 0) > 0 for e in estimates)]
    handles = [
        Patch(color=colors[list(PART_LABELS).index(p) % len(colors)], label=PART_LABELS[p])
        for p in used
    ]
    ax.legend(handles=handles[::-1], loc="upper left", fontsize="small")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
