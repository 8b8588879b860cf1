"""Benchmark: the item analysis of 100,000 candidates x 100 items (target <= 2 s).

Responses come from a 2PL model (θ ~ N(0, 1), a ~ U(0.6, 2), b ~ U(-2, 1.5)) on a form of
single-choice, partial-credit multiple-response and true/false items in six duties, so every
part runs as on real data: scoring, p, corrected item-total r, option use, flags, alpha, SEM,
Livingston-Lewis decisions and the PRMSE of each duty. Generating the responses is not timed.
Prints the median of --repeat runs and its ratio to the target.

Usage: python benchmarks/stats_bench.py [--candidates N] [--items I] [--repeat R]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from questionbank.scoring import AnswerKey, Rules, ScoredItem
from questionbank.stats.analysis import analyze

TARGET_SECONDS = 2.0
LABELS = ("A", "B", "C", "D", "E")


def synthetic(candidates: int, n_items: int, seed: int = 17) -> tuple[AnswerKey, np.ndarray]:
    rng = np.random.default_rng(seed)
    kinds = rng.choice(["single"] * 8 + ["multiple"] + ["true_false"], size=n_items)
    items = []
    for n, kind in enumerate(kinds):
        duty = f"T{n % 6 + 1}"
        labels = ("T", "F") if kind == "true_false" else LABELS if kind == "multiple" else LABELS[:4]
        keys = ("A", "C") if kind == "multiple" else ("T",) if kind == "true_false" else ("A",)
        items.append(ScoredItem(f"i{n:03d}", str(kind), labels, keys, 1.0, duty, f"{duty}.1"))
    key = AnswerKey(items, Rules(multiple="partial"))
    theta = rng.normal(size=(candidates, 1))
    a, b = rng.uniform(0.6, 2.0, n_items), rng.uniform(-2.0, 1.5, n_items)
    right = rng.random((candidates, n_items)) < 1 / (1 + np.exp(-a * (theta - b)))
    width = np.array([len(i.labels) for i in items])
    wrong_single = 1 << rng.integers(1, width, size=(candidates, n_items))  # any label but the first (the key)
    wrong_multiple = rng.choice(np.array([0b1, 0b100, 0b111, 0b10101, 0b10]), size=(candidates, n_items))
    wrong = np.where(kinds == "multiple", wrong_multiple, wrong_single)
    responses = np.where(right, key.key_mask, wrong)
    responses[rng.random((candidates, n_items)) < 0.02] = 0  # a few blanks
    return key, responses.astype(np.uint32)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    key, responses = synthetic(args.candidates, args.items)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = analyze(key, responses)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    form = result.form
    print(f"item analysis of {args.candidates:,} candidates x {args.items} items: median {median:.2f} s of {args.repeat} runs (min {min(times):.2f} s)")
    print(f"target {TARGET_SECONDS:g} s: ratio {median / TARGET_SECONDS:.2f}")
    decisions = result.decisions
    print(
        f"alpha {form.alpha:.3f}, SEM {form.sem:.2f}, flags {len(result.flags)}, "
        f"decision consistency {decisions.consistency:.3f} (effective length {decisions.effective_length})"
        if decisions
        else f"alpha {form.alpha}, no decision estimate"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
