"""Benchmark: how fast an infeasible blueprint is explained (gaps with amounts, repairs), and
10 disjoint parallel forms from the 10,000-item bank.

Prints, with the ratios to the targets of issue 16:
- every case of tests/cases/infeasible/ and the issue's two shipped-bank examples (BAS2421-002v4
  at 30 items; multiple response >= 24 in 2 forms with no shared item), each explained by
  ``assemble`` (counting, then solver + elastic gaps + minimal conflict): slowest (target <= 2 s);
  the random ones are timed to the gaps and repairs, and the solver cases again with the minimal
  conflicting set;
- random infeasible blueprints on the synthetic 10,000-item bank (counting or solver
  infeasibility): p50 / p95 / max seconds (target p95 <= 5 s), and how many needed the solver;
- 10 parallel 100-item forms, no item shared, to a 1% gap (target <= 30 s).

Usage: python benchmarks/feasibility_bench.py [--random N]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from assembly_bench import full_blueprint, make_bank, make_standard, violations
from test_feasibility import synthetic_bank

from questionbank.assembly import assemble
from questionbank.blueprint import Range
from questionbank.checks.runner import parse_blueprint, validate_bank

ROOT = Path(__file__).resolve().parent.parent


def timed(blueprint, standard, items, **kw):
    start = time.perf_counter()
    result = assemble(blueprint, standard, items, **kw)
    return time.perf_counter() - start, result


def corpus() -> float:
    _, bank = validate_bank([ROOT / "standards", ROOT / "items"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    shipped_items = [i for _, i in bank.items]
    slowest = 0.0
    rows = []
    for folder in sorted(p for p in (ROOT / "tests" / "cases" / "infeasible").iterdir() if p.is_dir()):
        expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
        bp, _ = parse_blueprint(str(folder / "bp.yaml"), (folder / "bp.yaml").read_bytes(), bank.standards)
        standard = bank.standards[bp.standard]
        seconds, result = timed(bp, standard, synthetic_bank(standard, expected["bank"]), time_limit=60)
        rows.append((folder.name, seconds, result))
    text = (ROOT / "blueprints" / "BAS2421-002v4.yaml").read_text(encoding="utf-8")
    examples = {
        "BAS2421-002v4 at 30 items": text.replace("length: 50", "length: 30"),
        "BAS2421-002v4, multiple >= 24, 2 forms, 0% shared": text.replace("multiple: {min: 5, max: 10}", "multiple: {min: 24}").replace('"20%"', '"0%"'),
    }
    for name, source in examples.items():
        bp, _ = parse_blueprint("bp.yaml", source.encode(), bank.standards)
        seconds, result = timed(bp, bank.standards[bp.standard], shipped_items, time_limit=60)
        rows.append((name, seconds, result))
    for name, seconds, result in rows:
        slowest = max(slowest, seconds)
        first = result.repairs[0].text() if result.repairs else "-"
        print(f"  {name:<52} {seconds:6.3f} s  {result.verdict:<10} gaps {len(result.gaps)}  first repair: {first}")
    print(f"corpus and examples: {len(rows)} blueprints, slowest {slowest:.3f} s; target 2 s, ratio {slowest / 2:.2f}")
    return slowest


def random_infeasible(n: int) -> None:
    standard = make_standard()
    items = make_bank(standard, 10_000)
    base = full_blueprint(standard)
    rng = random.Random(7)
    times, solver_needed, verdicts, conflict_times, conflicts_found = [], 0, [], [], 0
    while len(times) < n:
        # perturb one or two requirements hard enough that most draws are infeasible
        bp = dataclasses.replace(base, forms=rng.choice([1, 2, 3]), max_overlap=rng.choice([0, 5, 20]))
        duty = rng.choice(list(bp.duty_ranges))
        choice = rng.random()
        if choice < 0.25:
            bp = dataclasses.replace(bp, types={**bp.types, "multiple": Range(rng.randint(15, 60), None)})
        elif choice < 0.5:
            bp = dataclasses.replace(bp, levels={**bp.levels, duty: {"apply_or_analyze": Range(rng.randint(12, 25), None), "remember": Range(0, 0)}})
        elif choice < 0.75:
            bp = dataclasses.replace(bp, difficulty_mean=(rng.choice([2.1, 2.2, 2.4, 2.6]), None))
        elif choice < 0.85:
            bp = dataclasses.replace(bp, task_minimum=rng.randint(2, 4))
        else:
            # level maximums that leave a duty short: counting does not see it, the solver must
            cap = bp.duty_ranges[duty].min - rng.randint(1, 6)
            cells = {"remember": Range(0, 0), "understand": Range(0, cap // 2), "apply_or_analyze": Range(0, cap - cap // 2)}
            bp = dataclasses.replace(bp, levels={**bp.levels, duty: cells})
        seconds, result = timed(bp, standard, items, time_limit=60, conflict=False)
        if result.verdict == "feasible":
            continue
        times.append(seconds)
        verdicts.append(result.verdict)
        if result.solver is not None:
            solver_needed += 1
            with_conflict, full = timed(bp, standard, items, time_limit=60)
            conflict_times.append(with_conflict)
            conflicts_found += bool(full.conflict)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(
        f"random infeasible blueprints on the 10,000-item bank: {len(times)} explained (solver needed for {solver_needed}; "
        f"verdicts {dict((v, verdicts.count(v)) for v in set(verdicts))}): p50 {statistics.median(times):.3f} s, p95 {p95:.3f} s, "
        f"max {times[-1]:.3f} s; target p95 5 s, ratio {p95 / 5:.2f}"
    )
    if conflict_times:
        conflict_times.sort()
        print(
            f"  the {len(conflict_times)} solver cases again with the minimal conflicting set (deletion filter): "
            f"found for {conflicts_found}; p50 {statistics.median(conflict_times):.3f} s, max {conflict_times[-1]:.3f} s"
        )


def ten_forms() -> None:
    standard = make_standard()
    items = make_bank(standard, 10_000)
    by_id = {i.id: i for i in items}
    bp = full_blueprint(standard, forms=10, overlap=0)
    seconds, result = timed(bp, standard, items, seed=1, time_limit=120, gap=0.01)
    shared = max((len(set(a) & set(b)) for n, a in enumerate(result.forms) for b in result.forms[n + 1 :]), default=-1)
    bad = sum(1 for f in result.forms if violations(list(f), bp, by_id, list(standard.tasks)))
    solver = result.solver
    print(
        f"10 parallel 100-item forms, no item shared, gap 1%: {seconds:.2f} s; status {solver.status if solver else None}, "
        f"forms {len(result.forms)}, most shared {shared}, forms failing the checker {bad}; target 30 s, ratio {seconds / 30:.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=40, help="random infeasible blueprints to time")
    args = parser.parse_args()
    corpus()
    random_infeasible(args.random)
    ten_forms()
    return 0


if __name__ == "__main__":
    sys.exit(main())
