"""Benchmark: PDF score reports.

Prints:
- the wall time to gather the data of and write 1,000 candidate reports (one PDF each) on all
  cores with ``reports.write_reports`` (target <= 30 s on 2 cores), and its ratio to the target;
- the median time of one report rendered in a single process (after the font is loaded);
- the font used (TrueType embedded as a subset, or the MSung-Light CID fallback with ``--cid``).

The form has 40 items of BAS2421-002v4 from the shipped bank (the default blueprint's length);
candidates answer at random with abilities from 20% to 100%, so study plans vary from empty to
most of the form's tasks.

Usage: python benchmarks/report_bench.py [--candidates N] [--items N] [--workers W] [--sample S] [--cid]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from questionbank import reports
from questionbank.checks.runner import validate_bank
from questionbank.delivery import publishing
from questionbank.scoring import Rules
from questionbank.standards import natural_order

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 30.0
TARGET_CANDIDATES = 1000


def shipped_form(n_items: int) -> tuple[object, list[dict]]:
    _, bank = validate_bank([ROOT / "standards", ROOT / "items"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    standard = bank.standards["BAS2421-002v4"]
    active = sorted((i for _, i in bank.items if i.standard == standard.id and i.status == "active"), key=lambda i: (natural_order(i.task), i.id))
    if len(active) < n_items:
        sys.exit(f"the shipped bank has only {len(active)} active items for {standard.id}")
    # every k-th item in task order: all duties, in proportion to the bank
    picked = [active[round(n * len(active) / n_items)] for n in range(n_items)]
    return standard, [publishing.snapshot(i, standard) for i in picked]


def responses(snaps: list[dict], candidates: int, seed: int = 11) -> np.ndarray:
    key = publishing.answer_key(snaps, Rules())
    rng = np.random.default_rng(seed)
    ability = rng.uniform(0.2, 1.0, size=(candidates, 1))
    right = rng.random((candidates, len(snaps))) < ability
    widths = np.array([len(i.labels) for i in key.items])
    wrong = (1 << rng.integers(0, widths, size=(candidates, len(snaps)))).astype(np.uint32)
    wrong = np.where(wrong == key.key_mask, 0, wrong)  # a wrong pick, or a blank
    return np.where(right, key.key_mask, wrong).astype(np.uint32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=TARGET_CANDIDATES)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    parser.add_argument("--sample", type=int, default=50, help="reports rendered one by one for the median")
    parser.add_argument("--cid", action="store_true", help="use the MSung-Light CID fallback instead of a TrueType font")
    args = parser.parse_args()

    standard, snaps = shipped_form(args.items)
    rules = Rules(70.0, None, "partial")
    matrix = responses(snaps, args.candidates)
    candidates = [f"C{n:05d}" for n in range(args.candidates)]
    font = reports.CID_FONT if args.cid else reports.find_cjk_font()
    cores = os.cpu_count() or 1
    workers = args.workers or cores

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        header = reports.form_header("bench", snaps, title="效能測試", standard=standard)
        datas = reports.candidates_report_data(header, snaps, rules, candidates, matrix, standard=standard)
        gathered = time.perf_counter() - start
        written = 0
        for progress in reports.write_reports(datas, out, font=font, workers=workers):
            written = progress.done
        wall = time.perf_counter() - start
        sizes = [p.stat().st_size for p in Path(out).glob("*.pdf")]

    reports.candidate_report(datas[0], font)  # load the font in this process before timing
    times = []
    for data in datas[: args.sample]:
        t0 = time.perf_counter()
        reports.candidate_report(data, font)
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    tasks = [len(d["study_plan"]["tasks"]) for d in datas]

    target = TARGET_SECONDS * args.candidates / TARGET_CANDIDATES
    print(f"font: {font.label}")
    print(f"form: {len(snaps)} items of {standard.id}; study plans list {min(tasks)} to {max(tasks)} tasks (median {statistics.median(tasks):.0f})")
    print(
        f"{written:,} candidate reports on {workers} process(es) ({cores} cores): {wall:.2f} s wall "
        f"(data {gathered:.2f} s), {wall / max(written, 1) * 1000:.1f} ms per report; "
        f"target {target:.0f} s for {args.candidates:,} on 2 cores, ratio {wall / target:.2f}"
    )
    print(
        f"one report in one process: median {median * 1000:.1f} ms, p90 {np.percentile(times, 90) * 1000:.1f} ms over {len(times)}; "
        f"PDF size median {statistics.median(sizes) / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
