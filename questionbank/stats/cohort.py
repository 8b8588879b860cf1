"""The cohort summary of one form: score distribution, pass rate and per-duty spread.

One place for these numbers: the examiner's cohort page and the cohort PDF both show them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from questionbank.scoring import BANDS, AnswerKey, Scores, number, score


def spread(values: np.ndarray) -> dict[str, Any]:
    """Mean, SD, median, min and max (rounded to 2 places); all None for no values.

    The SD is the population SD: the cohort is the whole group described, not a sample of one.
    """
    if values.size == 0:
        return {"mean": None, "sd": None, "median": None, "min": None, "max": None}
    return {
        "mean": round(float(values.mean()), 2),
        "sd": round(float(values.std()), 2),
        "median": round(float(np.median(values)), 2),
        "min": round(float(values.min()), 2),
        "max": round(float(values.max()), 2),
    }


def histogram(percent: np.ndarray, bin_width: int = 10) -> dict[str, list[int]]:
    """Counts of percent scores in bins of ``bin_width`` from 0 to 100 (the last bin includes 100)."""
    edges = [*range(0, 100, bin_width), 100]
    # rounding first keeps a sum of partial credits such as 69.99999999 in the bin of 70
    counts, _ = np.histogram(np.round(percent, 6), bins=np.array(edges, dtype=np.float64))
    return {"edges": edges, "counts": [int(c) for c in counts]}


def cohort_summary(key: AnswerKey, responses: np.ndarray, *, bin_width: int = 10, scores: Scores | None = None) -> dict[str, Any]:
    """Candidates, passes, pass rate, spread of percent and raw scores, histogram, and per duty
    the item count, maximum, spread and how many candidates fall in each band."""
    if scores is None:
        scores = score(key, np.asarray(responses, dtype=np.uint32).reshape(-1, len(key.items)))
    n = int(scores.raw.shape[0])
    items = key.duty_matrix.sum(axis=0)
    duties = [
        {
            "code": duty,
            "items": int(items[d]),
            "max": number(scores.duty_max[d]),
            "percent": spread(scores.duty_percent[:, d]),
            "raw": spread(scores.duty_raw[:, d]),
            "bands": {band: int((scores.bands[:, d] == b).sum()) for b, band in enumerate(BANDS)},
        }
        for d, duty in enumerate(key.duties)
    ]
    passed = int(scores.passed.sum())
    return {
        "candidates": n,
        "passed": passed,
        "pass_rate": round(100.0 * passed / n, 2) if n else None,
        "max": number(scores.max),
        "percent": spread(scores.percent),
        "raw": spread(scores.raw),
        "histogram": histogram(scores.percent, bin_width),
        "duties": duties,
    }


def results_summary(details: list[dict[str, Any]]) -> dict[str, Any]:
    """Stored results (``scores.detail`` of many attempts, possibly on different forms) pooled:
    attempts, pass rate, spread of percent, and per duty the spread of duty percentages. Used
    for practice, where every attempt has a form of its own."""
    percent = np.array([d["percent"] for d in details], dtype=np.float64)
    passed = sum(bool(d["passed"]) for d in details)
    duties: dict[str, list[float]] = {}
    for detail in details:
        for code, duty in detail.get("duties", {}).items():
            duties.setdefault(code, []).append(float(duty["percent"]))
    return {
        "attempts": len(details),
        "passed": passed,
        "pass_rate": round(100.0 * passed / len(details), 2) if details else None,
        "percent": spread(percent),
        "histogram": histogram(percent) if details else histogram(np.zeros(0)),
        "duties": [{"code": code, "attempts": len(values), "percent": spread(np.array(values))} for code, values in duties.items()],
    }
