"""Read models of attempts: a candidate's result, the practice review, history, a form's response
matrix, and the typed inputs of the PDF reports (the reports package never opens a database)."""

import json
from typing import Any

import numpy as np
from sqlalchemy import Engine, select

from questionbank.delivery import database as db
from questionbank.delivery.attempts import DISPLAY_LABELS, _attempt_row, _response_matrix, expire_due, settle
from questionbank.delivery.publishing import load_form
from questionbank.errors import AccessDenied
from questionbank.reports.data import candidate_data, cohort_report_data, date_text, published_header, technical_report_data
from questionbank.scoring import AnswerKey, score
from questionbank.snapshots import answer_key
from questionbank.standards import Standard


def result(engine: Engine, token: str) -> dict[str, Any]:
    """The stored score of a submitted attempt (per duty, task and K/S code)."""
    settle(engine, token)
    with engine.connect() as conn:
        row = _attempt_row(conn, token)
        stored = conn.execute(select(db.scores.c.detail).where(db.scores.c.attempt_id == row["id"])).scalar()
    if row["submitted_at"] is None or stored is None:
        raise AccessDenied("review-not-available", "the attempt has not been submitted yet", "token")
    return json.loads(stored)


def review(engine: Engine, token: str) -> list[dict[str, Any]]:
    """Per question: the candidate's answer, the key, points earned, rationale and indicators.

    Options, the answer and the key are in the order and letters the candidate saw (options
    are shuffled per attempt); each option also carries its original letter, which the
    rationale refers to. Only for submitted practice attempts: official keys never leave the
    server.
    """
    settle(engine, token)
    with engine.connect() as conn:
        row = _attempt_row(conn, token)
        if row["mode"] != "practice" or row["submitted_at"] is None:
            raise AccessDenied("review-not-available", "keys and rationales are shown only after a practice attempt is submitted", "token")
        form, snapshots = load_form(conn, row["form_id"])
        key = answer_key(snapshots, form["rules"])
        saved = {
            r.position: r.answer for r in conn.execute(select(db.responses.c.position, db.responses.c.answer).where(db.responses.c.attempt_id == row["id"]))
        }
        earned = score(key, _response_matrix(conn, [row["id"]], key)).earned[0]
    orders = json.loads(row["option_orders"])
    out = []
    for position, (snap, points) in enumerate(zip(snapshots, earned, strict=True)):
        texts = dict((label, text) for label, text in snap["options"])
        shown = {original: DISPLAY_LABELS[n] for n, original in enumerate(orders[position])} if snap["type"] != "true_false" else {}

        def seen(labels: str | list[str], shown: dict[str, str] = shown) -> tuple[str, ...]:
            return tuple(sorted(shown.get(label, label) for label in labels))

        out.append(
            {
                "position": position,
                "item_id": snap["id"],
                "type": snap["type"],
                "stem": snap["stem"],
                # (letter seen, text, letter in the rationale)
                "options": [(shown[o], texts[o], o) for o in orders[position]] if shown else [],
                "answer": seen(saved.get(position, "")),
                "key": seen(snap["keys"]),
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
            db.forms.c.standard_id,
            db.forms.c.title,
            db.attempts.c.deadline_at,
            db.attempts.c.extra_seconds,
        )
        .select_from(db.attempts.outerjoin(db.scores, db.scores.c.attempt_id == db.attempts.c.id).join(db.forms, db.forms.c.id == db.attempts.c.form_id))
        .where(db.attempts.c.candidate_id == candidate_id)
        .order_by(db.attempts.c.started_at.desc(), db.attempts.c.id.desc())
    )
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    for r in rows:
        r["detail"] = json.loads(r["detail"]) if r["detail"] else None
    return rows


def form_responses(engine: Engine, form_id: str, modes: tuple[str, ...] | None = None) -> tuple[list[str], np.ndarray, AnswerKey]:
    """Candidate ids and the response matrix of every submitted attempt on a form (for cohort
    scoring); ``modes`` keeps only attempts of those modes (``official``, ``practice``)."""
    expire_due(engine)  # attempts past their deadline count in the cohort, swept or not
    form, snapshots = load_form(engine, form_id)
    key = answer_key(snapshots, form["rules"])
    where = [db.attempts.c.form_id == form_id, db.attempts.c.submitted_at.is_not(None)]
    if modes is not None:
        where.append(db.attempts.c.mode.in_(modes))
    with engine.connect() as conn:
        rows = conn.execute(select(db.attempts.c.id, db.attempts.c.candidate_id).where(*where).order_by(db.attempts.c.id)).all()
        matrix = _response_matrix(conn, [r.id for r in rows], key) if rows else np.zeros((0, len(key.items)), dtype=np.uint32)
    return [r.candidate_id for r in rows], matrix, key


def published_analysis(engine: Engine, form_id: str, *, practice: bool = False, thresholds: Any = None) -> Any:
    """The item analysis (:func:`questionbank.stats.analysis.analyze`) of a published form's
    submitted attempts: official attempts only, unless ``practice`` adds the practice ones
    (taken untimed or with the review at hand, they would blur the statistics of the exam).
    ``thresholds`` are :class:`questionbank.stats.items.Thresholds`; returns the
    :class:`questionbank.stats.analysis.Analysis`."""
    from questionbank.stats.analysis import analyze  # scipy loads only when an analysis is asked for

    _, matrix, key = form_responses(engine, form_id, ("official", "practice") if practice else ("official",))
    return analyze(key, matrix, thresholds=thresholds)


def submitted_responses(engine: Engine, token: str) -> tuple[dict[str, Any], np.ndarray]:
    """A submitted attempt's row and its 1 x I response matrix (for reports); refuses an open attempt."""
    settle(engine, token)
    with engine.connect() as conn:
        row = _attempt_row(conn, token)
        if row["submitted_at"] is None:
            raise AccessDenied("review-not-available", "a report exists only for a submitted attempt", "token")
        form, snapshots = load_form(conn, row["form_id"])
        return row, _response_matrix(conn, [row["id"]], answer_key(snapshots, form["rules"]))


def candidate_report_data(engine: Any, token: str, standards: dict[str, Standard] | None = None) -> dict[str, Any]:
    """Everything a candidate's report shows, for a submitted attempt (practice or official).

    ``standards`` (by id) supplies the standard's name, version and the names of K codes; without
    it the report shows codes only. Raises QbankError ``attempt-unknown`` for an unknown token
    and ``review-not-available`` before submission.
    """
    from questionbank.delivery.challenges import current_scores
    from questionbank.delivery.verdicts import duty_verdicts

    row, matrix = submitted_responses(engine, token)
    form, snapshots = load_form(engine, row["form_id"])
    # official forms follow their duty verdicts; practice forms (assembled per attempt) never have any
    verdicts = duty_verdicts(engine, row["form_id"]).to_dict() if row["mode"] == "official" else None
    scores = current_scores(engine, row["form_id"], snapshots, form["rules"], matrix)
    standard = (standards or {}).get(form["standard_id"])
    header = published_header(form, snapshots, standard)
    with engine.connect() as conn:
        revision = conn.execute(select(db.scores.c.revision).where(db.scores.c.attempt_id == row["id"])).scalar() or 1
    return {"revision": revision} | candidate_data(
        header,
        snapshots,
        scores,
        0,
        row["candidate_id"],
        date=date_text(row["submitted_at"]),
        date_kind="submitted",
        mode=row["mode"],
        standard=standard,
        verdicts=verdicts,
    )


def published_cohort_report_data(engine: Any, form_id: str, standards: dict[str, Standard] | None = None, now: float | None = None) -> dict[str, Any]:
    """:func:`cohort_report_data` for a published form: every submitted attempt on it."""
    from questionbank.delivery.challenges import current_scores

    form, snapshots = load_form(engine, form_id)
    _, matrix, _ = form_responses(engine, form_id)
    standard = (standards or {}).get(form["standard_id"])
    scores = current_scores(engine, form_id, snapshots, form["rules"], matrix)
    return cohort_report_data(published_header(form, snapshots, standard), snapshots, form["rules"], matrix, now=now, scores=scores)


def published_technical_report_data(
    engine: Engine, form_id: str, standards: dict[str, Standard] | None = None, *, practice: bool = False, now: float | None = None
) -> dict[str, Any]:
    """:func:`technical_report_data` for a published form: the item analysis of its submitted
    attempts (official only unless ``practice``) and, for an official form, its duty verdicts."""
    from questionbank.delivery.verdicts import duty_verdicts

    form, snapshots = load_form(engine, form_id)
    analysis = published_analysis(engine, form_id, practice=practice)
    verdicts = duty_verdicts(engine, form_id).to_dict() if form["kind"] == "official" else None
    standard = (standards or {}).get(form["standard_id"])
    return technical_report_data(
        published_header(form, snapshots, standard),
        snapshots,
        form["rules"],
        analysis,
        source="official+practice" if practice else "official",
        verdicts=verdicts,
        now=now,
    )


def form_scores(engine: Engine, form_id: str) -> tuple[list[str], Any]:
    """Candidate ids and their current scores (every ruling applied) on a published form."""
    from questionbank.delivery.challenges import current_scores

    form, snapshots = load_form(engine, form_id)
    candidates, matrix, _ = form_responses(engine, form_id)
    return candidates, current_scores(engine, form_id, snapshots, form["rules"], matrix)


def practice_details(engine: Engine, standard_id: str) -> list[dict[str, Any]]:
    """The stored results of every submitted practice attempt on a standard (for pooled statistics)."""
    query = (
        select(db.scores.c.detail)
        .select_from(db.scores.join(db.attempts, db.attempts.c.id == db.scores.c.attempt_id).join(db.forms, db.forms.c.id == db.attempts.c.form_id))
        .where(db.forms.c.kind == "practice", db.forms.c.standard_id == standard_id)
    )
    with engine.connect() as conn:
        return [json.loads(text) for text in conn.execute(query).scalars()]
