"""Assembly: exam forms built as a mixed-integer program (van der Linden's formulation).

The model is kept as plain arrays (:class:`Model`) so another solver could be plugged in;
:func:`solve` hands it to HiGHS. Requirements are grouped by name, so that when the solver
proves infeasibility a deletion filter can name a minimal set of conflicting requirements.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from questionbank.blueprint import LEVEL_GROUPS, Blueprint, item_difficulty
from questionbank.items import Item
from questionbank.problems import Problem, problem
from questionbank.standards import Standard

INF = math.inf


@dataclass
class Model:
    """A MILP: maximise ``cost·x`` subject to ``row_lower <= A x <= row_upper`` (A as COO triples)."""

    n_vars: int
    cost: list[float]
    col_lower: list[float]
    col_upper: list[float]
    integer: list[bool]
    rows: list[tuple[list[int], list[float], float, float, str]] = field(default_factory=list)

    def add_row(self, cols: list[int], vals: list[float], lower: float, upper: float, group: str) -> None:
        self.rows.append((cols, vals, lower, upper, group))

    def add_var(self, cost: float, lower: float, upper: float, integer: bool) -> int:
        self.cost.append(cost)
        self.col_lower.append(lower)
        self.col_upper.append(upper)
        self.integer.append(integer)
        self.n_vars += 1
        return self.n_vars - 1


@dataclass(frozen=True)
class SolverResult:
    """``optimal`` means proven within ``gap_tolerance``; a time-out with a form is ``feasible``."""

    status: str  # optimal | feasible | infeasible | no-solution
    objective: float | None
    gap: float | None
    seconds: float
    values: tuple[float, ...] = ()
    gap_tolerance: float = 0.0


@dataclass(frozen=True)
class Assembly:
    """Forms (lists of item ids, per form) or the problems explaining why there are none."""

    forms: tuple[tuple[str, ...], ...]
    solver: SolverResult | None
    problems: tuple[Problem, ...]
    seed: int

    @property
    def ok(self) -> bool:
        return bool(self.forms) and not any(p.severity.value == "error" for p in self.problems)


def eligible_items(blueprint: Blueprint, standard: Standard, items: list[Item]) -> list[Item]:
    """Items of the blueprint's standard with an eligible status, outside excluded duties, in id order."""
    chosen = [i for i in items if i.standard == blueprint.standard and i.status in blueprint.statuses]
    chosen = [i for i in chosen if standard.duty_code(i.task) not in blueprint.excluded]
    return sorted(chosen, key=lambda i: i.id)


def shortfalls(blueprint: Blueprint, standard: Standard, items: list[Item], difficulty: Mapping[str, float] | None = None) -> list[Problem]:
    """Every requirement the eligible items cannot meet, counted before any solving (``difficulty``: as for :func:`assemble`)."""
    file = blueprint.file
    out: list[Problem] = []

    def add(code: str, message: str, path: str) -> None:
        line, column = blueprint.position(path)
        out.append(problem(code, file, line, column, message, path))

    out.extend(_duty_task_arithmetic(blueprint, standard))
    pool = eligible_items(blueprint, standard, items)
    if not pool:
        add("blueprint-no-eligible-items", f"no item of {standard.id} has status {', '.join(blueprint.statuses)}", "statuses")
        return out
    if blueprint.cut_raw is not None:
        # the best any form can score: the `length` highest point values of the eligible items
        best = sum(sorted((item.points for item in pool), reverse=True)[: blueprint.length])
        if blueprint.cut_raw > best:
            add(
                "blueprint-cut-too-high",
                f"raw cut {blueprint.cut_raw:g} is above the best possible score {best:g} of a {blueprint.length}-item form",
                "cut_score.raw",
            )
    by_duty: dict[str, list[Item]] = defaultdict(list)
    for item in pool:
        by_duty[standard.duty_code(item.task)].append(item)
    forms, uses = blueprint.forms, blueprint.max_uses
    overlap = blueprint.max_overlap
    for duty in standard.duties:
        if duty.code in blueprint.excluded:
            continue
        need = blueprint.duty_ranges.get(duty.code)
        have = len(by_duty[duty.code])
        if need is None:
            continue
        if have < need.min:
            add("blueprint-duty-short", f"duty {duty.code} ({duty.name}) needs {need.min}, {have} eligible items", f"duties.{duty.code}")
        elif forms > 1:
            distinct = _distinct_needed(need.min, forms, overlap, uses)
            if have < distinct:
                add(
                    "blueprint-parallel-short",
                    f"{forms} forms × {need.min} items of {duty.code} with max overlap {overlap if overlap is not None else 'unlimited'} and each item in at most {uses} forms need {distinct} distinct items in {duty.code}, {have} exist",
                    f"duties.{duty.code}",
                )
        for task in duty.tasks:
            have_task = sum(1 for i in by_duty[duty.code] if i.task == task.code)
            if blueprint.task_minimum and have_task == 0:
                add(
                    "blueprint-task-short",
                    f"task {task.code} ({task.name}) has no eligible item; the blueprint wants at least {blueprint.task_minimum}",
                    "task_minimum",
                )
            elif have_task < blueprint.task_minimum:
                add("blueprint-task-short", f"task {task.code} needs {blueprint.task_minimum}, {have_task} eligible items", "task_minimum")
    for duty_code, cells in blueprint.levels.items():
        for level, rng in cells.items():
            have = sum(1 for i in by_duty[duty_code] if i.cognitive_level in LEVEL_GROUPS[level])
            if have < rng.min:
                add("blueprint-level-short", f"duty {duty_code} at level {level} needs {rng.min}, {have} eligible items", f"levels.{duty_code}.{level}")
    type_min = 0
    type_max = 0
    for kind in ("single", "multiple", "true_false"):
        rng = blueprint.types.get(kind)
        have = sum(1 for i in pool if i.type == kind)
        if rng is not None and have < rng.min:
            add("blueprint-type-short", f"type {kind} needs {rng.min}, {have} eligible items", f"types.{kind}")
        type_min += rng.min if rng else 0
        type_max += (rng.max if rng and rng.max is not None else blueprint.length) if (rng is None or rng.max is not None) else blueprint.length
    if type_min > blueprint.length:
        add("blueprint-type-mix-impossible", f"the type minimums add up to {type_min}, more than the length {blueprint.length}", "types")
    if type_max < blueprint.length:
        add("blueprint-type-mix-impossible", f"the type maximums add up to {type_max}, less than the length {blueprint.length}", "types")
    if len(pool) < blueprint.length:
        add("blueprint-duty-short", f"the form needs {blueprint.length} items, {len(pool)} eligible items", "length")
    elif forms > 1:
        distinct = _distinct_needed(blueprint.length, forms, overlap, uses)
        if len(pool) < distinct:
            add(
                "blueprint-parallel-short",
                f"{forms} forms × {blueprint.length} items with max overlap {overlap if overlap is not None else 'unlimited'} and each item in at most {uses} forms need {distinct} distinct items, {len(pool)} exist",
                "forms",
            )
    low, high = blueprint.difficulty_mean
    values = sorted(item_difficulty(i, difficulty) for i in pool)
    if len(values) >= blueprint.length:
        easiest = sum(values[: blueprint.length]) / blueprint.length
        hardest = sum(values[-blueprint.length :]) / blueprint.length
        if low is not None and hardest < low - 1e-9:
            add(
                "blueprint-difficulty-unreachable",
                f"the hardest possible form has mean difficulty {hardest:.2f}, below the window's {low}",
                "difficulty.mean_min",
            )
        if high is not None and easiest > high + 1e-9:
            add(
                "blueprint-difficulty-unreachable",
                f"the easiest possible form has mean difficulty {easiest:.2f}, above the window's {high}",
                "difficulty.mean_max",
            )
    return out


def _distinct_needed(per_form: int, forms: int, overlap: int | None, uses: int) -> int:
    """Fewest distinct items that ``forms`` forms of ``per_form`` items can be drawn from.

    Inclusion-exclusion bounds the union from below by the sum of form sizes minus every pairwise
    overlap; the exposure cap bounds it by the total divided by the uses an item may have.
    """
    total = per_form * forms
    bound = math.ceil(total / uses)
    if overlap is not None:
        bound = max(bound, total - math.comb(forms, 2) * min(overlap, per_form))
    return max(bound, per_form)


def build_model(
    blueprint: Blueprint, standard: Standard, pool: list[Item], seed: int, difficulty: Mapping[str, float] | None = None
) -> tuple[Model, dict[tuple[int, int], int]]:
    """The MILP for ``blueprint.forms`` simultaneous forms; returns the model and x's column index per (item, form)."""
    rng = random.Random(seed)
    weights = [rng.random() for _ in pool]
    n_forms = blueprint.forms
    model = Model(0, [], [], [], [])
    x: dict[tuple[int, int], int] = {}
    for f in range(n_forms):
        for i in range(len(pool)):
            x[i, f] = model.add_var(0.0, 0.0, 1.0, True)
    # Maximin: t <= fit of every form, maximise t. The fit is a seeded random weight per item,
    # so a different seed gives a different valid form while every form stays comparable.
    t = model.add_var(1.0, -INF, INF, False)
    duty_of = [standard.duty_code(item.task) for item in pool]
    for f in range(n_forms):
        cols = [x[i, f] for i in range(len(pool))]
        model.add_row([*cols, t], [*weights, -1.0], 0.0, INF, "objective")
        model.add_row(cols, [1.0] * len(cols), blueprint.length, blueprint.length, "length")
        for duty, rng_ in blueprint.duty_ranges.items():
            members = [x[i, f] for i in range(len(pool)) if duty_of[i] == duty]
            model.add_row(members, [1.0] * len(members), rng_.min, rng_.max if rng_.max is not None else INF, f"duty {duty}")
        if blueprint.task_minimum:
            for duty in standard.duties:
                if duty.code in blueprint.excluded:
                    continue
                for task in duty.tasks:
                    members = [x[i, f] for i, item in enumerate(pool) if item.task == task.code]
                    model.add_row(members, [1.0] * len(members), blueprint.task_minimum, INF, f"task {task.code} minimum")
        for duty, cells in blueprint.levels.items():
            for level, rng_ in cells.items():
                members = [x[i, f] for i, item in enumerate(pool) if duty_of[i] == duty and item.cognitive_level in LEVEL_GROUPS[level]]
                model.add_row(members, [1.0] * len(members), rng_.min, rng_.max if rng_.max is not None else INF, f"level {duty}/{level}")
        for kind, rng_ in blueprint.types.items():
            members = [x[i, f] for i, item in enumerate(pool) if item.type == kind]
            model.add_row(members, [1.0] * len(members), rng_.min, rng_.max if rng_.max is not None else INF, f"type {kind}")
        low, high = blueprint.difficulty_mean
        if low is not None or high is not None:
            values = [item_difficulty(item, difficulty) for item in pool]
            model.add_row(cols, [float(v) for v in values], (low or 1) * blueprint.length, (high or 3) * blueprint.length, "difficulty window")
        index = {item.id: i for i, item in enumerate(pool)}
        for i, item in enumerate(pool):
            for enemy in item.enemies:
                j = index.get(enemy)
                if j is not None and j > i:
                    model.add_row([x[i, f], x[j, f]], [1.0, 1.0], -INF, 1.0, f"enemies {item.id}/{enemy}")
        sets: dict[str, list[int]] = defaultdict(list)
        for i, item in enumerate(pool):
            if item.set:
                sets[item.set].append(i)
        for set_id, members in sets.items():
            for a, b in pairwise(members):
                model.add_row([x[a, f], x[b, f]], [1.0, -1.0], 0.0, 0.0, f"set {set_id}")
    if n_forms > 1:
        # No shared item at all (max_overlap 0, or each item in one form only) is one row per
        # item, x_i1 + ... + x_iF <= 1: far tighter and smaller than pairwise overlap counters.
        disjoint = blueprint.max_overlap == 0 or blueprint.max_uses == 1
        group = "exposure" if blueprint.max_uses == 1 else ("overlap" if disjoint else "exposure")
        for i in range(len(pool)):
            cols = [x[i, f] for f in range(n_forms)]
            model.add_row(cols, [1.0] * n_forms, 0.0, 1 if disjoint else blueprint.max_uses, group)
        if not disjoint and blueprint.max_overlap is not None and blueprint.max_overlap < blueprint.length:
            for f in range(n_forms):
                for g in range(f + 1, n_forms):
                    zs = []
                    for i in range(len(pool)):
                        z = model.add_var(0.0, 0.0, 1.0, False)
                        model.add_row([z, x[i, f], x[i, g]], [1.0, -1.0, -1.0], -1.0, INF, "overlap")
                        zs.append(z)
                    model.add_row(zs, [1.0] * len(zs), 0.0, blueprint.max_overlap, "overlap")
    return model, x


def solve(model: Model, time_limit: float = 60.0, gap: float = 0.0, skip_groups: frozenset[str] = frozenset()) -> SolverResult:
    """Solve with HiGHS; statuses are reported as the solver states them (a time-out is not optimal)."""
    import highspy
    import numpy as np

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", float(time_limit))
    highs.setOptionValue("mip_rel_gap", float(gap))
    highs.setOptionValue("random_seed", 0)
    highs.setOptionValue("threads", 1)
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_ = model.n_vars
    lp.col_cost_ = np.array([-c for c in model.cost], dtype=np.float64)  # HiGHS minimises
    lp.col_lower_ = np.array([max(v, -inf) if v != -INF else -inf for v in model.col_lower], dtype=np.float64)
    lp.col_upper_ = np.array([min(v, inf) if v != INF else inf for v in model.col_upper], dtype=np.float64)
    rows = [r for r in model.rows if r[4] not in skip_groups]
    lp.num_row_ = len(rows)
    lp.row_lower_ = np.array([r[2] if r[2] != -INF else -inf for r in rows], dtype=np.float64)
    lp.row_upper_ = np.array([r[3] if r[3] != INF else inf for r in rows], dtype=np.float64)
    starts, indices, values = [0], [], []
    for cols, vals, *_ in rows:
        indices.extend(cols)
        values.extend(vals)
        starts.append(len(indices))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(indices, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(values, dtype=np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous for flag in model.integer]
    highs.passModel(lp)
    start = time.perf_counter()
    highs.run()
    seconds = time.perf_counter() - start
    status = highs.getModelStatus()
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if status == highspy.HighsModelStatus.kOptimal:
        name = "optimal"
    elif status == highspy.HighsModelStatus.kInfeasible:
        name = "infeasible"
    elif has_solution:
        name = "feasible"
    else:
        name = "no-solution"
    values_out: tuple[float, ...] = tuple(highs.getSolution().col_value) if has_solution else ()
    objective = -info.objective_function_value if has_solution else None
    gap_value = info.mip_gap if has_solution and math.isfinite(info.mip_gap) else None
    return SolverResult(name, objective, gap_value, seconds, values_out, gap)


def assemble(
    blueprint: Blueprint,
    standard: Standard,
    items: list[Item],
    seed: int = 0,
    time_limit: float = 60.0,
    gap: float = 0.001,
    difficulty: Mapping[str, float] | None = None,
) -> Assembly:
    """Build ``blueprint.forms`` parallel forms at once, or explain precisely why they cannot be built.

    ``difficulty`` (item id → 1–3, from :func:`questionbank.blueprint.difficulty_values`) replaces
    the writer's label in the difficulty window for the items it has.
    """
    found = shortfalls(blueprint, standard, items, difficulty)
    if found:
        return Assembly((), None, tuple(found), seed)
    pool = eligible_items(blueprint, standard, items)
    model, x = build_model(blueprint, standard, pool, seed, difficulty)
    result = solve(model, time_limit=time_limit, gap=gap)
    if result.status == "infeasible":
        conflict = minimal_conflict(model, time_limit=time_limit)
        message = "these requirements cannot all hold: " + "; ".join(conflict) if conflict else "the requirements cannot all hold together"
        path = _group_path(conflict[0]) if conflict else ""
        line, column = blueprint.position(path)
        return Assembly((), result, (problem("assembly-infeasible", blueprint.file, line, column, message, path),), seed)
    if result.status == "no-solution":
        return Assembly(
            (),
            result,
            (
                problem(
                    "assembly-no-solution",
                    blueprint.file,
                    1,
                    1,
                    f"the solver found no form within {time_limit:g} s; raise the time limit or relax the blueprint",
                    "",
                ),
            ),
            seed,
        )
    forms = tuple(tuple(pool[i].id for i in range(len(pool)) if result.values[x[i, f]] > 0.5) for f in range(blueprint.forms))
    return Assembly(forms, result, (), seed)


def _group_path(group: str) -> str:
    """The blueprint path behind a requirement group name, for locating it in the file."""
    kind, _, rest = group.partition(" ")
    if kind == "duty":
        return f"duties.{rest}"
    if kind == "task":
        return "task_minimum"
    if kind == "level":
        return "levels." + rest.replace("/", ".")
    if kind == "type":
        return f"types.{rest}"
    return {"difficulty": "difficulty", "length": "length", "overlap": "max_overlap", "exposure": "max_exposure"}.get(kind, "")


def minimal_conflict(model: Model, time_limit: float = 60.0) -> list[str]:
    """A minimal set of requirement groups that is infeasible on its own (deletion filter).

    Drop one group at a time; if the rest stays infeasible the group is not needed to explain
    the conflict and stays dropped. What remains is irreducible: removing any one of it makes
    the model feasible.
    """
    groups = list(dict.fromkeys(r[4] for r in model.rows if r[4] != "objective"))
    keep = list(groups)
    for group in groups:
        trial = [g for g in keep if g != group]
        skipped = frozenset(g for g in groups if g not in trial)
        if solve(model, time_limit=time_limit, skip_groups=skipped).status == "infeasible":
            keep = trial
    return keep


def _duty_task_arithmetic(blueprint: Blueprint, standard: Standard) -> list[Problem]:
    """A duty given fewer items than its tasks times ``task_minimum`` can never be filled: plain
    arithmetic, said with the repair an examiner would write (raise the duty's share, or set the
    task minimum to 0), before any solver runs."""
    found: list[Problem] = []
    if not blueprint.task_minimum:
        return found
    for duty in standard.duties:
        rng = blueprint.duty_ranges.get(duty.code)
        if rng is None or duty.code in blueprint.excluded:
            continue
        tasks = len(duty.tasks)
        needed = tasks * blueprint.task_minimum
        most = rng.max if rng.max is not None else rng.min
        if most < needed:
            share = 100.0 * needed / blueprint.length
            path = f"duties.{duty.code}"
            line, column = blueprint.position(path)
            found.append(
                problem(
                    "blueprint-duty-below-tasks",
                    blueprint.file,
                    line,
                    column,
                    f"{duty.code} gets {most} item(s) but its {tasks} tasks need {needed} (task_minimum {blueprint.task_minimum}): "
                    f"raise {duty.code} to at least {needed} items ({share:.1f}% of {blueprint.length}), or set task_minimum to 0",
                    path,
                )
            )
    return found
