"""Attempts: a candidate taking a published form, one saved answer at a time.

Everything that must survive a reload, a crash or a move to another server is in the
database, keyed by the attempt's token: answers (saved the moment they are given, as an
idempotent upsert), flags, the question the candidate was on, the option order shown, and
the deadline. Writers lock the attempt row, so a save racing a submit either lands before
the submission or is refused; nothing is half-written.
"""

from __future__ import annotations

import json
import random
import secrets
import string
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from questionbank.delivery import database as db
from questionbank.delivery.publishing import form_snapshots_cached, load_form
from questionbank.errors import AccessDenied, AttemptClosed, NotFound, RequestInvalid
from questionbank.scoring import AnswerKey, mask, score
from questionbank.snapshots import answer_key, labels_of

DISPLAY_LABELS = string.ascii_uppercase
_KEEP = object()


@dataclass(frozen=True)
class Question:
    """One question as the candidate sees it: options in this attempt's order, labelled A, B, C…"""

    position: int
    item_id: str
    type: str
    stem: str
    options: tuple[tuple[str, str], ...]  # (display label, text)
    answer: tuple[str, ...]  # display labels chosen; ("T",) / ("F",) for true/false
    flagged: bool
    duty: str
    duty_name: str
    task: str

    @property
    def answered(self) -> bool:
        return bool(self.answer)


@dataclass(frozen=True)
class AttemptState:
    id: int
    token: str
    form_id: str
    title: str
    standard_id: str
    mode: str
    candidate_id: str
    started_at: float
    deadline: float | None  # including extra time
    submitted_at: float | None
    submitted_by: str | None
    current_position: int
    questions: tuple[Question, ...]

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    def remaining_seconds(self, now: float | None = None) -> float | None:
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - (time.time() if now is None else now))

    @property
    def unanswered(self) -> list[int]:
        return [q.position for q in self.questions if not q.answered]

    @property
    def flagged(self) -> list[int]:
        return [q.position for q in self.questions if q.flagged]


@dataclass(frozen=True)
class Saved:
    position: int
    answer: tuple[str, ...]  # display labels
    flagged: bool
    revision: int


def _token() -> str:
    return secrets.token_urlsafe(24)


def _shuffle(snapshots: list[dict[str, Any]], rng: random.Random) -> list[list[str]]:
    orders = []
    for snap in snapshots:
        labels = list(labels_of(snap))
        if snap["type"] != "true_false":
            rng.shuffle(labels)
        orders.append(labels)
    return orders


def _start(conn: Connection, form: dict[str, Any], snapshots: list[dict[str, Any]], mode: str, candidate_id: str, now: float) -> tuple[int, str]:
    limit = form["time_limit_minutes"]
    token = _token()
    orders = _shuffle(snapshots, random.Random(secrets.randbits(64)))
    result = conn.execute(
        insert(db.attempts).values(
            token=token,
            form_id=form["id"],
            mode=mode,
            candidate_id=candidate_id,
            started_at=now,
            deadline_at=now + 60.0 * limit if limit else None,
            extra_seconds=0.0,
            option_orders=json.dumps(orders),
            current_position=0,
        )
    )
    return result.inserted_primary_key[0], token


def _check_candidate(candidate_id: str) -> str:
    candidate_id = (candidate_id or "").strip()
    if not candidate_id or len(candidate_id) > 100:
        raise RequestInvalid("candidate-id-invalid", "the candidate id must be 1 to 100 characters; check it with the examiner", "candidate_id")
    return candidate_id


def start_practice(engine: Engine, form_id: str, candidate_id: str, now: float | None = None) -> str:
    """Start a practice attempt on a practice form; returns the attempt token."""
    now = time.time() if now is None else now
    candidate_id = _check_candidate(candidate_id)
    form, snapshots = load_form(engine, form_id)
    if form["kind"] != "practice":
        raise AccessDenied("practice-not-allowed", f"form {form_id} is an official form; start it with an access code", "form_id")
    with db.writing(engine) as conn:
        return _start(conn, form, snapshots, "practice", candidate_id, now)[1]


def start_official(engine: Engine, code: str, candidate_id: str, now: float | None = None) -> str:
    """Start (or, for the same candidate, resume) the official attempt an access code opens."""
    now = time.time() if now is None else now
    candidate_id = _check_candidate(candidate_id)
    code = (code or "").strip().upper()
    with db.writing(engine) as conn:
        row = conn.execute(select(db.access_codes).where(db.access_codes.c.code == code).with_for_update()).mappings().first()
        if row is None or (row["candidate_id"] and row["candidate_id"] != candidate_id):
            raise AccessDenied("access-code-invalid", "this access code is not valid for this candidate id; check both with the examiner", "access_code")
        if row["attempt_id"] is not None:
            existing = conn.execute(select(db.attempts.c.token, db.attempts.c.candidate_id).where(db.attempts.c.id == row["attempt_id"])).first()
            if existing is not None and existing.candidate_id == candidate_id:
                return existing.token
            raise AccessDenied("access-code-used", "this access code has already been used by another candidate", "access_code")
    form, snapshots = load_form(engine, row["form_id"])
    with db.writing(engine) as conn:
        # re-check under the lock: two tabs may have raced to the same code
        row = conn.execute(select(db.access_codes).where(db.access_codes.c.code == code).with_for_update()).mappings().first()
        if row["attempt_id"] is not None:
            existing = conn.execute(select(db.attempts.c.token, db.attempts.c.candidate_id).where(db.attempts.c.id == row["attempt_id"])).first()
            if existing is not None and existing.candidate_id == candidate_id:
                return existing.token
            raise AccessDenied("access-code-used", "this access code has already been used by another candidate", "access_code")
        attempt_id, token = _start(conn, form, snapshots, "official", candidate_id, now)
        conn.execute(update(db.access_codes).where(db.access_codes.c.code == code).values(attempt_id=attempt_id))
        return token


def _attempt_row(conn: Connection, token: str, lock: bool = False) -> dict[str, Any]:
    query = select(db.attempts).where(db.attempts.c.token == (token or ""))
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound("attempt-unknown", "no attempt has this token; start again from the home page or ask the examiner", "token")
    return dict(row)


def _deadline(row: dict[str, Any]) -> float | None:
    return None if row["deadline_at"] is None else row["deadline_at"] + (row["extra_seconds"] or 0.0)


def _upsert(conn: Connection, values: dict[str, Any], changes: dict[str, Any]) -> Any:
    """Insert the response or update it in place; returns the stored answer, flag and revision."""
    dialect = conn.dialect.name
    builder = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if builder is None:  # pragma: no cover - other databases are not supported
        raise RuntimeError(f"unsupported database {dialect}")
    statement = builder(db.responses).values(**values)
    statement = statement.on_conflict_do_update(index_elements=["attempt_id", "position"], set_=changes)
    statement = statement.returning(db.responses.c.answer, db.responses.c.flagged, db.responses.c.revision)
    return conn.execute(statement).one()


def _to_original(answer: Any, order: list[str], item_type: str) -> str:
    """Display labels (or a bool for true/false) to the stored original labels, validated."""
    if answer is None or answer == "" or answer == () or answer == []:
        return ""
    if item_type == "true_false":
        if isinstance(answer, bool):
            return "T" if answer else "F"
        value = "".join(answer).strip().upper() if not isinstance(answer, str) else answer.strip().upper()
        if value in ("T", "F"):
            return value
        raise RequestInvalid("response-not-an-option", f"'{answer}' is not a true/false answer; give T or F", "answer")
    chosen = list(answer) if not isinstance(answer, str) else [c for c in answer.upper() if c.strip() and c != ","]
    shown = DISPLAY_LABELS[: len(order)]
    if any(c not in shown for c in chosen) or len(set(chosen)) != len(chosen):
        raise RequestInvalid(
            "response-not-an-option", f"'{''.join(map(str, chosen))}' is not an option of this question; its options are {', '.join(shown)}", "answer"
        )
    if item_type == "single" and len(chosen) > 1:
        raise RequestInvalid("response-not-an-option", "a single-choice question takes one option", "answer")
    return "".join(sorted(order[shown.index(c)] for c in chosen))


def _to_display(stored: str, order: list[str], item_type: str) -> tuple[str, ...]:
    if not stored:
        return ()
    if item_type == "true_false":
        return (stored,)
    return tuple(sorted(DISPLAY_LABELS[order.index(label)] for label in stored))


def _write(engine: Engine, token: str, position: int, answer: Any, flagged: Any, now: float | None) -> Saved:
    now = time.time() if now is None else now
    expired = False
    with db.writing(engine) as conn:
        # one round trip for the attempt (locked) and its form's hash; the snapshots are cached
        query = (
            select(db.attempts, db.forms.c.form_sha256)
            .join(db.forms, db.forms.c.id == db.attempts.c.form_id)
            .where(db.attempts.c.token == (token or ""))
            .with_for_update(of=db.attempts)
        )
        row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFound("attempt-unknown", "no attempt has this token; start again from the home page or ask the examiner", "token")
        row = dict(row)
        if row["submitted_at"] is not None:
            raise AttemptClosed("attempt-submitted", "this attempt was already submitted; answers can no longer change", "token")
        deadline = _deadline(row)
        if deadline is not None and now > deadline:
            _submit(conn, row, now, "deadline")
            expired = True
        else:
            snapshots = form_snapshots_cached(conn, row["form_id"], row["form_sha256"])
            if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position < len(snapshots):
                raise RequestInvalid("response-unknown-question", f"question {position} is not on this form (0..{len(snapshots) - 1})", "position")
            order = json.loads(row["option_orders"])[position]
            item_type = snapshots[position]["type"]
            values: dict[str, Any] = {"attempt_id": row["id"], "position": position, "answer": "", "flagged": False, "saved_at": now, "revision": 1}
            changes: dict[str, Any] = {"saved_at": now, "revision": db.responses.c.revision + 1}
            if answer is not _KEEP:
                values["answer"] = changes["answer"] = _to_original(answer, order, item_type)
            if flagged is not _KEEP:
                values["flagged"] = changes["flagged"] = bool(flagged)
            saved = _upsert(conn, values, changes)
            conn.execute(update(db.attempts).where(db.attempts.c.id == row["id"]).values(current_position=position))
    if expired:
        raise AttemptClosed(
            "attempt-deadline-passed", "the time is over: this answer was not saved, and the attempt has been submitted with the answers saved before", "token"
        )
    return Saved(position, _to_display(saved.answer, order, item_type), bool(saved.flagged), saved.revision)


def save_answer(engine: Engine, token: str, position: int, answer: Any, now: float | None = None) -> Saved:
    """Save one answer in display labels (``"B"``, ``["A", "C"]``, ``True``; empty clears it)."""
    return _write(engine, token, position, answer, _KEEP, now)


def set_flag(engine: Engine, token: str, position: int, flagged: bool, now: float | None = None) -> Saved:
    """Flag (or unflag) a question for review, keeping its answer."""
    return _write(engine, token, position, _KEEP, flagged, now)


def set_position(engine: Engine, token: str, position: int) -> None:
    """Remember the question the candidate is on, so a reload returns there."""
    with db.writing(engine) as conn:
        row = _attempt_row(conn, token, lock=True)
        if row["submitted_at"] is None:
            conn.execute(update(db.attempts).where(db.attempts.c.id == row["id"]).values(current_position=max(0, int(position))))


def settle(engine: Engine, token: str, now: float | None = None) -> dict[str, Any]:
    """The attempt's row, submitted first when its deadline has passed: every read path calls
    this, so a past-deadline attempt reads as submitted whether or not the sweep ran yet."""
    now = time.time() if now is None else now
    with engine.connect() as conn:
        row = _attempt_row(conn, token)
    deadline = _deadline(row)
    if row["submitted_at"] is None and deadline is not None and now > deadline:
        with db.writing(engine) as conn:
            row = _attempt_row(conn, token, lock=True)
            if row["submitted_at"] is None:
                _submit(conn, row, now, "deadline")
            row = _attempt_row(conn, token)
    return row


def state(engine: Engine, token: str, now: float | None = None) -> AttemptState:
    """The attempt as the candidate left it; an attempt past its deadline is submitted first."""
    row = settle(engine, token, now)
    form, snapshots = load_form(engine, row["form_id"])
    orders = json.loads(row["option_orders"])
    with engine.connect() as conn:
        saved = {
            r.position: r
            for r in conn.execute(select(db.responses.c.position, db.responses.c.answer, db.responses.c.flagged).where(db.responses.c.attempt_id == row["id"]))
        }
    questions = []
    for position, snap in enumerate(snapshots):
        order = orders[position]
        texts = dict((label, text) for label, text in snap["options"])
        options = () if snap["type"] == "true_false" else tuple((DISPLAY_LABELS[n], texts[label]) for n, label in enumerate(order))
        response = saved.get(position)
        questions.append(
            Question(
                position=position,
                item_id=snap["id"],
                type=snap["type"],
                stem=snap["stem"],
                options=options,
                answer=_to_display(response.answer, order, snap["type"]) if response else (),
                flagged=bool(response.flagged) if response else False,
                duty=snap["duty"],
                duty_name=snap.get("duty_name", ""),
                task=snap["task"],
            )
        )
    return AttemptState(
        id=row["id"],
        token=row["token"],
        form_id=row["form_id"],
        title=form["title"],
        standard_id=form["standard_id"],
        mode=row["mode"],
        candidate_id=row["candidate_id"],
        started_at=row["started_at"],
        deadline=_deadline(row),
        submitted_at=row["submitted_at"],
        submitted_by=row["submitted_by"],
        current_position=min(row["current_position"], max(0, len(questions) - 1)),
        questions=tuple(questions),
    )


def _response_matrix(conn: Connection, attempt_ids: list[int], key: AnswerKey) -> np.ndarray:
    matrix = np.zeros((len(attempt_ids), len(key.items)), dtype=np.uint32)
    row_of = {a: n for n, a in enumerate(attempt_ids)}
    query = select(db.responses.c.attempt_id, db.responses.c.position, db.responses.c.answer).where(db.responses.c.attempt_id.in_(attempt_ids))
    for r in conn.execute(query):
        if r.answer and r.position < len(key.items):
            matrix[row_of[r.attempt_id], r.position] = mask(key.items[r.position].labels, r.answer)
    return matrix


def _submit(conn: Connection, row: dict[str, Any], now: float, by: str) -> dict[str, Any]:
    form, snapshots = load_form(conn, row["form_id"])
    key = answer_key(snapshots, form["rules"])
    result = score(key, _response_matrix(conn, [row["id"]], key))
    detail = result.candidate(0)
    done = conn.execute(
        update(db.attempts).where(db.attempts.c.id == row["id"], db.attempts.c.submitted_at.is_(None)).values(submitted_at=now, submitted_by=by)
    )
    if done.rowcount != 1:
        raise AttemptClosed("attempt-submitted", "this attempt was already submitted", "token")
    conn.execute(
        insert(db.scores).values(
            attempt_id=row["id"],
            raw=float(detail["raw"]),
            max=float(detail["max"]),
            percent=float(detail["percent"]),
            passed=bool(detail["passed"]),
            detail=json.dumps(detail, ensure_ascii=False),
            scored_at=now,
        )
    )
    return detail


def submit(engine: Engine, token: str, now: float | None = None) -> dict[str, Any]:
    """Submit exactly once and score; a second submit is refused and changes nothing."""
    now = time.time() if now is None else now
    with db.writing(engine) as conn:
        row = _attempt_row(conn, token, lock=True)
        if row["submitted_at"] is not None:
            raise AttemptClosed("attempt-submitted", "this attempt was already submitted; its result stands", "token")
        deadline = _deadline(row)
        # at or after the deadline the server, not the candidate, submits
        return _submit(conn, row, now, "deadline" if deadline is not None and now > deadline else "candidate")


def expire_due(engine: Engine, now: float | None = None) -> list[int]:
    """Submit every attempt whose time is over (the server's own sweep); returns their ids."""
    now = time.time() if now is None else now
    with engine.connect() as conn:
        due = [
            r.token
            for r in conn.execute(
                select(db.attempts.c.token).where(
                    db.attempts.c.submitted_at.is_(None),
                    db.attempts.c.deadline_at.is_not(None),
                    db.attempts.c.deadline_at + db.attempts.c.extra_seconds < now,
                )
            )
        ]
    done = []
    for token in due:
        with db.writing(engine) as conn:
            row = _attempt_row(conn, token, lock=True)
            if row["submitted_at"] is None:
                _submit(conn, row, now, "deadline")
                done.append(row["id"])
    return done


def grant_extra_time(engine: Engine, token: str, minutes: float) -> float | None:
    """Give a candidate extra time (e.g. an approved accommodation); returns the new deadline."""
    if not 0 < minutes <= 24 * 60:
        raise RequestInvalid("extra-time-invalid", "extra time must be between 0 and 1440 minutes", "minutes")
    with db.writing(engine) as conn:
        row = _attempt_row(conn, token, lock=True)
        if row["submitted_at"] is not None:
            raise AttemptClosed("attempt-submitted", "this attempt was already submitted; extra time cannot reopen it", "token")
        conn.execute(update(db.attempts).where(db.attempts.c.id == row["id"]).values(extra_seconds=(row["extra_seconds"] or 0.0) + 60.0 * minutes))
        row = _attempt_row(conn, token)
    return _deadline(row)
