"""Assembly: exam forms built as a mixed-integer program (van der Linden's formulation).

The model is kept as plain arrays (:class:`Model`) so another solver could be plugged in;
:func:`solve` hands it to HiGHS. Requirements are grouped by name, so that when the solver
proves infeasibility a deletion filter can name a minimal set of conflicting requirements.
"""

from __future__ import annotations

import dataclasses
import math
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from questionbank.blueprint import LEVEL_GROUPS, Blueprint, item_difficulty
from questionbank.feasibility import Gap, Repair, count_gaps, eligible_items, gap_problems, repairs
from questionbank.items import Item
from questionbank.problems import Problem, problem
from questionbank.standards import Standard

__all__ = ["Assembly", "Model", "SolverResult", "assemble", "eligible_items", "shortfalls"]

INF = math.inf


@dataclass
class Model:
    """A MILP: maximise ``cost·x`` subject to ``row_lower <= A x <= row_upper`` (A as COO triples)."""

    n_vars: int
    cost: list[float]
    col_lower: list[float]
    col_upper: list[float]
    integer: list[bool]
    # (columns, values, lower, upper, group, elastic): an elastic row is a requirement of the
    # blueprint that the elastic model may violate at a cost; structural rows never are
    rows: list[tuple[list[int], list[float], float, float, str, bool]] = field(default_factory=list)

    def add_row(self, cols: list[int], vals: list[float], lower: float, upper: float, group: str, elastic: bool = True) -> None:
        self.rows.append((cols, vals, lower, upper, group, elastic))

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
    gaps: tuple[Gap, ...] = ()
    repairs: tuple[Repair, ...] = ()
    verdict: str = "feasible"  # feasible | infeasible (proven) | unknown (stopped without a form)
    conflict: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.forms) and not any(p.severity.value == "error" for p in self.problems)

    def explanation(self, blueprint: Blueprint) -> dict:
        """The analysis as data (``qbank assemble --explain``): the verdict, each gap with its
        amount at its blueprint line, the repairs in English and Chinese, the minimal conflict."""

        def located(gap: Gap) -> dict:
            line, column = blueprint.position(gap.path)
            return {**gap.to_dict(), "line": line, "column": column}

        solver = self.solver
        return {
            "blueprint": blueprint.file,
            "verdict": self.verdict,
            "solver": {"status": solver.status, "seconds": round(solver.seconds, 3)} if solver else None,
            "gaps": [located(g) for g in self.gaps],
            "repairs": [r.to_dict(blueprint) for r in self.repairs],
            "conflict": list(self.conflict),
            "problems": [p.to_dict() for p in self.problems],
        }


def shortfalls(blueprint: Blueprint, standard: Standard, items: list[Item], difficulty: Mapping[str, float] | None = None) -> list[Problem]:
    """Every requirement that counting alone shows cannot hold (see :mod:`questionbank.feasibility`;
    ``difficulty``: as for :func:`assemble`)."""
    return gap_problems(blueprint, count_gaps(blueprint, standard, items, difficulty))


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
    # so a different seed gives a different valid form while every form stays comparable. With
    # many forms that share no item the maximin row couples every form and HiGHS spends its time
    # closing the gap on t; the sum of the fits keeps the forms' variety and solves far faster
    # (10 disjoint 100-item forms: benchmarks/feasibility_bench.py).
    disjoint_many = n_forms > 2 and (blueprint.max_overlap == 0 or blueprint.max_uses == 1)
    t = model.add_var(0.0 if disjoint_many else 1.0, -INF, INF, False)
    duty_of = [standard.duty_code(item.task) for item in pool]
    for f in range(n_forms):
        cols = [x[i, f] for i in range(len(pool))]
        if disjoint_many:
            for i in range(len(pool)):
                model.cost[x[i, f]] = weights[i]
        else:
            model.add_row([*cols, t], [*weights, -1.0], 0.0, INF, "objective", elastic=False)
        model.add_row(cols, [1.0] * len(cols), blueprint.length, blueprint.length, "length", elastic=False)
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
                    model.add_row([x[i, f], x[j, f]], [1.0, 1.0], -INF, 1.0, f"enemies {item.id}/{enemy}", elastic=False)
        sets: dict[str, list[int]] = defaultdict(list)
        for i, item in enumerate(pool):
            if item.set:
                sets[item.set].append(i)
        for set_id, members in sets.items():
            for a, b in pairwise(members):
                model.add_row([x[a, f], x[b, f]], [1.0, -1.0], 0.0, 0.0, f"set {set_id}", elastic=False)
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
                        model.add_row([z, x[i, f], x[i, g]], [1.0, -1.0, -1.0], -1.0, INF, "overlap", elastic=False)
                        zs.append(z)
                    model.add_row(zs, [1.0] * len(zs), 0.0, blueprint.max_overlap, "overlap")
    return model, x


def solve(model: Model, time_limit: float = 60.0, gap: float = 0.0, skip_groups: frozenset[str] = frozenset(), feasibility: bool = False) -> SolverResult:
    """Solve with HiGHS; statuses are reported as the solver states them (a time-out is not optimal).

    ``feasibility`` drops the objective: the first selection meeting every row ends the search."""
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
    lp.col_cost_ = np.array([0.0 if feasibility else -c for c in model.cost], dtype=np.float64)  # HiGHS minimises
    lp.col_lower_ = np.array([max(v, -inf) if v != -INF else -inf for v in model.col_lower], dtype=np.float64)
    lp.col_upper_ = np.array([min(v, inf) if v != INF else inf for v in model.col_upper], dtype=np.float64)
    rows = [r for r in model.rows if r[4] not in skip_groups and not (feasibility and r[4] == "objective")]
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
    conflict: bool = True,
    difficulty: Mapping[str, float] | None = None,
) -> Assembly:
    """Build ``blueprint.forms`` parallel forms at once, or explain precisely why they cannot be built.

    Counting conditions come first (milliseconds). When they pass and the solver proves the model
    infeasible, an elastic solve measures by how much each requirement misses and the repairs say
    what to write; then, with ``conflict`` and time left, a deletion filter names a minimal
    conflicting set. ``time_limit`` bounds the whole call. ``difficulty`` (item id → 1–3, from
    :func:`questionbank.blueprint.difficulty_values`) replaces the writer's label in the
    difficulty window for the items it has.
    """
    deadline = time.perf_counter() + time_limit
    found = count_gaps(blueprint, standard, items, difficulty)
    if found:
        return Assembly((), None, tuple(gap_problems(blueprint, found)), seed, tuple(found), tuple(repairs(blueprint, standard, found)), "infeasible")
    pool = eligible_items(blueprint, standard, items)
    if blueprint.forms > 2 and (blueprint.max_overlap == 0 or blueprint.max_uses == 1):
        sequential = _disjoint_one_by_one(blueprint, standard, pool, seed, deadline, gap, difficulty)
        if sequential is not None:
            return sequential
    if blueprint.forms > 1:
        # One form alone is a tenth of the model or less: when not even one form can be built,
        # proving it (and measuring the gaps) on the single-form model is far faster than on F
        # forms with their overlap counters, and the gaps are the same per form.
        one = dataclasses.replace(blueprint, forms=1, max_overlap=None, max_exposure=1.0)
        single, _ = build_model(one, standard, pool, seed, difficulty)
        alone = solve(single, time_limit=max(deadline - time.perf_counter(), 0.5), feasibility=True)
        if alone.status == "infeasible":
            return _explained(one, blueprint, standard, single, alone, seed, deadline, conflict)
    model, x = build_model(blueprint, standard, pool, seed, difficulty)
    result = solve(model, time_limit=max(deadline - time.perf_counter(), 0.5), gap=gap)
    if result.status == "infeasible":
        return _explained(blueprint, blueprint, standard, model, result, seed, deadline, conflict)
    if result.status == "no-solution":
        stop = problem(
            "assembly-no-solution", blueprint.file, 1, 1, f"the solver found no form within {time_limit:g} s; raise the time limit or relax the blueprint", ""
        )
        return Assembly((), result, (stop,), seed, verdict="unknown")
    forms = tuple(tuple(pool[i].id for i in range(len(pool)) if result.values[x[i, f]] > 0.5) for f in range(blueprint.forms))
    return Assembly(forms, result, (), seed, verdict="feasible")


def _explained(
    modelled: Blueprint, blueprint: Blueprint, standard: Standard, model: Model, result: SolverResult, seed: int, deadline: float, conflict: bool
) -> Assembly:
    """An infeasible model explained: the elastic gaps (per form of ``modelled``), the repairs and,
    with time left, a minimal conflicting set; problems point at ``blueprint``'s lines."""
    gaps, _ = elastic_gaps(model, modelled, max(deadline - time.perf_counter(), 0.5))
    names: list[str] = []
    if conflict and deadline - time.perf_counter() > 0.5:
        names = minimal_conflict(model, deadline=deadline, suspects=[_suspect(g) for g in gaps])
    message = "these requirements cannot all hold: " + _summary(names) if names else "the requirements cannot all hold together"
    if modelled.forms != blueprint.forms:
        message += " (not even in one form)"
    path = _group_path(names[0]) if names else (gaps[0].path if gaps else "")
    line, column = blueprint.position(path)
    first = problem("assembly-infeasible", blueprint.file, line, column, message, path)
    problems = (first, *gap_problems(blueprint, gaps))
    return Assembly((), result, problems, seed, tuple(gaps), tuple(repairs(modelled, standard, gaps)), "infeasible", tuple(names))


def _disjoint_one_by_one(
    blueprint: Blueprint, standard: Standard, pool: list[Item], seed: int, deadline: float, gap: float, difficulty: Mapping[str, float] | None = None
) -> Assembly | None:
    """Many forms that share no item, built one after another from the items still unused.

    The simultaneous model for 10 disjoint 100-item forms from 10,000 items has 100,000 binary
    columns and its LP relaxation alone takes ~40 s here; one form at a time takes ~0.3 s each.
    Every form meets the whole blueprint on its own and no item is reused, so the forms are valid;
    the gap is measured against a bound that holds for any selection (each item's fit is below 1,
    so no form fits more than its length). When a later form cannot be built from what is left
    (earlier forms took scarce items) this returns None and the simultaneous model decides.
    """
    one = dataclasses.replace(blueprint, forms=1, max_overlap=None, max_exposure=1.0)
    start = time.perf_counter()
    used: set[str] = set()
    forms, fit = [], 0.0
    for f in range(blueprint.forms):
        rest = [item for item in pool if item.id not in used]
        left = deadline - time.perf_counter()
        if left <= 0.5:
            return None
        model, x = build_model(one, standard, rest, seed * 1000 + f, difficulty)
        result = solve(model, time_limit=left, gap=gap)
        if result.status not in ("optimal", "feasible"):
            return None
        ids = tuple(rest[i].id for i in range(len(rest)) if result.values[x[i, 0]] > 0.5)
        forms.append(ids)
        used.update(ids)
        fit += result.objective or 0.0
    bound = float(blueprint.forms * blueprint.length)
    measured = max(bound - fit, 0.0) / bound
    status = "optimal" if measured <= gap else "feasible"
    solver = SolverResult(status, fit, measured, time.perf_counter() - start, (), gap)
    return Assembly(tuple(forms), solver, (), seed, verdict="feasible")


def check_blueprint(
    blueprint: Blueprint, standard: Standard, items: list[Item], budget: float = 5.0, difficulty: Mapping[str, float] | None = None
) -> Assembly:
    """The editor's live check: the same analysis as :func:`assemble` (counting, then the solver
    and the elastic explanation) stopping at the first valid form and within ``budget`` seconds.
    It says ``feasible`` only with a form in hand, so it never promises what assembly then refuses."""
    return assemble(blueprint, standard, items, seed=0, time_limit=budget, gap=1.0, conflict=False, difficulty=difficulty)


def elastic_model(model: Model) -> tuple[Model, list[tuple[int, str, str]]]:
    """The same requirements with a penalised slack on every elastic row (Chinneck 2008,
    *Feasibility and Infeasibility in Optimization*, ch. 6: elastic programming): the model is
    always feasible and its optimum is the least total violation, in items. Returns the model and
    each slack's (column, group, direction)."""
    elastic = Model(model.n_vars, [0.0] * model.n_vars, list(model.col_lower), list(model.col_upper), list(model.integer))
    slacks: list[tuple[int, str, str]] = []
    for cols, vals, lower, upper, group, is_elastic in model.rows:
        if group == "objective":
            continue
        if not is_elastic:
            elastic.add_row(cols, vals, lower, upper, group, elastic=False)
            continue
        extra_cols, extra_vals = [], []
        if lower != -INF:
            short = elastic.add_var(-1.0, 0.0, INF, False)
            extra_cols.append(short)
            extra_vals.append(1.0)
            slacks.append((short, group, "short"))
        if upper != INF:
            over = elastic.add_var(-1.0, 0.0, INF, False)
            extra_cols.append(over)
            extra_vals.append(-1.0)
            slacks.append((over, group, "over"))
        elastic.add_row([*cols, *extra_cols], [*vals, *extra_vals], lower, upper, group, elastic=False)
    return elastic, slacks


def elastic_gaps(model: Model, blueprint: Blueprint, time_limit: float) -> tuple[list[Gap], SolverResult]:
    """How far each requirement is from holding, summed over the forms, from one elastic solve.

    When the solve stops on its time limit the amounts are those of the best selection found,
    an upper bound on the least violation; the message says so.
    """
    elastic, slacks = elastic_model(model)
    result = solve(elastic, time_limit=time_limit, gap=0.0)
    if not result.values:
        return [], result
    amounts: dict[tuple[str, str], float] = defaultdict(float)
    for column, group, direction in slacks:
        amounts[group, direction] += result.values[column]
    proven = result.status == "optimal"
    gaps = []
    for (group, direction), amount in amounts.items():
        if amount <= 1e-6:
            continue
        gaps.append(_solver_gap(group, direction, amount, blueprint, proven))
    return gaps, result


def _solver_gap(group: str, direction: str, amount: float, blueprint: Blueprint, proven: bool) -> Gap:
    kind, _, rest = group.partition(" ")
    forms = blueprint.forms
    code = "assembly-requirement-short" if direction == "short" else "assembly-requirement-over"
    across = f" across the {forms} forms" if forms > 1 else ""
    bound = "" if proven else " (at most; the solver stopped at its time limit)"
    if kind == "difficulty":
        per_form = amount / forms / blueprint.length
        low, high = blueprint.difficulty_mean
        if direction == "short":
            value = round((low or 1) - per_form, 2)
            return Gap(
                code,
                "difficulty",
                "mean_min",
                "difficulty.mean_min",
                low or 1,
                value,
                f"the mean difficulty misses the window's {low} by {per_form:.2f}{bound}",
                forms,
                "solver",
            )
        value = round((high or 3) + per_form, 2)
        return Gap(
            code,
            "difficulty",
            "mean_max",
            "difficulty.mean_max",
            high or 3,
            value,
            f"the mean difficulty exceeds the window's {high} by {per_form:.2f}{bound}",
            forms,
            "solver",
            direction="over",
        )
    subject = rest.removesuffix(" minimum").removesuffix(" window") or kind
    requirement = {"overlap": "overlap", "exposure": "exposure"}.get(kind, kind)
    if kind == "overlap" and blueprint.max_overlap == 0:
        requirement = "exposure" if blueprint.max_uses == 1 else "overlap"
    path = _group_path(group)
    amount = round(amount, 6)
    word = "short by" if direction == "short" else "over by"
    noun = {"duty": f"duty {subject}", "task": f"task {subject} minimum", "level": f"level cell {subject}", "type": f"type {subject}"}.get(kind, kind)
    message = f"{noun} is {word} {amount:g} item(s){across}{bound}"
    need, have = (amount, 0.0) if direction == "short" else (0.0, amount)
    return Gap(code, requirement, subject, path, need, have, message, forms, "solver", direction=direction)


def _suspect(gap: Gap) -> str:
    """The model group name of a solver gap (its requirement and subject)."""
    if gap.requirement == "task":
        return f"task {gap.subject} minimum"
    return f"{gap.requirement} {gap.subject}"


def _summary(groups: list[str]) -> str:
    """The conflicting groups for a person: requirements by name, enemy pairs and sets counted."""
    named = [g for g in groups if not g.startswith(("enemies ", "set "))]
    pairs = sum(1 for g in groups if g.startswith("enemies "))
    sets = sum(1 for g in groups if g.startswith("set "))
    if pairs:
        named.append(f"{pairs} enemy pair(s)")
    if sets:
        named.append(f"{sets} item set(s)")
    return "; ".join(named)


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


def minimal_conflict(model: Model, time_limit: float = 60.0, deadline: float | None = None, suspects: Iterable[str] = ()) -> list[str]:
    """A minimal set of requirement groups that is infeasible on its own (deletion filter,
    Chinneck 2008, ch. 6).

    Drop one group at a time; if the rest stays infeasible the group is not needed to explain
    the conflict and stays dropped. What remains is irreducible: removing any one of it makes
    the model feasible. Each test only asks whether any selection exists (no objective). With
    ``suspects`` (the requirements the elastic solve found violated) the filter starts from the
    groups that share a duty with them plus the form-wide ones, when those alone are already
    infeasible; enemy pairs and item sets are dropped and kept as two blocks.
    """
    deadline = deadline if deadline is not None else time.perf_counter() + time_limit
    every = list(dict.fromkeys(r[4] for r in model.rows if r[4] != "objective"))
    blocks: dict[str, list[str]] = {}
    for group in every:
        kind = group.split(" ", 1)[0]
        key = kind if kind in ("enemies", "set") else group
        blocks.setdefault(key, []).append(group)
    names = list(blocks)
    duties = {_duty_in(g) for g in suspects} - {None}
    if duties:
        near = [n for n in names if _duty_in(n) in duties or _duty_in(n) is None]
        skipped = frozenset(g for n in names if n not in near for g in blocks[n])
        left = deadline - time.perf_counter()
        if left > 0 and solve(model, time_limit=left, skip_groups=skipped, feasibility=True).status == "infeasible":
            names = near
    keep = list(names)

    def infeasible_without(dropped: list[str]) -> bool | None:
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        skipped = frozenset(g for n in blocks if n not in keep or n in dropped for g in blocks[n])
        status = solve(model, time_limit=left, skip_groups=skipped, feasibility=True).status
        return None if status == "no-solution" else status == "infeasible"

    # Deletion in halves: a chunk whose removal keeps the model infeasible goes at once; a chunk
    # that cannot go is split. A conflict of m groups among n costs about m·log2(n) solves.
    pending = [list(names)]
    while pending:
        chunk = pending.pop()
        verdict = infeasible_without(chunk)
        if verdict is None:
            return []  # not proven minimal in the time given: say nothing rather than too much
        if verdict:
            keep = [n for n in keep if n not in chunk]
        elif len(chunk) > 1:
            half = len(chunk) // 2
            pending.extend([chunk[half:], chunk[:half]])
    return [g for n in keep for g in blocks[n]]


def _duty_in(group: str) -> str | None:
    """The duty a requirement group is about (``duty T2``, ``task T2.3 minimum``, ``level T2/apply``),
    or None for the form-wide ones (length, types, difficulty, overlap, exposure, enemies, sets)."""
    kind, _, rest = group.partition(" ")
    if kind == "duty":
        return rest
    if kind == "task":
        return rest.split(".", 1)[0]
    if kind == "level":
        return rest.split("/", 1)[0]
    return None
