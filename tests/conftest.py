"""Shared fixtures: databases (SQLite always; PostgreSQL when reachable, required under CI=true)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"
POSTGRES_URL = os.environ.get("QBANK_TEST_POSTGRES_URL", "postgresql://postgres:postgres@localhost:5432/qbank_test")


def need(condition: bool, reason: str) -> None:
    """Skip locally when a system part is missing; under CI=true its absence is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(reason)


def fresh_postgres() -> str:
    """The test database, emptied; skips (or fails under CI) when no server is reachable."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    url = "postgresql+psycopg://" + POSTGRES_URL.removeprefix("postgresql://")
    try:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    except OperationalError as exc:
        need(False, f"no PostgreSQL server at {POSTGRES_URL} ({str(exc.orig).strip().splitlines()[0]}); set QBANK_TEST_POSTGRES_URL")
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'qbank.sqlite3'}"
    return fresh_postgres()


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    """The app's environment on a fresh SQLite file under tmp_path/var (the working directory)."""
    url = f"sqlite:///{tmp_path / 'var' / 'qbank.sqlite3'}"
    monkeypatch.setenv("QBANK_DATABASE_URL", url)
    monkeypatch.setenv("QBANK_STANDARDS", str(ROOT / "standards"))
    monkeypatch.setenv("QBANK_ITEMS", str(ROOT / "items"))
    monkeypatch.setenv("QBANK_BLUEPRINTS", str(ROOT / "blueprints"))
    monkeypatch.setenv("QBANK_DEBUG", "1")  # exceptions reach AppTest instead of the guard
    monkeypatch.chdir(tmp_path)  # the editor saves blueprints under ./var/
    return url
