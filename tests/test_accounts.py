"""Examiner accounts: atomic login throttling per name and client, name and password rules, unlock."""

from __future__ import annotations

import threading

import pytest

from questionbank.cli import main
from questionbank.delivery import accounts, database
from questionbank.errors import AccessDenied, NotFound, RequestInvalid

PASSWORD = "right password 123"
START = 1_800_000_000.0


@pytest.fixture
def engine(database_url):
    engine = database.connect(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def checks(monkeypatch):
    """Counts every password check (the Argon2 verification), across threads."""
    count = {"n": 0}
    lock = threading.Lock()
    real = accounts._verify_password

    def counted(stored, password):
        with lock:
            count["n"] += 1
        return real(stored, password)

    monkeypatch.setattr(accounts, "_verify_password", counted)
    return count


def test_forty_concurrent_wrong_logins_check_at_most_five_passwords(engine, checks):
    accounts.add_examiner(engine, "admin", PASSWORD)
    outcomes = []
    barrier = threading.Barrier(40)

    def guess(n):
        barrier.wait()
        try:
            outcomes.append(accounts.login(engine, "admin", f"guess number {n:02d}", client="attacker", now=START))
        except AccessDenied as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert checks["n"] <= accounts.MAX_FAILURES
    assert outcomes.count(False) == checks["n"]
    assert outcomes.count("login-rate-limited") == 40 - checks["n"]
    # the right password from the same client is refused too, without being checked
    with pytest.raises(AccessDenied):
        accounts.login(engine, "admin", PASSWORD, client="attacker", now=START + 1)
    assert checks["n"] <= accounts.MAX_FAILURES


def test_a_stranger_cannot_lock_the_examiner_out_and_unlock_clears(engine):
    accounts.add_examiner(engine, "admin", PASSWORD)
    for n in range(accounts.MAX_FAILURES):
        assert accounts.login(engine, "admin", f"wrong {n}", client="stranger", now=START) is False
    with pytest.raises(AccessDenied):
        accounts.login(engine, "admin", "wrong again", client="stranger", now=START)
    assert accounts.login(engine, "ADMIN", PASSWORD, client="examiner-desk", now=START) is True
    assert accounts.unlock(engine, "Admin") == accounts.MAX_FAILURES
    assert accounts.login(engine, "admin", PASSWORD, client="stranger", now=START) is True
    # the window passes by itself too
    for n in range(accounts.MAX_FAILURES):
        accounts.login(engine, "admin", f"wrong {n}", client="x", now=START)
    assert accounts.login(engine, "admin", PASSWORD, client="x", now=START + accounts.WINDOW_SECONDS + 1) is True


def test_one_client_cannot_spread_guesses_over_many_names(engine):
    for n in range(accounts.MAX_CLIENT_FAILURES):
        accounts.login(engine, f"name{n}", "wrong password", client="spray", now=START)
    with pytest.raises(AccessDenied):
        accounts.login(engine, "another", "wrong password", client="spray", now=START)


@pytest.mark.parametrize(
    "name",
    ["ad\nmin", "ad\x1bmin", "ad\u200bmin", "ad\u202emin", "\u200b", "   ", "a" * 101, "ad\tmin"],
)
def test_names_with_control_or_invisible_characters_are_refused(engine, name):
    with pytest.raises(RequestInvalid) as err:
        accounts.add_examiner(engine, name, PASSWORD)
    assert err.value.code == "examiner-invalid" and err.value.problem.path == "name"


def test_names_are_unique_ignoring_case_and_width(engine):
    accounts.add_examiner(engine, "admin", PASSWORD)
    for twin in ("Admin", "ADMIN", "ａｄｍｉｎ", " admin "):
        with pytest.raises(RequestInvalid) as err:
            accounts.add_examiner(engine, twin, PASSWORD)
        assert err.value.code == "examiner-exists"


@pytest.mark.parametrize("password", [" " * 12, "\t" * 12, "short", "aaaaaaaaaaaa", "ababababab"])
def test_weak_passwords_are_refused(engine, password):
    with pytest.raises(RequestInvalid) as err:
        accounts.add_examiner(engine, "writer", password)
    assert err.value.problem.path == "password"


def test_passwd_changes_the_password_and_refuses_unknown_names(engine):
    accounts.add_examiner(engine, "admin", PASSWORD)
    accounts.set_password(engine, "ADMIN", "a new password 456")
    assert accounts.login(engine, "admin", "a new password 456", now=START) is True
    assert accounts.login(engine, "admin", PASSWORD, now=START) is False
    with pytest.raises(NotFound):
        accounts.set_password(engine, "nobody", "a new password 456")


def test_cli_user_passwd_and_unlock(database_url, monkeypatch, capsys):
    import io

    monkeypatch.setenv("QBANK_DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "Admin", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "admin", "--password-stdin"]) == 1
    assert "[examiner-exists]" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(" " * 12 + "\n"))
    assert main(["user", "passwd", "admin", "--password-stdin"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("another good one 9\n"))
    assert main(["user", "passwd", "admin", "--password-stdin"]) == 0
    engine = database.connect(database_url)
    for n in range(accounts.MAX_FAILURES):
        accounts.login(engine, "admin", f"wrong {n}", client="c")
    assert main(["user", "unlock", "ADMIN"]) == 0
    assert f"{accounts.MAX_FAILURES} failed login(s) forgotten" in capsys.readouterr().out
    assert accounts.login(engine, "admin", "another good one 9", client="c") is True
    engine.dispose()


def test_a_failing_database_never_prints_sql_or_the_hash(tmp_path, monkeypatch, capsys):
    """A database fault inside a command shows neither the statement nor its parameters."""
    import io

    from sqlalchemy import text

    url = f"sqlite:///{tmp_path}/broken.sqlite3"
    engine = database.connect(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE examiners"))
    engine.dispose()
    monkeypatch.setenv("QBANK_DATABASE_URL", url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    status = main(["user", "add", "someone", "--password-stdin"])
    out = capsys.readouterr()
    assert status == 3
    assert "$argon2" not in out.out + out.err and "INSERT" not in out.out + out.err and "examiners" not in out.out + out.err
    assert "internal error" in out.err


def test_sessions_expire_when_idle_or_old_and_end_at_logout(engine):
    accounts.add_examiner(engine, "Admin", PASSWORD)
    token = accounts.open_session(engine, "admin", now=START)
    assert accounts.session_examiner(engine, token, now=START + 60) == "Admin"
    # each use moves the idle deadline on
    assert accounts.session_examiner(engine, token, now=START + accounts.IDLE_SECONDS) == "Admin"
    assert accounts.session_examiner(engine, token, now=START + 2 * accounts.IDLE_SECONDS + 1) is None
    busy = accounts.open_session(engine, "admin", now=START)
    for second in range(0, accounts.ABSOLUTE_SECONDS, 600):
        assert accounts.session_examiner(engine, busy, now=START + second) == "Admin"
    assert accounts.session_examiner(engine, busy, now=START + accounts.ABSOLUTE_SECONDS + 1) is None  # busy all day, still ends
    other = accounts.open_session(engine, "admin", now=START)
    accounts.close_session(engine, other, now=START + 1)
    assert accounts.session_examiner(engine, other, now=START + 2) is None
    assert accounts.session_examiner(engine, "forged-token", now=START) is None
    assert accounts.session_examiner(engine, "", now=START) is None
    with pytest.raises(NotFound):
        accounts.open_session(engine, "nobody")
