"""What a build did to the outputs: for each block that re-ran, what moved since the last build.

After every build the plugin compares each block's output with the output the same block
had in the previous build, matched by page and snippet (by page and position for inline
code), and writes the comparison next to the build report. For each block that re-ran, or
whose output differs, it records:

- a claim that flipped (true to false, or back), first: that is a sentence now wrong;
- inline values that changed, old → new;
- numbers that moved inside an output line of the same shape (a table row, a sentence),
  old → new with their relative change;
- lines added or removed;
- figures whose pixels changed, and by how much (from a small PNG the worker keeps of each
  figure: the share of pixels that differ and their mean difference).

``genai-docs report --changes`` prints it; ``mkdocs serve`` logs one line per changed block
at each rebuild. This is the review that course maintainers otherwise bolt on with nbdime
or ReviewNB, for notebooks only.
"""

from __future__ import annotations

import base64
import difflib
import io
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["CHANGES", "OUTPUTS", "Change", "compare", "numbers", "record", "render", "snapshot"]

OUTPUTS = "outputs.json"  # in the cache directory: what every block showed in the last build
CHANGES = "changes.json"  # in the cache directory: what the last build changed

# A number as the site prints it: 1 234,5 (U+202F groups), −0,5, 3,9 × 10⁻⁷, 0.25, 12 %.
_NUMBER = re.compile(
    r"(?<![\w.,])[−-]?\d{1,3}(?:[\u202f\u00a0]\d{3})+(?:,\d+)?(?:\s?×\s?10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?"
    r"|(?<![\w.,])[−-]?\d+(?:[.,]\d+)?(?:\s?×\s?10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?(?![\w])"
)
_SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
PIXEL_TOLERANCE = 1 / 255  # a channel that moved by less is unchanged


@dataclass
class Change:
    page: str
    line: int
    snippet: str | None
    status: str  # "unchanged", "changed", "new" (no previous output) or "failed"
    claims: list[dict] = field(default_factory=list)  # name, before, after, detail
    values: list[dict] = field(default_factory=list)  # name, before, after
    numbers: list[dict] = field(default_factory=list)  # line, before, after, relative
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)  # one description per changed figure

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line} {self.snippet or 'inline code'}"

    def headline(self) -> str:
        """One line: the block and what moved, for the build log."""
        parts = []
        flipped = [c for c in self.claims if _flipped(c)]
        if flipped:
            parts.append(f"{len(flipped)} claim(s) flipped")
        if len(self.claims) > len(flipped):
            parts.append(f"{len(self.claims) - len(flipped)} claim(s) added, removed or reworded")
        if self.values:
            parts.append(f"{len(self.values)} value(s)")
        if self.numbers:
            parts.append(f"{len(self.numbers)} number(s) moved")
        if self.added or self.removed:
            parts.append(f"+{len(self.added)}/−{len(self.removed)} line(s)")
        if self.figures:
            parts.append(f"{len(self.figures)} figure(s)")
        return f"{self.where}: {self.status}" + (f" ({', '.join(parts)})" if parts else "")


def _flipped(claim: dict) -> bool:
    """A claim that was true and is now false, or the reverse: a sentence changed truth."""
    return None not in (claim["before"], claim["after"]) and claim["before"] != claim["after"]


def numbers(line: str) -> tuple[str, list[float]]:
    """A line's shape (each number replaced by ``#``) and its numbers, as floats."""
    found = []

    def one(match: re.Match) -> str:
        text = match.group(0).replace("\u202f", "").replace("\u00a0", "").replace("−", "-")
        mantissa, _, power = text.partition("×")
        exponent = power.strip()[2:].translate(_SUPERSCRIPT) if power else "0"
        found.append(float(f"{mantissa.strip().replace(',', '.')}e{exponent}"))
        return "#"

    return _NUMBER.sub(one, line), found


def _keys(outcomes) -> list[str]:
    """A stable key per block: page and snippet (with its rank), or page and inline rank."""
    seen: dict[tuple, int] = {}
    keys = []
    for outcome in outcomes:
        block = outcome.block
        base = (block.page, block.snippet or "inline")
        rank = seen.get(base, 0)
        seen[base] = rank + 1
        keys.append(f"{base[0]}#{base[1]}#{rank}")
    return keys


def snapshot(outcomes) -> dict[str, dict]:
    """What each block showed in this build, keyed so the next build can find it again."""
    shots = {}
    for key, outcome in zip(_keys(outcomes), outcomes, strict=True):
        execution = outcome.execution
        if execution is None:
            continue
        shots[key] = {
            "page": outcome.block.page,
            "line": outcome.block.line,
            "snippet": outcome.block.snippet,
            "status": outcome.status,
            "stdout": execution.stdout,
            "values": execution.values,
            "claims": execution.claims,
            "figures": [_digest(svg) for svg in execution.figures],
            "thumbnails": execution.thumbnails,
        }
    return shots


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def compare(previous: dict[str, dict], current: dict[str, dict]) -> list[Change]:
    """One change per block that re-ran (executed or failed) or whose output differs."""
    changes = []
    for key, now in current.items():
        before = previous.get(key)
        ran = now["status"] in ("executed", "failed")
        change = Change(now["page"], now["line"], now["snippet"], "unchanged")
        if now["status"] == "failed":
            change.status = "failed"
        elif before is None:
            if ran:
                change.status = "new"
                changes.append(change)
            continue
        else:
            _diff(before, now, change)
            if _moved(change):
                change.status = "changed"
        if ran or change.status != "unchanged":
            changes.append(change)
    order = {"failed": 0, "changed": 1, "new": 2, "unchanged": 3}
    flipped = [any(_flipped(c) for c in ch.claims) for ch in changes]
    ranked = sorted(
        zip(flipped, changes, strict=True), key=lambda x: (not x[0], order[x[1].status])
    )
    return [change for _, change in ranked]


def _moved(change: Change) -> bool:
    return any(
        (change.claims, change.values, change.numbers, change.added, change.removed, change.figures)
    )


def _diff(before: dict, now: dict, change: Change) -> None:
    for name in sorted(set(before["claims"]) | set(now["claims"])):
        old, new = before["claims"].get(name), now["claims"].get(name)
        if old != new:
            change.claims.append(
                {
                    "name": name,
                    "before": None if old is None else old["holds"],
                    "after": None if new is None else new["holds"],
                    "detail": (new or old)["detail"],
                }
            )
    for name in sorted(set(before["values"]) | set(now["values"])):
        old, new = before["values"].get(name), now["values"].get(name)
        if old != new:
            change.values.append({"name": name, "before": old, "after": new})
    _diff_lines(before["stdout"].splitlines(), now["stdout"].splitlines(), change)
    _diff_figures(before, now, change)


def _diff_lines(old: list[str], new: list[str], change: Change) -> None:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = old[i1:i2], new[j1:j2]
        pending = list(enumerate(added, start=j1 + 1))
        for line in removed:
            shape, values = numbers(line)
            match = next((p for p in pending if numbers(p[1])[0] == shape), None)
            if match is None:
                change.removed.append(line)
                continue
            pending.remove(match)
            for a, b in zip(values, numbers(match[1])[1], strict=True):
                if a != b:
                    relative = (b - a) / abs(a) if a else None
                    change.numbers.append(
                        {"line": match[0], "before": a, "after": b, "relative": relative}
                    )
        change.added += [line for _, line in pending]


def _diff_figures(before: dict, now: dict, change: Change) -> None:
    old, new = before["figures"], now["figures"]
    for index in range(max(len(old), len(new))):
        if index >= len(old):
            change.figures.append(f"figure {index + 1}: new")
        elif index >= len(new):
            change.figures.append(f"figure {index + 1}: removed")
        elif old[index] != new[index]:
            change.figures.append(
                f"figure {index + 1}: "
                + _pixels(
                    before["thumbnails"][index : index + 1], now["thumbnails"][index : index + 1]
                )
            )


def _pixels(old: list[str], new: list[str]) -> str:
    """How much two thumbnails differ, in words: share of pixels, and their mean difference."""
    if not (old and new):
        return "changed (no thumbnail to compare)"
    import matplotlib.image

    a, b = (
        matplotlib.image.imread(io.BytesIO(base64.b64decode(t[0])), format="png")
        for t in (old, new)
    )
    if a.shape != b.shape:
        return f"size changed ({a.shape[1]}×{a.shape[0]} → {b.shape[1]}×{b.shape[0]} px)"
    difference = abs(a - b).max(axis=-1)
    share = float((difference > PIXEL_TOLERANCE).mean())
    if share == 0:
        return "SVG changed, same pixels"
    return f"{100 * share:.1f} % of pixels changed (mean difference {100 * float(difference.mean()):.2f} %)"


def record(cache_dir: Path, outcomes) -> list[Change] | None:
    """Compare this build's outputs with the previous build's, and keep both for next time.

    Returns the changes, or None when there is no previous build to compare with.
    """
    from genai_docs.mkdocs.cache import write_atomic

    try:
        previous = json.loads((cache_dir / OUTPUTS).read_text(encoding="utf-8"))["blocks"]
    except (OSError, ValueError, KeyError, TypeError):
        previous = None
    current = snapshot(outcomes)
    found = compare(previous, current) if previous is not None else None
    report = {
        "previous": previous is not None,
        "changes": [asdict(change) for change in found or []],
    }
    write_atomic(cache_dir / CHANGES, json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    write_atomic(cache_dir / OUTPUTS, json.dumps({"blocks": current}, ensure_ascii=False))
    return found


def _relative(value: float | None) -> str:
    return "new" if value is None else f"{100 * value:+.1f} %"


def _number(value: float) -> str:
    return f"{value:.6g}"


def render(changes: list[dict], markdown: bool = False) -> str:
    """The report, as text for a terminal or Markdown for a CI job summary."""
    ran = len(changes)
    moved = [c for c in changes if c["status"] == "changed"]
    head = (
        f"{ran} block(s) re-ran or changed since the previous build: {len(moved)} changed, "
        f"{sum(c['status'] == 'unchanged' for c in changes)} unchanged, "
        f"{sum(c['status'] == 'new' for c in changes)} new, "
        f"{sum(c['status'] == 'failed' for c in changes)} failed"
    )
    lines = [f"### What this build changed\n\n{head}\n" if markdown else head]
    bullet = "- " if markdown else "  "
    for change in changes:
        where = f"{change['page']}:{change['line']} {change['snippet'] or 'inline code'}"
        lines.append(
            f"{'- **' if markdown else ''}{where}{'**' if markdown else ''}: {change['status']}"
        )
        for claim in change["claims"]:
            state = {True: "true", False: "FALSE", None: "absent"}
            lines.append(
                f"  {bullet}claim {claim['name']}: {state[claim['before']]} → "
                f"{state[claim['after']]} ({claim['detail']})"
            )
        for value in change["values"]:
            lines.append(f"  {bullet}value {value['name']}: {value['before']} → {value['after']}")
        for moved_number in change["numbers"]:
            lines.append(
                f"  {bullet}line {moved_number['line']}: {_number(moved_number['before'])} → "
                f"{_number(moved_number['after'])} ({_relative(moved_number['relative'])})"
            )
        lines += [f"  {bullet}+ {line}" for line in change["added"]]
        lines += [f"  {bullet}− {line}" for line in change["removed"]]
        lines += [f"  {bullet}{figure}" for figure in change["figures"]]
    return "\n".join(lines) + "\n"
