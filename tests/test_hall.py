"""Running an exam hall: two replicas behind HAProxy (sticky cookie, health checks) on one
PostgreSQL; a replica is killed mid-exam and the candidate resumes through HAProxy on the other
with every saved answer."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

from benchmarks.load.hall import wait_healthy
from questionbank.delivery import attempts, database
from tests.conftest import ROOT, fresh_postgres, need
from tests.test_browser import browser, free_port, wait_text  # noqa: F401  (browser is a fixture)
from tests.test_browser_ux import settled


def test_a_replica_killed_mid_exam_loses_no_answer(browser, tmp_path):  # noqa: F811
    need(shutil.which("haproxy") is not None, "no haproxy (Debian package haproxy)")
    url = fresh_postgres()
    ports = [free_port(), free_port()]
    front = free_port()
    env = {
        **os.environ,
        "QBANK_DATABASE_URL": url,
        "QBANK_STANDARDS": str(ROOT / "standards"),
        "QBANK_ITEMS": str(ROOT / "items"),
        "QBANK_BLUEPRINTS": str(ROOT / "blueprints"),
        "QBANK_COOKIE_SECRET": "one-secret-for-all",
    }
    replicas = {}
    logs = []
    for port in ports:
        log = open(tmp_path / f"replica-{port}.log", "w")  # noqa: SIM115 - closed at the end
        logs.append(log)
        replicas[port] = subprocess.Popen(
            [sys.executable, "-m", "questionbank", "serve", "--port", str(port), "--address", "127.0.0.1"],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    config = (ROOT / "deploy" / "haproxy.cfg").read_text(encoding="utf-8")
    config = (
        config.replace("bind :8080", f"bind 127.0.0.1:{front}")
        .replace("127.0.0.1:8501", f"127.0.0.1:{ports[0]}")
        .replace("127.0.0.1:8502", f"127.0.0.1:{ports[1]}")
    )
    config = config.replace("    log stdout format raw local0\n", "")
    (tmp_path / "haproxy.cfg").write_text(config, encoding="utf-8")
    proxy = subprocess.Popen(["haproxy", "-f", str(tmp_path / "haproxy.cfg")], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for port in ports:
            wait_healthy(f"http://127.0.0.1:{port}/_stcore/health")
        base = f"http://127.0.0.1:{front}"
        wait_healthy(f"{base}/_stcore/health")
        time.sleep(3)  # HAProxy's own health checks mark both replicas up
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-TW")
        page = context.new_page()
        page.goto(base)
        page.get_by_role("button", name="開始練習").click(timeout=60_000)
        wait_text(page, "第 1 題")
        token = page.evaluate("() => new URLSearchParams(location.search).get('token')")
        main = page.locator("[data-testid='stMain']")
        for n in range(3):
            settled(page)  # the question of this run is on the page (no rerun replacing it)
            radios = main.get_by_role("radio")
            (radios.first if radios.count() else main.get_by_role("checkbox").first).check(force=True)
            wait_text(page, f"已作答 {n + 1} /")
            page.get_by_role("button", name="下一題 →").click()
            wait_text(page, f"第 {n + 2} 題")
        settled(page)
        sticky = {c["name"]: c["value"] for c in context.cookies()}.get("QBANKSRV")
        assert sticky in ("app1", "app2"), context.cookies()
        victim = ports[0] if sticky == "app1" else ports[1]
        os.kill(replicas[victim].pid, signal.SIGKILL)  # the replica holding this candidate dies
        replicas[victim].wait()
        time.sleep(5)  # HAProxy notices (inter 2s, fall 2)
        page.reload()
        wait_text(page, "已作答 3 /", timeout=60_000)  # resumed on the other replica, nothing lost
        assert replicas[victim].poll() is not None  # served by the surviving replica
        engine = database.connect(url)
        state = attempts.state(engine, token)
        assert sum(bool(q.answer) for q in state.questions) == 3 and state.current_position == 3
        engine.dispose()
    finally:
        proxy.terminate()
        proxy.wait(timeout=20)
        for process in replicas.values():
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
        for log in logs:
            log.close()
