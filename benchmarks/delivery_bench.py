"""Benchmark: scoring and answer saving.

Prints:
- the time to score 100,000 candidates x 100 items with per-duty (and per-task, per-K/S)
  subscores with numpy (target <= 1 s), and the ratio against a plain per-response Python
  loop doing the same sums (timed on a slice of the candidates and scaled, as labelled);
- answer-save latency p50/p95 with 50 concurrent writers on SQLite (WAL, synchronous FULL)
  and on PostgreSQL (QBANK_BENCH_POSTGRES_URL or QBANK_TEST_POSTGRES_URL; skipped with a
  message when no server answers).

Usage: python benchmarks/delivery_bench.py [--candidates N] [--loop-candidates M] [--writers W] [--saves S]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from questionbank.delivery import attempts, database, publishing
from questionbank.scoring import AnswerKey, Rules, ScoredItem, item_credit, score

LABELS = ("A", "B", "C", "D", "E")


def synthetic_key(n_items: int = 100, seed: int = 3) -> AnswerKey:
    rng = np.random.default_rng(seed)
    items = []
    for n in range(n_items):
        kind = rng.choice(["single"] * 8 + ["multiple"] + ["true_false"])
        duty = f"T{n % 6 + 1}"
        if kind == "true_false":
            labels, keys = ("T", "F"), (str(rng.choice(["T", "F"])),)
        elif kind == "multiple":
            labels = LABELS
            keys = tuple(sorted(rng.choice(LABELS, size=int(rng.integers(2, 4)), replace=False).tolist()))
        else:
            labels, keys = LABELS[:4], (str(rng.choice(LABELS[:4])),)
        items.append(ScoredItem(f"i{n:03d}", str(kind), labels, keys, 1.0, duty, f"{duty}.{n % 4 + 1}", ("K01", f"S0{n % 3 + 1}")))
    return AnswerKey(items, Rules(multiple="partial"))


def synthetic_responses(key: AnswerKey, candidates: int, seed: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    widths = np.array([len(i.labels) for i in key.items])
    masks = rng.integers(0, 1 << widths, size=(candidates, len(key.items)), dtype=np.int64)
    single = np.array([i.type != "multiple" for i in key.items])
    # single/true-false: one label (or none): keep the lowest set bit
    lowest = masks & -masks
    return np.where(single, lowest, masks).astype(np.uint32)


def python_loop(key: AnswerKey, matrix: np.ndarray) -> tuple[list[float], list[dict[str, float]]]:
    """The per-response way: decode each answer, score it, add it to the candidate's duty total."""
    totals, duties = [], []
    rows = matrix.tolist()
    for row in rows:
        total = 0.0
        per_duty: dict[str, float] = defaultdict(float)
        for item, value in zip(key.items, row, strict=True):
            chosen = tuple(label for bit, label in enumerate(item.labels) if value >> bit & 1)
            credit = item_credit(item, chosen, key.rules)
            total += credit
            per_duty[item.duty] += credit
        totals.append(total)
        duties.append(per_duty)
    return totals, duties


def bench_scoring(candidates: int, loop_candidates: int) -> None:
    key = synthetic_key()
    matrix = synthetic_responses(key, candidates)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = score(key, matrix)
        times.append(time.perf_counter() - start)
    numpy_time = statistics.median(times)
    sliced = matrix[:loop_candidates]
    start = time.perf_counter()
    totals, duties = python_loop(key, sliced)
    loop_time = time.perf_counter() - start
    scaled = loop_time * candidates / loop_candidates
    agree = np.allclose(result.raw[:loop_candidates], totals) and all(
        abs(result.duty_raw[r, n] - duties[r].get(d, 0.0)) < 1e-9 for r in range(min(200, loop_candidates)) for n, d in enumerate(key.duties)
    )
    print(
        f"scoring {candidates:,} candidates x {len(key.items)} items with per-duty, per-task and per-K/S subscores: "
        f"numpy median {numpy_time:.3f} s (target 1 s, ratio {numpy_time:.2f}); "
        f"Python per-response loop {loop_time:.2f} s for {loop_candidates:,} candidates, scaled {scaled:.1f} s for {candidates:,} "
        f"-> numpy is {scaled / numpy_time:.0f}x faster; results agree: {agree}"
    )


def bench_saves(url: str, label: str, writers: int, saves: int) -> None:
    engine = database.connect(url)
    snapshots = [
        {
            "id": f"b{n}",
            "sha256": "0" * 64,
            "type": "single",
            "stem": "題目",
            "options": [[x, f"選項{x}"] for x in "ABCD"],
            "keys": ["A"],
            "rationale": "",
            "points": 1.0,
            "task": "T1.1",
            "duty": "T1",
            "competencies": ["K01"],
            "indicators": [],
        }
        for n in range(saves)
    ]

    class _Standard:
        id, code = "bench", "bench"

    form_id = f"bench-{time.time_ns()}"
    publishing.publish(engine, form_id, snapshots, Rules(), kind="practice", standard=_Standard(), time_limit_minutes=None)
    tokens = [attempts.start_practice(engine, form_id, f"w{n}") for n in range(writers)]
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(writers)
    failures: list[BaseException] = []

    def run(token: str) -> None:
        try:
            barrier.wait()
            mine = []
            for position in range(saves):
                start = time.perf_counter()
                attempts.save_answer(engine, token, position, "ABCD"[position % 4])
                mine.append(time.perf_counter() - start)
            with lock:
                latencies.extend(mine)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in tokens]
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall
    engine.dispose()
    if failures:
        print(f"{label}: {len(failures)} writers failed: {failures[0]!r}")
        return
    ms = sorted(x * 1000 for x in latencies)
    p50, p95 = ms[len(ms) // 2], ms[int(len(ms) * 0.95)]
    print(
        f"answer saves, {writers} concurrent writers x {saves} saves on {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms; {len(ms) / wall:.0f} saves/s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--loop-candidates", type=int, default=10_000)
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--saves", type=int, default=40)
    args = parser.parse_args()
    bench_scoring(args.candidates, min(args.loop_candidates, args.candidates))
    with tempfile.TemporaryDirectory() as tmp:
        bench_saves(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", "SQLite (WAL, synchronous FULL)", args.writers, args.saves)
    pg = os.environ.get("QBANK_BENCH_POSTGRES_URL") or os.environ.get("QBANK_TEST_POSTGRES_URL") or "postgresql://postgres:postgres@localhost:5432/qbank_test"
    try:
        bench_saves(pg, "PostgreSQL", args.writers, args.saves)
    except Exception as exc:  # a benchmark reports what it could not measure
        print(f"PostgreSQL: not measured ({type(exc).__name__}: {str(exc).splitlines()[0]}); set QBANK_BENCH_POSTGRES_URL")
    return 0


if __name__ == "__main__":
    sys.exit(main())
