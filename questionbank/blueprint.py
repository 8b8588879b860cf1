"""Blueprints (雙向細目表): what every exam form of a standard must contain."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questionbank.documents import Document
from questionbank.problems import Problem, format_path, problem
from questionbank.scoring import DEFAULT_CUT_PERCENT
from questionbank.standards import Standard

DIFFICULTY_VALUE = {"easy": 1, "medium": 2, "hard": 3}


def difficulty_from_p(p: float) -> float:
    """An observed p (share of the points earned) on the blueprint's difficulty scale: 3 − 2p.

    Linear, so a form's mean difficulty is 3 − 2·(mean p): the window ``mean_min..mean_max``
    bounds the form's expected mean score, p̄ in (3 − mean_max)/2 .. (3 − mean_min)/2. p = 0.5
    is 2 (medium); the usual easy and hard boundaries p = 0.70 and 0.30 are 1.6 and 2.4
    (docs/blueprint-format.md).
    """
    return 3.0 - 2.0 * min(max(float(p), 0.0), 1.0)


def difficulty_values(observed: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Item id → difficulty on the 1–3 scale, for the items with an observed p (``{"p": …}``)."""
    return {item_id: difficulty_from_p(seen["p"]) for item_id, seen in observed.items()}


def item_difficulty(item: Any, difficulty: Mapping[str, float] | None = None) -> float:
    """An item's difficulty on the 1–3 scale: from ``difficulty`` (item id → value, e.g. observed
    p through :func:`difficulty_values`) when it has the item, else the writer's label."""
    if difficulty and item.id in difficulty:
        return float(difficulty[item.id])
    return DIFFICULTY_VALUE.get(item.difficulty or "medium", 2)


LEVEL_GROUPS = {
    "remember": ("remember",),
    "understand": ("understand",),
    "apply": ("apply",),
    "analyze": ("analyze",),
    "apply_or_analyze": ("apply", "analyze"),
}


@dataclass(frozen=True)
class Range:
    min: int = 0
    max: int | None = None


@dataclass(frozen=True)
class Blueprint:
    """One blueprint, with duty shares already turned into item counts (see :func:`duty_counts`)."""

    standard: str
    length: int
    duty_ranges: dict[str, Range]
    excluded: dict[str, str] = field(default_factory=dict)
    task_minimum: int = 0
    levels: dict[str, dict[str, Range]] = field(default_factory=dict)
    types: dict[str, Range] = field(default_factory=dict)
    difficulty_mean: tuple[float | None, float | None] = (None, None)
    # difficulty_from_data.min_responses: an item's observed p replaces its label from this many responses
    difficulty_from_data: int | None = None
    statuses: tuple[str, ...] = ("active",)
    time_limit_minutes: int | None = None
    cut_percent: float | None = None
    cut_raw: float | None = None
    duty_minimum_percent: dict[str, float] = field(default_factory=dict)
    multiple_scoring: str = "all-or-nothing"
    forms: int = 1
    max_overlap: int | None = None
    max_exposure: float = 1.0
    title: str = ""
    duty_percents: dict[str, float] = field(default_factory=dict)  # the shares as written, for re-sizing
    file: str = ""
    sha256: str = ""  # of the blueprint's bytes: what a form records and is checked against
    # (line, column) of each requirement in the blueprint file, keyed by dotted path
    # ("duties.T2", "types.multiple"), so assembly problems point at the line to edit.
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: str) -> tuple[int, int]:
        """Where ``path`` (or its nearest written parent) is in the file; (1, 1) when unknown."""
        parts = path.split(".") if path else []
        while parts:
            found = self.positions.get(".".join(parts))
            if found:
                return found
            parts.pop()
        return (1, 1)

    @property
    def max_uses(self) -> int:
        """How many forms one item may appear in."""
        return max(1, math.floor(self.max_exposure * self.forms + 1e-9))


def overlap_items(value: str | int, length: int) -> int | None:
    """``max_overlap`` as a count of items: an integer as is, a share such as "20%" of ``length``
    rounded down; None for anything else (a share above 100%, a negative count, text)."""
    text = str(value).strip()
    try:
        if text.endswith("%"):
            share = float(text[:-1])
            return math.floor(share * length / 100 + 1e-9) if 0 <= share <= 100 else None
        count = int(text)
    except ValueError:
        return None
    return min(count, length) if count >= 0 else None


def largest_remainder(percents: dict[str, float], length: int) -> dict[str, int]:
    """Percentages to counts summing to ``length``: floor each, then give the leftover items to the
    largest remainders, ties to the duty listed first (Hamilton's method)."""
    exact = {k: p * length / 100 for k, p in percents.items()}
    counts = {k: math.floor(v + 1e-9) for k, v in exact.items()}
    leftover = length - sum(counts.values())
    order = sorted(exact, key=lambda k: (-(exact[k] - counts[k]), list(exact).index(k)))
    for key in order[: max(0, leftover)]:
        counts[key] += 1
    return counts


def blueprint_from_document(document: Document, standards: dict[str, Standard]) -> tuple[Blueprint | None, list[Problem]]:
    """Build a blueprint from a schema-valid document and check it against its standard."""
    data = document.data
    file = document.file
    found: list[Problem] = []

    def add(code: str, path: tuple[Any, ...], message: str) -> None:
        line, column = document.locate(path)
        found.append(problem(code, file, line, column, message, format_path(path)))

    standard = standards.get(data["standard"])
    if standard is None:
        add("unknown-standard", ("standard",), f"standard '{data['standard']}' is not in standards/")
        return None, found
    if standard.status == "superseded":
        add("superseded-standard", ("standard",), f"standard '{standard.id}' is superseded by '{standard.superseded_by}'")
    length = data["length"]
    duty_codes = [d.code for d in standard.duties]
    excluded = {entry["duty"]: entry["reason"] for entry in data.get("excluded_duties", [])}
    for index, entry in enumerate(data.get("excluded_duties", [])):
        if entry["duty"] not in duty_codes:
            add("blueprint-unknown-duty", ("excluded_duties", index, "duty"), f"duty {entry['duty']} is not in {standard.id} (duties: {', '.join(duty_codes)})")
    duties = data["duties"]
    for code in duties:
        if code not in duty_codes:
            add("blueprint-unknown-duty", ("duties", code), f"duty {code} is not in {standard.id} (duties: {', '.join(duty_codes)})")
        elif code in excluded:
            add("blueprint-duty-excluded-and-required", ("duties", code), f"duty {code} is both excluded and given a share; drop one")
    for code in duty_codes:
        if code not in duties and code not in excluded:
            add("blueprint-duty-missing", ("duties",), f"duty {code} has no share; every duty gets at least one item unless excluded_duties gives a reason")
    percents = {k: v["percent"] for k, v in duties.items() if "percent" in v and k in duty_codes}
    ranges: dict[str, Range] = {}
    if percents:
        total = sum(percents.values())
        fixed = sum(v.get("count", 0) for v in duties.values())
        if abs(total - 100) > 0.01 and not fixed:
            add("blueprint-shares-not-100", ("duties",), f"duty percentages add up to {total:g}, not 100")
        counts = largest_remainder(percents, length - fixed)
        for code, count in counts.items():
            if count < 1:
                add(
                    "blueprint-duty-zero",
                    ("duties", code, "percent"),
                    f"{percents[code]:g}% of {length} items rounds to 0; every duty needs at least one item: raise its share",
                )
            ranges[code] = Range(max(count, 1), max(count, 1))
    for code, spec in duties.items():
        if code not in duty_codes:
            continue
        if "count" in spec:
            ranges[code] = Range(spec["count"], spec["count"])
        elif "percent" not in spec:
            low, high = spec.get("min", 1), spec.get("max")
            if high is not None and high < low:
                add("blueprint-range-inverted", ("duties", code), f"max {high} is below min {low}")
            ranges[code] = Range(low, high)
        if "percent" in spec or "count" in spec:
            target = ranges[code].min
            if spec.get("min", 0) > target or (spec.get("max") is not None and spec["max"] < target):
                add(
                    "blueprint-range-inverted",
                    ("duties", code),
                    f"the share gives {target} items, outside min/max {spec.get('min', '-')}..{spec.get('max', '-')}",
                )
    fixed_total = sum(r.min for r in ranges.values())
    if fixed_total > length:
        add("blueprint-length-mismatch", ("length",), f"the duties need at least {fixed_total} items but the form has {length}")
    if all(r.max is not None for r in ranges.values()) and ranges and sum(r.max or 0 for r in ranges.values()) < length:
        add("blueprint-length-mismatch", ("length",), f"the duties allow at most {sum(r.max or 0 for r in ranges.values())} items but the form has {length}")
    levels: dict[str, dict[str, Range]] = {}
    for code, cells in data.get("levels", {}).items():
        if code not in duty_codes:
            add("blueprint-unknown-duty", ("levels", code), f"duty {code} is not in {standard.id}")
        levels[code] = {level: Range(r.get("min", 0), r.get("max")) for level, r in cells.items()}
    for code in data.get("duty_minimum_percent", {}):
        if code not in duty_codes:
            add("blueprint-unknown-duty", ("duty_minimum_percent", code), f"duty {code} is not in {standard.id}")
    types = {name: Range(r.get("min", 0), r.get("max")) for name, r in data.get("types", {}).items()}
    diff = data.get("difficulty", {})
    if diff.get("mean_min") is not None and diff.get("mean_max") is not None and diff["mean_min"] > diff["mean_max"]:
        add("blueprint-range-inverted", ("difficulty",), "mean_min is above mean_max")
    forms = data.get("forms", 1)
    overlap = data.get("max_overlap")
    if isinstance(overlap, str):
        share = float(overlap.rstrip("%"))
        if share > 100:
            add("blueprint-overlap-too-high", ("max_overlap",), f"max_overlap {overlap} is above 100%; write a share from 0% to 100%")
        overlap = math.floor(min(share, 100.0) * length / 100 + 1e-9)
    elif isinstance(overlap, int) and overlap > length:
        add("blueprint-overlap-too-high", ("max_overlap",), f"max_overlap {overlap} is more than the form's {length} items; write at most {length}")
        overlap = length
    cut = data.get("cut_score", {})
    if "raw" in cut and cut["raw"] > length * 100:
        add("blueprint-cut-too-high", ("cut_score", "raw"), f"raw cut {cut['raw']} is above any possible score")
    blueprint = Blueprint(
        standard=standard.id,
        length=length,
        duty_ranges=ranges,
        excluded=excluded,
        task_minimum=data.get("task_minimum", 0),
        levels=levels,
        types=types,
        difficulty_mean=(diff.get("mean_min"), diff.get("mean_max")),
        difficulty_from_data=(data.get("difficulty_from_data") or {}).get("min_responses"),
        statuses=tuple(data.get("statuses", ["active"])),
        time_limit_minutes=data.get("time_limit_minutes"),
        cut_percent=cut.get("percent", DEFAULT_CUT_PERCENT if not cut else None),
        cut_raw=cut.get("raw"),
        duty_minimum_percent=dict(data.get("duty_minimum_percent", {})),
        multiple_scoring=data.get("scoring", {}).get("multiple", "all-or-nothing"),
        forms=forms,
        max_overlap=overlap,
        max_exposure=data.get("max_exposure", 1.0),
        title=data.get("title", ""),
        duty_percents=percents,
        file=file,
        positions=_positions(document),
    )
    return (None if any(p.severity.value == "error" for p in found) else blueprint), found


def _positions(document: Document) -> dict[str, tuple[int, int]]:
    data = document.data
    paths: list[tuple[Any, ...]] = [(key,) for key in data]
    for key in ("duties", "types", "difficulty", "cut_score"):
        paths.extend((key, sub) for sub in data.get(key, {}) or {})
    for duty, cells in (data.get("levels") or {}).items():
        paths.append(("levels", duty))
        paths.extend(("levels", duty, level) for level in cells or {})
    return {".".join(str(p) for p in path): document.locate(path, key=True) for path in paths}
