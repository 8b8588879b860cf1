"""Real browser (playwright + Debian's chromium) against real app servers.

A practice exam end to end with a reload in the middle; and two servers on one PostgreSQL
database, resuming on the second an attempt started on the first. Screenshots of the main
screens go to tests/artifacts/screenshots/ (not in git).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from questionbank.delivery import attempts, database
from tests.conftest import ROOT, fresh_postgres, need

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(database_url: str, workdir: Path, items: Path | None = None):
    port = free_port()
    env = {
        **os.environ,
        "QBANK_DATABASE_URL": database_url,
        "QBANK_STANDARDS": str(ROOT / "standards"),
        "QBANK_ITEMS": str(items or ROOT / "items"),
        "QBANK_BLUEPRINTS": str(ROOT / "blueprints"),
    }
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "exam_app" / "app.py"), f"--server.port={port}", "--server.headless=true"]
    command += ["--browser.gatherUsageStats=false", "--server.fileWatcherType=none", "--client.toolbarMode=viewer"]
    log = open(workdir / f"server-{port}.log", "w")  # noqa: SIM115 - closed below, after the server stops
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"the app server did not come up: {(workdir / f'server-{port}.log').read_text()[-2000:]}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture
def browser():
    need(Path(CHROMIUM).exists(), f"no {CHROMIUM} (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_text(page, text: str, timeout: float = 60_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def start_practice(page, base: str) -> str:
    page.goto(base)
    page.get_by_role("button", name="開始練習").click(timeout=60_000)
    wait_text(page, "第 1 題")
    page.wait_for_function("() => new URLSearchParams(location.search).get('token')")
    return page.evaluate("() => new URLSearchParams(location.search).get('token')")


def answer_first_option(page, answered: int) -> None:
    """Choose the first option and wait until the page reports ``answered`` saved answers
    (the save runs in the rerun the click triggers; a fixed sleep would race it)."""
    main = page.locator("[data-testid='stMain']")  # the sidebar has radios of its own (text size)
    radios = main.get_by_role("radio")
    if radios.count():
        radios.first.check(force=True)
    else:
        main.get_by_role("checkbox").first.check(force=True)
    wait_text(page, f"已作答 {answered} /")


def test_practice_exam_in_a_real_browser_with_a_reload(browser, tmp_path):
    url = f"sqlite:///{tmp_path / 'var' / 'qbank.sqlite3'}"
    with server(url, tmp_path) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-TW")
        page.goto(base)
        page.get_by_role("button", name="開始練習").wait_for(timeout=60_000)
        shot(page, "1-home")
        token = start_practice(page, base)
        answer_first_option(page, 1)
        shot(page, "2-exam-question-1")
        page.get_by_role("button", name="下一題 →").click()
        wait_text(page, "第 2 題")
        answer_first_option(page, 2)
        page.reload()
        wait_text(page, "第 2 題")  # back on the same question after the reload
        shot(page, "3-after-reload")
        engine = database.connect(url)
        st = attempts.state(engine, token)
        assert [bool(q.answer) for q in st.questions[:3]] == [True, True, False] and st.current_position == 1
        page.get_by_role("button", name="交卷").click()
        wait_text(page, "確定要交卷嗎")
        shot(page, "4-confirm-submit")
        page.get_by_role("button", name="確認交卷").click()
        wait_text(page, "測驗成績")
        wait_text(page, "題目檢討")
        shot(page, "5-results")
        assert attempts.state(engine, token).submitted
        # the PDF is made when it is asked for (a callable behind the button), and it is the report
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="下載成績報告（PDF）").click()
        pdf = Path(download.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF") and download.value.suggested_filename.endswith(".pdf")
        engine.dispose()


def test_two_servers_on_one_postgres_resume_an_attempt(browser, tmp_path):
    url = fresh_postgres()
    first_dir, second_dir = tmp_path / "a", tmp_path / "b"
    first_dir.mkdir()
    second_dir.mkdir()
    with server(url, first_dir) as first, server(url, second_dir) as second:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        token = start_practice(page, first)
        answer_first_option(page, 1)
        other = browser.new_page(viewport={"width": 1280, "height": 900})
        other.goto(f"{second}/exam?token={token}")
        wait_text(other, "第 1 題")
        wait_text(other, "已作答 1 /")
        other.get_by_role("button", name="下一題 →").wait_for()
        other.wait_for_timeout(1000)
        shot(other, "6-resumed-on-second-server")
        other.get_by_role("button", name="下一題 →").click()
        wait_text(other, "第 2 題")
        answer_first_option(other, 2)
        engine = database.connect(url)
        assert [bool(q.answer) for q in attempts.state(engine, token).questions[:2]] == [True, True]
        engine.dispose()
