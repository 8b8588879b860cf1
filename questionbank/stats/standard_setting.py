"""Standard setting: where the pass mark comes from.

Modified Angoff (Angoff 1971; the "modified" form asks each panelist for the probability that a
minimally competent candidate answers each item correctly, Cizek & Bunch 2007, ch. 6): the
recommended raw cut is the sum over items of the panel's mean rating times the item's points;
its standard error is the standard deviation of the panelists' own cuts over sqrt(panelists)
(the error of a mean across raters, Cizek & Bunch 2007, p. 94).

Hofstee's compromise (Hofstee 1983; Cizek & Bunch 2007, ch. 12): the panel gives the lowest
and highest acceptable cut (k_min, k_max, percent score) and the lowest and highest acceptable
fail rate (f_min, f_max, percent of candidates). The line from (k_min, f_max) to (k_max, f_min)
meets the cohort's cumulative fail-rate curve F(c) (the share scoring below c) at the cut; when
they do not meet inside [k_min, k_max] the nearer corner applies (k_max when F stays below the
line, k_min when it starts above).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Angoff:
    """A modified-Angoff result: the cut in raw points and as a percentage, with its error."""

    cut_raw: float
    cut_percent: float
    standard_error: float
    panelists: int
    panelist_cuts: tuple[float, ...]
    items: tuple[dict[str, Any], ...]  # per item: mean, sd, min, max of the ratings

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "modified Angoff",
            "cut_raw": round(self.cut_raw, 4),
            "cut_percent": round(self.cut_percent, 4),
            "standard_error": round(self.standard_error, 4),
            "panelists": self.panelists,
            "panelist_cuts": [round(c, 4) for c in self.panelist_cuts],
            "items": list(self.items),
        }


def angoff(ratings: np.ndarray, item_ids: list[str], points: np.ndarray | None = None) -> Angoff:
    """``ratings``: panelists x items, each the probability (0–1) that a minimally competent
    candidate answers the item correctly. ``points`` default to 1 per item."""
    ratings = np.asarray(ratings, dtype=np.float64)
    if ratings.ndim != 2 or ratings.shape[1] != len(item_ids) or ratings.shape[0] < 1:
        raise ValueError("ratings must be panelists x items")
    if np.isnan(ratings).any() or (ratings < 0).any() or (ratings > 1).any():
        raise ValueError("every rating is a probability from 0 to 1")
    points = np.ones(len(item_ids)) if points is None else np.asarray(points, dtype=np.float64)
    own_cuts = ratings @ points
    cut = float(ratings.mean(axis=0) @ points)
    panelists = ratings.shape[0]
    error = float(own_cuts.std(ddof=1) / np.sqrt(panelists)) if panelists > 1 else float("nan")
    items = tuple(
        {
            "item_id": item,
            "mean": round(float(col.mean()), 4),
            "sd": round(float(col.std(ddof=1)), 4) if panelists > 1 else None,
            "min": float(col.min()),
            "max": float(col.max()),
        }
        for item, col in zip(item_ids, ratings.T, strict=True)
    )
    return Angoff(cut, 100.0 * cut / float(points.sum()), error, panelists, tuple(float(c) for c in own_cuts), items)


def impact(percent_scores: np.ndarray, cut_percent: float) -> float:
    """The pass rate (percent of candidates) a cut would give: impact data for round 2."""
    scores = np.asarray(percent_scores, dtype=np.float64)
    return round(100.0 * float((scores >= cut_percent - 1e-9).mean()), 2) if scores.size else float("nan")


def fail_rate(percent_scores: np.ndarray, cut_percent: float) -> float:
    """F(c): the percent of candidates scoring below ``cut_percent``."""
    scores = np.asarray(percent_scores, dtype=np.float64)
    return 100.0 * float((scores < cut_percent - 1e-9).mean())


def fail_rate_curve(percent_scores: np.ndarray, step: float = 1.0) -> list[tuple[float, float]]:
    """The cohort's cumulative fail-rate curve: (c, F(c)) for c from 0 to 100 by ``step``,
    the curve Hofstee's line is drawn against."""
    scores = np.sort(np.asarray(percent_scores, dtype=np.float64))
    if scores.size == 0:
        return []
    grid = np.round(np.arange(0.0, 100.0 + step / 2, step), 6)
    below = 100.0 * np.searchsorted(scores, grid - 1e-9, side="left") / scores.size
    return [(float(c), round(float(f), 4)) for c, f in zip(grid, below, strict=True)]


def hofstee(percent_scores: np.ndarray, k_min: float, k_max: float, f_min: float, f_max: float, step: float = 0.01) -> dict[str, float]:
    """Hofstee's cut (percent score) from the cohort's scores and the four judgements."""
    if not (0 <= k_min < k_max <= 100 and 0 <= f_min < f_max <= 100):
        raise ValueError("need 0 <= k_min < k_max <= 100 and 0 <= f_min < f_max <= 100")
    scores = np.asarray(percent_scores, dtype=np.float64)
    if scores.size == 0:
        raise ValueError("Hofstee's method needs the cohort's scores")
    grid = np.round(np.arange(k_min, k_max + step / 2, step), 6)
    sorted_scores = np.sort(scores)
    below = 100.0 * np.searchsorted(sorted_scores, grid - 1e-9, side="left") / scores.size
    line = f_max + (f_min - f_max) * (grid - k_min) / (k_max - k_min)
    meets = np.flatnonzero(below >= line - 1e-9)
    cut = float(grid[meets[0]]) if meets.size else float(k_max)
    return {
        "method": "Hofstee",
        "cut_percent": round(cut, 2),
        "fail_rate": round(fail_rate(scores, cut), 2),
        "k_min": k_min,
        "k_max": k_max,
        "f_min": f_min,
        "f_max": f_max,
    }
