"""Duty verdicts of an official form: which duty subscores candidates are shown as numbers.

Haberman's (2008) PRMSE comparison (``stats.subscores``) says whether a duty's own score predicts
a candidate's true standing on the duty better than the total does. Once a published official
form has :data:`~questionbank.stats.subscores.MIN_VERDICT_CANDIDATES` submitted official
attempts, :func:`duty_verdicts` decides it from them and stores the verdict (table
``duty_verdicts``); every candidate of the form, earlier and later, is then shown the same thing.
The verdict changes only when an examiner decides it again (:func:`decide_duty_verdicts`,
``qbank analyze --published FORM_ID --store``). Policy and reasons: docs/item-analysis.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from questionbank.delivery import database as db
from questionbank.scoring import Rules
from questionbank.stats.subscores import MIN_VERDICT_CANDIDATES, numbers_shown


@dataclass(frozen=True)
class DutyVerdicts:
    """A form's duty verdicts, or how far it is from having them.

    ``reportable`` is None until decided; ``candidates`` counts the official attempts the verdict
    rests on (decided) or submitted so far (not yet decided).
    """

    form_id: str
    minimum: int
    candidates: int
    reportable: dict[str, bool] | None = None
    decided_at: float | None = None
    duties: tuple[dict[str, Any], ...] = field(default_factory=tuple)  # per duty, the figures decided on

    @property
    def decided(self) -> bool:
        return self.reportable is not None

    def numbers_shown(self, duties: list[str], rules: Rules) -> dict[str, bool]:
        """Per duty, whether a candidate sees its points and percent or only its band."""
        return numbers_shown(duties, self.reportable, rules.duty_minimum_percent)

    def to_dict(self) -> dict[str, Any]:
        return {
            "form_id": self.form_id,
            "minimum": self.minimum,
            "candidates": self.candidates,
            "decided": self.decided,
            "reportable": dict(self.reportable) if self.reportable is not None else None,
            "decided_at": self.decided_at,
            "duties": [dict(d) for d in self.duties],
        }


def _stored(engine: Engine, form_id: str, minimum: int) -> DutyVerdicts | None:
    table = db.duty_verdicts
    with engine.connect() as conn:
        rows = conn.execute(select(table).where(table.c.form_id == form_id)).mappings().all()
    if not rows:
        return None
    duties = tuple(
        {k: r[k] for k in ("duty", "items", "reliability", "prmse_subscore", "prmse_total", "reportable")}
        for r in sorted(rows, key=lambda r: _duty_order(r["duty"]))
    )
    return DutyVerdicts(
        form_id,
        minimum,
        int(rows[0]["candidates"]),
        {d["duty"]: bool(d["reportable"]) for d in duties},
        float(rows[0]["decided_at"]),
        duties,
    )


def _duty_order(code: str) -> tuple[int, str]:
    digits = code.lstrip("T")
    return (int(digits), code) if digits.isdigit() else (10**6, code)


def official_attempts(engine: Engine, form_id: str) -> int:
    """Submitted official attempts on a form."""
    a = db.attempts
    query = select(func.count()).select_from(a).where(a.c.form_id == form_id, a.c.mode == "official", a.c.submitted_at.is_not(None))
    with engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def duty_verdicts(engine: Engine, form_id: str, *, minimum: int = MIN_VERDICT_CANDIDATES, now: float | None = None) -> DutyVerdicts:
    """The form's stored duty verdicts; decided and stored here the first time the form has
    ``minimum`` submitted official attempts; undecided (with the count so far) before that."""
    stored = _stored(engine, form_id, minimum)
    if stored is not None:
        return stored
    count = official_attempts(engine, form_id)
    if count < minimum:
        return DutyVerdicts(form_id, minimum, count)
    return decide_duty_verdicts(engine, form_id, minimum=minimum, now=now, replace=False)


def decide_duty_verdicts(
    engine: Engine, form_id: str, *, minimum: int = MIN_VERDICT_CANDIDATES, now: float | None = None, replace: bool = True
) -> DutyVerdicts:
    """Decide the verdicts from the form's submitted official attempts now and store them
    (``replace``: over any earlier decision, an examiner's deliberate step). With fewer than
    ``minimum`` attempts nothing is stored and the result is undecided."""
    from questionbank.delivery.results import published_analysis

    analysis = published_analysis(engine, form_id)  # official attempts only
    count = analysis.form.candidates
    if count < minimum:
        return DutyVerdicts(form_id, minimum, count)
    now = time.time() if now is None else now
    rows = [
        {
            "form_id": form_id,
            "duty": s.duty,
            "items": s.items,
            "reliability": s.reliability,
            "prmse_subscore": s.prmse_subscore,
            "prmse_total": s.prmse_total,
            "reportable": bool(s.reportable),
            "candidates": count,
            "decided_at": now,
        }
        for s in analysis.subscores
    ]
    try:
        with db.writing(engine) as conn:
            if replace:
                conn.execute(delete(db.duty_verdicts).where(db.duty_verdicts.c.form_id == form_id))
            elif conn.execute(select(db.duty_verdicts.c.duty).where(db.duty_verdicts.c.form_id == form_id).limit(1)).first() is not None:
                rows = []  # another server decided first: its verdict stands
            if rows:
                conn.execute(insert(db.duty_verdicts), rows)
    except IntegrityError:
        pass  # another server stored the first verdict at the same moment (PostgreSQL); read it below
    stored = _stored(engine, form_id, minimum)
    return stored if stored is not None else DutyVerdicts(form_id, minimum, count)
