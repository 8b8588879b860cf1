"""The item analysis of one form: items, reliability, decisions at the cut and duty subscores.

One library call for ``qbank analyze`` (a form file and a responses CSV, or a published form):
:func:`analyze` takes the answer key and the C x I response masks and returns an
:class:`Analysis`; the formulas and their sources are in docs/item-analysis.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from questionbank.problems import Problem
from questionbank.scoring import AnswerKey, Scores, cut_fraction, score
from questionbank.stats.cohort import histogram
from questionbank.stats.decisions import Decisions, livingston_lewis
from questionbank.stats.items import ItemStats, Thresholds, item_statistics
from questionbank.stats.reliability import cronbach_alpha, lord_csem, standard_error
from questionbank.stats.subscores import DEFAULT_MARGIN, Subscore, subscores

CSEM_METHOD = "Lord (1955, 1957) binomial error: max·√(π(1 − π)/(n − 1)), π = cut/max"


@dataclass(frozen=True)
class FormStats:
    """The total score on the form: spread, reliability, SEM and the SEM at the cut."""

    candidates: int
    items: int
    max: float
    mean: float | None
    sd: float | None
    alpha: float | None
    sem: float | None
    cut_raw: float
    csem_at_cut: float | None
    csem_method: str
    pass_rate: float | None
    distribution: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Analysis:
    """Everything ``qbank analyze`` reports about one form and its candidates."""

    form: FormStats
    items: tuple[ItemStats, ...]
    decisions: Decisions | None
    subscores: tuple[Subscore, ...]
    thresholds: Thresholds
    margin: float

    @property
    def flags(self) -> list[Problem]:
        """Every item flag, in form order."""
        return [f for item in self.items for f in item.flags]

    def to_dict(self) -> dict[str, Any]:
        return _finite(
            {
                "form": self.form.__dict__,
                "decisions": self.decisions.to_dict() if self.decisions else None,
                "subscores": [s.to_dict() for s in self.subscores],
                "subscore_margin": self.margin,
                "items": [i.to_dict() for i in self.items],
                "thresholds": self.thresholds.__dict__,
            }
        )


def analyze(
    key: AnswerKey, responses: np.ndarray, *, thresholds: Thresholds | None = None, margin: float = DEFAULT_MARGIN, scores: Scores | None = None
) -> Analysis:
    """Analyse the C x I response masks of one form (see the module docstring).

    Consistency and accuracy concern the total against the cut only; a blueprint's duty minimums
    are not part of that model.
    """
    thresholds = thresholds or Thresholds()
    responses = np.asarray(responses, dtype=np.uint32).reshape(-1, len(key.items))
    scores = scores if scores is not None else score(key, responses)
    candidates = int(scores.raw.size)
    maximum = float(scores.max)
    cut_raw = cut_fraction(key.rules, maximum) * maximum
    items = tuple(item_statistics(key, responses, scores, thresholds))
    if candidates == 0:
        form = FormStats(0, len(key.items), maximum, None, None, None, None, cut_raw, None, CSEM_METHOD, None)
        return Analysis(form, items, None, (), thresholds, margin)
    sd = float(scores.raw.std())
    alpha = cronbach_alpha(scores.earned)
    values, counts = np.unique(np.round(scores.raw, 4), return_counts=True)
    form = FormStats(
        candidates=candidates,
        items=len(key.items),
        max=maximum,
        mean=float(scores.raw.mean()),
        sd=sd,
        alpha=alpha,
        sem=standard_error(sd, alpha),
        cut_raw=cut_raw,
        csem_at_cut=lord_csem(cut_raw, maximum, len(key.items)),
        csem_method=CSEM_METHOD,
        pass_rate=float(scores.passed.mean()),
        distribution={"raw": {"scores": values.tolist(), "counts": counts.tolist()}, "percent": histogram(scores.percent)},
    )
    decisions = livingston_lewis(scores.raw, alpha, maximum, cut_raw)
    duties = tuple(subscores(scores.earned, key.duty_matrix, key.duties, scores.duty_max, margin))
    return Analysis(form, items, decisions, duties, thresholds, margin)


def _finite(value: Any) -> Any:
    """Plain data for JSON: NaN and infinities become None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
