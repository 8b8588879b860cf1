"""Accounts: examiner logins, with passwords hashed by Argon2id (argon2-cffi). There is no default account.

Login throttling is atomic: each attempt first reserves a failure slot in a serialised write
(SQLite ``BEGIN IMMEDIATE``; a PostgreSQL transaction-level advisory lock on the name), and only
then checks the password. So however many logins for one name arrive at once from one client,
at most :data:`MAX_FAILURES` passwords are checked per window. Failures count per name *and*
client, so a stranger cannot lock an examiner out from elsewhere; a client is also limited across
all names (:data:`MAX_CLIENT_FAILURES`) so it cannot try many names instead.
"""

from __future__ import annotations

import time
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update

from questionbank.delivery import database as db
from questionbank.errors import AccessDenied, NotFound, RequestInvalid

MIN_PASSWORD = 10
MIN_DISTINCT = 4
MAX_NAME = 100
MAX_FAILURES = 5
MAX_CLIENT_FAILURES = 20
WINDOW_SECONDS = 15 * 60
_hasher = PasswordHasher()
# Verifying against a dummy hash when the name is unknown keeps the time the same, so the
# response does not tell whether an examiner name exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + str(MIN_PASSWORD))
# Unicode categories refused in a name: controls (newline, escape), format characters (zero-width
# space and joiners, bidi marks), line and paragraph separators, unassigned and private use.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cn", "Co", "Cs"}


def normalise_name(name: str) -> str:
    """NFKC and trimmed: the form stored and shown (full-width Ａ becomes A)."""
    return unicodedata.normalize("NFKC", name or "").strip()


def name_key(name: str) -> str:
    """The key under which names are unique and looked up: "Admin" and "admin" are one name."""
    return normalise_name(name).casefold()


def check_name(name: str) -> str:
    """The normalised name, or RequestInvalid ``examiner-invalid`` saying what is wrong."""
    clean = normalise_name(name)
    if not clean or len(clean) > MAX_NAME:
        raise RequestInvalid("examiner-invalid", f"the examiner name must be 1 to {MAX_NAME} characters", "name")
    bad = sorted({f"U+{ord(c):04X}" for c in clean if unicodedata.category(c) in _REFUSED_CATEGORIES or (c.isspace() and c != " ")})
    if bad:
        raise RequestInvalid("examiner-invalid", f"the examiner name has invisible or control characters ({', '.join(bad)}); type it again", "name")
    return clean


def check_password(password: str) -> str:
    """The password unchanged, or RequestInvalid: at least MIN_PASSWORD characters that are not
    all spaces, with at least MIN_DISTINCT different characters."""
    stripped = (password or "").strip()
    if len(stripped) < MIN_PASSWORD or len(set(stripped)) < MIN_DISTINCT:
        raise RequestInvalid(
            "examiner-invalid",
            f"the password needs at least {MIN_PASSWORD} characters besides spaces, with {MIN_DISTINCT} or more different ones",
            "password",
        )
    return password


ROLES = ("examiner", "writer", "reviewer")


def add_examiner(engine: Engine, name: str, password: str, now: float | None = None, roles: tuple[str, ...] = ("examiner",)) -> int:
    """An account (any of ROLES; one person may hold several)."""
    clean = check_name(name)
    check_password(password)
    if not roles or any(r not in ROLES for r in roles):
        raise RequestInvalid("examiner-invalid", f"roles are {', '.join(ROLES)}", "role")
    with db.writing(engine) as conn:
        if conn.execute(select(db.examiners.c.id).where(db.examiners.c.name_key == name_key(clean))).first():
            raise RequestInvalid("examiner-exists", f"an examiner named '{clean}' exists already (names ignore case); choose another name", "name")
        result = conn.execute(
            insert(db.examiners).values(
                name=clean, name_key=name_key(clean), password_hash=_hasher.hash(password), created_at=time.time() if now is None else now
            )
        )
        conn.execute(insert(db.account_roles), [{"name_key": name_key(clean), "role": r} for r in sorted(set(roles))])
        return result.inserted_primary_key[0]


def roles_of(engine: Engine, name: str) -> frozenset[str]:
    with engine.connect() as conn:
        return frozenset(conn.execute(select(db.account_roles.c.role).where(db.account_roles.c.name_key == name_key(name))).scalars())


def names_with_role(engine: Engine, role: str) -> list[str]:
    """The names of the accounts holding ``role``, sorted (who can be invited to a panel)."""
    query = (
        select(db.examiners.c.name)
        .join(db.account_roles, db.account_roles.c.name_key == db.examiners.c.name_key)
        .where(db.account_roles.c.role == role)
        .order_by(db.examiners.c.name)
    )
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


def set_password(engine: Engine, name: str, password: str) -> None:
    """Replace an examiner's password (``qbank user passwd``); clears the name's failures."""
    check_password(password)
    with db.writing(engine) as conn:
        changed = conn.execute(update(db.examiners).where(db.examiners.c.name_key == name_key(name)).values(password_hash=_hasher.hash(password)))
        if not changed.rowcount:
            raise NotFound("examiner-unknown", f"no examiner is named '{normalise_name(name)}'", "name")
        conn.execute(delete(db.login_attempts).where(db.login_attempts.c.name_key == name_key(name), db.login_attempts.c.success.is_(False)))


def unlock(engine: Engine, name: str) -> int:
    """Forget a name's failed logins from every client (``qbank user unlock``); returns how many."""
    with db.writing(engine) as conn:
        return conn.execute(delete(db.login_attempts).where(db.login_attempts.c.name_key == name_key(name), db.login_attempts.c.success.is_(False))).rowcount


def _verify_password(stored: str, password: str) -> bool:
    """The one place a password is checked (the throttling tests count calls here)."""
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_examiner(engine: Engine, name: str, password: str) -> bool:
    """True when the name and password match; rehashes with current parameters when needed."""
    with engine.connect() as conn:
        row = conn.execute(select(db.examiners.c.id, db.examiners.c.password_hash).where(db.examiners.c.name_key == name_key(name))).first()
    ok = _verify_password(row.password_hash if row else _DUMMY_HASH, password or "")
    if not ok or row is None:
        return False
    if _hasher.check_needs_rehash(row.password_hash):
        with db.writing(engine) as conn:
            conn.execute(update(db.examiners).where(db.examiners.c.id == row.id).values(password_hash=_hasher.hash(password)))
    return True


def _failures(conn: Connection, since: float, **where: str) -> int:
    query = select(func.count()).select_from(db.login_attempts).where(db.login_attempts.c.success.is_(False), db.login_attempts.c.at > since)
    for column, value in where.items():
        query = query.where(db.login_attempts.c[column] == value)
    return conn.execute(query).scalar()


def login(engine: Engine, name: str, password: str, client: str = "", now: float | None = None) -> bool:
    """Check an examiner login from ``client`` (an address or session id), throttled atomically.

    Refuses (AccessDenied ``login-rate-limited``) after MAX_FAILURES failures for this name from
    this client, or MAX_CLIENT_FAILURES from this client for any name, within WINDOW_SECONDS.
    """
    now = time.time() if now is None else now
    key = name_key(name)[:MAX_NAME]
    client = (client or "")[:200]
    since = now - WINDOW_SECONDS
    with db.writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            # serialise logins per name; SQLite's BEGIN IMMEDIATE already serialises all writers
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": "qbank-login:" + key})
        if _failures(conn, since, name_key=key, client=client) >= MAX_FAILURES or _failures(conn, since, client=client) >= MAX_CLIENT_FAILURES:
            raise AccessDenied("login-rate-limited", f"too many failed logins; wait {WINDOW_SECONDS // 60} minutes or ask the administrator to unlock", "name")
        # reserve the slot as a failure first: a crash or a race can only over-count, never under-count
        slot = conn.execute(
            insert(db.login_attempts).values(name=normalise_name(name)[:MAX_NAME], name_key=key, client=client, at=now, success=False)
        ).inserted_primary_key[0]
    ok = verify_examiner(engine, name, password)
    if ok:
        with db.writing(engine) as conn:
            conn.execute(update(db.login_attempts).where(db.login_attempts.c.id == slot).values(success=True))
    return ok


# An examiner session ends after 30 idle minutes or 12 hours in all (OWASP Session Management
# Cheat Sheet: idle 15–30 min for sensitive applications; an absolute limit besides).
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 3600


def _digest(token: str) -> str:
    import hashlib

    return hashlib.sha256((token or "").encode()).hexdigest()


def open_session(engine: Engine, name: str, now: float | None = None) -> str:
    """A new session for a logged-in examiner; returns the secret token the browser keeps."""
    import secrets

    now = time.time() if now is None else now
    token = secrets.token_urlsafe(32)
    with db.writing(engine) as conn:
        row = conn.execute(select(db.examiners.c.name).where(db.examiners.c.name_key == name_key(name))).first()
        if row is None:
            raise NotFound("examiner-unknown", f"no examiner is named '{normalise_name(name)}'", "name")
        conn.execute(insert(db.examiner_sessions).values(token_sha256=_digest(token), name=row.name, created_at=now, last_seen=now))
    return token


def session_examiner(engine: Engine, token: str, now: float | None = None) -> str | None:
    """The examiner a session token belongs to, or None when unknown, closed or expired; each
    use moves the idle deadline on."""
    if not token:
        return None
    now = time.time() if now is None else now
    with db.writing(engine) as conn:
        row = conn.execute(select(db.examiner_sessions).where(db.examiner_sessions.c.token_sha256 == _digest(token))).mappings().first()
        if row is None or row["closed_at"] is not None or now - row["last_seen"] > IDLE_SECONDS or now - row["created_at"] > ABSOLUTE_SECONDS:
            return None
        conn.execute(update(db.examiner_sessions).where(db.examiner_sessions.c.token_sha256 == row["token_sha256"]).values(last_seen=now))
        return row["name"]


def close_session(engine: Engine, token: str, now: float | None = None) -> None:
    """Log out: the token never works again."""
    with db.writing(engine) as conn:
        conn.execute(
            update(db.examiner_sessions).where(db.examiner_sessions.c.token_sha256 == _digest(token)).values(closed_at=time.time() if now is None else now)
        )
