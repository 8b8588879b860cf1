"""Blueprint drafts: every saved version kept, and a deliberate choice of the blueprint of record.

The shipped file ``blueprints/<standard>.yaml`` is the default until an examiner makes a saved
draft the default; "reset" returns to the shipped file. Nothing is saved as a side effect of
checking or assembling: a draft exists only when an examiner saves it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, insert, select

from questionbank.delivery import database as db
from questionbank.errors import NotFound, RequestInvalid

MAX_DRAFT_BYTES = 256 * 1024


@dataclass(frozen=True)
class Draft:
    """One saved version of a blueprint's text."""

    id: int
    standard_id: str
    text: str
    note: str
    saved_by: str
    saved_at: float


def save_draft(engine: Engine, standard_id: str, text: str, saved_by: str, note: str = "", now: float | None = None) -> int:
    """Keep this text as a new draft (older ones stay); returns its id."""
    if not text.strip() or len(text.encode("utf-8")) > MAX_DRAFT_BYTES:
        raise RequestInvalid("draft-invalid", f"a draft is 1 to {MAX_DRAFT_BYTES:,} bytes of blueprint text", "text")
    with db.writing(engine) as conn:
        return conn.execute(
            insert(db.blueprint_drafts).values(
                standard_id=standard_id, text=text, note=note[:200], saved_by=saved_by, saved_at=time.time() if now is None else now
            )
        ).inserted_primary_key[0]


def drafts(engine: Engine, standard_id: str) -> list[Draft]:
    """Every saved draft of a standard, newest first."""
    query = (
        select(db.blueprint_drafts)
        .where(db.blueprint_drafts.c.standard_id == standard_id)
        .order_by(db.blueprint_drafts.c.saved_at.desc(), db.blueprint_drafts.c.id.desc())
    )
    with engine.connect() as conn:
        return [Draft(**dict(row)) for row in conn.execute(query).mappings()]


def make_default(engine: Engine, standard_id: str, draft_id: int | None, set_by: str, now: float | None = None) -> None:
    """Make a saved draft the blueprint of record (None: back to the shipped file); recorded."""
    with db.writing(engine) as conn:
        if draft_id is not None:
            row = conn.execute(select(db.blueprint_drafts.c.standard_id).where(db.blueprint_drafts.c.id == draft_id)).first()
            if row is None or row.standard_id != standard_id:
                raise NotFound("draft-unknown", f"draft {draft_id} is not a draft of {standard_id}", "draft_id")
        conn.execute(
            insert(db.blueprint_defaults).values(standard_id=standard_id, draft_id=draft_id, set_by=set_by, set_at=time.time() if now is None else now)
        )


def default_draft(engine: Engine, standard_id: str) -> Draft | None:
    """The draft that is the blueprint of record, or None when the shipped file is."""
    with engine.connect() as conn:
        latest = conn.execute(
            select(db.blueprint_defaults.c.draft_id)
            .where(db.blueprint_defaults.c.standard_id == standard_id)
            .order_by(db.blueprint_defaults.c.set_at.desc(), db.blueprint_defaults.c.id.desc())
        ).first()
        if latest is None or latest.draft_id is None:
            return None
        row = conn.execute(select(db.blueprint_drafts).where(db.blueprint_drafts.c.id == latest.draft_id)).mappings().first()
    return Draft(**dict(row))


def default_history(engine: Engine, standard_id: str) -> list[dict[str, Any]]:
    """Who made which draft (or the shipped file) the default, and when, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(db.blueprint_defaults)
            .where(db.blueprint_defaults.c.standard_id == standard_id)
            .order_by(db.blueprint_defaults.c.set_at.desc(), db.blueprint_defaults.c.id.desc())
        ).mappings()
        return [dict(r) for r in rows]
