"""Benchmark: `qbank score` on a large responses CSV (issue 14's scale defect).

Builds a form from the shipped bank (BAS2421-002v4 default blueprint), writes a responses CSV of
about --mib MiB (candidate_id,item_id,answer, one row per candidate and item), then runs
`qbank score FORM CSV --format csv -o OUT` in a child process and prints wall time and the
child's peak resident memory (ru_maxrss), with the figures measured before the fix beside them
(199 MiB: 11 min and 4.4 GB, quadratic in candidates).

Usage: python benchmarks/score_csv_bench.py [--mib 200] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE_SECONDS = 11 * 60
BASELINE_BYTES = 4.4e9
TARGET_SECONDS = 20.0
TARGET_BYTES = 1e9


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=float, default=200.0)
    parser.add_argument("--keep", metavar="DIR")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="qbank-score-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    qbank = [sys.executable, "-m", "questionbank"]
    subprocess.run(
        [*qbank, "assemble", str(ROOT / "blueprints" / "BAS2421-002v4.yaml"), "--forms", "1", "-o", str(work / "forms"), "--format", "json"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    form_path = next((work / "forms").glob("*.json"))
    form = json.loads(form_path.read_text(encoding="utf-8"))
    items = [e["id"] for s in form["sections"] for e in s["items"]]
    from questionbank.checks.runner import load_bank

    types = {item.id: item.type for _, item in load_bank(ROOT / "standards", ROOT / "items")[1].items}
    choices = {"single": ["A", "B", "C", "D", ""], "multiple": ["AC", "BD", "ABD", "A", ""], "true_false": ["O", "X", ""]}
    csv_path = work / "responses.csv"
    target = int(args.mib * 1024 * 1024)
    rng = random.Random(7)
    started = time.perf_counter()
    with open(csv_path, "w", encoding="utf-8", newline="") as out:
        out.write("candidate_id,item_id,answer\n")
        written, n = 0, 0
        while written < target:
            cid = f"C{n:08d}"
            block = "".join(f"{cid},{item},{rng.choice(choices[types[item]])}\n" for item in items)
            out.write(block)
            written += len(block)
            n += 1
    size = csv_path.stat().st_size
    print(f"responses CSV: {size / 2**20:.0f} MiB, {n:,} candidates x {len(items)} items ({time.perf_counter() - started:.1f} s to write)")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(
        [*qbank, "score", str(form_path), str(csv_path), "--format", "csv", "-o", str(work / "scores.csv")], cwd=ROOT, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # kilobytes on Linux
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-2000:])
        return 1
    with open(work / "scores.csv", encoding="utf-8") as scored:
        rows = sum(1 for _ in scored) - 1
    print(f"cores: {os.cpu_count()}")
    print(
        f"qbank score: {seconds:.1f} s for {rows:,} candidates (target {TARGET_SECONDS:.0f} s, ratio {seconds / TARGET_SECONDS:.2f}; before the fix {BASELINE_SECONDS} s, {BASELINE_SECONDS / seconds:.0f}x slower)"
    )
    print(
        f"peak memory of the scoring process: {peak / 1e9:.2f} GB (target {TARGET_BYTES / 1e9:.1f} GB, ratio {peak / TARGET_BYTES:.2f}; before the fix {BASELINE_BYTES / 1e9:.1f} GB)"
    )
    if before and before * 1024 > peak:
        print("(note: ru_maxrss covers every child so far; the assemble step peaked higher)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
