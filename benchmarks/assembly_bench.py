"""Benchmark: MILP assembly on a synthetic 10,000-item bank with 60 task categories.

Prints, with the ratios to the targets:
- the median time to build and solve one 100-item form with every requirement type to
  proven optimality (target <= 2 s);
- the time for 5 parallel forms with no item shared, to a 1% gap (target <= 30 s);
- side by side, how many of 100 seeds the MILP and a stratified-random draw (the usual
  "random per category" tool) satisfy the same blueprint, checked by one independent checker.

Usage: python benchmarks/assembly_bench.py [--items N] [--runs R] [--seeds S]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import time
from collections import Counter, defaultdict

from questionbank.assembly import assemble
from questionbank.blueprint import DIFFICULTY_VALUE, Blueprint, Range
from questionbank.items import Item
from questionbank.standards import Duty, Indicator, Named, Standard, Task

DUTIES, TASKS_PER_DUTY = 6, 10  # 60 task categories
LEVELS = ("remember", "understand", "apply", "analyze")


def make_standard() -> Standard:
    duties = tuple(
        Duty(
            code=f"T{d}",
            name=f"職責{d}",
            level=4,
            knowledge=(Named("K01", "知識"),),
            skills=(Named("S01", "技能"),),
            tasks=tuple(Task(f"T{d}.{t}", f"任務{d}.{t}", (), (Indicator(f"P{d}.{t}.1", "指標"),)) for t in range(1, TASKS_PER_DUTY + 1)),
        )
        for d in range(1, DUTIES + 1)
    )
    return Standard("bench", "bench", "基準", 4, "current", duties, ())


def make_bank(standard: Standard, count: int, seed: int = 11) -> list[Item]:
    rng = random.Random(seed)
    tasks = list(standard.tasks)
    items = []
    for n in range(count):
        kind = rng.choices(["single", "multiple", "true_false"], weights=[75, 17, 8])[0]
        items.append(
            Item(
                id=f"i{n:05d}",
                standard=standard.id,
                task=tasks[n % len(tasks)],
                competencies=("K01",),
                type=kind,
                stem="",
                options=(),
                answer="A",
                rationale="",
                status="active",
                cognitive_level=rng.choices(LEVELS, weights=[15, 35, 35, 15])[0],
                difficulty=rng.choices(["easy", "medium", "hard"], weights=[30, 50, 20])[0],
            )
        )
    # enemy pairs (near-duplicates) and all-or-none sets (items sharing one case text)
    for n in range(0, count - 60, 97):
        items[n] = dataclasses.replace(items[n], enemies=(items[n + 60].id,))
    for n in range(5, count - 120, 211):
        for m in (n, n + 60, n + 120):
            items[m] = dataclasses.replace(items[m], set=f"set{n}")
    return items


def full_blueprint(standard: Standard, forms: int = 1, overlap: int | None = None) -> Blueprint:
    shares = {"T1": 15, "T2": 20, "T3": 15, "T4": 20, "T5": 15, "T6": 15}
    return Blueprint(
        standard=standard.id,
        length=100,
        duty_ranges={d: Range(c, c) for d, c in shares.items()},
        task_minimum=1,
        levels={d: {"apply_or_analyze": Range(c // 2, None), "remember": Range(0, c // 5)} for d, c in shares.items()},
        types={"multiple": Range(10, 15), "true_false": Range(0, 8)},
        difficulty_mean=(1.8, 2.1),
        forms=forms,
        max_overlap=overlap,
        max_exposure=1.0,
        file="bench.yaml",
    )


def violations(ids: list[str], bp: Blueprint, by_id: dict[str, Item], tasks: list[str]) -> list[str]:
    """An independent re-count of every requirement (shares no code with the model builder)."""
    chosen = [by_id[i] for i in ids]
    out = []
    if len(chosen) != bp.length or len(set(ids)) != len(ids):
        out.append("length")
    duty = Counter(i.task.split(".")[0] for i in chosen)
    out += [f"duty {d}" for d, r in bp.duty_ranges.items() if not r.min <= duty[d] <= (r.max or 10**9)]
    task = Counter(i.task for i in chosen)
    out += [f"task {t}" for t in tasks if task[t] < bp.task_minimum]
    for d, cells in bp.levels.items():
        for level, r in cells.items():
            wanted = ("apply", "analyze") if level == "apply_or_analyze" else (level,)
            n = sum(1 for i in chosen if i.task.split(".")[0] == d and i.cognitive_level in wanted)
            if not r.min <= n <= (r.max if r.max is not None else 10**9):
                out.append(f"level {d}/{level}")
    kinds = Counter(i.type for i in chosen)
    out += [f"type {k}" for k, r in bp.types.items() if not r.min <= kinds[k] <= (r.max if r.max is not None else 10**9)]
    mean = sum(DIFFICULTY_VALUE[i.difficulty] for i in chosen) / max(1, len(chosen))
    low, high = bp.difficulty_mean
    if (low is not None and mean < low - 1e-9) or (high is not None and mean > high + 1e-9):
        out.append("difficulty")
    chosen_ids = set(ids)
    if any(e in chosen_ids for i in chosen for e in i.enemies):
        out.append("enemies")
    sets: dict[str, list[bool]] = defaultdict(list)
    for item in by_id.values():
        if item.set:
            sets[item.set].append(item.id in chosen_ids)
    if any(any(v) and not all(v) for v in sets.values()):
        out.append("sets")
    return out


def stratified_random(bp: Blueprint, items: list[Item], seed: int) -> list[str]:
    """What a per-category random draw does: the duty counts, drawn at random within each duty."""
    rng = random.Random(seed)
    by_duty: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_duty[item.task.split(".")[0]].append(item)
    ids = []
    for duty, r in bp.duty_ranges.items():
        ids += [i.id for i in rng.sample(by_duty[duty], r.min)]
    return ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="timed single-form runs (different seeds)")
    parser.add_argument("--seeds", type=int, default=100, help="seeds for the side-by-side comparison")
    args = parser.parse_args()
    standard = make_standard()
    items = make_bank(standard, args.items)
    by_id = {i.id: i for i in items}
    tasks = list(standard.tasks)
    print(f"bank: {len(items)} items, {len(tasks)} task categories, {DUTIES} duties")

    bp = full_blueprint(standard)
    times, statuses, milp_ok = [], Counter(), 0
    for seed in range(args.runs):
        start = time.perf_counter()
        result = assemble(bp, standard, items, seed=seed, time_limit=60, gap=0.0)
        times.append(time.perf_counter() - start)
        statuses[result.solver.status if result.solver else "none"] += 1
        milp_ok += bool(result.forms) and not violations(list(result.forms[0]), bp, by_id, tasks)
    median = statistics.median(times)
    print(
        f"one 100-item form, every requirement type, gap 0: median {median:.3f} s over {args.runs} seeds "
        f"(min {min(times):.3f}, max {max(times):.3f}); statuses {dict(statuses)}; target 2 s, ratio {median / 2:.2f}"
    )

    par = full_blueprint(standard, forms=5, overlap=0)
    start = time.perf_counter()
    result = assemble(par, standard, items, seed=1, time_limit=120, gap=0.01)
    seconds = time.perf_counter() - start
    shared = max((len(set(a) & set(b)) for n, a in enumerate(result.forms) for b in result.forms[n + 1 :]), default=-1)
    bad = sum(1 for f in result.forms if violations(list(f), par, by_id, tasks))
    solver = result.solver
    print(
        f"5 parallel forms, no item shared, gap 1%: {seconds:.2f} s; status {solver.status if solver else None}, "
        f"gap {solver.gap if solver else None}, forms {len(result.forms)}, most items shared by two forms {shared}, "
        f"forms failing the checker {bad}; target 30 s, ratio {seconds / 30:.2f}"
    )

    random_ok = sum(1 for seed in range(args.seeds) if not violations(stratified_random(bp, items, seed), bp, by_id, tasks))
    failing = Counter(v for seed in range(args.seeds) for v in violations(stratified_random(bp, items, seed), bp, by_id, tasks))
    milp_seeds = min(args.seeds, 20)
    milp_side = 0
    for seed in range(milp_seeds):
        result = assemble(bp, standard, items, seed=seed, time_limit=60, gap=0.001)
        milp_side += bool(result.forms) and not violations(list(result.forms[0]), bp, by_id, tasks)
    print(f"blueprint satisfied: MILP {milp_side}/{milp_seeds} seeds (and {milp_ok}/{args.runs} timed runs); stratified random {random_ok}/{args.seeds} seeds")
    print("  requirements the random draws missed most: " + ", ".join(f"{k} x{v}" for k, v in failing.most_common(6)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
