"""Publishing: an assembled form frozen in the database with a snapshot of every item as delivered.

A published form never changes: later edits to an item file do not reach attempts on the form,
and scoring and review use the snapshot's key, whatever the bank says now.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from questionbank.delivery import database as db
from questionbank.errors import AccessDenied, NotFound, PublishRefused, QbankError
from questionbank.problems import problem
from questionbank.scoring import Rules
from questionbank.snapshots import form_hash, form_snapshots
from questionbank.standards import Standard

# No 0/O/1/I/L: access codes are read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def publish(
    engine: Engine,
    form_id: str,
    snapshots: list[dict[str, Any]],
    rules: Rules,
    *,
    kind: str = "official",
    standard: Standard,
    title: str = "",
    time_limit_minutes: int | None = None,
    source: dict[str, Any] | None = None,
    published_by: str | None = None,
    now: float | None = None,
) -> str:
    """Freeze a form in the database (immutable: publishing the same id twice is refused)."""
    if kind not in ("official", "practice"):
        raise ValueError(f"kind must be official or practice, not {kind}")
    if not snapshots:
        raise NotFound("form-unknown", "a form needs at least one item", "items")
    now = time.time() if now is None else now
    with db.writing(engine) as conn:
        if conn.execute(select(db.forms.c.id).where(db.forms.c.id == form_id)).first():
            raise PublishRefused("form-exists", f"form {form_id} is already published; published forms never change: assemble a new one", "form_id")
        conn.execute(
            insert(db.forms).values(
                id=form_id,
                kind=kind,
                standard_id=standard.id,
                standard_version=standard.code,
                title=title,
                form_sha256=form_hash(snapshots),
                rules=json.dumps(rules.to_dict(), ensure_ascii=False),
                time_limit_minutes=time_limit_minutes,
                source=json.dumps(source or {}, ensure_ascii=False),
                published_by=published_by,
                published_at=now,
            )
        )
        conn.execute(
            insert(db.form_items),
            [
                {"form_id": form_id, "position": n, "item_id": s["id"], "item_sha256": s["sha256"], "snapshot": json.dumps(s, ensure_ascii=False)}
                for n, s in enumerate(snapshots)
            ],
        )
    return form_id


def issue_access_codes(engine: Engine, form_id: str, candidate_ids: list[str | None], now: float | None = None) -> list[str]:
    """One single-use access code per entry (bound to that candidate id when given)."""
    now = time.time() if now is None else now
    with db.writing(engine) as conn:
        row = conn.execute(select(db.forms.c.kind).where(db.forms.c.id == form_id)).first()
        if row is None:
            raise NotFound("form-unknown", f"no published form has id {form_id}", "form_id")
        if row.kind != "official":
            raise AccessDenied("practice-not-allowed", f"form {form_id} is a practice form; access codes are for official forms", "form_id")
        codes = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(10)) for _ in candidate_ids]
        conn.execute(
            insert(db.access_codes),
            [{"code": c, "form_id": form_id, "candidate_id": cid, "created_at": now} for c, cid in zip(codes, candidate_ids, strict=True)],
        )
    return codes


def list_codes(engine: Engine, form_id: str, now: float | None = None) -> list[dict[str, Any]]:
    """Every access code issued for a form, oldest first, with the candidate it is bound to (or
    that used it) and its status: unused, in-progress or submitted (past-deadline attempts
    are submitted first)."""
    from questionbank.delivery.attempts import expire_due

    with engine.connect() as conn:
        if conn.execute(select(db.forms.c.id).where(db.forms.c.id == form_id)).first() is None:
            raise NotFound("form-unknown", f"no published form has id {form_id}", "form_id")
    expire_due(engine, now)
    query = (
        select(
            db.access_codes.c.code,
            db.access_codes.c.candidate_id,
            db.access_codes.c.created_at,
            db.attempts.c.candidate_id.label("used_by"),
            db.attempts.c.submitted_at,
        )
        .select_from(db.access_codes.outerjoin(db.attempts, db.attempts.c.id == db.access_codes.c.attempt_id))
        .where(db.access_codes.c.form_id == form_id)
        .order_by(db.access_codes.c.created_at, db.access_codes.c.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        {
            "code": r.code,
            "candidate_id": r.used_by or r.candidate_id or "",
            "status": "unused" if r.used_by is None else ("submitted" if r.submitted_at is not None else "in-progress"),
            "issued_at": r.created_at,
        }
        for r in rows
    ]


_SNAPSHOTS: dict[tuple[str, str], list[dict[str, Any]]] = {}


def form_snapshots_cached(conn: Connection, form_id: str, sha256: str) -> list[dict[str, Any]]:
    """A published form's snapshots, read once per process (keyed by id and hash)."""
    snaps = _SNAPSHOTS.get((form_id, sha256))
    if snaps is None:
        texts = conn.execute(select(db.form_items.c.snapshot).where(db.form_items.c.form_id == form_id).order_by(db.form_items.c.position)).scalars().all()
        snaps = [json.loads(t) for t in texts]
        if len(_SNAPSHOTS) > 256:
            _SNAPSHOTS.clear()
        _SNAPSHOTS[form_id, sha256] = snaps
    return snaps


def load_form(bind: Engine | Connection, form_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The published form's row (as a dict, rules parsed) and its snapshots in order.

    Pass the open connection when inside a transaction. Snapshots are cached by form id and
    hash: a published form never changes.
    """
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return load_form(conn, form_id)
    row = bind.execute(select(db.forms).where(db.forms.c.id == form_id)).mappings().first()
    if row is None:
        raise NotFound("form-unknown", f"no published form has id {form_id}", "form_id")
    snaps = form_snapshots_cached(bind, form_id, row["form_sha256"])
    form = dict(row)
    form["rules"] = Rules.from_dict(json.loads(form["rules"]))
    return form, snaps


def is_published(engine: Engine, form_id: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(db.forms.c.id).where(db.forms.c.id == form_id)).first() is not None


def list_forms(engine: Engine, kind: str | None = None, standard_id: str | None = None) -> list[dict[str, Any]]:
    query = select(db.forms.c.id, db.forms.c.kind, db.forms.c.standard_id, db.forms.c.title, db.forms.c.published_at, db.forms.c.form_sha256)
    if kind:
        query = query.where(db.forms.c.kind == kind)
    if standard_id:
        query = query.where(db.forms.c.standard_id == standard_id)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query.order_by(db.forms.c.published_at)).mappings()]


@dataclass(frozen=True)
class PreparedForm:
    """A form file made ready for delivery: its standard, snapshots of its unchanged items, its rules."""

    form: dict[str, Any]
    standard: Standard
    snapshots: list[dict[str, Any]]
    rules: Rules


def prepare_form(path: str, bank: Any) -> PreparedForm:
    """Read a form JSON written by ``qbank assemble`` and snapshot its items from ``bank``.

    Raises :class:`QbankError` with every problem found: an unreadable or malformed form (the
    form schema, located), an unknown standard, items missing or changed since assembly.
    """
    from questionbank.forms import read_form

    form, problems = read_form(path)
    if form is None:
        raise QbankError(problems)
    return _prepared(form, path, bank)


def _prepared(form: dict[str, Any], path: str, bank: Any) -> PreparedForm:
    standard = bank.standards.get(form["standard"]["id"])
    if standard is None:
        raise QbankError(
            [
                problem(
                    "unknown-standard",
                    path,
                    1,
                    1,
                    f"the form's standard {form['standard']['id']} is not in the standards folder; check --standards",
                    "standard.id",
                )
            ]
        )
    snapshots, problems = form_snapshots(form, path, [item for _, item in bank.items], standard)
    if problems:
        raise QbankError(problems)
    return PreparedForm(form, standard, snapshots, Rules.from_dict(form["scoring"]))


def publish_form(
    engine: Engine,
    form: dict[str, Any],
    path: str,
    bank: Any,
    blueprint: Any,
    *,
    kind: str = "official",
    title: str = "",
    published_by: str | None = None,
    now: float | None = None,
) -> PreparedForm:
    """The one way a form file becomes a published form, for the CLI and the app alike.

    Runs the form schema, the full form check against ``blueprint`` (the one whose hash the form
    records; None when it was not found) and the bank, and the snapshot rules; refuses with
    :class:`PublishRefused` carrying every problem, or publishes and returns what was frozen.
    """
    from questionbank.forms import check_form, parse_form

    checked, problems = parse_form(path, json.dumps(form, ensure_ascii=False, indent=2))
    if checked is None:
        raise PublishRefused(problems)
    if blueprint is None:
        raise PublishRefused(
            [
                problem(
                    "form-blueprint-unknown",
                    path,
                    1,
                    1,
                    f"no blueprint with hash {form['blueprint']['sha256'][:12]}… was found; pass the folder of the blueprint the form was made from",
                    "blueprint.sha256",
                )
            ]
        )
    try:
        prepared = _prepared(form, path, bank)
    except QbankError as exc:
        raise PublishRefused(exc.problems) from None
    found = list(check_form(form, path, blueprint, prepared.standard, [item for _, item in bank.items]).problems)
    maximum = sum(float(s["points"]) for s in prepared.snapshots)
    if prepared.rules.cut_raw is not None and prepared.rules.cut_raw > maximum:
        found.append(
            problem("form-violates-blueprint", path, 1, 1, f"the raw cut {prepared.rules.cut_raw:g} is above the form's maximum {maximum:g}", "scoring.cut_raw")
        )
    errors = [p for p in found if p.severity.value == "error"]
    if errors:
        raise PublishRefused(errors)
    publish(
        engine,
        form["form_id"],
        prepared.snapshots,
        prepared.rules,
        kind=kind,
        standard=prepared.standard,
        title=title or f"{prepared.standard.name} {form['form_id']}",
        time_limit_minutes=form["time_limit_minutes"],
        source=form,
        published_by=published_by,
        now=now,
    )
    return prepared
