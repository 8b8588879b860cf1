"""Attempts: a candidate taking a published form, one saved answer at a time.

Everything that must survive a reload, a crash or a move to another server is in the
database, keyed by the attempt's token: answers (saved the moment they are given, as an
idempotent upsert), flags, the question the candidate was on, the option order shown, and
the deadline. Writers lock the attempt row, so a save racing a submit either lands before
the submission or is refused; nothing is half-written.
"""

from __future__ import annotations

import dataclasses
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

from questionbank.assembly import assemble
from questionbank.blueprint import Blueprint, Range, largest_remainder
from questionbank.delivery import database as db
from questionbank.delivery.publishing import DeliveryError, answer_key, form_snapshots_cached, labels_of, load_form, publish, snapshot
from questionbank.forms import task_order
from questionbank.items import Item
from questionbank.scoring import AnswerKey, Rules, mask, score
from questionbank.standards import Standard

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
        raise DeliveryError("access-code-invalid", "candidate id must be 1 to 100 characters", "candidate_id")
    return candidate_id


def start_practice(engine: Engine, form_id: str, candidate_id: str, now: float | None = None) -> str:
    """Start a practice attempt on a practice form; returns the attempt token."""
    now = time.time() if now is None else now
    candidate_id = _check_candidate(candidate_id)
    form, snapshots = load_form(engine, form_id)
    if form["kind"] != "practice":
        raise DeliveryError("practice-not-allowed", f"form {form_id} is an official form; start it with an access code", "form_id")
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
            raise DeliveryError("access-code-invalid", "this access code is not valid for this candidate id; check both with the examiner", "access_code")
        if row["attempt_id"] is not None:
            existing = conn.execute(select(db.attempts.c.token, db.attempts.c.candidate_id).where(db.attempts.c.id == row["attempt_id"])).first()
            if existing is not None and existing.candidate_id == candidate_id:
                return existing.token
            raise DeliveryError("access-code-used", "this access code has already been used by another candidate", "access_code")
    form, snapshots = load_form(engine, row["form_id"])
    with db.writing(engine) as conn:
        # re-check under the lock: two tabs may have raced to the same code
        row = conn.execute(select(db.access_codes).where(db.access_codes.c.code == code).with_for_update()).mappings().first()
        if row["attempt_id"] is not None:
            existing = conn.execute(select(db.attempts.c.token, db.attempts.c.candidate_id).where(db.attempts.c.id == row["attempt_id"])).first()
            if existing is not None and existing.candidate_id == candidate_id:
                return existing.token
            raise DeliveryError("access-code-used", "this access code has already been used by another candidate", "access_code")
        attempt_id, token = _start(conn, form, snapshots, "official", candidate_id, now)
        conn.execute(update(db.access_codes).where(db.access_codes.c.code == code).values(attempt_id=attempt_id))
        return token


def _attempt_row(conn: Connection, token: str, lock: bool = False) -> dict[str, Any]:
    query = select(db.attempts).where(db.attempts.c.token == (token or ""))
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        raise DeliveryError("attempt-unknown", "no attempt has this token; start again from the home page or ask the examiner", "token")
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
        raise DeliveryError("response-not-an-option", f"'{answer}' is not a true/false answer; give T or F", "answer")
    chosen = list(answer) if not isinstance(answer, str) else [c for c in answer.upper() if c.strip() and c != ","]
    shown = DISPLAY_LABELS[: len(order)]
    if any(c not in shown for c in chosen) or len(set(chosen)) != len(chosen):
        raise DeliveryError(
            "response-not-an-option", f"'{''.join(map(str, chosen))}' is not an option of this question; its options are {', '.join(shown)}", "answer"
        )
    if item_type == "single" and len(chosen) > 1:
        raise DeliveryError("response-not-an-option", "a single-choice question takes one option", "answer")
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
            raise DeliveryError("attempt-unknown", "no attempt has this token; start again from the home page or ask the examiner", "token")
        row = dict(row)
        if row["submitted_at"] is not None:
            raise DeliveryError("attempt-submitted", "this attempt was already submitted; answers can no longer change", "token")
        deadline = _deadline(row)
        if deadline is not None and now > deadline:
            _submit(conn, row, now, "deadline")
            expired = True
        else:
            snapshots = form_snapshots_cached(conn, row["form_id"], row["form_sha256"])
            if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position < len(snapshots):
                raise DeliveryError("response-unknown-question", f"question {position} is not on this form (0..{len(snapshots) - 1})", "position")
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
        raise DeliveryError(
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


def state(engine: Engine, token: str, now: float | None = None) -> AttemptState:
    """The attempt as the candidate left it; an attempt past its deadline is submitted first."""
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
        raise DeliveryError("attempt-submitted", "this attempt was already submitted", "token")
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
            raise DeliveryError("attempt-submitted", "this attempt was already submitted; its result stands", "token")
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
        raise DeliveryError("extra-time-invalid", "extra time must be between 0 and 1440 minutes", "minutes")
    with db.writing(engine) as conn:
        row = _attempt_row(conn, token, lock=True)
        if row["submitted_at"] is not None:
            raise DeliveryError("attempt-submitted", "this attempt was already submitted; extra time cannot reopen it", "token")
        conn.execute(update(db.attempts).where(db.attempts.c.id == row["id"]).values(extra_seconds=(row["extra_seconds"] or 0.0) + 60.0 * minutes))
        row = _attempt_row(conn, token)
    return _deadline(row)


def result(engine: Engine, token: str) -> dict[str, Any]:
    """The stored score of a submitted attempt (per duty, task and K/S code)."""
    with engine.connect() as conn:
        row = _attempt_row(conn, token)
        stored = conn.execute(select(db.scores.c.detail).where(db.scores.c.attempt_id == row["id"])).scalar()
    if row["submitted_at"] is None or stored is None:
        raise DeliveryError("review-not-available", "the attempt has not been submitted yet", "token")
    return json.loads(stored)


def review(engine: Engine, token: str) -> list[dict[str, Any]]:
    """Per question: the candidate's answer, the key, points earned, rationale and indicators.

    Options are given in their original order and labels, which the rationale refers to (the
    exam screen showed them shuffled). Only for submitted practice attempts: official keys
    never leave the server.
    """
    with engine.connect() as conn:
        row = _attempt_row(conn, token)
        if row["mode"] != "practice" or row["submitted_at"] is None:
            raise DeliveryError("review-not-available", "keys and rationales are shown only after a practice attempt is submitted", "token")
        form, snapshots = load_form(conn, row["form_id"])
        key = answer_key(snapshots, form["rules"])
        saved = {
            r.position: r.answer for r in conn.execute(select(db.responses.c.position, db.responses.c.answer).where(db.responses.c.attempt_id == row["id"]))
        }
        earned = score(key, _response_matrix(conn, [row["id"]], key)).earned[0]
    out = []
    for position, (snap, points) in enumerate(zip(snapshots, earned, strict=True)):
        out.append(
            {
                "position": position,
                "item_id": snap["id"],
                "type": snap["type"],
                "stem": snap["stem"],
                "options": [tuple(o) for o in snap["options"]],
                "answer": tuple(saved.get(position, "")),
                "key": tuple(snap["keys"]),
                "earned": float(points),
                "points": float(snap["points"]),
                "rationale": snap["rationale"],
                "task": snap["task"],
                "task_name": snap.get("task_name", ""),
                "duty": snap["duty"],
                "duty_name": snap.get("duty_name", ""),
                "indicators": snap.get("indicators", []),
            }
        )
    return out


def attempts_of(engine: Engine, candidate_id: str) -> list[dict[str, Any]]:
    """A candidate's attempts, newest first, with scores where submitted."""
    query = (
        select(
            db.attempts.c.id,
            db.attempts.c.token,
            db.attempts.c.form_id,
            db.attempts.c.mode,
            db.attempts.c.started_at,
            db.attempts.c.submitted_at,
            db.scores.c.detail,
        )
        .select_from(db.attempts.outerjoin(db.scores, db.scores.c.attempt_id == db.attempts.c.id))
        .where(db.attempts.c.candidate_id == candidate_id)
        .order_by(db.attempts.c.started_at.desc(), db.attempts.c.id.desc())
    )
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    for r in rows:
        r["detail"] = json.loads(r["detail"]) if r["detail"] else None
    return rows


def form_responses(engine: Engine, form_id: str) -> tuple[list[str], np.ndarray, AnswerKey]:
    """Candidate ids and the response matrix of every submitted attempt on a form (for cohort scoring)."""
    form, snapshots = load_form(engine, form_id)
    key = answer_key(snapshots, form["rules"])
    with engine.connect() as conn:
        rows = conn.execute(
            select(db.attempts.c.id, db.attempts.c.candidate_id)
            .where(db.attempts.c.form_id == form_id, db.attempts.c.submitted_at.is_not(None))
            .order_by(db.attempts.c.id)
        ).all()
        matrix = _response_matrix(conn, [r.id for r in rows], key) if rows else np.zeros((0, len(key.items)), dtype=np.uint32)
    return [r.candidate_id for r in rows], matrix, key


def practice_blueprint(blueprint: Blueprint, duties: list[str] | None = None, length: int | None = None) -> Blueprint:
    """The blueprint for a practice form: the default one, or only ``duties`` (counts kept in
    the default's proportions, scaled to ``length``), one form, no cross-form rules."""
    if not duties:
        return dataclasses.replace(blueprint, forms=1, max_overlap=None, max_exposure=1.0)
    unknown = [d for d in duties if d not in blueprint.duty_ranges]
    if unknown:
        raise DeliveryError(
            "practice-not-allowed", f"duty {', '.join(unknown)} is not in this blueprint (duties: {', '.join(blueprint.duty_ranges)})", "duties"
        )
    base = {d: blueprint.duty_ranges[d].min for d in duties}
    total = length or sum(base.values())
    counts = largest_remainder({d: 100.0 * n / sum(base.values()) for d, n in base.items()}, total)
    return dataclasses.replace(
        blueprint,
        length=sum(max(1, c) for c in counts.values()),
        duty_ranges={d: Range(max(1, c), max(1, c)) for d, c in counts.items()},
        excluded={**blueprint.excluded, **{d: "練習未選此職責" for d in blueprint.duty_ranges if d not in duties}},
        task_minimum=0,
        levels={},
        types={},
        difficulty_mean=(None, None),
        forms=1,
        max_overlap=None,
        max_exposure=1.0,
    )


def start_practice_from_blueprint(
    engine: Engine,
    blueprint: Blueprint,
    standard: Standard,
    items: list[Item],
    candidate_id: str,
    duties: list[str] | None = None,
    length: int | None = None,
    seed: int | None = None,
    now: float | None = None,
) -> str:
    """Assemble a practice form on the fly (all duties, or the chosen ones), publish it, start it."""
    candidate_id = _check_candidate(candidate_id)
    plan = practice_blueprint(blueprint, duties, length)
    seed = secrets.randbelow(2**31) if seed is None else seed
    result = assemble(plan, standard, items, seed=seed, time_limit=20.0)
    if not result.ok:
        first = result.problems[0]
        raise DeliveryError(first.code, first.message, first.path)
    by_id = {item.id: item for item in items}
    chosen = sorted((by_id[i] for i in result.forms[0]), key=lambda i: (task_order(i.task), i.id))
    snapshots = [snapshot(i, standard) for i in chosen]
    form_id = f"practice-{standard.id}-{secrets.token_hex(6)}"
    title = f"{standard.name} 練習" + (f"（{'、'.join(duties)}）" if duties else "")
    rules = Rules(blueprint.cut_percent, blueprint.cut_raw, blueprint.multiple_scoring, dict(blueprint.duty_minimum_percent))
    minutes = None if blueprint.time_limit_minutes is None else max(1, round(blueprint.time_limit_minutes * plan.length / blueprint.length))
    publish(engine, form_id, snapshots, rules, kind="practice", standard=standard, title=title, time_limit_minutes=minutes, now=now)
    return start_practice(engine, form_id, candidate_id, now=now)


def submitted_responses(engine: Engine, token: str) -> tuple[dict[str, Any], np.ndarray]:
    """A submitted attempt's row and its 1 x I response matrix (for reports); refuses an open attempt."""
    with engine.connect() as conn:
        row = _attempt_row(conn, token)
        if row["submitted_at"] is None:
            raise DeliveryError("review-not-available", "a report exists only for a submitted attempt", "token")
        form, snapshots = load_form(conn, row["form_id"])
        return row, _response_matrix(conn, [row["id"]], answer_key(snapshots, form["rules"]))
