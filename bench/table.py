"""The result table: one row per figure, its same-run baseline, the ratio and issue 6's target."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HEADERS = ("measurement", "value", "baseline measured in the same run", "ratio", "target", "met?")


@dataclass
class Row:
    measurement: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_label: str = ""     # what the baseline is, e.g. "bare FastAPI req/s"
    target: str = "—"
    met: bool | None = None      # None: no target, or not measurable in this run
    scale_note: str = ""         # set when the target is for another scale than this run's
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit in ("ms", "s"):
        text = f"{value:,.1f}" if value >= 10 else f"{value:,.3g}" if value else "0"
    else:
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
    return f"{text} {unit}".strip()


def _met(row: Row) -> str:
    verdict = {True: "yes", False: "NO", None: "—"}[row.met]
    return f"{verdict} — scale: {row.scale_note}" if row.scale_note else verdict


def cells(row: Row) -> tuple[str, ...]:
    baseline = "—" if row.baseline is None else f"{_num(row.baseline, row.unit)} ({row.baseline_label})"
    ratio = "—" if row.ratio is None else f"{row.ratio:.2f}×"
    return (row.measurement, _num(row.value, row.unit), baseline, ratio, row.target, _met(row))


def render(rows: list[Row], notes: list[str]) -> str:
    table = [HEADERS, *(cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    out = [" | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in table]
    out.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(out + [""] + [f"* {n}" for n in notes])


def write_json(path: Path, rows: list[Row], notes: list[str], context: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"context": context, "notes": notes,
               "rows": [{**asdict(r), "ratio": r.ratio} for r in rows]}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
