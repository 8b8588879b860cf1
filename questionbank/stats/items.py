"""Classical item analysis: difficulty, discrimination, option use, omits, and flags with reasons.

Per item, from the C x I response masks and the points each candidate earned:

- ``p``: mean credit as a share of the item's points (for 0/1 items the share correct);
- ``corrected_r``: Pearson correlation of the item score with the rest score (total minus the
  item), so the item is not correlated with itself (Henrysson 1963; Crocker & Algina 1986, ch. 14);
- per option: the share of candidates choosing it and the mean total score of those who did
  (for multiple response a candidate chooses several, so the shares need not add up to 1);
- ``omit_rate``: the share who left the item blank.

Flags are :class:`~questionbank.problems.Problem` values (warnings) with the item id as path;
the codes, thresholds and their reasons are in :class:`Thresholds` and docs/item-analysis.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from questionbank.problems import Problem, problem
from questionbank.scoring import AnswerKey, Scores


@dataclass(frozen=True)
class Thresholds:
    """When an item is flagged (sources and reasons in docs/item-analysis.md)."""

    # below the chance level of a four-option item (0.25): fewer right than blind guessing would
    # give, which points to a flaw or a wrong key rather than hard content
    too_hard: float = 0.20
    # above 0.95 the item variance p(1 − p) is under 0.048: the item hardly separates anyone
    too_easy: float = 0.95
    # Ebel & Frisbie (1991) call discrimination below 0.20 poor; the corrected (rest) correlation
    # runs lower than the uncorrected one, so the flag starts at 0.10
    low_discrimination: float = 0.10
    # a distractor's mean total is compared with the key's only when this many chose it: with
    # fewer, one strong candidate can move the mean by several points
    miskey_min_count: int = 10
    # a blank scores 0 like a wrong answer, so blanks should be rare; above 10% the wording or
    # the time limit (items at the end) is suspect
    high_omit: float = 0.10


@dataclass(frozen=True)
class OptionStats:
    """One option's use: how many chose it, their share, and their mean total score."""

    label: str
    key: bool
    count: int
    share: float
    mean_total: float | None


@dataclass(frozen=True)
class ItemStats:
    """The statistics of one item on one form."""

    id: str
    type: str
    duty: str
    points: float
    p: float | None
    mean_points: float | None
    corrected_r: float | None
    omit_rate: float | None
    options: tuple[OptionStats, ...]
    flags: tuple[Problem, ...]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "type": self.type,
            "duty": self.duty,
            "points": self.points,
            "p": self.p,
            "mean_points": self.mean_points,
            "corrected_r": self.corrected_r,
            "omit_rate": self.omit_rate,
            "options": [{"label": o.label, "key": o.key, "count": o.count, "share": o.share, "mean_total": o.mean_total} for o in self.options],
            "flags": [{"code": f.code, "severity": f.severity.value, "message": f.message} for f in self.flags],
        }


def item_statistics(key: AnswerKey, responses: np.ndarray, scores: Scores, thresholds: Thresholds | None = None) -> list[ItemStats]:
    """Statistics and flags of every item, in form order (one pass of array operations)."""
    thresholds = thresholds or Thresholds()
    responses = np.asarray(responses, dtype=np.uint32)
    earned, total = scores.earned, scores.raw
    candidates = total.size
    if candidates == 0:
        return [ItemStats(i.id, i.type, i.duty, i.points, None, None, None, None, (), ()) for i in key.items]
    mean = earned.mean(axis=0)
    item_var = np.maximum((earned * earned).mean(axis=0) - mean**2, 0.0)
    total_mean = float(total.mean())
    total_var = float(total.var())
    cov_total = earned.T @ total / candidates - mean * total_mean  # cov(item, total)
    # rest = total − item: cov(item, rest) = cov(item, total) − var(item) and
    # var(rest) = var(total) + var(item) − 2 cov(item, total)
    cov_rest = cov_total - item_var
    rest_var = np.maximum(total_var + item_var - 2 * cov_total, 0.0)
    denominator = np.sqrt(item_var * rest_var)
    tiny = 1e-12 * max(total_var, 1.0)
    corrected = np.divide(cov_rest, denominator, out=np.full_like(cov_rest, np.nan), where=denominator > tiny)
    omit = (responses == 0).mean(axis=0)
    width = max((len(i.labels) for i in key.items), default=0)
    counts = np.zeros((width, len(key.items)), dtype=np.int64)
    sums = np.zeros((width, len(key.items)), dtype=np.float64)
    for bit in range(width):
        chosen = ((responses >> np.uint32(bit)) & np.uint32(1)).astype(np.float64)
        counts[bit] = chosen.sum(axis=0).astype(np.int64)
        sums[bit] = total @ chosen
    out = []
    for n, item in enumerate(key.items):
        options = tuple(
            OptionStats(
                label=label,
                key=label in item.keys,
                count=int(counts[b, n]),
                share=float(counts[b, n]) / candidates,
                mean_total=float(sums[b, n] / counts[b, n]) if counts[b, n] else None,
            )
            for b, label in enumerate(item.labels)
        )
        p = float(mean[n] / item.points) if item.points > 0 else None
        r = None if np.isnan(corrected[n]) else float(corrected[n])
        stats = ItemStats(item.id, item.type, item.duty, item.points, p, float(mean[n]), r, float(omit[n]), options, ())
        out.append(replace(stats, flags=tuple(item_flags(stats, thresholds))))
    return out


def item_flags(stats: ItemStats, thresholds: Thresholds) -> list[Problem]:
    """The flags of one item's statistics, each with the figures that raised it."""
    found = []
    item = stats.id
    if stats.p is not None and stats.p < thresholds.too_hard:
        found.append(problem("stat-too-hard", "", None, None, f"p = {stats.p:.3f} is below {thresholds.too_hard:g}", item))
    if stats.p is not None and stats.p > thresholds.too_easy:
        found.append(problem("stat-too-easy", "", None, None, f"p = {stats.p:.3f} is above {thresholds.too_easy:g}", item))
    r = stats.corrected_r
    if r is not None and r < 0:
        found.append(problem("stat-negative-discrimination", "", None, None, f"corrected item-total r = {r:.3f}: stronger candidates do worse on it", item))
    elif r is not None and r < thresholds.low_discrimination:
        found.append(problem("stat-low-discrimination", "", None, None, f"corrected item-total r = {r:.3f} is below {thresholds.low_discrimination:g}", item))
    evidence = miskey_evidence(stats, thresholds)
    if evidence is not None:
        best, bar = evidence
        versus = f"above the key's {bar:.2f}" if bar is not None else f"while fewer than {thresholds.miskey_min_count} chose the key"
        found.append(
            problem(
                "stat-possible-miskey",
                "",
                None,
                None,
                f"option {best.label} (chosen by {best.count}) has a mean total of {best.mean_total:.2f}, {versus}; check the key",
                item,
            )
        )
    if stats.omit_rate is not None and stats.omit_rate > thresholds.high_omit:
        found.append(problem("stat-high-omit", "", None, None, f"{100 * stats.omit_rate:.1f}% left it blank (above {100 * thresholds.high_omit:g}%)", item))
    return found


def miskey_evidence(stats: ItemStats, thresholds: Thresholds) -> tuple[OptionStats, float | None] | None:
    """What raises ``stat-possible-miskey``: the distractor chosen by at least
    ``miskey_min_count`` candidates with the highest mean total above the key's choosers' (for
    multiple response, the key option whose choosers score lowest), and that key mean (None when
    too few chose the key); None when no distractor does."""
    keyed = [o for o in stats.options if o.key and o.count >= thresholds.miskey_min_count and o.mean_total is not None]
    bar = min((o.mean_total for o in keyed), default=None)
    above = [
        o for o in stats.options if not o.key and o.count >= thresholds.miskey_min_count and o.mean_total is not None and (bar is None or o.mean_total > bar)
    ]
    if not above or not any(o.key for o in stats.options):
        return None
    return max(above, key=lambda o: o.mean_total or 0.0), bar
