"""Item statistics kept in the database: the analysis of a published form, stored per item id and content hash.

A form's latest stored analysis replaces its earlier one (one row per form and item). Across
forms, :func:`observed_difficulty` pools an item's p over every form that delivered the same
content (same hash), weighting each form by its candidates: a revised item starts afresh.
:func:`data_difficulty` hands assembly the observed p of a blueprint's items (blueprint setting
``difficulty_from_data``).
"""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select

from questionbank.delivery import database as db
from questionbank.delivery.publishing import load_form


def store_item_statistics(engine: Engine, form_id: str, analysis: Any, *, practice: bool = False, now: float | None = None) -> int:
    """Store the :class:`~questionbank.stats.analysis.Analysis` of a published form's attempts;
    returns the number of items stored (none when no candidate was analysed)."""
    if analysis.form.candidates == 0:
        return 0
    _, snapshots = load_form(engine, form_id)
    hashes = {snap["id"]: snap["sha256"] for snap in snapshots}
    now = time.time() if now is None else now
    rows = [
        {
            "form_id": form_id,
            "item_id": item.id,
            "item_sha256": hashes[item.id],
            "modes": "official+practice" if practice else "official",
            "responses": analysis.form.candidates,
            "p": item.p,
            "corrected_r": item.corrected_r,
            "omit_rate": item.omit_rate,
            "flags": json.dumps([f.code for f in item.flags]),
            "computed_at": now,
        }
        for item in analysis.items
    ]
    with db.writing(engine) as conn:
        conn.execute(delete(db.item_statistics).where(db.item_statistics.c.form_id == form_id))
        conn.execute(insert(db.item_statistics), rows)
    return len(rows)


def observed_difficulty(engine: Engine, min_responses: int = 1) -> dict[tuple[str, str], dict[str, float]]:
    """Per (item id, content hash) with at least ``min_responses`` candidates over all stored
    forms: the pooled p (mean of the forms' p weighted by their candidates) and the count."""
    table = db.item_statistics
    total = func.sum(table.c.responses)
    query = (
        select(table.c.item_id, table.c.item_sha256, total.label("responses"), (func.sum(table.c.p * table.c.responses) / total).label("p"))
        .where(table.c.p.is_not(None))
        .group_by(table.c.item_id, table.c.item_sha256)
        .having(total >= min_responses)
    )
    with engine.connect() as conn:
        return {(r.item_id, r.item_sha256): {"p": float(r.p), "responses": int(r.responses)} for r in conn.execute(query)}


def data_difficulty(engine: Engine, blueprint: Any, items: list[Any]) -> dict[str, dict[str, float]]:
    """For assembly under ``difficulty_from_data``: item id → ``{"p", "responses"}`` for the
    blueprint's items whose current content (item id and content hash) has at least
    ``min_responses`` stored responses; empty when the blueprint does not ask for data.

    Pass it through :func:`questionbank.blueprint.difficulty_values` to
    :func:`questionbank.assembly.assemble`, and as is to :func:`questionbank.forms.form_documents`,
    which records it in the form.
    """
    from questionbank.snapshots import item_sha256

    if not blueprint.difficulty_from_data:
        return {}
    pooled = observed_difficulty(engine, blueprint.difficulty_from_data)
    out = {}
    for item in items:
        if item.standard != blueprint.standard:
            continue
        seen = pooled.get((item.id, item_sha256(item)))
        if seen is not None:
            out[item.id] = seen
    return out
