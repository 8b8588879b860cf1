"""Feasibility of a blueprint before any solver runs: counting conditions, gaps and repairs.

Every condition here is *necessary*: when one fails, no assignment of items to forms can meet the
blueprint, whatever a solver does. Each failure is a :class:`Gap` (a requirement, what it needs,
what the blueprint or the bank can give) at its blueprint line; :func:`repairs` turns a gap into
the change an examiner would write. The solver stage (an elastic model measuring how far each
requirement misses) lives in :mod:`questionbank.assembly` and produces gaps of the same kind, so
the CLI, the editor and the writing plan speak one language.

Distinct-item bounds for parallel forms (``distinct_needed``): F forms each drawing at least m
items from a category, any two forms sharing at most o items, and each item used at most u times,
draw on at least max(m, ceil(F·m/u), F·m − C(F,2)·min(o, m)) distinct items of the category. The
last term is the Bonferroni lower bound on a union (|∪A| ≥ Σ|A_f| − Σ|A_f ∩ A_g|) applied to
m-item subsets of each form; the second is the exposure count (van der Linden 2005, *Linear Models
for Optimal Test Design*, ch. 6, on item-pool requirements for parallel forms).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questionbank.blueprint import LEVEL_GROUPS, Blueprint, item_difficulty, largest_remainder
from questionbank.items import Item
from questionbank.problems import GAP_TEXT_ZH, REPAIR_TEXT, Problem, problem
from questionbank.standards import Standard

TYPE_NAMES = ("single", "multiple", "true_false")


@dataclass(frozen=True)
class Gap:
    """One requirement that cannot hold: it needs ``need`` and can get ``have`` (items, summed
    over ``forms`` forms for solver gaps; per form for counting gaps unless ``forms`` > 1).

    ``requirement`` is the kind (duty, task, level, type, difficulty, overlap, exposure, length,
    cut, enemies); ``subject`` names it (T6, T6.1, T2/apply, multiple); ``source`` says whether
    plain counting (``count``) or the elastic solve (``solver``) found it; ``bank`` is true when
    the bank lacks items (writing items fixes it) rather than the blueprint contradicting itself.
    """

    code: str
    requirement: str
    subject: str
    path: str
    need: float
    have: float
    message: str
    forms: int = 1
    source: str = "count"
    bank: bool = False
    direction: str = "short"  # short: have < need; over: have > need (an upper limit exceeded)

    @property
    def amount(self) -> float:
        return abs(self.need - self.have)

    def text_zh(self) -> str:
        """The gap for a person in the app, with its numbers."""
        subject = _SUBJECT_ZH.get(self.requirement, "{}").format(self.subject)
        across = f"（{self.forms} 份試卷合計）" if self.forms > 1 and self.source == "solver" else ""
        # a counting gap the blueprint makes itself (not the bank) reads "the blueprint gives"
        source = "rule" if self.source == "count" and not self.bank and self.direction == "short" else self.source
        template = GAP_TEXT_ZH[f"{source}-{self.direction}"]
        return template.format(subject=subject, need=_num(self.need), have=_num(self.have), amount=_num(self.amount), across=across)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "requirement": self.requirement,
            "subject": self.subject,
            "path": self.path,
            "direction": self.direction,
            "need": _num(self.need),
            "have": _num(self.have),
            "amount": _num(self.amount),
            "forms": self.forms,
            "source": self.source,
            "bank": self.bank,
            "message": self.message,
        }


@dataclass(frozen=True)
class Repair:
    """A change that removes a gap, as the examiner would write it: ``kind`` picks the sentence in
    :data:`questionbank.problems.REPAIR_TEXT`, ``values`` fills it, ``path`` is the blueprint line."""

    kind: str
    path: str
    values: tuple[tuple[str, Any], ...] = field(default_factory=tuple)

    def text(self) -> str:
        return REPAIR_TEXT[self.kind][0].format(**dict(self.values))

    def text_zh(self) -> str:
        return REPAIR_TEXT[self.kind][1].format(**dict(self.values))

    def to_dict(self, blueprint: Blueprint | None = None) -> dict[str, Any]:
        line, column = blueprint.position(self.path) if blueprint is not None else (None, None)
        return {"kind": self.kind, "path": self.path, "line": line, "column": column, **dict(self.values), "text": self.text(), "text_zh": self.text_zh()}


_SUBJECT_ZH = {
    "duty": "職責 {}",
    "task": "工作任務 {}",
    "level": "職責×認知層次 {}",
    "type": "題型 {}",
    "difficulty": "平均難度 {}",
    "overlap": "複本重複題數",
    "exposure": "題目曝光次數",
    "length": "試卷題數",
    "cut": "及格原始分數",
    "enemies": "職責 {}（扣除互斥題後）",
    "pool": "可用題目（{}）",
}


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 3)


def distinct_needed(per_form: int, forms: int, overlap: int | None, uses: int) -> int:
    """Fewest distinct items that ``forms`` forms of at least ``per_form`` items of a category can
    be drawn from (see the module docstring for the bound and its source)."""
    if per_form <= 0:
        return 0
    total = per_form * forms
    bound = math.ceil(total / uses)
    if overlap is not None:
        bound = max(bound, total - math.comb(forms, 2) * min(overlap, per_form))
    return max(bound, per_form)


def eligible_items(blueprint: Blueprint, standard: Standard, items: list[Item]) -> list[Item]:
    """Items of the blueprint's standard with an eligible status, outside excluded duties, in id order."""
    chosen = [i for i in items if i.standard == blueprint.standard and i.status in blueprint.statuses]
    chosen = [i for i in chosen if standard.duty_code(i.task) not in blueprint.excluded]
    return sorted(chosen, key=lambda i: i.id)


def _maximum(rng: Any, length: int) -> int:
    return rng.max if rng.max is not None else length


def count_gaps(blueprint: Blueprint, standard: Standard, items: list[Item], difficulty: Mapping[str, float] | None = None) -> list[Gap]:
    """Every necessary condition that fails, found by counting (milliseconds, no solver).
    ``difficulty`` (item id → 1–3, observed p through ``difficulty_from_data``) replaces labels."""
    gaps: list[Gap] = []
    gaps.extend(_blueprint_arithmetic(blueprint, standard))
    pool = eligible_items(blueprint, standard, items)
    if not pool:
        statuses = ", ".join(blueprint.statuses)
        gaps.append(
            Gap(
                "blueprint-no-eligible-items",
                "pool",
                standard.id,
                "statuses",
                blueprint.length,
                0,
                f"no item of {standard.id} has status {statuses}",
                bank=True,
            )
        )
        return gaps
    gaps.extend(_bank_counts(blueprint, standard, pool, difficulty))
    return gaps


def _blueprint_arithmetic(blueprint: Blueprint, standard: Standard) -> list[Gap]:
    """Contradictions inside the blueprint itself, whatever the bank holds."""
    gaps: list[Gap] = []
    length = blueprint.length
    if blueprint.task_minimum:
        for duty in standard.duties:
            rng = blueprint.duty_ranges.get(duty.code)
            if rng is None or duty.code in blueprint.excluded:
                continue
            needed = len(duty.tasks) * blueprint.task_minimum
            most = _maximum(rng, length) if rng.max is not None else rng.min
            if most < needed:
                gaps.append(
                    Gap(
                        "blueprint-duty-below-tasks",
                        "duty",
                        duty.code,
                        f"duties.{duty.code}",
                        needed,
                        most,
                        f"{duty.code} gets {most} item(s) but its {len(duty.tasks)} tasks need {needed} (task_minimum {blueprint.task_minimum})",
                    )
                )
    for duty_code, cells in blueprint.levels.items():
        rng = blueprint.duty_ranges.get(duty_code)
        if rng is None:
            continue
        most = _maximum(rng, length) if rng.max is not None else rng.min
        need = _level_minimum(cells)
        if need > most:
            gaps.append(
                Gap(
                    "blueprint-levels-exceed-duty",
                    "level",
                    duty_code,
                    f"levels.{duty_code}",
                    need,
                    most,
                    f"the level minimums of {duty_code} add up to {need}, but {duty_code} gets {most} item(s)",
                )
            )
    type_min = sum(rng.min for rng in blueprint.types.values())
    if type_min > length:
        gaps.append(
            Gap(
                "blueprint-type-mix-impossible",
                "type",
                "minimums",
                "types",
                type_min,
                length,
                f"the type minimums add up to {type_min}, more than the length {length}",
                direction="over",
            )
        )
    type_max = sum(_maximum(blueprint.types[k], length) if k in blueprint.types else length for k in TYPE_NAMES)
    if type_max < length:
        gaps.append(
            Gap(
                "blueprint-type-mix-impossible",
                "type",
                "maximums",
                "types",
                length,
                type_max,
                f"the type maximums add up to {type_max}, less than the length {length}",
            )
        )
    return gaps


def _level_minimum(cells: dict[str, Any]) -> int:
    """Items a duty's level cells force at least: the sum over cells whose level groups do not
    overlap; cells that overlap (apply with apply_or_analyze) count as their largest minimum."""
    total, seen = 0, set()
    overlapping = 0
    for level, rng in cells.items():
        group = set(LEVEL_GROUPS[level])
        if group & seen:
            overlapping = max(overlapping, rng.min)
        else:
            total += rng.min
            seen |= group
    return max(total, overlapping)


def _bank_counts(blueprint: Blueprint, standard: Standard, pool: list[Item], difficulty: Mapping[str, float] | None = None) -> list[Gap]:
    """What the eligible items can give against what each requirement needs, for all the forms."""
    gaps: list[Gap] = []
    forms, uses, overlap, length = blueprint.forms, blueprint.max_uses, blueprint.max_overlap, blueprint.length

    def distinct(per_form: int) -> int:
        return distinct_needed(per_form, forms, overlap, uses) if forms > 1 else per_form

    def shortage(code: str, requirement: str, subject: str, path: str, per_form: int, have: int, what: str) -> None:
        need = distinct(per_form)
        if have >= need:
            return
        if forms > 1 and have >= per_form:
            gaps.append(
                Gap(
                    "blueprint-parallel-short",
                    requirement,
                    subject,
                    path,
                    need,
                    have,
                    f"{forms} forms × {per_form} {what} with max overlap {overlap if overlap is not None else 'unlimited'} and each item in at most {uses} form(s) need {need} distinct items, {have} exist",
                    forms=forms,
                    bank=True,
                )
            )
        else:
            gaps.append(Gap(code, requirement, subject, path, need, have, f"{what} needs {need} eligible item(s), {have} exist", forms=forms, bank=True))

    if blueprint.cut_raw is not None:
        best = sum(sorted((item.points for item in pool), reverse=True)[:length])
        if blueprint.cut_raw > best:
            gaps.append(
                Gap(
                    "blueprint-cut-too-high",
                    "cut",
                    "raw",
                    "cut_score.raw",
                    blueprint.cut_raw,
                    best,
                    f"raw cut {blueprint.cut_raw:g} is above the best possible score {best:g} of a {length}-item form",
                    direction="over",
                )
            )
    by_duty: dict[str, list[Item]] = defaultdict(list)
    for item in pool:
        by_duty[standard.duty_code(item.task)].append(item)
    usable = _usable_capacity(pool, by_duty, blueprint, standard)
    for duty in standard.duties:
        if duty.code in blueprint.excluded:
            continue
        need = blueprint.duty_ranges.get(duty.code)
        members = by_duty[duty.code]
        if need is not None:
            shortage("blueprint-duty-short", "duty", duty.code, f"duties.{duty.code}", need.min, len(members), f"duty {duty.code} ({duty.name})")
            if len(members) >= need.min and usable[duty.code] < need.min:
                gaps.append(
                    Gap(
                        "blueprint-enemies-short",
                        "enemies",
                        duty.code,
                        f"duties.{duty.code}",
                        need.min,
                        usable[duty.code],
                        f"duty {duty.code} needs {need.min} items but its enemy pairs and item sets let at most {usable[duty.code]} of its {len(members)} items share a form",
                        bank=True,
                    )
                )
        if blueprint.task_minimum:
            for task in duty.tasks:
                have_task = sum(1 for i in members if i.task == task.code)
                shortage("blueprint-task-short", "task", task.code, "task_minimum", blueprint.task_minimum, have_task, f"task {task.code} ({task.name})")
    for duty_code, cells in blueprint.levels.items():
        for level, rng in cells.items():
            have = sum(1 for i in by_duty[duty_code] if i.cognitive_level in LEVEL_GROUPS[level])
            shortage(
                "blueprint-level-short", "level", f"{duty_code}/{level}", f"levels.{duty_code}.{level}", rng.min, have, f"duty {duty_code} at level {level}"
            )
    for kind in TYPE_NAMES:
        rng = blueprint.types.get(kind)
        if rng is None or not rng.min:
            continue
        of_kind = [i for i in pool if i.type == kind]
        shortage("blueprint-type-short", "type", kind, f"types.{kind}", rng.min, len(of_kind), f"type {kind}")
        # a form holds at most the duty's count of a type in each duty
        room = sum(
            min(_maximum(blueprint.duty_ranges[d], length), sum(1 for i in by_duty[d] if i.type == kind))
            for d in blueprint.duty_ranges
            if d not in blueprint.excluded
        )
        if len(of_kind) >= rng.min and room < rng.min:
            gaps.append(
                Gap(
                    "blueprint-type-duty-capacity",
                    "type",
                    kind,
                    f"types.{kind}",
                    rng.min,
                    room,
                    f"type {kind} needs {rng.min} per form, but within each duty's count at most {room} fit",
                    bank=True,
                )
            )
    shortage("blueprint-duty-short", "length", "length", "length", length, len(pool), f"a {length}-item form")
    gaps.extend(_difficulty(blueprint, pool, difficulty))
    return gaps


def _usable_capacity(pool: list[Item], by_duty: dict[str, list[Item]], blueprint: Blueprint, standard: Standard) -> dict[str, int]:
    """An upper bound on how many items of each duty one form can hold given enemies and sets.

    Items of a set larger than the form cannot be used. Among the rest, enemies cannot share a
    form: the largest enemy-free selection of a graph is at most n − ν (ν the size of a maximum
    matching, since each matched pair gives at most one); a greedy matching is smaller than ν, so
    n − (greedy matching) is still an upper bound.
    """
    set_sizes = Counter(i.set for i in pool if i.set)
    out: dict[str, int] = {}
    for duty, members in by_duty.items():
        rng = blueprint.duty_ranges.get(duty)
        room = _maximum(rng, blueprint.length) if rng is not None else blueprint.length
        fits = [i for i in members if not i.set or set_sizes[i.set] <= min(room, blueprint.length)]
        ids = {i.id for i in fits}
        matched: set[str] = set()
        pairs = 0
        for item in fits:
            if item.id in matched:
                continue
            for enemy in item.enemies:
                if enemy in ids and enemy not in matched and enemy != item.id:
                    matched |= {item.id, enemy}
                    pairs += 1
                    break
        out[duty] = len(fits) - pairs
    return out


def _difficulty(blueprint: Blueprint, pool: list[Item], difficulty: Mapping[str, float] | None = None) -> list[Gap]:
    low, high = blueprint.difficulty_mean
    length = blueprint.length
    values = sorted(item_difficulty(i, difficulty) for i in pool)
    if len(values) < length:
        return []
    easiest = sum(values[:length]) / length
    hardest = sum(values[-length:]) / length
    gaps = []
    if low is not None and hardest < low - 1e-9:
        gaps.append(
            Gap(
                "blueprint-difficulty-unreachable",
                "difficulty",
                "mean_min",
                "difficulty.mean_min",
                low,
                round(hardest, 2),
                f"the hardest possible form has mean difficulty {hardest:.2f}, below the window's {low}",
                bank=True,
            )
        )
    if high is not None and easiest > high + 1e-9:
        gaps.append(
            Gap(
                "blueprint-difficulty-unreachable",
                "difficulty",
                "mean_max",
                "difficulty.mean_max",
                high,
                round(easiest, 2),
                f"the easiest possible form has mean difficulty {easiest:.2f}, above the window's {high}",
                bank=True,
                direction="over",
            )
        )
    return gaps


def gap_problems(blueprint: Blueprint, gaps: list[Gap]) -> list[Problem]:
    """Each gap as a problem at the blueprint line of its requirement."""
    out = []
    for gap in gaps:
        line, column = blueprint.position(gap.path)
        out.append(problem(gap.code, blueprint.file, line, column, gap.message, gap.path))
    return out


def repairs(blueprint: Blueprint, standard: Standard, gaps: list[Gap]) -> list[Repair]:
    """The changes that remove the gaps, smallest first within each gap, without repeats."""
    out: list[Repair] = []
    below = [g for g in gaps if g.code == "blueprint-duty-below-tasks"]
    if len(below) > 1:
        # several duties too small at once: raising each share would overfill the form, so the
        # first repair is the shortest form whose shares give every duty its tasks
        longer = _length_for_tasks(blueprint, standard)
        if longer is not None:
            out.append(Repair("raise-length", "length", (("length", longer),)))
    for gap in gaps:
        for repair in _repairs_for(blueprint, standard, gap):
            if repair not in out:
                out.append(repair)
    return out


def _length_for_tasks(blueprint: Blueprint, standard: Standard) -> int | None:
    """The shortest length (up to ten times today's) at which the written duty shares give every
    duty at least its tasks × ``task_minimum`` items; None when shares are not percentages."""
    percents = blueprint.duty_percents
    if not percents or len(percents) != len(blueprint.duty_ranges):
        return None
    need = {d.code: len(d.tasks) * blueprint.task_minimum for d in standard.duties if d.code in percents}
    for length in range(blueprint.length, 10 * blueprint.length + 1):
        counts = largest_remainder(percents, length)
        if all(counts[code] >= n for code, n in need.items()):
            return length
    return None


def _percent(count: float, length: int) -> float:
    return round(math.ceil(1000 * count / length) / 10, 1)


def _duty_repair(kind: str, blueprint: Blueprint, duty: str, count: int) -> Repair:
    count = max(count, 0)
    values = (("duty", duty), ("count", count), ("percent", _percent(count, blueprint.length)), ("length", blueprint.length))
    return Repair(kind, f"duties.{duty}", values)


def _repairs_for(blueprint: Blueprint, standard: Standard, gap: Gap) -> list[Repair]:
    amount = math.ceil(gap.amount - 1e-9)
    # solver gaps are summed over the forms; a blueprint number is per form
    per_form = math.ceil(amount / gap.forms) if gap.source == "solver" else amount
    kind, subject = gap.requirement, gap.subject
    write = Repair("write-items", gap.path, (("count", amount), *_what(gap, standard)))
    if gap.code == "blueprint-duty-below-tasks":
        return [_duty_repair("raise-duty", blueprint, subject, int(gap.need)), Repair("task-minimum-zero", "task_minimum")]
    if gap.code == "blueprint-levels-exceed-duty":
        return [
            _duty_repair("raise-duty", blueprint, subject, int(gap.need)),
            Repair("lower-level-min", f"levels.{subject}", (("cell", subject), ("value", int(gap.have)))),
        ]
    if gap.code == "blueprint-type-mix-impossible":
        return [Repair("lower-type-minimums" if gap.direction == "over" else "raise-type-maximums", "types", (("count", amount),))]
    if gap.code == "blueprint-cut-too-high":
        return [Repair("lower-cut", "cut_score.raw", (("value", _num(gap.have)),))]
    if kind == "enemies":
        return [Repair("fewer-enemies", f"duties.{subject}", (("duty", subject), ("count", amount)))]
    if kind == "difficulty":
        return [Repair("widen-difficulty", gap.path, (("field", gap.subject), ("value", _num(gap.have))))]
    if kind in ("overlap", "exposure"):
        found = []
        if kind == "overlap" and blueprint.max_overlap is not None:
            value = min(blueprint.max_overlap + per_form, blueprint.length)
            found.append(Repair("raise-overlap", "max_overlap", (("count", value), ("percent", _percent(value, blueprint.length)))))
        return [*found, write, Repair("fewer-forms", "forms", (("forms", max(blueprint.forms - 1, 1)),))]
    if gap.direction == "over":
        if kind == "duty":
            return [_duty_repair("raise-duty", blueprint, subject, blueprint.duty_ranges[subject].min + per_form)]
        if kind == "level":
            duty, _, level = subject.partition("/")
            rng = blueprint.levels.get(duty, {}).get(level)
        else:
            rng = (blueprint.types if kind == "type" else {}).get(subject)
        value = (rng.max if rng.max is not None else blueprint.length) + per_form if rng is not None else blueprint.length
        return [Repair("raise-max", gap.path, (("field", gap.path), ("value", value)))]
    # short: the items cannot fill the requirement; write them, or ask for fewer
    found = [write]
    if kind == "duty":
        found.append(_duty_repair("lower-duty", blueprint, subject, _fitting(blueprint, gap, blueprint.duty_ranges[subject].min - per_form)))
    elif kind == "type" and subject in blueprint.types:
        found.append(Repair("lower-min", gap.path, (("field", gap.path), ("value", _fitting(blueprint, gap, blueprint.types[subject].min - per_form)))))
    elif kind == "level":
        duty, _, level = subject.partition("/")
        found.append(Repair("lower-min", gap.path, (("field", gap.path), ("value", _fitting(blueprint, gap, blueprint.levels[duty][level].min - per_form)))))
    elif kind == "task":
        found.append(Repair("task-minimum-zero", "task_minimum"))
    elif kind == "length" and gap.forms > 1:
        found.append(Repair("fewer-forms", "forms", (("forms", max(blueprint.forms - 1, 1)),)))
    if gap.code == "blueprint-parallel-short" and kind != "length":
        found.append(Repair("fewer-forms", "forms", (("forms", max(blueprint.forms - 1, 1)),)))
    return found


def _fitting(blueprint: Blueprint, gap: Gap, fallback: int) -> int:
    """The largest per-form minimum that the items counted in a counting gap can support for all
    the forms; for a solver gap, the minimum lowered by the measured shortfall."""
    if gap.source != "count":
        return max(fallback, 0)
    best = 0
    for per_form in range(int(gap.need) + 1):
        if distinct_needed(per_form, blueprint.forms, blueprint.max_overlap, blueprint.max_uses) <= gap.have:
            best = per_form
    return best


_TYPE_NAMES = {"single": ("single-choice", "單選"), "multiple": ("multiple-response", "複選"), "true_false": ("true/false", "是非")}
_LEVEL_ZH = {"remember": "記憶", "understand": "理解", "apply": "應用", "analyze": "分析", "apply_or_analyze": "應用或分析"}


def _what(gap: Gap, standard: Standard) -> tuple[tuple[str, Any], ...]:
    """Where to write and what kind of items, for both sentences of the write-items repair."""
    if gap.requirement == "type":
        en, zh = _TYPE_NAMES.get(gap.subject, (gap.subject, gap.subject))
        return (("where", standard.id), ("what", en), ("what_zh", zh))
    if gap.requirement == "level":
        duty, _, level = gap.subject.partition("/")
        return (("where", duty), ("what", f"{level}-level"), ("what_zh", f"{_LEVEL_ZH.get(level, level)}層次"))
    if gap.requirement in ("duty", "task"):
        return (("where", gap.subject), ("what", "eligible"), ("what_zh", "可用"))
    return (("where", standard.id), ("what", "eligible"), ("what_zh", "可用"))


@dataclass(frozen=True)
class PlanRow:
    """One line of the writing plan: the category, what N forms need, what the bank has."""

    scope: str  # duty | task | type | level | total
    subject: str
    need: int
    have: int

    @property
    def write(self) -> int:
        return max(self.need - self.have, 0)

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "subject": self.subject, "need": self.need, "have": self.have, "write": self.write}


def writing_plan(blueprint: Blueprint, standard: Standard, items: list[Item]) -> list[PlanRow]:
    """How many distinct active items each task, type and duty × level cell needs for
    ``blueprint.forms`` forms at ``blueprint.max_overlap``, against what the bank holds.

    A duty's need is spread over its tasks so that every task gets its minimum and the rest goes
    to the tasks with the fewest items (the writers' effort lands where the bank is thinnest).
    """
    pool = eligible_items(blueprint, standard, items)
    forms, overlap, uses = blueprint.forms, blueprint.max_overlap, blueprint.max_uses
    rows: list[PlanRow] = []
    per_task = Counter(i.task for i in pool)
    for duty in standard.duties:
        if duty.code in blueprint.excluded or duty.code not in blueprint.duty_ranges:
            continue
        duty_need = distinct_needed(blueprint.duty_ranges[duty.code].min, forms, overlap, uses)
        task_need = distinct_needed(blueprint.task_minimum, forms, overlap, uses)
        have = {t.code: per_task[t.code] for t in duty.tasks}
        after = {code: max(n, task_need) for code, n in have.items()}  # what each task holds once its minimum is written
        # the rest of the duty's need goes, one item at a time, to the task that then has fewest
        for _ in range(max(duty_need - sum(after.values()), 0)):
            smallest = min(after, key=lambda code: (after[code], code))
            after[smallest] += 1
        rows.append(PlanRow("duty", duty.code, duty_need, sum(have.values())))
        rows.extend(PlanRow("task", code, after[code] if after[code] > have[code] else task_need, have[code]) for code in have)
    for kind in TYPE_NAMES:
        rng = blueprint.types.get(kind)
        if rng is not None and rng.min:
            rows.append(PlanRow("type", kind, distinct_needed(rng.min, forms, overlap, uses), sum(1 for i in pool if i.type == kind)))
    for duty_code, cells in blueprint.levels.items():
        for level, rng in cells.items():
            have = sum(1 for i in pool if standard.duty_code(i.task) == duty_code and i.cognitive_level in LEVEL_GROUPS[level])
            rows.append(PlanRow("level", f"{duty_code}/{level}", distinct_needed(rng.min, forms, overlap, uses), have))
    total_need = max(distinct_needed(blueprint.length, forms, overlap, uses), sum(r.need for r in rows if r.scope == "task"))
    rows.append(PlanRow("total", standard.id, total_need, len(pool)))
    return rows
