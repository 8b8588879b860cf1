"""Benchmark: the cue and near-duplicate detector on a labelled set built from the shipped bank
(tests/similarity_cases.py: planted cue pairs and near-duplicates among the bank's real pairs),
printing precision, recall and the time over the whole bank.

Usage: python benchmarks/similarity_bench.py [--planted 200]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from questionbank.checks.runner import load_bank  # noqa: E402
from questionbank.checks.similarity import suspects  # noqa: E402
from tests.similarity_cases import evaluate  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--planted", type=int, default=200, help="planted pairs of each kind")
    args = parser.parse_args()
    _, bank = load_bank(ROOT / "standards", ROOT / "items")
    items = [item for _, item in bank.items]
    started = time.perf_counter()
    found = suspects(items)
    seconds = time.perf_counter() - started
    figures = evaluate(items, count=args.planted)
    print(f"bank: {len(items)} items; detector {seconds:.3f} s; {len(found)} suspect pair(s) in the bank itself")
    print(f"labelled set: {figures['planted']} planted pairs (cue and near-duplicate), every original pair a negative unless confirmed")
    print(f"recall {figures['recall']:.3f}, precision {figures['precision']:.3f}, false positives {figures['false_positives']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
