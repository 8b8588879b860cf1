"""Database: the tables that hold published forms, attempts, answers, scores and accounts.

SQLite under ``./var/`` by default (WAL mode, synchronous FULL: a saved answer survives a
crash of the process and of the machine); PostgreSQL (psycopg 3) when ``QBANK_DATABASE_URL``
is set. The schema is created and changed only by the Alembic migrations in
``questionbank/migrations``; :data:`metadata` mirrors their result for queries.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)

DEFAULT_URL = "sqlite:///var/qbank.sqlite3"
ENV_VAR = "QBANK_DATABASE_URL"

metadata = MetaData()

forms = Table(
    "forms",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("kind", String(20), nullable=False),  # official | practice
    Column("standard_id", String(100), nullable=False),
    Column("standard_version", String(100)),
    Column("title", Text, nullable=False, default=""),
    Column("form_sha256", String(64), nullable=False),
    Column("rules", Text, nullable=False),  # JSON: cut, multiple-response scoring, duty minimums
    Column("time_limit_minutes", Integer),
    Column("source", Text, nullable=False),  # JSON: the assembled form document (blueprint, bank hashes, solver)
    Column("published_by", String(100)),
    Column("published_at", Float, nullable=False),
)

form_items = Table(
    "form_items",
    metadata,
    Column("form_id", String(200), ForeignKey("forms.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("item_id", String(200), nullable=False),
    Column("item_sha256", String(64), nullable=False),
    Column("snapshot", Text, nullable=False),  # JSON: the item exactly as delivered
)

access_codes = Table(
    "access_codes",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("form_id", String(200), ForeignKey("forms.id"), nullable=False),
    Column("candidate_id", String(100)),  # when set, only this candidate may use the code
    Column("attempt_id", Integer),  # set once the code has started an attempt
    Column("created_at", Float, nullable=False),
)

attempts = Table(
    "attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("form_id", String(200), ForeignKey("forms.id"), nullable=False),
    Column("mode", String(20), nullable=False),  # practice | official
    Column("candidate_id", String(100), nullable=False),
    Column("started_at", Float, nullable=False),
    Column("deadline_at", Float),
    Column("extra_seconds", Float, nullable=False, default=0.0),
    Column("option_orders", Text, nullable=False),  # JSON: per position, original labels in display order
    Column("current_position", Integer, nullable=False, default=0),
    Column("submitted_at", Float),
    Column("submitted_by", String(20)),  # candidate | deadline
)

responses = Table(
    "responses",
    metadata,
    Column("attempt_id", Integer, ForeignKey("attempts.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("answer", String(40), nullable=False, default=""),  # original labels, sorted; "" = none
    Column("flagged", Boolean, nullable=False, default=False),
    Column("saved_at", Float, nullable=False),
    Column("revision", Integer, nullable=False, default=1),
)

scores = Table(
    "scores",
    metadata,
    Column("attempt_id", Integer, ForeignKey("attempts.id"), primary_key=True),
    Column("raw", Float, nullable=False),
    Column("max", Float, nullable=False),
    Column("percent", Float, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("detail", Text, nullable=False),  # JSON: per duty, task and K/S code
    Column("scored_at", Float, nullable=False),
)

examiners = Table(
    "examiners",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("name_key", String(100)),  # NFKC + casefold: "Admin" and "admin" are one name (0003)
    UniqueConstraint("name", name="uq_examiners_name"),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("at", Float, nullable=False),
    Column("success", Boolean, nullable=False),
    Column("client", String(200), nullable=False, default=""),
    Column("name_key", String(100), nullable=False, default=""),
)

item_statistics = Table(
    "item_statistics",
    metadata,
    Column("form_id", String(200), ForeignKey("forms.id"), primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("item_sha256", String(64), nullable=False),  # the content analysed: a revised item starts afresh
    Column("modes", String(40), nullable=False),  # attempt modes counted: official | official+practice
    Column("responses", Integer, nullable=False),  # candidates analysed
    Column("p", Float),
    Column("corrected_r", Float),
    Column("omit_rate", Float),
    Column("flags", Text, nullable=False),  # JSON: the flag codes raised
    Column("computed_at", Float, nullable=False),
)


def database_url(environ: dict[str, str] | None = None) -> str:
    """``QBANK_DATABASE_URL`` or the embedded SQLite file under ``./var/``."""
    environ = os.environ if environ is None else environ
    return environ.get(ENV_VAR) or DEFAULT_URL


def open_database(url: str | None = None) -> Engine:
    """:func:`connect`, or :class:`QbankError` ``database-unavailable`` naming the database
    (password hidden) and the reason's first line, never SQL or a traceback."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from questionbank.errors import QbankError

    url = url or database_url()
    try:
        return connect(url)
    except (SQLAlchemyError, OSError) as exc:
        shown = make_url(url).render_as_string(hide_password=True) if "://" in url else url
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise QbankError(
            "database-unavailable", f"cannot use the database at {shown} ({reason}); check QBANK_DATABASE_URL or that ./var/ is writable", "database"
        ) from None


def connect(url: str | None = None, migrate: bool = True) -> Engine:
    """An engine for ``url`` (default :func:`database_url`), migrated to the newest schema."""
    url = url or database_url()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=20, max_overflow=60)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_size=20, max_overflow=60, pool_pre_ping=True)
    if migrate:
        upgrade(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling is switched off so that BEGIN IMMEDIATE below takes
    # the write lock at the start: two writers then queue on busy_timeout instead of one
    # failing with "database is locked" when it upgrades a read lock.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    write = connection.get_execution_options().get("qbank_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


_SQLITE_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITERS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction.

    On SQLite it takes the write lock at BEGIN (BEGIN IMMEDIATE), so writers queue instead of
    failing on a lock upgrade; writers of one process also queue on a lock of their own first,
    because SQLite's busy handler backs off by sleeping (up to 100 ms a try), which turns a
    crowd of writers into seconds of latency. On PostgreSQL it is a plain transaction and
    writers lock the rows they change.
    """
    writer = _WRITERS.get(engine)
    if writer is None:
        writer = _WRITERS[engine] = engine.execution_options(qbank_write=True)
    if engine.dialect.name == "sqlite":
        lock = _SQLITE_WRITE_LOCKS.setdefault(str(engine.url), threading.RLock())
        with lock, writer.begin() as conn:
            yield conn
    else:
        with writer.begin() as conn:
            yield conn


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision``."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with writing(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
