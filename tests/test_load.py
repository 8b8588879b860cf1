"""The short CI variant of the load benchmark (benchmarks/load_bench.py): 50 simulated candidates,
driven over Streamlit's websocket protocol as browsers drive it, take an official exam on two
replicas behind HAProxy on PostgreSQL; one replica is killed (kill -9) mid-way. The candidates
on it reconnect through HAProxy as the frontend does and carry on, on the other replica, from
the attempt token in their URL. No acknowledged answer may be missing from the database and
every attempt must be submitted. Nothing here is timed."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from benchmarks.load.browser import Page, Shown, StreamlitBrowser
from benchmarks.load.candidate import Behaviour, current, shows_saved
from benchmarks.load.hall import HallConfig, free_port, run_hall, start_server
from questionbank.delivery import attempts, database
from tests.conftest import fresh_postgres, need

CANDIDATES = 50
QUESTIONS = 6


def test_fifty_candidates_on_two_replicas_one_killed_lose_no_acknowledged_answer(tmp_path: Path):
    need(shutil.which("haproxy") is not None, "no haproxy (Debian package haproxy)")
    url = fresh_postgres()
    behaviour = Behaviour(mode="official", think=(2.0, 4.0), glance=(0.3, 1.0), questions=QUESTIONS, timeout=90.0)
    config = HallConfig(url, CANDIDATES, behaviour, ramp=5.0, replicas=2, kill_after_answers=CANDIDATES * QUESTIONS // 2)
    result = run_hall(config, tmp_path)

    assert result.killed is not None  # a replica died with half of the answers given
    outcomes = result.outcomes
    gave_up = [(o.index, o.errors[-1]) for o in outcomes if not o.submitted]
    assert gave_up == []
    assert all(o.token for o in outcomes)
    assert result.submitted_in_database == CANDIDATES
    assert result.lost == []
    assert sum(len(o.acknowledged) for o in outcomes) == CANDIDATES * QUESTIONS
    # the killed replica's candidates lost their websocket and reconnected through HAProxy
    assert sum(o.reconnects for o in outcomes) > 0
    # and the first answer they gave on the other replica was saved at once (the page's ✓): a
    # new session there knows no widget of the page, so the save must not hang on on_change
    not_saved = [(o.index, detail) for o in outcomes for kind, detail in o.errors if kind == "not-acknowledged"]
    assert not_saved == []
    # nor must a click on 下一題 → or 交卷 (no on_click registered there either); a click sent in
    # the moment the replica died is lost with it, as in a browser, and is recorded apart
    not_taken = [(o.index, detail) for o in outcomes for kind, detail in o.errors if kind == "not-reached"]
    assert not_taken == []
    # and every reload mid-exam brought back the same question with every saved answer
    assert all(o.resumed_ok for o in outcomes)


def test_a_button_is_found_by_its_label_and_a_widget_reports_its_default():
    """The browser model without a server: widget values as the frontend mounts them."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    browser = StreamlitBrowser("http://127.0.0.1:1")
    session = ForwardMsg()
    session.new_session.initialize.session_id = "s1"
    radio = ForwardMsg()
    radio.metadata.delta_path[:] = [0, 4]
    radio.delta.new_element.radio.id = "$$ID-abc-mode"
    radio.delta.new_element.radio.label = "模式"
    radio.delta.new_element.radio.options[:] = ["模擬測驗（預設藍圖）", "正式考試"]
    radio.delta.new_element.radio.default = 0
    button = ForwardMsg()
    button.metadata.delta_path[:] = [0, 5]
    button.delta.new_element.button.id = "$$ID-def-start"
    button.delta.new_element.button.label = "開始練習"
    finished = ForwardMsg()
    finished.script_finished = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
    for message in (session, radio, button, finished):
        browser._handle(message)

    assert browser.session_id == "s1"
    assert isinstance(browser.page, Page)
    found = browser.page.find("radio", "模式")
    assert isinstance(found, Shown) and found.options == ("模擬測驗（預設藍圖）", "正式考試")
    assert browser.value(found) == "模擬測驗（預設藍圖）"  # mounted with its default, sent with every rerun
    assert browser.page.find("button", "開始練習").widget_id == "$$ID-def-start"
    assert browser.page.find("button", "開始正式考試") is None

    # a widget gone from the next run is dropped from the states sent up
    for message in (session, button, finished):
        browser._handle(message)
    assert browser.value(found) is None and list(browser.states) == []


def test_an_answer_clicked_on_a_new_session_after_a_reconnect_is_saved(tmp_path: Path):
    """What a failover does to a tab, on one server: the websocket comes back with a session id
    the server does not know (as on another replica), so a new session serves the old page;
    the next click brings the widget's value, and no on_change is registered there yet."""
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    database.connect(url).dispose()
    server = start_server(url, tmp_path, free_port())

    async def scenario() -> tuple[str, bool, list[str]]:
        tab = StreamlitBrowser(f"http://127.0.0.1:{server.port}", assets=False)
        try:
            await tab.open("/")
            run = await tab.click("開始練習")
            assert current(run)[0] == 0  # the first question is on screen
            radio = run.page.find("radio", "選項")
            boxes = [b for b in run.page.all("checkbox") if b.label.startswith("(")]
            await tab._drop_socket()
            tab.session_id = "a-session-of-a-replica-that-died"
            await tab._connect()
            if radio is not None:
                run = await tab.set(radio, radio.options[-1])
            else:
                run = await tab.set(boxes[-1], True)
            token = dict(p.split("=", 1) for p in tab.query.split("&")).get("token", "")
            return token, shows_saved(run, 0), run.page.errors()
        finally:
            await tab.close()

    try:
        token, saved, errors = asyncio.run(scenario())
    finally:
        server.stop()
    assert errors == [] and saved  # the page shows the ✓ at once
    engine = database.connect(url, migrate=False)
    assert attempts.state(engine, token).questions[0].answer != ()
    engine.dispose()


def test_buttons_and_the_navigator_clicked_on_a_new_session_after_a_reconnect_take_effect(tmp_path: Path):
    """The same failover for moving: 下一題 → and a number in the question navigator, clicked on
    a page whose session the server does not know, move to that question at once."""
    from benchmarks.load.candidate import navigator

    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    database.connect(url).dispose()
    server = start_server(url, tmp_path, free_port())

    async def failover(tab: StreamlitBrowser, name: str) -> None:
        await tab._drop_socket()
        tab.session_id = f"a-session-of-a-replica-that-died-{name}"
        await tab._connect()

    async def scenario() -> tuple[list[int | None], list[str], str]:
        tab = StreamlitBrowser(f"http://127.0.0.1:{server.port}", assets=False)
        seen: list[int | None] = []
        try:
            await tab.open("/")
            run = await tab.click("開始練習")
            seen.append(current(run)[0])
            await failover(tab, "1")
            run = await tab.click("下一題 →")
            seen.append(current(run)[0])
            await failover(tab, "2")
            pills = navigator(run)
            run = await tab.pick(pills, next(o for o in pills.options if o.startswith("5")))
            seen.append(current(run)[0])
            run = await tab.click("← 上一題")  # and on the same session, as before
            seen.append(current(run)[0])
            token = dict(p.split("=", 1) for p in tab.query.split("&")).get("token", "")
            return seen, run.page.errors(), token
        finally:
            await tab.close()

    try:
        seen, errors, token = asyncio.run(scenario())
    finally:
        server.stop()
    assert errors == []
    assert seen == [0, 1, 4, 3]
    engine = database.connect(url, migrate=False)
    assert attempts.state(engine, token).current_position == 3
    engine.dispose()
