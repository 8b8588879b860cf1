"""Accounts: examiner logins, with passwords hashed by Argon2id (argon2-cffi). There is no default account."""

from __future__ import annotations

import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, insert, select, update

from questionbank.delivery import database as db
from questionbank.errors import AccessDenied, RequestInvalid

MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verifying against a dummy hash when the name is unknown keeps the time the same, so the
# response does not tell whether an examiner name exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + str(MIN_PASSWORD))


def add_examiner(engine: Engine, name: str, password: str, now: float | None = None) -> int:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise RequestInvalid("examiner-invalid", "the examiner name must be 1 to 100 characters", "name")
    if len(password or "") < MIN_PASSWORD:
        raise RequestInvalid("examiner-invalid", f"the password must have at least {MIN_PASSWORD} characters", "password")
    with db.writing(engine) as conn:
        if conn.execute(select(db.examiners.c.id).where(db.examiners.c.name == name)).first():
            raise RequestInvalid("examiner-exists", f"an examiner named '{name}' exists already; choose another name", "name")
        result = conn.execute(insert(db.examiners).values(name=name, password_hash=_hasher.hash(password), created_at=time.time() if now is None else now))
        return result.inserted_primary_key[0]


def verify_examiner(engine: Engine, name: str, password: str) -> bool:
    """True when the name and password match; rehashes with current parameters when needed."""
    with engine.connect() as conn:
        row = conn.execute(select(db.examiners.c.id, db.examiners.c.password_hash).where(db.examiners.c.name == (name or "").strip())).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return False
    if row is None:
        return False
    if _hasher.check_needs_rehash(row.password_hash):
        with db.writing(engine) as conn:
            conn.execute(update(db.examiners).where(db.examiners.c.id == row.id).values(password_hash=_hasher.hash(password)))
    return True


MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def login(engine: Engine, name: str, password: str, now: float | None = None) -> bool:
    """Check an examiner login, refusing after MAX_FAILURES failures for the name within WINDOW_SECONDS.

    Every attempt is recorded; a refused (rate-limited) attempt is not even verified, so
    guessing stays slow whatever the password.
    """
    now = time.time() if now is None else now
    name = (name or "").strip()[:100]
    with engine.connect() as conn:
        failures = conn.execute(
            select(func.count())
            .select_from(db.login_attempts)
            .where(db.login_attempts.c.name == name, db.login_attempts.c.success.is_(False), db.login_attempts.c.at > now - WINDOW_SECONDS)
        ).scalar()
    if failures >= MAX_FAILURES:
        raise AccessDenied("login-rate-limited", f"too many failed logins for '{name}'; wait {WINDOW_SECONDS // 60} minutes", "name")
    ok = verify_examiner(engine, name, password)
    with db.writing(engine) as conn:
        conn.execute(insert(db.login_attempts).values(name=name, at=now, success=ok))
    return ok
