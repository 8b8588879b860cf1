"""The item analysis as CSV: one row per item, for a spreadsheet.

Columns: the item's figures, then per option label on the form (A…E, T, F in first-seen
order) the share choosing it and the mean total of those who did, then the flag codes
separated by spaces. Empty cells where a figure does not exist (no variance, no chooser).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from questionbank.interchange.spreadsheet import safe_cell

ITEM_COLUMNS = ("form_id", "item_id", "type", "duty", "points", "p", "mean_points", "corrected_r", "omit_rate", "key")


def analysis_csv(form_id: str, analysis: Any) -> str:
    """The CSV text of :class:`questionbank.stats.analysis.Analysis` (figures rounded to 4 places)."""
    labels = list(dict.fromkeys(o.label for item in analysis.items for o in item.options))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*ITEM_COLUMNS, *(f"{kind}_{label}" for label in labels for kind in ("share", "mean_total")), "flags"])
    for item in analysis.items:
        by_label = {o.label: o for o in item.options}
        cells: list[Any] = [
            form_id,
            item.id,
            item.type,
            item.duty,
            _cell(item.points),
            _cell(item.p),
            _cell(item.mean_points),
            _cell(item.corrected_r),
            _cell(item.omit_rate),
            "".join(o.label for o in item.options if o.key),
        ]
        for label in labels:
            option = by_label.get(label)
            cells += [_cell(option.share), _cell(option.mean_total)] if option else ["", ""]
        cells.append(" ".join(f.code for f in item.flags))
        writer.writerow([safe_cell(c) for c in cells])
    return out.getvalue()


def _cell(value: float | None) -> float | str:
    # a number stays a number: safe_cell passes numbers, and a negative r must not gain a quote
    return "" if value is None else round(float(value), 4)
