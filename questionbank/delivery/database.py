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
from typing import Any

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
    select,
    text,
)

DEFAULT_URL = "sqlite:///var/qbank.sqlite3"
# any fixed 64-bit number, the same for every replica: "qbank-mig" as ASCII
MIGRATION_LOCK = 0x71626E6B2D6D6967
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
    Column("challenge_days", Integer, nullable=False, default=7),  # 試題疑義 window after submission (0006)
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
    Column("revision", Integer, nullable=False, default=1),  # raised by each rescoring that changes it (0006)
)

cut_decisions = Table(
    "cut_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("form_id", String(200), ForeignKey("forms.id"), nullable=False),
    Column("method", String(40), nullable=False),  # modified Angoff | Hofstee | policy
    Column("numbers", Text, nullable=False),  # JSON: the study's figures (ratings summary, SE, judgements)
    Column("cut_percent", Float),
    Column("cut_raw", Float),
    Column("previous", Text, nullable=False),  # JSON: the rules replaced
    Column("decided_by", String(100), nullable=False),
    Column("decided_at", Float, nullable=False),
    Column("rescored", Integer, nullable=False, default=0),  # results changed by applying it
)

amendments = Table(
    "amendments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("form_id", String(200), ForeignKey("forms.id"), nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("kind", String(20), nullable=False),  # reject | add-key | replace-key | void-credit | void-drop
    Column("keys", Text, nullable=False, default="[]"),
    Column("reason", Text, nullable=False),
    Column("ruled_by", String(100), nullable=False),
    Column("ruled_at", Float, nullable=False),
)

challenges = Table(
    "challenges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("form_id", String(200), ForeignKey("forms.id"), nullable=False),
    Column("attempt_id", Integer, ForeignKey("attempts.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("cites", String(40), nullable=False, default=""),
    Column("filed_at", Float, nullable=False),
    Column("amendment_id", Integer, ForeignKey("amendments.id")),
    UniqueConstraint("attempt_id", "position", name="uq_challenges_attempt_position"),
)

score_revisions = Table(
    "score_revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("attempt_id", Integer, ForeignKey("attempts.id"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("raw", Float, nullable=False),
    Column("max", Float, nullable=False),
    Column("percent", Float, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("detail", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("scored_at", Float, nullable=False),
    UniqueConstraint("attempt_id", "revision", name="uq_score_revisions"),
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

blueprint_drafts = Table(
    "blueprint_drafts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("standard_id", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("note", String(200), nullable=False, default=""),
    Column("saved_by", String(100), nullable=False),
    Column("saved_at", Float, nullable=False),
)

# every change of a standard's blueprint of record, newest last (draft_id NULL: the shipped file)
blueprint_defaults = Table(
    "blueprint_defaults",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("standard_id", String(200), nullable=False),
    Column("draft_id", Integer, ForeignKey("blueprint_drafts.id")),
    Column("set_by", String(100), nullable=False),
    Column("set_at", Float, nullable=False),
)

account_roles = Table(
    "account_roles",
    metadata,
    Column("name_key", String(100), primary_key=True),
    Column("role", String(20), primary_key=True),  # examiner | writer | reviewer
)

item_reviews = Table(
    "item_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", String(200), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("reviewer", String(100), nullable=False),
    Column("blind_answer", Text, nullable=False),  # JSON: labels (or true/false) chosen before seeing the key
    Column("key", Text, nullable=False),  # JSON: the key at that revision
    Column("matched", Boolean, nullable=False),
    Column("verdict", String(20), nullable=False),  # approve | revise | reject
    Column("checklist", Text, nullable=False, default="{}"),
    Column("comments", Text, nullable=False, default=""),
    Column("source", String(200), nullable=False, default="app"),  # app, or the docs/reviews log imported
    Column("reviewed_at", Float, nullable=False),
)

item_history = Table(
    "item_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", String(200), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("action", String(20), nullable=False),  # create | edit | submit | activate
    Column("by", String(100), nullable=False),
    Column("at", Float, nullable=False),
    Column("diff", Text, nullable=False),
)

examiner_sessions = Table(
    "examiner_sessions",
    metadata,
    Column("token_sha256", String(64), primary_key=True),  # the token itself is never stored
    Column("name", String(100), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Column("closed_at", Float),
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

# per official form and duty: is the subscore reported to candidates (Haberman's PRMSE), decided
# once the form has enough official attempts (0011)
duty_verdicts = Table(
    "duty_verdicts",
    metadata,
    Column("form_id", String(200), ForeignKey("forms.id"), primary_key=True),
    Column("duty", String(40), primary_key=True),
    Column("items", Integer, nullable=False),
    Column("reliability", Float),
    Column("prmse_subscore", Float),
    Column("prmse_total", Float),
    Column("reportable", Boolean, nullable=False),
    Column("candidates", Integer, nullable=False),  # official attempts the verdict rests on
    Column("decided_at", Float, nullable=False),
)


# Standard-setting studies held in the app (0010): one per panel meeting on an official form
cut_studies = Table(
    "cut_studies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("form_id", String(200), ForeignKey("forms.id"), nullable=False),
    Column("owner", String(100), nullable=False),
    Column("owner_key", String(100), nullable=False),  # accounts.name_key of the owner
    Column("round", Integer, nullable=False, default=1),  # the Angoff round open (or last held, once closed)
    Column("opened_at", Float, nullable=False),
    Column("round_two_at", Float),
    Column("closed_at", Float),
)

study_panelists = Table(
    "study_panelists",
    metadata,
    Column("study_id", Integer, ForeignKey("cut_studies.id"), primary_key=True),
    Column("name_key", String(100), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("invited_by", String(100), nullable=False),
    Column("invited_at", Float, nullable=False),
    Column("withdrawn_at", Float),  # set when the owner takes a panelist off: their ratings stay, unused
)

study_ratings = Table(
    "study_ratings",
    metadata,
    Column("study_id", Integer, ForeignKey("cut_studies.id"), primary_key=True),
    Column("name_key", String(100), primary_key=True),
    Column("round", Integer, primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("rating", Float, nullable=False),  # probability 0-1 that a minimally competent candidate answers correctly
    Column("saved_at", Float, nullable=False),
)

study_judgements = Table(
    "study_judgements",
    metadata,
    Column("study_id", Integer, ForeignKey("cut_studies.id"), primary_key=True),
    Column("name_key", String(100), primary_key=True),
    Column("k_min", Float, nullable=False),  # lowest acceptable cut, percent score
    Column("k_max", Float, nullable=False),
    Column("f_min", Float, nullable=False),  # lowest acceptable fail rate, percent of candidates
    Column("f_max", Float, nullable=False),
    Column("entered_by", String(100), nullable=False),  # the panelist, or the owner on their behalf
    Column("saved_at", Float, nullable=False),
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


def log_rows(engine: Engine, table: Table, key: str, value: Any, at: str) -> list[dict[str, Any]]:
    """The rows of an append-only log whose ``key`` column is ``value``, in the order they were
    written (``at``, then id: two rows of one second keep their order)."""
    query = select(table).where(table.c[key] == value).order_by(table.c[at], table.c.id)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision``."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with writing(engine) as connection:
        if connection.dialect.name == "postgresql":
            # replicas starting together must not migrate at once: one does, the others wait and
            # then find nothing to do (the lock ends with the transaction)
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def backup(engine: Engine, target: str | os.PathLike[str]) -> Path:
    """A consistent copy of the database at ``target`` while the server keeps running.

    SQLite: the online backup API (pages copied under a read transaction, so WAL writers go
    on). PostgreSQL: ``pg_dump --format=custom`` (restore with ``pg_restore``), which needs the
    PostgreSQL client on the PATH. The copy is written beside the target and renamed into place.
    """
    import shutil
    import sqlite3
    import subprocess

    from questionbank.errors import QbankError

    path = Path(target)
    partial = path.with_name(path.name + ".partial")
    try:
        if engine.dialect.name == "sqlite":
            source_path = engine.url.database
            with sqlite3.connect(source_path) as source, sqlite3.connect(partial) as copy:
                source.backup(copy)
        else:
            dump = shutil.which("pg_dump")
            if dump is None:
                raise QbankError("backup-failed", "pg_dump is not installed; install the PostgreSQL client (postgresql-client)", "database")
            url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            done = subprocess.run([dump, "--format=custom", f"--file={partial}", url], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                first = (done.stderr.strip().splitlines() or ["pg_dump failed"])[0]
                raise QbankError("backup-failed", f"pg_dump could not copy the database ({first.split('password')[0]})", "database")
        partial.replace(path)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise QbankError("backup-failed", f"cannot write the backup ({exc}); check the path and free space", "target") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path
