"""Benchmark: the exam app under N concurrent candidates driven as browsers drive it.

Each simulated candidate (benchmarks/load/) loads the home page and its static files, speaks
Streamlit's websocket protocol, starts an official attempt with an access code (or a practice
one), answers with think time, reloads once mid-exam and submits; every answer's round trip is
recorded and, at the end, the database is compared with every acknowledged answer.

Prints, per database and size: answer round trip p50/p95/p99/max, errors, lost answers, time
to the first question, the server's CPU (cores busy, and per candidate) and memory (peak RSS,
and per candidate), the database's CPU (PostgreSQL backends); then the knee: the largest size
that met the targets (p95 <= 500 ms, no error, no lost answer) and the first that did not.
The machine's cores and load are printed first: other work on the machine shares the cores.

Usage: python benchmarks/load_bench.py [--candidates 100,250,500,1000] [--database sqlite,postgresql]
       [--think 30-90] [--questions 8] [--ramp 10] [--mode official|practice] [--replicas 1] [--proxy]
       [--kill-after-answers N] [--no-assets] [--server-env KEY=VALUE ...] [--profile FILE] [--json FILE]
PostgreSQL: QBANK_BENCH_POSTGRES_URL or QBANK_TEST_POSTGRES_URL (its public schema is dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from load.candidate import Behaviour
from load.hall import HallConfig, figures, run_hall

TARGET_P95_MS = 500  # the target for one answer's round trip
OUT = Path(__file__).resolve().parent / "out" / "load.json"


def _span(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


def machine() -> str:
    import streamlit

    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return f"machine: {cores} cores ({usable} usable), load average {load}; Python {platform.python_version()}, Streamlit {streamlit.__version__}; {time.strftime('%Y-%m-%d %H:%M')}"


def row(f: dict) -> str:
    ms = f["answer_ms"] or {"p50": "-", "p95": "-", "p99": "-", "max": "-"}
    steady = f.get("answer_ms_after_all_started") or {}
    errors = sum(f["errors"].values())
    kinds = ",".join(f"{k}:{v}" for k, v in sorted(f["errors"].items())) or "-"
    attempt = f["attempt_s"] or {"p95": "-", "max": "-"}
    db = f"{f['database_cores_busy']:.2f}" if f["database_cores_busy"] is not None else "-"
    return (
        f"{f['database']:<10} {f['candidates']:>5} {f['replicas']:>2}  answers {f['answers_acknowledged']:>5}/{f['answers_sent']:<5} "
        f"p50 {ms['p50']:>5} p95 {ms['p95']:>5} p99 {ms['p99']:>5} max {ms['max']:>6} ms "
        f"(once all started: n {steady.get('n', 0)} p95 {steady.get('p95', '-')} p99 {steady.get('p99', '-')})  "
        f"errors {errors:>4} ({kinds})  lost {f['lost_answers']}  submitted {f['submitted_in_database']}/{f['attempts_started']}  "
        f"first question p95 {attempt['p95']} s max {attempt['max']} s  "
        f"server {f['server_cores_busy']:.2f} cores = {f['server_millicores_per_candidate']:.2f} mcore/candidate, "
        f"RSS {f['server_rss_mib']['before']}->{f['server_rss_mib']['peak']} MiB = {f['server_rss_kib_per_candidate']} KiB/candidate  "
        f"db {db} cores  generator {f['generator_cpu_s']} s CPU"
    )


def knee(rows: list[dict]) -> str:
    ok = lambda f: f["answer_ms"] and f["answer_ms"]["p95"] <= TARGET_P95_MS and not f["errors"] and not f["lost_answers"]  # noqa: E731
    held = [f["candidates"] for f in rows if ok(f)]
    failed = [f["candidates"] for f in rows if not ok(f)]
    if not failed:
        return f"every size met the targets (largest {max(held)})"
    first_failed = min(failed)
    below = [n for n in held if n < first_failed]
    return f"targets met up to {max(below)} candidates, not at {first_failed}" if below else f"targets missed already at {first_failed}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", default="100,250,500,1000", help="comma-separated sizes")
    parser.add_argument("--database", default="sqlite,postgresql")
    parser.add_argument("--think", default="30-90", help="seconds before each answer, low-high (the stress variant: 2)")
    parser.add_argument("--questions", type=int, default=8, help="answers per candidate before submitting (0: the whole form)")
    parser.add_argument("--ramp", type=float, default=10.0, help="candidates arrive evenly over this many seconds")
    parser.add_argument("--mode", choices=("official", "practice"), default="official")
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--proxy", action="store_true", help="behind HAProxy (deploy/haproxy.cfg) even with one replica")
    parser.add_argument("--kill-after-answers", type=int, default=None, help="kill -9 one replica once this many answers were acknowledged")
    parser.add_argument("--no-assets", action="store_true", help="skip the static files (as if every browser had them cached)")
    parser.add_argument("--server-env", action="append", default=[], help="KEY=VALUE for the app servers, e.g. STREAMLIT_RUNNER_POST_SCRIPT_GC=false")
    parser.add_argument("--profile", type=Path, default=None, help="a profile rerun: sample the server's stacks into this file")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a run counts as failed")
    parser.add_argument("--json", type=Path, default=OUT, help=f"append the figures here (default {OUT})")
    args = parser.parse_args()
    behaviour = Behaviour(mode=args.mode, think=_span(args.think), questions=args.questions or None, assets=not args.no_assets, timeout=args.timeout)
    server_env = dict(item.split("=", 1) for item in args.server_env)
    pg = os.environ.get("QBANK_BENCH_POSTGRES_URL") or os.environ.get("QBANK_TEST_POSTGRES_URL")
    print(machine())
    print(
        f"candidates answer {args.questions or 'all'} questions, think {args.think} s, arrive over {args.ramp:g} s, mode {args.mode}, "
        f"static files {'no' if args.no_assets else 'yes'}, replicas {args.replicas}{' behind HAProxy' if args.proxy or args.replicas > 1 else ''}"
        + (f", server env {server_env}" if server_env else "")
    )
    rows: list[dict] = []
    for database in args.database.split(","):
        if database == "postgresql" and not pg:
            print("postgresql: not measured; set QBANK_BENCH_POSTGRES_URL (its public schema is dropped)")
            continue
        done: list[dict] = []
        for size in (int(n) for n in args.candidates.split(",")):
            with tempfile.TemporaryDirectory() as tmp:
                url = pg if database == "postgresql" else f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
                config = HallConfig(
                    url,
                    size,
                    behaviour,
                    ramp=args.ramp,
                    replicas=args.replicas,
                    proxy=args.proxy,
                    kill_after_answers=args.kill_after_answers,
                    server_env=server_env,
                    profile=args.profile,
                )
                try:
                    result = run_hall(config, Path(tmp))
                except Exception as exc:  # a benchmark reports what it could not measure
                    print(f"{database} {size}: not measured ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
                    continue
            f = figures(result) | {"server_env": server_env, "assets": not args.no_assets, "questions": args.questions, "ramp_s": args.ramp}
            f["machine"] = machine()
            print(row(f), flush=True)
            if result.lost:
                print("  lost: " + "; ".join(result.lost[:5]))
            done.append(f)
            args.json.parent.mkdir(parents=True, exist_ok=True)
            with args.json.open("a", encoding="utf-8") as out:
                out.write(json.dumps(f, ensure_ascii=False) + "\n")
        if done:
            print(f"{database}: {knee(done)} (p95 <= {TARGET_P95_MS} ms, no error, no lost answer)")
        rows += done
    return 0


if __name__ == "__main__":
    sys.exit(main())
