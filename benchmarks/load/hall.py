"""An exam hall on this machine: the app servers (one, or replicas behind HAProxy), an official
form with access codes, N simulated candidates, the processes' CPU and memory sampled from
/proc, and at the end the database compared with every answer that was acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .candidate import Behaviour, Candidate, Outcome

ROOT = Path(__file__).resolve().parents[2]
FORM_ID = "load-hall"
STANDARD_ID = "BAS2421-002v4"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- the database -------------------------------------------------------------------------


def empty_postgres(url: str) -> None:
    """Drop and recreate the public schema of ``url`` (a database of its own: never a shared one)."""
    from sqlalchemy import create_engine, text

    engine = create_engine("postgresql+psycopg://" + url.removeprefix("postgresql://"))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def prepare(url: str, candidates: int, minutes: int) -> list[str]:
    """Migrate the database, publish the official form of the hall (assembled from the shipped
    default blueprint of BAS2421-002v4, as an examiner would) and issue one access code per
    candidate; returns the codes."""
    from questionbank.assembly import assemble
    from questionbank.checks.runner import load_blueprint, validate_bank
    from questionbank.delivery import database, publishing
    from questionbank.scoring import Rules
    from questionbank.snapshots import snapshot

    _, bank = validate_bank([ROOT / "standards", ROOT / "items"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    standard = bank.standards[STANDARD_ID]
    blueprint, problems = load_blueprint(ROOT / "blueprints" / f"{STANDARD_ID}.yaml", bank.standards)
    if blueprint is None:
        raise RuntimeError(f"the default blueprint of {STANDARD_ID} does not load: {problems}")
    items = [item for _, item in bank.items]
    assembly = assemble(blueprint, standard, items, seed=1)
    if not assembly.ok:
        raise RuntimeError(f"the default blueprint of {STANDARD_ID} does not assemble: {assembly.problems}")
    by_id = {item.id: item for item in items}
    snapshots = [snapshot(by_id[i], standard) for i in assembly.forms[0]]
    engine = database.connect(url)
    try:
        rules = Rules(blueprint.cut_percent, blueprint.cut_raw, blueprint.multiple_scoring, dict(blueprint.duty_minimum_percent))
        publishing.publish(engine, FORM_ID, snapshots, rules, kind="official", standard=standard, title="負載測試", time_limit_minutes=minutes)
        return publishing.issue_access_codes(engine, FORM_ID, [None] * candidates)
    finally:
        engine.dispose()


def lost_answers(url: str, outcomes: list[Outcome]) -> tuple[list[str], int]:
    """Every acknowledged answer the database does not hold (unless a later, unacknowledged
    click replaced it: that value was sent and may rightly be there); and the number of
    attempts the database holds as submitted."""
    from questionbank.delivery import attempts, database

    engine = database.connect(url, migrate=False)
    lost: list[str] = []
    submitted = 0
    try:
        for outcome in outcomes:
            if not outcome.token:
                continue
            state = attempts.state(engine, outcome.token)
            submitted += state.submitted_at is not None
            for position, answer in outcome.acknowledged.items():
                held = tuple(sorted(state.questions[position].answer))
                allowed = {tuple(sorted(answer))} | {tuple(sorted(a)) for a in outcome.unacknowledged.get(position, [])}
                if held not in allowed:
                    lost.append(f"candidate {outcome.index} question {position + 1}: acknowledged {answer}, database {held}")
    finally:
        engine.dispose()
    return lost, submitted


# --- the processes ------------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                todo += [int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split()]
        except OSError:
            continue
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (proc(5), counted from field 3)
    return total / CLOCK_TICKS


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    def pids(self) -> list[int]:
        return _tree(self.process.pid) if self.process.poll() is None else []

    def kill(self) -> None:
        """kill -9 of the replica: the `qbank serve` process and the Streamlit server it runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, seconds: float = 90) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} never became healthy")


def start_server(url: str, workdir: Path, port: int, extra_env: dict[str, str] | None = None, profile: Path | None = None) -> Server:
    """`qbank serve` on ``port`` (or, with ``profile``, the same server with a sampling profiler)."""
    env = {
        **os.environ,
        "QBANK_DATABASE_URL": url,
        "QBANK_STANDARDS": str(ROOT / "standards"),
        "QBANK_ITEMS": str(ROOT / "items"),
        "QBANK_BLUEPRINTS": str(ROOT / "blueprints"),
        "QBANK_COOKIE_SECRET": "one-secret-for-all-replicas",
        **(extra_env or {}),
        **({"QBANK_PROFILE_OUT": str(profile)} if profile else {}),
    }
    command = [sys.executable, "-m", "questionbank", "serve"]
    if profile:
        command = [sys.executable, str(Path(__file__).with_name("profile_server.py"))]
    log = workdir / f"server-{port}.log"
    with open(log, "w") as out:
        # a session (process group) of its own, so kill -9 takes the Streamlit child with it
        process = subprocess.Popen(
            [*command, "--port", str(port), "--address", "127.0.0.1"],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(port, process, log)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health")
    except RuntimeError:
        server.stop()
        raise RuntimeError(f"the app server did not come up: {log.read_text()[-2000:]}") from None
    return server


def start_haproxy(workdir: Path, ports: list[int]) -> tuple[subprocess.Popen, int]:
    """HAProxy with the shipped deploy/haproxy.cfg, pointed at ``ports``."""
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        raise RuntimeError("no haproxy (Debian package haproxy)")
    front = free_port()
    config = (ROOT / "deploy" / "haproxy.cfg").read_text(encoding="utf-8")
    lines = [line for line in config.splitlines() if not line.strip().startswith("server app")]
    lines = [line for line in lines if line.strip() != "log stdout format raw local0"]
    config = "\n".join(lines).replace("bind :8080", f"bind 127.0.0.1:{front}") + "\n"
    config += "".join(f"    server app{n} 127.0.0.1:{port} check cookie app{n} inter 2s fall 2 rise 2\n" for n, port in enumerate(ports, 1))
    (workdir / "haproxy.cfg").write_text(config, encoding="utf-8")
    process = subprocess.Popen([haproxy, "-f", str(workdir / "haproxy.cfg")], cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_healthy(f"http://127.0.0.1:{front}/_stcore/health")
    time.sleep(5)  # HAProxy's own checks (inter 2s, rise 2) mark every replica up
    return process, front


def postgres_backend_pids(url: str) -> list[int]:
    """The PostgreSQL backends serving this database (their CPU is the database's share)."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall()
    except psycopg.Error:
        return []
    return [row[0] for row in rows]


# --- one hall -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HallConfig:
    database_url: str
    candidates: int
    behaviour: Behaviour
    ramp: float = 10.0  # candidates arrive evenly over this many seconds
    replicas: int = 1
    proxy: bool = False  # behind HAProxy (always with more than one replica)
    kill_after_answers: int | None = None  # kill -9 one replica once this many answers were acknowledged
    server_env: dict[str, str] = field(default_factory=dict)  # e.g. STREAMLIT_RUNNER_POST_SCRIPT_GC=false
    minutes: int = 240
    profile: Path | None = None  # run the (first) server under the sampling profiler, counts written here


@dataclass
class Sample:
    at: float
    server_cpu: float
    server_rss: int
    database_cpu: float


@dataclass
class HallResult:
    config: HallConfig
    outcomes: list[Outcome]
    samples: list[Sample]
    lost: list[str]
    submitted_in_database: int
    generator_cpu: float
    baseline_rss: int
    killed: int | None = None  # port of the replica killed
    began: float = 0.0
    ended: float = 0.0


async def _sample(servers: list[Server], url: str, samples: list[Sample], stop: asyncio.Event) -> None:
    backends: list[int] = []
    while not stop.is_set():
        if url.startswith("postgresql"):
            backends = sorted(set(backends) | set(await asyncio.to_thread(postgres_backend_pids, url)))
        pids = [pid for server in servers for pid in server.pids()]
        samples.append(Sample(time.time(), cpu_seconds(pids), rss_bytes(pids), cpu_seconds(backends)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def _candidates(base: str, config: HallConfig, codes: list[str], servers: list[Server]) -> tuple[list[Outcome], int | None]:
    outcomes = [Outcome(index=n, candidate_id=f"L{n:05d}") for n in range(config.candidates)]
    killed: list[int] = []

    async def one(n: int) -> None:
        await asyncio.sleep(config.ramp * n / max(1, config.candidates))
        await Candidate(base, config.behaviour, outcomes[n], code=codes[n] if codes else "", seed=n).take_exam()

    async def killer() -> None:
        # mid-way by progress, not by the clock: a slow machine kills at the same point of the exam
        while sum(len(o.acknowledged) for o in outcomes) < (config.kill_after_answers or 0):
            await asyncio.sleep(0.2)
        victim = servers[0]
        await asyncio.to_thread(victim.kill)
        killed.append(victim.port)

    tasks = [asyncio.create_task(one(n)) for n in range(config.candidates)]
    kill = asyncio.create_task(killer()) if config.kill_after_answers is not None else None
    await asyncio.gather(*tasks)
    if kill is not None and not kill.done():
        kill.cancel()  # the candidates finished before the threshold: nothing was killed
    return outcomes, (killed[0] if killed else None)


def run_hall(config: HallConfig, workdir: Path) -> HallResult:
    """Start the servers, let the candidates take the exam, stop, compare with the database."""
    url = config.database_url
    if url.startswith("postgresql"):
        empty_postgres(url)
    codes = prepare(url, config.candidates, config.minutes) if config.behaviour.mode == "official" else []
    servers: list[Server] = []
    proxy = None
    try:
        for n in range(config.replicas):
            servers.append(start_server(url, workdir, free_port(), config.server_env, config.profile if n == 0 else None))
        if config.replicas > 1 or config.proxy:
            proxy, front = start_haproxy(workdir, [s.port for s in servers])
            base = f"http://127.0.0.1:{front}"
        else:
            base = f"http://127.0.0.1:{servers[0].port}"
        baseline = rss_bytes([pid for s in servers for pid in s.pids()])
        samples: list[Sample] = []

        async def main() -> tuple[list[Outcome], int | None]:
            stop = asyncio.Event()
            sampler = asyncio.create_task(_sample(servers, url, samples, stop))
            try:
                return await _candidates(base, config, codes, servers)
            finally:
                stop.set()
                await sampler

        generator_before = time.process_time()
        began = time.time()
        outcomes, killed = asyncio.run(main())
        ended = time.time()
        generator_cpu = time.process_time() - generator_before
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(timeout=20)
        for server in servers:
            server.stop()
    lost, submitted = lost_answers(url, outcomes)
    return HallResult(config, outcomes, samples, lost, submitted, generator_cpu, baseline, killed, began, ended)


# --- figures ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def figures(result: HallResult) -> dict[str, Any]:
    """The numbers of one hall, as printed and as kept in benchmarks/out/load.json."""
    outcomes = result.outcomes
    answers = [seconds for o in outcomes for _, seconds in o.answers]
    sent = [at for o in outcomes for at, _ in o.answers]
    errors: dict[str, int] = {}
    for o in outcomes:
        for kind, _ in o.errors:
            errors[kind] = errors.get(kind, 0) + 1
    to_attempt = [o.attempt_seconds for o in outcomes if o.attempt_seconds is not None]
    # the exam proper: answers sent once every candidate had the first question on screen (before
    # that, answers share the server with the page loads and starts of the late arrivals)
    all_started = max((o.began + o.attempt_seconds for o in outcomes if o.attempt_seconds is not None), default=float("inf"))
    steady = [seconds for o in outcomes for at, seconds in o.answers if at >= all_started]
    # CPU and memory over the exam proper: from the first answer to the last one
    window = [s for s in result.samples if sent and min(sent) <= s.at <= max(sent)] or result.samples
    n = result.config.candidates
    cpu = db_cpu = float("nan")
    if len(window) >= 2:
        span = window[-1].at - window[0].at
        cpu = (window[-1].server_cpu - window[0].server_cpu) / span if span > 0 else float("nan")
        db_cpu = (window[-1].database_cpu - window[0].database_cpu) / span if span > 0 else float("nan")
    peak = max((s.server_rss for s in result.samples), default=0)
    steps: dict[str, list[float]] = {}
    for o in outcomes:
        for what, seconds in o.steps:
            steps.setdefault(what, []).append(seconds)
    return {
        "database": "postgresql" if result.config.database_url.startswith("postgresql") else "sqlite",
        "candidates": n,
        "replicas": result.config.replicas,
        "haproxy": result.config.proxy or result.config.replicas > 1,
        "think_s": list(result.config.behaviour.think),
        "attempts_started": sum(bool(o.token) for o in outcomes),
        "submitted_acknowledged": sum(o.submitted for o in outcomes),
        "submitted_in_database": result.submitted_in_database,
        "answers_sent": len(answers),
        "answers_acknowledged": sum(len(o.acknowledged) for o in outcomes),
        "lost_answers": len(result.lost),
        "answer_ms": {q: round(percentile(answers, p) * 1000) for q, p in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))} if answers else {},
        "answer_ms_after_all_started": {"n": len(steady), **{q: round(percentile(steady, p) * 1000) for q, p in (("p50", 50), ("p95", 95), ("p99", 99))}}
        if steady
        else {},
        "answers_per_s": round(len(answers) / (max(sent) - min(sent)), 2) if len(sent) > 1 and max(sent) > min(sent) else None,
        "steps_ms": {what: {"n": len(v), "p50": round(percentile(v, 50) * 1000), "p95": round(percentile(v, 95) * 1000)} for what, v in steps.items()},
        "errors": errors,
        "candidates_with_errors": sum(bool(o.errors) for o in outcomes),
        "gave_up": sum(any(k == "gave-up" for k, _ in o.errors) for o in outcomes),
        "resumed_after_reload": sum(o.resumed_ok is True for o in outcomes),
        "attempt_s": {"p50": round(percentile(to_attempt, 50), 2), "p95": round(percentile(to_attempt, 95), 2), "max": round(max(to_attempt), 2)}
        if to_attempt
        else {},
        "server_cores_busy": round(cpu, 3),
        "server_millicores_per_candidate": round(cpu * 1000 / n, 3) if n else None,
        "database_cores_busy": round(db_cpu, 3) if result.config.database_url.startswith("postgresql") else None,
        "server_rss_mib": {"before": round(result.baseline_rss / 2**20), "peak": round(peak / 2**20)},
        "server_rss_kib_per_candidate": round((peak - result.baseline_rss) / 1024 / n) if n else None,
        "generator_cpu_s": round(result.generator_cpu, 1),
        "wall_s": round(result.ended - result.began, 1),
        "http_mib_per_candidate": round(statistics.mean(o.bytes_in for o in outcomes) / 2**20, 2) if outcomes else None,
        "reconnects": sum(o.reconnects for o in outcomes),
        "killed_replica": result.killed,
    }
