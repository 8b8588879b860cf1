"""Scoring: whole response matrices scored at once with numpy, broken down by duty, task and K/S code.

A response is a bit mask over an item's option labels (bit i = the i-th label chosen; 0 = not
answered). For every item, ``k`` is the number of labels judged wrong: a non-key chosen or a
key left out, i.e. ``popcount(response XOR key)``. Single and true/false items earn their
points when ``k == 0``; multiple-response items do too under all-or-nothing, or earn
``max(0, (n - 2k) / n)`` of their points under Taiwan's partial-credit rule (n options).
An unanswered item earns 0 either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

TRUE_FALSE_LABELS = ("T", "F")
# The pass mark when a blueprint names none: 70% is the customary mark of Taiwan's competency
# certifications (e.g. 技術士 written tests); a blueprint should set its own from a standard-setting study.
DEFAULT_CUT_PERCENT = 70.0
MULTIPLE_SCORING = ("all-or-nothing", "partial")
BANDS = ("below", "near", "above")
# What a person reads for each band (app, PDF): the one place these words are defined.
BAND_TITLES = {"below": "低於及格標準", "near": "接近及格標準", "above": "高於及格標準"}


@dataclass(frozen=True)
class ScoredItem:
    """What scoring needs of one delivered item."""

    id: str
    type: str  # single | multiple | true_false
    labels: tuple[str, ...]  # option labels in their original order; ("T", "F") for true_false
    keys: tuple[str, ...]
    points: float
    duty: str
    task: str
    competencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rules:
    """The blueprint's pass rules, as recorded in a form."""

    cut_percent: float | None = DEFAULT_CUT_PERCENT
    cut_raw: float | None = None
    multiple: str = "all-or-nothing"
    duty_minimum_percent: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Rules:
        data = data or {}
        return cls(
            cut_percent=data.get("cut_percent", DEFAULT_CUT_PERCENT if data.get("cut_raw") is None else None),
            cut_raw=data.get("cut_raw"),
            multiple=data.get("multiple", "all-or-nothing"),
            duty_minimum_percent=dict(data.get("duty_minimum_percent") or {}),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"cut_percent": self.cut_percent, "cut_raw": self.cut_raw, "multiple": self.multiple, "duty_minimum_percent": dict(self.duty_minimum_percent)}


class AnswerKey:
    """A form's items as arrays: key masks, option counts, points and membership matrices."""

    def __init__(self, items: list[ScoredItem], rules: Rules) -> None:
        self.items = items
        self.rules = rules
        self.ids = [i.id for i in items]
        self.position = {item_id: n for n, item_id in enumerate(self.ids)}
        self.key_mask = np.array([mask(i.labels, i.keys) for i in items], dtype=np.uint32)
        self.n_options = np.array([len(i.labels) for i in items], dtype=np.float64)
        self.points = np.array([i.points for i in items], dtype=np.float64)
        self.partial = np.array([i.type == "multiple" and rules.multiple == "partial" for i in items], dtype=bool)
        self.duties = list(dict.fromkeys(i.duty for i in items))
        self.tasks = list(dict.fromkeys(i.task for i in items))
        self.codes = sorted({f"{i.duty}:{c}" for i in items for c in i.competencies if c[:1] in ("K", "S")})
        self.duty_matrix = _membership(items, self.duties, lambda i: [i.duty])
        self.task_matrix = _membership(items, self.tasks, lambda i: [i.task])
        self.code_matrix = _membership(items, self.codes, lambda i: [f"{i.duty}:{c}" for c in i.competencies])

    def labels_of(self, item_id: str) -> tuple[str, ...]:
        return self.items[self.position[item_id]].labels


def mask(labels: tuple[str, ...], chosen: tuple[str, ...] | list[str] | str) -> int:
    """The bit mask of ``chosen`` labels (unknown labels raise ValueError)."""
    out = 0
    for label in chosen:
        out |= 1 << labels.index(label)
    return out


def _membership(items: list[ScoredItem], groups: list[str], of: Any) -> np.ndarray:
    matrix = np.zeros((len(items), len(groups)), dtype=np.float64)
    index = {g: n for n, g in enumerate(groups)}
    for row, item in enumerate(items):
        for group in of(item):
            if group in index:
                matrix[row, index[group]] = 1.0
    return matrix


@dataclass(frozen=True)
class Scores:
    """Scores of C candidates on one form (arrays indexed by candidate, then group)."""

    key: AnswerKey
    earned: np.ndarray  # C x I points earned per item
    raw: np.ndarray  # C
    max: float
    percent: np.ndarray  # C
    duty_raw: np.ndarray  # C x D
    duty_max: np.ndarray  # D
    task_raw: np.ndarray  # C x T
    task_max: np.ndarray  # T
    code_raw: np.ndarray  # C x K
    code_max: np.ndarray  # K
    passed: np.ndarray  # C (bool)
    bands: np.ndarray  # C x D (0 below, 1 near, 2 above)

    @cached_property
    def duty_percent(self) -> np.ndarray:
        # computed once: per-candidate reads (candidate(), reports) must not redo the C x D matrix
        return _percent(self.duty_raw, self.duty_max)

    def candidate(self, row: int, detail: bool = True) -> dict[str, Any]:
        """One candidate's result as plain data (the JSON shape of ``qbank score``); without
        ``detail`` only totals and duties (what the CSV holds)."""
        key = self.key
        duty_percent = self.duty_percent[row]
        out: dict[str, Any] = {
            "raw": number(self.raw[row]),
            "max": number(self.max),
            "percent": round(float(self.percent[row]), 2),
            "passed": bool(self.passed[row]),
            "duties": {
                d: {
                    "raw": number(self.duty_raw[row, n]),
                    "max": number(self.duty_max[n]),
                    "percent": round(float(duty_percent[n]), 2),
                    "band": BANDS[self.bands[row, n]],
                }
                for n, d in enumerate(key.duties)
            },
        }
        if not detail:
            return out
        task_percent = _percent(self.task_raw[row], self.task_max)
        code_percent = _percent(self.code_raw[row], self.code_max)
        out["tasks"] = {
            t: {"raw": number(self.task_raw[row, n]), "max": number(self.task_max[n]), "percent": round(float(task_percent[n]), 2)}
            for n, t in enumerate(key.tasks)
        }
        out["competencies"] = {
            c: {"raw": number(self.code_raw[row, n]), "max": number(self.code_max[n]), "percent": round(float(code_percent[n]), 2)}
            for n, c in enumerate(key.codes)
        }
        return out


def number(value: float) -> float | int:
    value = float(value)
    return int(value) if value.is_integer() else round(value, 4)


def _percent(raw: np.ndarray, maximum: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(maximum > 0, 100.0 * raw / np.where(maximum > 0, maximum, 1.0), 0.0)


def cut_fraction(rules: Rules, maximum: float) -> float:
    """The cut score as a share of the maximum."""
    if rules.cut_raw is not None:
        return min(1.0, rules.cut_raw / maximum) if maximum else 1.0
    return (rules.cut_percent if rules.cut_percent is not None else DEFAULT_CUT_PERCENT) / 100.0


def band_margins(key: AnswerKey, cut: float) -> np.ndarray:
    """Per duty, half-width (in percent) of the "near the passing standard" band.

    One binomial standard error at the cut, 100·sqrt(p(1−p)/n) for a duty of n items: a duty
    with few items gets a wide band, because its percent says little (see docs/scoring.md).
    Below: percent < cut − margin; above: percent ≥ cut + margin; near otherwise. The margin is
    capped at the distance to 0 and to 100, so a perfect duty is above and a zero is below.
    """
    counts = key.duty_matrix.sum(axis=0)
    p = min(max(cut, 0.0), 1.0)
    return 100.0 * np.sqrt(p * (1 - p) / np.maximum(counts, 1.0))


def score(key: AnswerKey, responses: np.ndarray) -> Scores:
    """Score a C x I matrix of response masks (uint32, 0 = unanswered) in one pass."""
    responses = np.asarray(responses, dtype=np.uint32)
    if responses.ndim != 2 or responses.shape[1] != len(key.items):
        raise ValueError(f"responses must be candidates x {len(key.items)} items, got shape {responses.shape}")
    return scores_from_earned(key, earned_points(key, responses))


def earned_points(key: AnswerKey, responses: np.ndarray) -> np.ndarray:
    """C x I points earned per item under ``key`` (the first step of :func:`score`)."""
    responses = np.asarray(responses, dtype=np.uint32)
    answered = responses != 0
    wrong = np.bitwise_count(responses ^ key.key_mask).astype(np.float64)
    partial_credit = np.clip((key.n_options - 2.0 * wrong) / key.n_options, 0.0, 1.0)
    credit = np.where(key.partial, partial_credit, wrong == 0)
    return np.where(answered, credit, 0.0) * key.points


def scores_from_earned(key: AnswerKey, earned: np.ndarray) -> Scores:
    """Totals, subscores, pass/fail and bands from a C x I matrix of points earned (rescoring
    after a key amendment changes ``earned`` and then scores it as usual)."""
    raw = earned.sum(axis=1)
    maximum = float(key.points.sum())
    percent = 100.0 * raw / maximum if maximum else np.zeros_like(raw)
    duty_raw = earned @ key.duty_matrix
    duty_max = key.points @ key.duty_matrix
    cut = cut_fraction(key.rules, maximum)
    rules = key.rules
    passed = raw >= rules.cut_raw - 1e-9 if rules.cut_raw is not None else percent >= 100.0 * cut - 1e-9
    duty_percent = _percent(duty_raw, duty_max)
    for n, duty in enumerate(key.duties):
        minimum = rules.duty_minimum_percent.get(duty)
        if minimum is not None:
            passed &= duty_percent[:, n] >= minimum - 1e-9
    margin = band_margins(key, cut)
    cut_pct = 100.0 * cut
    # capped so that a perfect duty score is always "above" and a zero always "below"
    upper = cut_pct + np.minimum(margin, 100.0 - cut_pct)
    lower = cut_pct - np.minimum(margin, cut_pct)
    bands = np.where(duty_percent < lower - 1e-9, 0, np.where(duty_percent >= upper - 1e-9, 2, 1)).astype(np.int8)
    return Scores(
        key=key,
        earned=earned,
        raw=raw,
        max=maximum,
        percent=percent,
        duty_raw=duty_raw,
        duty_max=duty_max,
        task_raw=earned @ key.task_matrix,
        task_max=key.points @ key.task_matrix,
        code_raw=earned @ key.code_matrix,
        code_max=key.points @ key.code_matrix,
        passed=passed,
        bands=bands,
    )


def item_credit(item: ScoredItem, chosen: tuple[str, ...], rules: Rules) -> float:
    """Points one response earns, computed directly (the per-response reference, used by tests
    and the benchmark to check the matrix path)."""
    if not chosen:
        return 0.0
    wrong = len(set(chosen) ^ set(item.keys))
    if item.type == "multiple" and rules.multiple == "partial":
        n = len(item.labels)
        return item.points * max(0.0, (n - 2 * wrong) / n)
    return item.points if wrong == 0 else 0.0


def cut_percent(rules: Rules, maximum: float) -> float:
    """The cut as a percentage of ``maximum`` (a raw cut converted), for display beside a percent score."""
    return round(100.0 * cut_fraction(rules, maximum), 2)


def cut_label(cut_percent_value: float | None, cut_raw: float | None) -> str:
    """The pass mark as a candidate reads it: 「70% 及格」 or 「28 分及格」."""
    if cut_raw is not None:
        return f"{cut_raw:g} 分及格"
    return f"{(DEFAULT_CUT_PERCENT if cut_percent_value is None else cut_percent_value):g}% 及格"
