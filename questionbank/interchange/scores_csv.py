"""Scores as CSV for spreadsheets: one row per candidate, totals and per-duty columns."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any, TextIO

from questionbank.interchange.spreadsheet import safe_cell
from questionbank.labels import CODE_STATUS

SCORE_PARTS = ("raw", "max", "percent", "band")


def scores_csv(results: list[dict[str, Any]], duties: list[str]) -> str:
    """``results`` as from :meth:`Scores.candidate` plus ``candidate_id``; every text cell is
    neutralised against spreadsheet formula injection (see :func:`safe_cell`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["candidate_id", "raw", "max", "percent", "passed", *[f"{d}_{k}" for d in duties for k in SCORE_PARTS]])
    for r in results:
        writer.writerow(
            [safe_cell(r["candidate_id"]), r["raw"], r["max"], r["percent"], "true" if r["passed"] else "false"]
            + [r["duties"][d][k] for d in duties for k in SCORE_PARTS]
        )
    return out.getvalue()


def cohort_csv(candidates: list[str], scores: Any) -> str:
    """A published form's cohort as CSV: :func:`scores_csv` of every candidate's scores."""
    return scores_csv([{"candidate_id": cid, **scores.candidate(n, detail=False)} for n, cid in enumerate(candidates)], scores.key.duties)


def write_scores(stream: TextIO, form_id: str, candidates: Sequence[str], scores: Any, output: str = "json") -> int:
    """Write every candidate's scores to ``stream`` one at a time (memory stays flat in the
    number of candidates): ``json`` as ``qbank score`` prints it, or ``csv``. Returns the count."""
    duties = scores.key.duties
    if output == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["candidate_id", "raw", "max", "percent", "passed", *[f"{d}_{k}" for d in duties for k in SCORE_PARTS]])
        for n, cid in enumerate(candidates):
            r = scores.candidate(n, detail=False)
            writer.writerow(
                [safe_cell(cid), r["raw"], r["max"], r["percent"], "true" if r["passed"] else "false"]
                + [r["duties"][d][k] for d in duties for k in SCORE_PARTS]
            )
        return len(candidates)
    stream.write('{\n  "form": ' + json.dumps(form_id, ensure_ascii=False) + ',\n  "candidates": [')
    for n, cid in enumerate(candidates):
        entry = json.dumps({"candidate_id": cid, **scores.candidate(n)}, ensure_ascii=False, indent=2)
        stream.write(("," if n else "") + "\n    " + entry.replace("\n", "\n    "))
    stream.write("\n  ]\n}\n" if len(candidates) else "]\n}\n")
    return len(candidates)


def codes_csv(codes: list[dict[str, Any]]) -> str:
    """Access codes for the exam hall (as from ``publishing.list_codes``), in Chinese headings."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["准考碼", "考生編號", "狀態"])
    for entry in codes:
        writer.writerow([safe_cell(entry["code"]), safe_cell(entry["candidate_id"]), CODE_STATUS[entry["status"]]])
    return out.getvalue()
