"""Benchmark: `qbank export` and `qbank import` of the whole shipped bank in every format.

Times the library calls (the bank loaded once, as the CLI does before exporting; import reads
the file, runs the item checks and compares every item with its YAML file), median of R runs,
and prints each figure with its ratio to the target (<= 2 s for export and for import).
Usage: python benchmarks/interchange_bench.py [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET = 2.0
OUTPUTS = {"xlsx": "books", "qti21": "bank.zip", "moodle": "bank.xml", "gift": "bank.gift"}


def main() -> None:
    from questionbank.checks.runner import load_bank
    from questionbank.interchange.transfer import export_items, import_items, select_items

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    _, bank = load_bank(ROOT / "standards", ROOT / "items")
    load = time.perf_counter() - start
    items = select_items(item for _, item in bank.items)
    print(f"bank: {len(items)} items in {len({i.standard for i in items})} standards, loaded and validated in {load:.2f} s (cores: {os.cpu_count()})")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "items", work / "items")  # import compares against a copy; nothing is written anyway
        print(f"{'format':<8} {'export s':>9} {'ratio':>6} {'import s':>9} {'ratio':>6}  unchanged  size")
        for fmt, name in OUTPUTS.items():
            out = work / name
            exports, imports = [], []
            for _ in range(args.repeat):
                start = time.perf_counter()
                export_items(fmt, items, bank.standards, out)
                exports.append(time.perf_counter() - start)
                start = time.perf_counter()
                result = import_items(out, bank.standards, work / "items", fmt)
                imports.append(time.perf_counter() - start)
            size = sum(p.stat().st_size for p in out.rglob("*")) if out.is_dir() else out.stat().st_size
            e, i = statistics.median(exports), statistics.median(imports)
            unchanged = result.counts()["unchanged"]
            print(f"{fmt:<8} {e:>9.2f} {e / TARGET:>6.2f} {i:>9.2f} {i / TARGET:>6.2f}  {unchanged:>4}/{len(items)}  {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
