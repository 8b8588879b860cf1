"""Run the exam app as ``qbank serve`` does, with a sampling profiler inside: every 5 ms the
stack of every thread is weighted by the CPU time the thread used since the last look. Every
10 s and at exit the profile goes to $QBANK_PROFILE_OUT: per function its share of the CPU time
on the stack ("cumulative") and innermost ("self"), and where the idle threads wait.

A profile rerun of the load benchmark: ``load_bench.py --profile FILE``. Sampling from a thread
in the same process takes the GIL itself: the profile shows where the time goes, the figures
of a profiled run are not the benchmark's figures.

Usage: python benchmarks/load/profile_server.py --port P [--address A]
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
import threading
import time
from collections import Counter
from pathlib import Path

INTERVAL = 0.005


def _ran_ns(native_id: int | None) -> int:
    """Nanoseconds this thread has run on a CPU (first field of /proc/self/task/TID/schedstat)."""
    try:
        with open(f"/proc/self/task/{native_id}/schedstat") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


class Sampler:
    """Stacks weighted by the CPU time each thread used since the last look (schedstat, in ns):
    a CPU profile, not a count of threads that merely exist. Threads that did not run are
    counted apart by their innermost frame: where they wait (a lock, a socket, a queue)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.cumulative: Counter[str] = Counter()
        self.self: Counter[str] = Counter()
        self.threads: Counter[str] = Counter()
        self.waiting: Counter[str] = Counter()
        self.cpu_ms = 0.0
        self.ticks = 0

    def run(self) -> None:
        me = threading.get_ident()
        last: dict[int, int] = {}
        last_dump = time.monotonic()
        while True:
            time.sleep(INTERVAL)
            self.ticks += 1
            threads = {t.ident: t for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                thread = threads.get(ident)
                if ident == me or thread is None or thread.native_id is None:
                    continue
                ran = _ran_ns(thread.native_id)
                ms = (ran - last.get(thread.native_id, ran)) / 1e6
                last[thread.native_id] = ran
                code = frame.f_code
                top = f"{_short(code.co_filename)}:{code.co_name}"
                if ms <= 0:
                    self.waiting[top] += 1
                    continue
                self.cpu_ms += ms
                self.threads["ScriptRunner" if thread.name.startswith("ScriptRunner") else thread.name] += ms
                self.self[top] += ms
                seen = set()
                while frame is not None:
                    where = f"{_short(frame.f_code.co_filename)}:{frame.f_code.co_name}"
                    if where not in seen:
                        seen.add(where)
                        self.cumulative[where] += ms
                    frame = frame.f_back
            if time.monotonic() - last_dump > 10:
                self.dump()
                last_dump = time.monotonic()

    def dump(self) -> None:
        total = max(1e-9, self.cpu_ms)
        lines = [f"{self.ticks} looks every {INTERVAL * 1000:g} ms; {self.cpu_ms / 1000:.1f} s of CPU sampled"]
        lines.append("CPU by thread: " + ", ".join(f"{name} {ms / total:.0%}" for name, ms in self.threads.most_common(8)))
        lines.append("\ncumulative (share of CPU time with the function on the stack):")
        lines += [f"{ms / total:6.1%}  {where}" for where, ms in self.cumulative.most_common(70)]
        lines.append("\nself (share of CPU time with the function innermost):")
        lines += [f"{ms / total:6.1%}  {where}" for where, ms in self.self.most_common(40)]
        looks = max(1, sum(self.waiting.values()))
        lines.append("\nwaiting (threads that did not run, by innermost frame; share of such looks):")
        lines += [f"{n / looks:6.1%}  {where}" for where, n in self.waiting.most_common(15)]
        self.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _short(filename: str) -> str:
    for marker in ("site-packages/", "lib/python3", "/work/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="127.0.0.1")
    args = parser.parse_args()
    from questionbank.cli.delivery import serve_command

    command, env = serve_command(args.port, args.address, dict(os.environ))
    os.environ.update(env)
    sampler = Sampler(Path(os.environ["QBANK_PROFILE_OUT"]))
    threading.Thread(target=sampler.run, name="sampler", daemon=True).start()
    import atexit

    atexit.register(sampler.dump)
    sys.argv = ["streamlit", *command[3:]]  # after "python -m streamlit"
    runpy.run_module("streamlit", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
