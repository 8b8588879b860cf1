"""Publishing: an assembled form frozen in the database with a snapshot of every item as delivered.

A published form never changes: later edits to an item file do not reach attempts on the form,
and scoring and review use the snapshot's key, whatever the bank says now.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from questionbank.delivery import database as db
from questionbank.forms import file_sha256
from questionbank.items import Item
from questionbank.problems import Problem, problem
from questionbank.scoring import TRUE_FALSE_LABELS, AnswerKey, Rules, ScoredItem
from questionbank.standards import Standard

# No 0/O/1/I/L: access codes are read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class DeliveryError(Exception):
    """A refused delivery operation; ``problem`` says what and what to do (never a traceback)."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.problem = problem(code, "", 0, 0, message, field)

    @property
    def code(self) -> str:
        return self.problem.code


def snapshot(item: Item, standard: Standard) -> dict[str, Any]:
    """The item as delivered: everything the exam screen, scoring and review need."""
    duty = standard.duty_of(item.task)
    task = standard.tasks.get(item.task)
    indicators = {p.code: p.text for p in task.indicators} if task else {}
    return {
        "id": item.id,
        "sha256": file_sha256(item.file) if item.file else hashlib.sha256(item.stem.encode()).hexdigest(),
        "type": item.type,
        "stem": item.stem,
        "options": [[label, text] for label, text in item.options],
        "keys": list(item.keys),
        "rationale": item.rationale,
        "points": item.points,
        "task": item.task,
        "task_name": task.name if task else "",
        "duty": duty.code if duty else item.task.split(".")[0],
        "duty_name": duty.name if duty else "",
        "competencies": list(item.competencies),
        "indicators": [[code, indicators.get(code, "")] for code in item.indicators],
        "cognitive_level": item.cognitive_level,
        "difficulty": item.difficulty,
    }


def labels_of(snap: dict[str, Any]) -> tuple[str, ...]:
    return TRUE_FALSE_LABELS if snap["type"] == "true_false" else tuple(label for label, _ in snap["options"])


def scored_item(snap: dict[str, Any]) -> ScoredItem:
    return ScoredItem(
        id=snap["id"],
        type=snap["type"],
        labels=labels_of(snap),
        keys=tuple(snap["keys"]),
        points=float(snap["points"]),
        duty=snap["duty"],
        task=snap["task"],
        competencies=tuple(snap["competencies"]),
    )


def form_snapshots(form: dict[str, Any], path: str, items: list[Item], standard: Standard) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Snapshots of a form's items in form order; an item missing or changed since assembly is an error."""
    by_id = {item.id: item for item in items}
    out, found = [], []
    for section in form.get("sections", []):
        for entry in section.get("items", []):
            item = by_id.get(entry.get("id"))
            if item is None:
                found.append(
                    problem(
                        "form-item-missing",
                        path,
                        1,
                        1,
                        f"item {entry.get('id')} is no longer in the bank; restore it or assemble a new form",
                        str(entry.get("id")),
                    )
                )
                continue
            snap = snapshot(item, standard)
            if snap["sha256"] != entry.get("sha256"):
                found.append(
                    problem(
                        "form-item-changed",
                        path,
                        1,
                        1,
                        f"item {item.id} changed since the form was assembled ({item.file}); its key may differ: restore it or assemble a new form",
                        item.id,
                    )
                )
            out.append(snap)
    return out, found


def answer_key(snapshots: list[dict[str, Any]], rules: Rules) -> AnswerKey:
    return AnswerKey([scored_item(s) for s in snapshots], rules)


def form_hash(snapshots: list[dict[str, Any]]) -> str:
    """SHA-256 over the item ids and content hashes in order: what a report cites to identify the form."""
    digest = hashlib.sha256()
    for snap in snapshots:
        digest.update(f"{snap['id']}\0{snap['sha256']}\n".encode())
    return digest.hexdigest()


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
        raise DeliveryError("form-unknown", "a form needs at least one item", "items")
    now = time.time() if now is None else now
    with db.writing(engine) as conn:
        if conn.execute(select(db.forms.c.id).where(db.forms.c.id == form_id)).first():
            raise DeliveryError("form-exists", f"form {form_id} is already published; published forms never change: assemble a new one", "form_id")
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
            raise DeliveryError("form-unknown", f"no published form has id {form_id}", "form_id")
        if row.kind != "official":
            raise DeliveryError("practice-not-allowed", f"form {form_id} is a practice form; access codes are for official forms", "form_id")
        codes = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(10)) for _ in candidate_ids]
        conn.execute(
            insert(db.access_codes),
            [{"code": c, "form_id": form_id, "candidate_id": cid, "created_at": now} for c, cid in zip(codes, candidate_ids, strict=True)],
        )
    return codes


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
        raise DeliveryError("form-unknown", f"no published form has id {form_id}", "form_id")
    snaps = form_snapshots_cached(bind, form_id, row["form_sha256"])
    form = dict(row)
    form["rules"] = Rules.from_dict(json.loads(form["rules"]))
    return form, snaps


def list_forms(engine: Engine, kind: str | None = None, standard_id: str | None = None) -> list[dict[str, Any]]:
    query = select(db.forms.c.id, db.forms.c.kind, db.forms.c.standard_id, db.forms.c.title, db.forms.c.published_at, db.forms.c.form_sha256)
    if kind:
        query = query.where(db.forms.c.kind == kind)
    if standard_id:
        query = query.where(db.forms.c.standard_id == standard_id)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query.order_by(db.forms.c.published_at)).mappings()]
