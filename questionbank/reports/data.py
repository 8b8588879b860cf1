"""Report data: plain, picklable dicts built from snapshots, scoring rules and responses (no database, no layout)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from questionbank.scoring import BAND_TITLES, Rules, Scores, band_margins, cut_fraction, score
from questionbank.snapshots import answer_key, form_hash
from questionbank.standards import Standard, natural_order
from questionbank.stats.cohort import cohort_summary
from questionbank.stats.subscores import numbers_shown

BAND_LABELS = BAND_TITLES


MODE_LABELS = {"official": "正式測驗", "practice": "練習"}


DATE_LABELS = {"submitted": "交卷日期", "scored": "計分日期"}


# Taiwan keeps UTC+8 all year (no daylight saving time), so no time zone database is needed.
TAIWAN_TIME = timezone(timedelta(hours=8))


def _number(value: float) -> float | int:
    value = float(value)
    return int(value) if value.is_integer() else round(value, 2)


def date_text(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, TAIWAN_TIME).strftime("%Y-%m-%d")


def _standard_info(standard_id: str, standard_code: str | None, standard: Standard | None) -> dict[str, Any]:
    version = None
    if standard is not None:
        for entry in standard.raw.get("versions") or []:
            if entry.get("code") == (standard_code or standard.code):
                version = entry.get("version")
                break
    return {
        "id": standard_id,
        "name": standard.name if standard is not None else "",
        "code": standard_code if standard_code is not None else (standard.code if standard is not None else None),
        "version": version,
    }


def form_header(
    form_id: str,
    snapshots: list[dict[str, Any]],
    *,
    title: str = "",
    standard: Standard | None = None,
    standard_id: str | None = None,
    standard_code: str | None = None,
    sha256: str | None = None,
) -> dict[str, Any]:
    """What every report names: the form (id, title, SHA-256 over its items) and its standard.

    ``sha256`` is the hash recorded when the form was published; by default it is computed from
    the snapshots (:func:`questionbank.delivery.publishing.form_hash`, the same value).
    """
    standard_id = standard_id or (standard.id if standard is not None else "")
    return {
        "form_id": form_id,
        "form_title": title,
        "form_sha256": sha256 or form_hash(snapshots),
        "standard": _standard_info(standard_id, standard_code, standard),
    }


def _cut(rules: Rules, maximum: float) -> dict[str, Any]:
    share = cut_fraction(rules, maximum)
    return {
        "percent": round(100.0 * share, 2),
        "raw": _number(rules.cut_raw if rules.cut_raw is not None else share * maximum),
        "duty_minimum_percent": dict(rules.duty_minimum_percent),
    }


def _near_ranges(scores: Scores) -> np.ndarray:
    """Per duty, the [lower, upper) percent range of the "near the passing standard" band."""
    cut = cut_fraction(scores.key.rules, scores.max)
    margin = band_margins(scores.key, cut)
    cut_pct = 100.0 * cut
    return np.stack([cut_pct - np.minimum(margin, cut_pct), cut_pct + np.minimum(margin, 100.0 - cut_pct)], axis=1)


def _duty_names(snapshots: list[dict[str, Any]]) -> dict[str, str]:
    return {s["duty"]: s.get("duty_name", "") for s in reversed(snapshots)}


def candidate_data(
    header: dict[str, Any],
    snapshots: list[dict[str, Any]],
    scores: Scores,
    row: int,
    candidate_id: str,
    *,
    date: str,
    date_kind: str,
    mode: str | None,
    standard: Standard | None,
    verdicts: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One candidate's report data. ``verdicts`` (an official form's duty verdicts,
    ``DutyVerdicts.to_dict()``) decide which duties show their numbers and which only their band;
    without them (practice, responses gathered elsewhere) every duty shows its numbers."""
    key = scores.key
    result = scores.candidate(row)
    counts = key.duty_matrix.sum(axis=0)
    near = _near_ranges(scores)
    names = _duty_names(snapshots)
    shown = numbers_shown(key.duties, verdicts["reportable"] if verdicts else None, key.rules.duty_minimum_percent)
    duties = [
        {
            "code": duty,
            "name": names.get(duty, ""),
            "items": int(counts[n]),
            "raw": result["duties"][duty]["raw"],
            "max": result["duties"][duty]["max"],
            "percent": result["duties"][duty]["percent"],
            "band": result["duties"][duty]["band"],
            "near": [round(float(near[n, 0]), 2), round(float(near[n, 1]), 2)],
            "numbers": shown[duty],
        }
        for n, duty in enumerate(key.duties)
    ]
    subscores = None if verdicts is None else {"decided": bool(verdicts["decided"]), "candidates": verdicts["candidates"], "minimum": verdicts["minimum"]}
    return {
        **header,
        "kind": "candidate",
        "candidate_id": candidate_id,
        "mode": mode,
        "date": date,
        "date_kind": date_kind,
        "total": {"raw": result["raw"], "max": result["max"], "percent": result["percent"]},
        "cut": _cut(key.rules, scores.max),
        "passed": result["passed"],
        "duties": duties,
        "subscores": subscores,
        "study_plan": _study_plan(snapshots, scores.earned[row], standard),
    }


def _study_plan(snapshots: list[dict[str, Any]], earned: np.ndarray, standard: Standard | None) -> dict[str, Any]:
    """The tasks, indicators and K codes of the items that did not earn full points."""
    tasks: dict[str, dict[str, Any]] = {}
    knowledge: dict[tuple[str, str | None], dict[str, Any]] = {}
    for snap, points in zip(snapshots, earned, strict=True):
        if float(points) >= float(snap["points"]) - 1e-9:
            continue
        task = tasks.setdefault(
            snap["task"],
            {"code": snap["task"], "name": snap.get("task_name", ""), "duty": snap["duty"], "items": 0, "points_lost": 0.0, "indicators": []},
        )
        task["items"] += 1
        task["points_lost"] = _number(float(task["points_lost"]) + float(snap["points"]) - float(points))
        for code, text in snap.get("indicators", []):
            if code not in (c for c, _ in task["indicators"]):
                task["indicators"].append([code, text])
        duty = next((d for d in standard.duties if d.code == snap["duty"]), None) if standard is not None else None
        for code in snap.get("competencies", []):
            if code.startswith("K"):
                name = standard.competency_name(code, duty) if standard is not None else None
                knowledge.setdefault((code, name), {"code": code, "name": name})
    for task in tasks.values():
        task["indicators"].sort(key=lambda entry: natural_order(entry[0]))
    return {
        "tasks": sorted(tasks.values(), key=lambda t: natural_order(t["code"])),
        "knowledge": sorted(knowledge.values(), key=lambda k: (*natural_order(k["code"]), k["name"] or "")),
    }


def candidates_report_data(
    header: dict[str, Any],
    snapshots: list[dict[str, Any]],
    rules: Rules,
    candidates: Sequence[str],
    responses: np.ndarray,
    *,
    standard: Standard | None = None,
    now: float | None = None,
) -> list[dict[str, Any]]:
    """Report data for every candidate of a response matrix (responses gathered elsewhere, e.g. a CSV).

    ``header`` comes from :func:`form_header`; the report's date is the scoring date.
    """
    scores = score(answer_key(snapshots, rules), responses)
    date = date_text(time.time() if now is None else now)
    return [candidate_data(header, snapshots, scores, n, cid, date=date, date_kind="scored", mode=None, standard=standard) for n, cid in enumerate(candidates)]


def cohort_report_data(
    header: dict[str, Any],
    snapshots: list[dict[str, Any]],
    rules: Rules,
    responses: np.ndarray,
    *,
    now: float | None = None,
    bin_width: int = 10,
    scores: Scores | None = None,
) -> dict[str, Any]:
    """A form's cohort for the PDF: the cohort summary (stats.cohort) with names, cut and date
    (``scores`` when rulings changed them; otherwise scored here)."""
    key = answer_key(snapshots, rules)
    summary = cohort_summary(key, responses, bin_width=bin_width, scores=scores)
    names = _duty_names(snapshots)
    for duty in summary["duties"]:
        duty["name"] = names.get(duty["code"], "")
    return {
        **header,
        "kind": "cohort",
        "date": date_text(time.time() if now is None else now),
        **summary,
        "cut": _cut(rules, summary["max"]),
    }


def published_header(form: dict[str, Any], snapshots: list[dict[str, Any]], standard: Standard | None) -> dict[str, Any]:
    """:func:`form_header` for a published form (its database row as a dict)."""
    return form_header(
        form["id"],
        snapshots,
        title=form["title"],
        standard=standard,
        standard_id=form["standard_id"],
        standard_code=form["standard_version"],
        sha256=form["form_sha256"],
    )


SOURCE_LABELS = {
    "official": "正式測驗已交卷的作答",
    "official+practice": "正式測驗與練習已交卷的作答",
    "responses": "外部收集的作答（CSV）",
}


def technical_report_data(
    header: dict[str, Any],
    snapshots: list[dict[str, Any]],
    rules: Rules,
    analysis: Any,
    *,
    source: str,
    verdicts: dict[str, Any] | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """A form's technical report: the :class:`~questionbank.stats.analysis.Analysis` with the
    form's names, cut and date; ``source`` is a key of :data:`SOURCE_LABELS`; ``verdicts`` (an
    official form's ``DutyVerdicts.to_dict()``) say what candidates are shown of each duty."""
    duties = [s.duty for s in analysis.subscores]
    shown = numbers_shown(duties, verdicts["reportable"], rules.duty_minimum_percent) if verdicts and verdicts["decided"] else None
    return {
        **header,
        "kind": "technical",
        "date": date_text(time.time() if now is None else now),
        "source": source,
        "duty_names": _duty_names(snapshots),
        "cut": _cut(rules, analysis.form.max),
        "analysis": analysis,
        "verdicts": verdicts,
        "numbers_shown": shown,
    }
