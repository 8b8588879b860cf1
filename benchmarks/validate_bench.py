"""Benchmark: `qbank validate` on a synthetic 10,000-item bank against plain CSafeLoader parsing.

Prints the figures and the ratios to the targets (validate <= 2.0 x parse; --help <= 0.3 s).
Usage: python benchmarks/validate_bench.py [--items N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
QBANK = [sys.executable, "-m", "questionbank"]

SCENES = ["年會", "研討會", "論壇", "展覽", "頒獎典禮", "記者會", "工作坊", "說明會"]
ACTIONS = ["確認", "安排", "聯繫", "檢查", "規劃", "調整", "回報", "整理"]
THINGS = ["報名名單", "講者行程", "場地動線", "餐飲數量", "視聽設備", "住宿房間", "接駁車班", "贊助權益"]


def make_bank(target: Path, count: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    standard = yaml.safe_load((ROOT / "standards" / "BAS2421-002v4.yaml").read_text(encoding="utf-8"))
    folder = target / "items" / standard["id"]
    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "standards", target / "standards", ignore=shutil.ignore_patterns("sources"))
    tasks = [(duty, task) for duty in standard["duties"] for task in duty["tasks"] if task["indicators"]]
    paths = []
    for n in range(count):
        duty, task = rng.choice(tasks)
        competencies = [e["code"] for e in rng.sample(duty["knowledge"], 1) + rng.sample(duty["skills"], 1)]
        indicator = rng.choice(task["indicators"])["code"]
        item_id = f"bench-{n:05d}"
        scene, action, thing = rng.choice(SCENES), rng.choice(ACTIONS), rng.choice(THINGS)
        key = "ABCD"[n % 4]
        options = "\n".join(f"  {label}: 先{rng.choice(ACTIONS)}{rng.choice(THINGS)}，再通知第{i + 1}組同仁" for i, label in enumerate("ABCD"))
        text = (
            f"id: {item_id}\nstandard: {standard['id']}\ntask: {task['code']}\n"
            f"competencies: [{', '.join(competencies)}]\nindicators: [{indicator}]\n"
            f"type: single\ncognitive_level: apply\ndifficulty: medium\n"
            # one line per folded block, as the bank writes them (a break between Chinese characters folds into a space)
            f"stem: >-\n  第{n}號情境：某{scene}開幕前兩天，專案經理請你{action}{thing}。下列做法何者最恰當？\n"
            f"options:\n{options}\nanswer: {key}\n"
            f"rationale: >-\n  {key} 正確，符合{indicator}的要求；其餘選項順序錯誤或遺漏確認步驟。\n"
            f"status: active\npoints: 1\nrevision: 1\n"
        )
        path = folder / f"{item_id}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def time_parse(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        with open(path, "rb") as handle:
            yaml.load(handle.read().decode("utf-8"), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def time_command(args: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qbank-bench-"))
    try:
        paths = make_bank(work, args.items)
        env = dict(os.environ)
        validate_times, parse_times, help_times = [], [], []
        for _ in range(args.repeat):
            elapsed, done = time_command([*QBANK, "validate", "items", "--format", "json"], work)
            if done.returncode not in (0, 1):
                print(done.stderr, file=sys.stderr)
                return 1
            validate_times.append(elapsed)
            parse_times.append(time_parse(paths))
            help_times.append(time_command([*QBANK, "--help"], work)[0])
        summary = done.stdout.rsplit('"summary"', 1)[-1].strip()
        v, p, h = min(validate_times), min(parse_times), min(help_times)
        print(f"items:                         {args.items}")
        print(f"qbank validate (whole command): {v:.2f} s  (median {statistics.median(validate_times):.2f} s over {args.repeat})")
        print(f"CSafeLoader parse only:         {p:.2f} s  (median {statistics.median(parse_times):.2f} s)")
        print(f"ratio validate / parse:         {v / p:.2f}  (target <= 2.0)")
        print(f"qbank --help wall time:         {h:.3f} s  (target <= 0.3 s)")
        print(f"validate summary: {summary[:200]}")
        del env
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
