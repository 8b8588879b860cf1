"""Reliability of a score from one administration: coefficient alpha, the SEM and the SEM at the cut.

Formulas and sources are in docs/item-analysis.md. Variances are population variances (divisor
C): the candidates analysed are the group described, and alpha's ratio is the same either way.
"""

from __future__ import annotations

import math

import numpy as np


def cronbach_alpha(item_scores: np.ndarray) -> float | None:
    """Coefficient alpha of a C x I matrix of item scores (points earned).

    α = I/(I−1) · (1 − Σ σ²ᵢ / σ²ₓ)  (Cronbach 1951, eq. 2). For items scored 0/1, σ²ᵢ = pᵢ(1−pᵢ)
    and this is KR-20 (Kuder & Richardson 1937, formula 20): the same formula. None when there
    are fewer than two items or two candidates, or the total does not vary.
    """
    item_scores = np.asarray(item_scores, dtype=np.float64)
    candidates, items = item_scores.shape
    if items < 2 or candidates < 2:
        return None
    total_variance = float(item_scores.sum(axis=1).var())
    if total_variance <= 0.0:
        return None
    return items / (items - 1) * (1.0 - float(item_scores.var(axis=0).sum()) / total_variance)


def alpha_from_variances(item_variance_sum: float, total_variance: float, items: int) -> float | None:
    """Alpha from the sum of item variances and the variance of their total (the same formula,
    for callers that already hold the variances, e.g. per duty from one covariance pass)."""
    if items < 2 or total_variance <= 0.0:
        return None
    return items / (items - 1) * (1.0 - item_variance_sum / total_variance)


def standard_error(sd: float, reliability: float | None) -> float | None:
    """Classical SEM = σₓ·√(1 − ρ) (Lord & Novick 1968, ch. 3); None without a reliability.

    A negative alpha (items that do not measure one thing) is taken as 0: the SEM is then σₓ.
    """
    if reliability is None:
        return None
    return sd * math.sqrt(1.0 - min(max(reliability, 0.0), 1.0))


def lord_csem(cut_raw: float, maximum: float, items: int) -> float | None:
    """Lord's binomial-error conditional SEM at the raw score ``cut_raw``, in points.

    For a number-correct score x on n items, CSEM(x) = √(x(n − x)/(n − 1)): the binomial error
    model of Lord (1955), with the formula as given by Lord (1957) and discussed by Lord (1984). Scores in
    points are mapped to the number-correct scale by x = n·cut/max and back by max/n, so
    CSEM = max·√(π(1 − π)/(n − 1)) with π = cut/max. Exact for n equally weighted 0/1 items; an
    approximation for unequal points or partial credit (docs/item-analysis.md).
    """
    if items < 2 or maximum <= 0:
        return None
    share = min(max(cut_raw / maximum, 0.0), 1.0)
    return maximum * math.sqrt(share * (1.0 - share) / (items - 1))
