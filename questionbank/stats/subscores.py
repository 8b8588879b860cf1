"""Whether a duty subscore is worth reporting: Haberman's (2008) PRMSE comparison.

Haberman, S. J. (2008). When can subscores have value? Journal of Educational and Behavioral
Statistics 33(2), 204–229; Sinharay, S. (2010). How often do subscores have added value?
Results from operational and simulated data. Journal of Educational Measurement 47(2), 150–174.

The true subscore τₛ is best predicted (linearly) either from the observed subscore s or from
the observed total x. Each predictor's proportional reduction in mean squared error (PRMSE) is:

- from s: PRMSEₛ = ρₛ, the subscore's reliability (alpha on the duty's items);
- from x: PRMSEₓ = cov(τₛ, x)² / (var(τₛ)·var(x)), with var(τₛ) = ρₛ·var(s) and, because the
  errors of different items are independent, cov(τₛ, x) = ρₛ·var(s) + cov(s, o), o the score on
  the other items (Haberman 2008, section 2; Sinharay 2010, eqs. 1–3).

The subscore has added value, and is reported, when PRMSEₛ > PRMSEₓ + margin.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

import numpy as np

from questionbank.stats.reliability import alpha_from_variances

# Haberman's criterion is PRMSEₛ > PRMSEₓ; a margin above 0 asks for a clearer gain before a
# subscore is reported (docs/item-analysis.md). 0 keeps the criterion as published.
DEFAULT_MARGIN = 0.0

# Official attempts a form needs before its duty verdicts decide what candidates are shown. Our
# policy, not a published threshold: at 100 candidates the standard error of a correlation near
# 0.5 is about (1 − 0.5²)/√100 ≈ 0.075, and the PRMSE comparison rests on such covariances; with
# fewer, a duty's verdict could flip with the next handful of candidates (docs/item-analysis.md).
MIN_VERDICT_CANDIDATES = 100


@dataclass(frozen=True)
class Subscore:
    """One duty's subscore: its reliability and Haberman's PRMSE comparison."""

    duty: str
    items: int
    max: float
    mean: float
    sd: float
    reliability: float | None
    prmse_subscore: float | None
    prmse_total: float | None
    value_added_ratio: float | None  # PRMSEₛ / PRMSEₓ (Feinberg & Wainer 2014)
    true_correlation: float | None  # between the true subscore and the true score on the other items
    reportable: bool

    def to_dict(self) -> dict:
        return asdict(self)


def prmse_total(reliability: float, var_sub: float, cov_sub_other: float, var_total: float) -> float | None:
    """PRMSE of the total score as a predictor of the true subscore (module docstring)."""
    true_var = reliability * var_sub
    if true_var <= 0 or var_total <= 0:
        return None
    return (true_var + cov_sub_other) ** 2 / (true_var * var_total)


def subscores(item_scores: np.ndarray, duty_matrix: np.ndarray, duties: list[str], maxima: np.ndarray, margin: float = DEFAULT_MARGIN) -> list[Subscore]:
    """Per duty (columns of the I x D ``duty_matrix``), alpha and the PRMSE comparison.

    ``item_scores`` is the C x I matrix of points earned. A duty of one item, or one whose score
    does not vary, has no reliability and is not reportable.
    """
    earned = np.asarray(item_scores, dtype=np.float64)
    sub = earned @ duty_matrix  # C x D
    total = earned.sum(axis=1)
    var_total = float(total.var())
    item_var = earned.var(axis=0)
    centred = sub - sub.mean(axis=0)
    cov_sub = centred.T @ (total - total.mean()) / max(len(total), 1)  # cov(s, x) per duty
    out = []
    for d, duty in enumerate(duties):
        count = int(duty_matrix[:, d].sum())
        var_sub = float(sub[:, d].var())
        rho = alpha_from_variances(float(item_var @ duty_matrix[:, d]), var_sub, count)
        prmse_s = prmse_x = ratio = true_r = None
        if rho is not None and rho > 0:
            cov_other = float(cov_sub[d]) - var_sub  # cov(s, o) = cov(s, x) − var(s)
            prmse_s = rho
            prmse_x = prmse_total(rho, var_sub, cov_other, var_total)
            ratio = prmse_s / prmse_x if prmse_x else None
            var_other = var_total - 2 * float(cov_sub[d]) + var_sub
            true_r = _true_correlation(rho, var_sub, cov_other, var_other, item_var, duty_matrix[:, d])
        out.append(
            Subscore(
                duty=duty,
                items=count,
                max=float(maxima[d]),
                mean=float(sub[:, d].mean()) if sub.size else 0.0,
                sd=math.sqrt(var_sub),
                reliability=rho,
                prmse_subscore=prmse_s,
                prmse_total=prmse_x,
                value_added_ratio=ratio,
                true_correlation=true_r,
                reportable=prmse_s is not None and prmse_x is not None and prmse_s > prmse_x + margin,
            )
        )
    return out


def _true_correlation(rho: float, var_sub: float, cov_other: float, var_other: float, item_var: np.ndarray, members: np.ndarray) -> float | None:
    """cov(s, o) / √(ρₛvar(s)·ρₒvar(o)): the correlation of the true scores, disattenuated
    with each part's alpha (Spearman 1904). Shown beside the verdict: near 1, the duty measures
    what the rest of the form measures."""
    others = 1.0 - members
    count = int(others.sum())
    rho_other = alpha_from_variances(float(item_var @ others), var_other, count)
    if rho_other is None or rho_other <= 0 or var_other <= 0:
        return None
    return cov_other / math.sqrt(rho * var_sub * rho_other * var_other)


def numbers_shown(duties: Iterable[str], reportable: Mapping[str, bool] | None, minimums: Mapping[str, float]) -> dict[str, bool]:
    """Per duty, whether a candidate is shown the duty's points and percent (True) or only its band.

    ``reportable`` is the form's verdict per duty (None before it is decided: everything is shown,
    with a caution). A duty with a minimum percent to pass always shows its numbers: the candidate
    must see the figure that decided a fail (docs/item-analysis.md).
    """
    return {duty: reportable is None or bool(reportable.get(duty)) or duty in minimums for duty in duties}
