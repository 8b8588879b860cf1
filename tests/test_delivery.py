"""Delivery: published forms, attempts that never lose an answer, deadlines, submit once; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from questionbank.checks.runner import validate_bank
from questionbank.delivery import accounts, attempts, database, practice, publishing, results
from questionbank.errors import QbankError
from questionbank.scoring import Rules, item_credit
from questionbank.snapshots import scored_item, snapshot
from tests.conftest import ROOT

START = 1_800_000_000.0  # a fixed clock: every test passes `now` explicitly


@pytest.fixture(scope="module")
def shipped():
    _, bank = validate_bank([ROOT / "standards", ROOT / "items"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    standard = bank.standards["BAS2421-002v4"]
    active = [item for _, item in bank.items if item.standard == standard.id and item.status == "active"]
    by_type = {kind: [i for i in active if i.type == kind] for kind in ("single", "multiple", "true_false")}
    chosen = by_type["single"][:7] + by_type["multiple"][:3] + by_type["true_false"][:2]
    return standard, [snapshot(i, standard) for i in chosen]


@pytest.fixture
def engine(database_url):
    engine = database.connect(database_url)
    yield engine
    engine.dispose()


def publish(engine, shipped, kind="practice", form_id="f1", minutes=30, multiple="partial"):
    standard, snaps = shipped
    return publishing.publish(
        engine, form_id, snaps, Rules(70.0, None, multiple), kind=kind, standard=standard, title="測驗", time_limit_minutes=minutes, now=START
    )


def display_key(question, snap):
    """The key in this attempt's display labels (options were shuffled per attempt)."""
    if snap["type"] == "true_false":
        return snap["keys"][0] == "T"
    texts = dict(snap["options"])
    wanted = {texts[k] for k in snap["keys"]}
    return [label for label, text in question.options if text in wanted]


def test_migrations_reach_the_newest_revision(engine):
    assert database.current_revision(engine) == "0011"
    database.upgrade(engine)  # idempotent
    assert database.current_revision(engine) == "0011"


def test_practice_attempt_saves_resumes_scores_and_reviews(engine, database_url, shipped):
    _, snaps = shipped
    publish(engine, shipped)
    token = attempts.start_practice(engine, "f1", "cand-1", now=START)
    st = attempts.state(engine, token, now=START)
    assert len(st.questions) == 12 and st.deadline == START + 1800
    # option order is shuffled per attempt but every option is still there
    for q, snap in zip(st.questions, snaps, strict=True):
        assert sorted(text for _, text in q.options) == sorted(text for _, text in snap["options"])
    for q, snap in zip(st.questions[:6], snaps[:6], strict=True):
        attempts.save_answer(engine, token, q.position, display_key(q, snap), now=START + 10)
    attempts.set_flag(engine, token, 3, True, now=START + 11)
    attempts.set_position(engine, token, 5)
    # a reload, or another server: a new engine on the same database
    other = database.connect(database_url)
    resumed = attempts.state(other, token, now=START + 12)
    assert [bool(q.answer) for q in resumed.questions] == [True] * 6 + [False] * 6
    assert resumed.flagged == [3] and resumed.current_position == 5 and resumed.unanswered == list(range(6, 12))
    assert [q.options for q in resumed.questions] == [q.options for q in st.questions]
    result = attempts.submit(other, token, now=START + 20)
    assert result["raw"] == 6 and result["max"] == 12 and result["percent"] == 50.0 and result["passed"] is False
    assert sum(d["raw"] for d in result["duties"].values()) == 6
    review = results.review(other, token)
    assert [r["earned"] for r in review] == [1.0] * 6 + [0.0] * 6
    assert all(r["answer"] == tuple(sorted(r["key"])) for r in review[:6])
    assert review[0]["rationale"] == snaps[0]["rationale"] and review[0]["indicators"]
    other.dispose()


def test_official_attempt_needs_a_valid_code_and_never_reveals_keys(engine, shipped):
    publish(engine, shipped, kind="official", form_id="off")
    bound, free = publishing.issue_access_codes(engine, "off", ["A123", None], now=START)
    with pytest.raises(QbankError) as err:
        attempts.start_official(engine, bound, "B999", now=START)
    assert err.value.code == "access-code-invalid"
    with pytest.raises(QbankError) as err:
        attempts.start_official(engine, "NOPE", "A123", now=START)
    assert err.value.code == "access-code-invalid"
    token = attempts.start_official(engine, bound, "A123", now=START)
    assert attempts.start_official(engine, bound.lower(), "A123", now=START + 5) == token  # same candidate resumes
    other = attempts.start_official(engine, free, "C777", now=START)
    with pytest.raises(QbankError) as err:
        attempts.start_official(engine, free, "D888", now=START)
    assert err.value.code == "access-code-used"
    with pytest.raises(QbankError) as err:
        attempts.start_practice(engine, "off", "A123", now=START)
    assert err.value.code == "practice-not-allowed"
    attempts.submit(engine, token, now=START + 60)
    with pytest.raises(QbankError) as err:
        results.review(engine, token)
    assert err.value.code == "review-not-available"
    # the candidate's view carries no key or rationale
    view = attempts.state(engine, other, now=START + 1)
    assert not any(hasattr(q, "keys") or hasattr(q, "rationale") for q in view.questions)


def test_bad_input_is_refused_and_changes_nothing(engine, shipped):
    publish(engine, shipped)
    token = attempts.start_practice(engine, "f1", "cand", now=START)
    first = attempts.state(engine, token, now=START).questions[0]
    saved = attempts.save_answer(engine, token, 0, first.options[1][0], now=START + 1)
    cases = [
        (lambda: attempts.save_answer(engine, token, 0, "E", now=START + 2), "response-not-an-option"),
        (lambda: attempts.save_answer(engine, token, 0, ["A", "B"], now=START + 2), "response-not-an-option"),
        (lambda: attempts.save_answer(engine, token, 0, ["A", "A"], now=START + 2), "response-not-an-option"),
        (lambda: attempts.save_answer(engine, token, 11, "Q", now=START + 2), "response-not-an-option"),
        (lambda: attempts.save_answer(engine, token, 99, "A", now=START + 2), "response-unknown-question"),
        (lambda: attempts.save_answer(engine, token, -1, "A", now=START + 2), "response-unknown-question"),
        (lambda: attempts.save_answer(engine, "no-such-token", 0, "A", now=START + 2), "attempt-unknown"),
        (lambda: attempts.start_practice(engine, "no-such-form", "cand", now=START), "form-unknown"),
        (lambda: publish(engine, shipped), "form-exists"),
    ]
    for call, code in cases:
        with pytest.raises(QbankError) as err:
            call()
        assert err.value.code == code
    after = attempts.state(engine, token, now=START + 3)
    assert after.questions[0].answer == saved.answer and [q.answer for q in after.questions[1:]] == [()] * 11
    attempts.submit(engine, token, now=START + 4)
    for call in (lambda: attempts.submit(engine, token, now=START + 5), lambda: attempts.save_answer(engine, token, 1, "A", now=START + 5)):
        with pytest.raises(QbankError) as err:
            call()
        assert err.value.code == "attempt-submitted"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(database.scores)).scalar() == 1


def test_saving_is_an_idempotent_upsert(engine, shipped):
    publish(engine, shipped)
    token = attempts.start_practice(engine, "f1", "cand", now=START)
    for _ in range(3):
        saved = attempts.save_answer(engine, token, 2, "B", now=START + 1)
    assert saved.revision == 3 and saved.answer == ("B",)
    cleared = attempts.save_answer(engine, token, 2, None, now=START + 2)
    assert cleared.answer == ()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(database.responses)).scalar() == 1


def test_deadline_refuses_late_answers_and_submits_automatically(engine, shipped):
    _, snaps = shipped
    publish(engine, shipped, minutes=10)
    token = attempts.start_practice(engine, "f1", "late", now=START)
    q = attempts.state(engine, token, now=START).questions[0]
    attempts.save_answer(engine, token, 0, display_key(q, snaps[0]), now=START + 599)
    with pytest.raises(QbankError) as err:
        attempts.save_answer(engine, token, 1, "A", now=START + 601)
    assert err.value.code == "attempt-deadline-passed"
    st = attempts.state(engine, token, now=START + 602)
    assert st.submitted and st.submitted_by == "deadline" and st.submitted_at == START + 601
    assert [bool(q.answer) for q in st.questions] == [True] + [False] * 11
    assert results.result(engine, token)["raw"] == 1
    # extra time moves one candidate's deadline; the server's sweep submits the others
    slow = attempts.start_practice(engine, "f1", "slow", now=START)
    idle = attempts.start_practice(engine, "f1", "idle", now=START)
    assert attempts.grant_extra_time(engine, slow, 5) == START + 900
    attempts.save_answer(engine, slow, 0, "A", now=START + 800)
    swept = attempts.expire_due(engine, now=START + 801)
    assert swept == [attempts.state(engine, idle, now=START + 801).id]
    assert not attempts.state(engine, slow, now=START + 802).submitted
    assert attempts.expire_due(engine, now=START + 901) == [attempts.state(engine, slow, now=START + 800).id]


def test_fifty_simultaneous_attempts_lose_and_duplicate_nothing(engine, shipped):
    _, snaps = shipped
    publish(engine, shipped, minutes=None)
    tokens = [attempts.start_practice(engine, "f1", f"c{n:02d}", now=START) for n in range(50)]
    expected: dict[str, float] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(50)

    def run(n: int, token: str) -> None:
        try:
            barrier.wait()
            st = attempts.state(engine, token, now=START)
            total = 0.0
            for q, snap in zip(st.questions, snaps, strict=True):
                right = (n + q.position) % 3 != 0
                answer = display_key(q, snap) if right else ([] if q.type != "true_false" else snap["keys"][0] != "T")
                attempts.save_answer(engine, token, q.position, "A" if q.type != "true_false" else True, now=START + 1)
                attempts.save_answer(engine, token, q.position, answer, now=START + 2)  # changed mind: the last one counts
                total += 1.0 if right else 0.0
            expected[token] = total
            attempts.submit(engine, token, now=START + 3)
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n, t)) for n, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engine.connect() as conn:
        rows = conn.execute(select(database.responses.c.attempt_id, database.responses.c.revision)).all()
        scores = dict(conn.execute(select(database.attempts.c.token, database.scores.c.raw).join(database.scores)).all())
    assert len(rows) == 50 * 12 and Counter(r.revision for r in rows) == {2: 600}
    assert scores == expected


CHILD = """
import sys
from questionbank.delivery import attempts, database
engine = database.connect(sys.argv[1])
token = sys.argv[2]
st = attempts.state(engine, token)
for q in st.questions:
    answer = True if q.type == "true_false" else q.options[-1][0]
    saved = attempts.save_answer(engine, token, q.position, answer)
    print(q.position, "".join(saved.answer), flush=True)
    if q.position == 7:
        import time
        time.sleep(60)
"""


def test_killed_process_resumes_with_every_saved_answer(engine, database_url, shipped):
    publish(engine, shipped, minutes=None)
    token = attempts.start_practice(engine, "f1", "crash")
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(CHILD), database_url, token], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    acked = {}
    for line in child.stdout:
        position, answer = line.split()
        acked[int(position)] = answer
        if len(acked) == 8:
            break
    child.kill()  # SIGKILL: no cleanup, no commit hooks
    child.wait()
    child.stdout.close()
    engine.dispose()
    fresh = database.connect(database_url)
    st = attempts.state(fresh, token)
    assert {q.position: "".join(q.answer) for q in st.questions if q.answer} == acked
    attempts.save_answer(fresh, token, 8, "A")
    assert attempts.submit(fresh, token)["max"] == 12
    fresh.dispose()


def test_examiner_accounts_hash_passwords(engine):
    accounts.add_examiner(engine, "王考官", "correct horse battery")
    with engine.connect() as conn:
        stored = conn.execute(select(database.examiners.c.password_hash)).scalar()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert accounts.verify_examiner(engine, "王考官", "correct horse battery")
    assert not accounts.verify_examiner(engine, "王考官", "wrong password!")
    assert not accounts.verify_examiner(engine, "nobody", "correct horse battery")
    for name, password, code in (
        ("王考官", "another password", "examiner-exists"),
        ("李考官", "short", "examiner-invalid"),
        ("", "long enough pw", "examiner-invalid"),
    ):
        with pytest.raises(QbankError) as err:
            accounts.add_examiner(engine, name, password)
        assert err.value.code == code


def test_scores_stored_match_the_per_response_rule(engine, shipped):
    _, snaps = shipped
    publish(engine, shipped, multiple="partial")
    token = attempts.start_practice(engine, "f1", "partial", now=START)
    st = attempts.state(engine, token, now=START)
    expected = 0.0
    for q, snap in zip(st.questions, snaps, strict=True):
        if q.type == "multiple":
            chosen = [q.options[0][0], q.options[1][0]]
            attempts.save_answer(engine, token, q.position, chosen, now=START + 1)
            texts = dict(q.options)
            original = {label for label, text in snap["options"] if text in {texts[c] for c in chosen}}
            item = scored_item(snap)
            expected += item_credit(item, tuple(original), Rules(multiple="partial"))
    result = attempts.submit(engine, token, now=START + 2)
    assert result["raw"] == pytest.approx(expected)
    assert json.loads(json.dumps(result)) == results.result(engine, token)


def test_cli_db_user_and_publish(tmp_path, monkeypatch, capsys):
    import io

    from questionbank.cli import main

    url = f"sqlite:///{tmp_path / 'var' / 'q.sqlite3'}"
    monkeypatch.setenv("QBANK_DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    assert "revision 0011" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["user", "add", "陳考官", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", "林考官", "--password-stdin"]) == 1
    assert "examiner-invalid" in capsys.readouterr().err
    engine = database.connect(url)
    assert accounts.verify_examiner(engine, "陳考官", "a long enough password")
    bank = ["--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")]
    assert main(["assemble", str(ROOT / "blueprints" / "KMC2432-001v2.yaml"), "--forms", "1", "-o", str(tmp_path / "forms"), *bank]) == 0
    form = next((tmp_path / "forms").glob("*.json"))
    capsys.readouterr()
    assert main(["publish", str(form), "--codes", "3", *bank]) == 0
    lines = capsys.readouterr().out.split()
    codes = lines[-3:]
    assert all(len(c) == 10 for c in codes)
    token = attempts.start_official(engine, codes[0], "X1")
    assert len(attempts.state(engine, token).questions) == json.loads(form.read_text(encoding="utf-8"))["length"] == 40
    assert main(["publish", str(form), *bank]) == 1
    assert "form-exists" in capsys.readouterr().err
    monkeypatch.setenv("QBANK_DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:1/none")
    assert main(["db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert "cannot use the database at postgresql://nobody:***@127.0.0.1:1/none" in err and "Traceback" not in err and "secret" not in err
    engine.dispose()


def test_practice_assembled_on_the_fly_for_all_or_chosen_duties(engine, shipped):
    from questionbank.checks.runner import load_blueprint

    standard, _ = shipped
    _, bank = validate_bank([ROOT / "standards", ROOT / "items"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    items = [item for _, item in bank.items]
    blueprint, _ = load_blueprint(ROOT / "blueprints" / "BAS2421-002v4.yaml", bank.standards)
    token = practice.start_practice_from_blueprint(engine, blueprint, standard, items, "p1", seed=1, now=START)
    st = attempts.state(engine, token, now=START)
    assert len(st.questions) == blueprint.length and st.mode == "practice" and st.deadline == START + 60 * blueprint.time_limit_minutes
    assert Counter(q.duty for q in st.questions) == {d: r.min for d, r in blueprint.duty_ranges.items()}
    token = practice.start_practice_from_blueprint(engine, blueprint, standard, items, "p1", duties=["T2", "T5"], length=10, seed=2, now=START)
    st = attempts.state(engine, token, now=START)
    assert Counter(q.duty for q in st.questions) == {"T2": 6, "T5": 4}  # 11:8 of the default, scaled to 10
    assert st.deadline == START + 15 * 60
    with pytest.raises(QbankError) as err:
        practice.start_practice_from_blueprint(engine, blueprint, standard, items, "p1", duties=["T9"], now=START)
    assert err.value.code == "practice-not-allowed"
    with pytest.raises(QbankError) as err:
        practice.start_practice_from_blueprint(engine, blueprint, standard, items, "p1", duties=["T7"], length=50, now=START)
    assert err.value.code == "practice-too-long" and "have 12 items" in str(err.value)


def test_an_abandoned_official_attempt_is_submitted_by_the_servers_sweep(engine, shipped):
    """Nobody opens a page: the sweep thread alone submits the attempt at its deadline."""
    import time as clock

    from questionbank.delivery.sweeper import start_sweeper

    past = clock.time() - 3600  # the sweep runs on the real clock: this attempt's minute ended an hour ago
    publish(engine, shipped, kind="official", form_id="swept", minutes=1)
    (code,) = publishing.issue_access_codes(engine, "swept", ["c-1"], now=past)
    token = attempts.start_official(engine, code, "c-1", now=past)
    attempts.save_answer(engine, token, 0, ["A"], now=past + 1)
    stop = threading.Event()
    thread = start_sweeper(engine, interval=0.05, stop=stop)
    waited = 0.0
    while not attempts.state(engine, token, now=past + 2).submitted and waited < 20:
        clock.sleep(0.1)
        waited += 0.1
    stop.set()
    thread.join(5)
    state = attempts.state(engine, token, now=past + 2)
    assert state.submitted and state.submitted_by == "deadline"
    assert results.result(engine, token)["max"] > 0


def test_a_backup_is_a_working_copy_taken_while_attempts_go_on(engine, shipped, database_url, tmp_path, monkeypatch, capsys):
    """qbank db backup: the copy opens as a database with every saved answer."""
    import shutil

    from questionbank.cli import main

    if database_url.startswith("postgresql") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump (postgresql-client) is not installed")
    publish(engine, shipped, form_id="bk")
    token = attempts.start_practice(engine, "bk", "B1", now=START)
    attempts.save_answer(engine, token, 0, "A", now=START + 1)
    monkeypatch.setenv("QBANK_DATABASE_URL", database_url)
    target = tmp_path / "backup.bin"
    assert main(["db", "backup", str(target)]) == 0
    assert target.exists() and not (tmp_path / "backup.bin.partial").exists()
    if database_url.startswith("sqlite"):
        copy = database.connect(f"sqlite:///{target}")
        assert attempts.state(copy, token, now=START + 2).questions[0].answer
        copy.dispose()
    else:
        assert target.read_bytes()[:5] == b"PGDMP"
    assert main(["db", "backup", str(tmp_path / "missing-folder" / "x")]) == 1
    assert "[backup-failed]" in capsys.readouterr().err


def test_serve_runs_with_production_settings():
    from questionbank.cli.delivery import serve_command

    command, env = serve_command(8600, "0.0.0.0", {"QBANK_COOKIE_SECRET": "s3cret"})
    assert "--client.showErrorDetails=none" in command and env["STREAMLIT_SERVER_COOKIE_SECRET"] == "s3cret"
    assert "--runner.postScriptGC=false" in command  # the full gc after every run was half the CPU under load
    assert "--server.fileWatcherType=none" in command
    assert "STREAMLIT_SERVER_COOKIE_SECRET" not in serve_command(8600, "x", {})[1]
