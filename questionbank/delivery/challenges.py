"""Challenges (試題疑義), rulings and rescoring.

After an official exam a candidate may challenge a question they sat (by the number they saw),
within the form's window (``challenge_days`` after their submission), once per question, citing
the task or indicator of the standard the question should test. Examiners rule per item:

- ``reject``: the key stands (a reason is recorded);
- ``add-key``: another option is accepted too (a single-choice answer matching any accepted key
  earns the point; for multiple response the best of the accepted key sets counts);
- ``replace-key``: the key was wrong and is replaced;
- ``void-credit``: everyone gets the item's points;
- ``void-drop``: the item leaves the maximum (no one gets its points; percentages are of the rest).

A ruling is a key *amendment*: published snapshots never change. :func:`rescore` scores every
submitted attempt of the form with all amendments, writes a new score revision where the result
changed (the earlier ones are kept in ``score_revisions``), and reports whose pass/fail flipped.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from questionbank.delivery import database as db
from questionbank.delivery.attempts import _attempt_row, _response_matrix, settle
from questionbank.delivery.publishing import load_form
from questionbank.errors import AccessDenied, NotFound, RequestInvalid
from questionbank.scoring import AnswerKey, earned_points, scores_from_earned
from questionbank.snapshots import answer_key

KINDS = ("reject", "add-key", "replace-key", "void-credit", "void-drop")
MAX_REASON = 2000
DAY = 86400.0


def file_challenge(
    engine: Engine, token: str, number: int, reason: str, cites: str = "", allowed_codes: set[str] | None = None, now: float | None = None
) -> int:
    """File a challenge on question ``number`` (1-based, as the candidate saw it) of the official
    attempt ``token``; returns its id. Refused after the window, twice on one question, on a
    practice or unsubmitted attempt, or citing a code the standard does not have."""
    now = time.time() if now is None else now
    row = settle(engine, token, now)
    if row["mode"] != "official" or row["submitted_at"] is None:
        raise AccessDenied("challenge-not-allowed", "challenges are for submitted official attempts", "token")
    form, snapshots = load_form(engine, row["form_id"])
    if now > row["submitted_at"] + form["challenge_days"] * DAY:
        raise AccessDenied("challenge-window-closed", f"the challenge window closed {form['challenge_days']} days after submission", "token")
    if not isinstance(number, int) or not 1 <= number <= len(snapshots):
        raise RequestInvalid("response-unknown-question", f"question {number} is not on this form (1 to {len(snapshots)})", "number")
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise RequestInvalid("challenge-reason-invalid", f"give a reason of 1 to {MAX_REASON} characters", "reason")
    cites = (cites or "").strip()
    if cites and allowed_codes is not None and cites not in allowed_codes:
        raise RequestInvalid("challenge-cite-unknown", f"{cites} is not a task or indicator of this standard", "cites")
    try:
        with db.writing(engine) as conn:
            return conn.execute(
                insert(db.challenges).values(
                    form_id=row["form_id"],
                    attempt_id=row["id"],
                    position=number - 1,
                    item_id=snapshots[number - 1]["id"],
                    reason=reason,
                    cites=cites,
                    filed_at=now,
                )
            ).inserted_primary_key[0]
    except IntegrityError:
        raise RequestInvalid("challenge-duplicate", f"question {number} was already challenged on this attempt", "number") from None


def challenges_of(engine: Engine, token: str) -> list[dict[str, Any]]:
    """A candidate's challenges with their rulings (for the results page)."""
    with engine.connect() as conn:
        row = _attempt_row(conn, token)
        rows = conn.execute(
            select(db.challenges, db.amendments.c.kind, db.amendments.c.reason.label("ruling_reason"), db.amendments.c["keys"])
            .select_from(db.challenges.outerjoin(db.amendments, db.amendments.c.id == db.challenges.c.amendment_id))
            .where(db.challenges.c.attempt_id == row["id"])
            .order_by(db.challenges.c.position)
        ).mappings()
        return [dict(r) | {"number": r["position"] + 1} for r in rows]


def challenges_by_item(engine: Engine, form_id: str) -> list[dict[str, Any]]:
    """Every challenge of a form grouped by item, with the item, its key and all reasons."""
    _, snapshots = load_form(engine, form_id)
    by_id = {s["id"]: s for s in snapshots}
    with engine.connect() as conn:
        rows = (
            conn.execute(select(db.challenges).where(db.challenges.c.form_id == form_id).order_by(db.challenges.c.item_id, db.challenges.c.filed_at))
            .mappings()
            .all()
        )
        ruled = {
            r["item_id"]: dict(r)
            for r in conn.execute(select(db.amendments).where(db.amendments.c.form_id == form_id).order_by(db.amendments.c.ruled_at)).mappings()
        }
    grouped: dict[str, dict[str, Any]] = {}
    for r in rows:
        snap = by_id[r["item_id"]]
        entry = grouped.setdefault(
            r["item_id"],
            {
                "item_id": r["item_id"],
                "stem": snap["stem"],
                "options": snap["options"],
                "keys": snap["keys"],
                "rationale": snap["rationale"],
                "challenges": [],
                "ruling": ruled.get(r["item_id"]),
            },
        )
        entry["challenges"].append({"reason": r["reason"], "cites": r["cites"], "filed_at": r["filed_at"], "open": r["amendment_id"] is None})
    return list(grouped.values())


def rule(engine: Engine, form_id: str, item_id: str, kind: str, reason: str, ruled_by: str, keys: list[str] | None = None, now: float | None = None) -> int:
    """Record a ruling on an item (a key amendment) and close its open challenges; returns its id.
    Scores change only when :func:`rescore` runs."""
    now = time.time() if now is None else now
    _, snapshots = load_form(engine, form_id)
    snap = next((s for s in snapshots if s["id"] == item_id), None)
    if snap is None:
        raise NotFound("form-item-missing", f"item {item_id} is not on form {form_id}", "item_id")
    if kind not in KINDS:
        raise RequestInvalid("ruling-invalid", f"a ruling is one of {', '.join(KINDS)}", "kind")
    if not (reason or "").strip():
        raise RequestInvalid("ruling-invalid", "every ruling states its reason", "reason")
    keys = sorted({k.strip().upper() for k in keys or [] if k.strip()})
    labels = {"T", "F"} if snap["type"] == "true_false" else {label for label, _ in snap["options"]}
    if kind in ("add-key", "replace-key") and (not keys or any(k not in labels for k in keys) or (snap["type"] != "multiple" and len(keys) != 1)):
        raise RequestInvalid("ruling-invalid", f"give the key(s) among {', '.join(sorted(labels))} (one for single choice and true/false)", "keys")
    with db.writing(engine) as conn:
        amendment = conn.execute(
            insert(db.amendments).values(
                form_id=form_id, item_id=item_id, kind=kind, keys=json.dumps(keys), reason=reason.strip(), ruled_by=ruled_by, ruled_at=now
            )
        ).inserted_primary_key[0]
        conn.execute(
            update(db.challenges)
            .where(db.challenges.c.form_id == form_id, db.challenges.c.item_id == item_id, db.challenges.c.amendment_id.is_(None))
            .values(amendment_id=amendment)
        )
    return amendment


def amended_earned(key: AnswerKey, snapshots: list[dict[str, Any]], amendments: list[dict[str, Any]], responses: np.ndarray) -> tuple[AnswerKey, np.ndarray]:
    """The key (points changed by void-drop) and the C x I points earned with every amendment
    applied in order (later rulings on an item supersede earlier ones)."""
    latest = {a["item_id"]: a for a in amendments if a["kind"] != "reject"}
    alternatives: dict[int, list[list[str]]] = {}
    changed = [dict(s) for s in snapshots]
    for item_id, amendment in latest.items():
        n = key.position[item_id]
        keys = json.loads(amendment["keys"]) if isinstance(amendment["keys"], str) else amendment["keys"]
        if amendment["kind"] == "replace-key":
            changed[n]["keys"] = keys
        elif amendment["kind"] == "add-key":
            alternatives[n] = [list(snapshots[n]["keys"]), keys]
        elif amendment["kind"] == "void-drop":
            changed[n]["points"] = 0.0
    amended = answer_key(changed, key.rules)
    earned = earned_points(amended, responses)
    for n, keysets in alternatives.items():
        for keyset in keysets[1:]:
            variant = [dict(s) for s in changed]
            variant[n]["keys"] = keyset
            earned[:, n] = np.maximum(earned[:, n], earned_points(answer_key(variant, key.rules), responses)[:, n])
    for item_id, amendment in latest.items():
        if amendment["kind"] == "void-credit":
            n = key.position[item_id]
            earned[:, n] = amended.points[n]
    return amended, earned


def amendments_of(engine: Engine, form_id: str) -> list[dict[str, Any]]:
    return db.log_rows(engine, db.amendments, "form_id", form_id, "ruled_at")


def current_scores(engine: Engine, form_id: str, snapshots: list[dict[str, Any]], rules: Any, responses: np.ndarray) -> Any:
    """Scores of ``responses`` with every ruling on the form applied (what results, reports and
    cohort statistics show once challenges were ruled on)."""
    key = answer_key(snapshots, rules)
    amended, earned = amended_earned(key, snapshots, amendments_of(engine, form_id), np.asarray(responses, dtype=np.uint32).reshape(-1, len(key.items)))
    return scores_from_earned(amended, earned)


@dataclass(frozen=True)
class Flip:
    """One candidate's result before and after a rescoring."""

    candidate_id: str
    token: str
    before_raw: float
    after_raw: float
    before_passed: bool
    after_passed: bool
    revision: int

    @property
    def flipped(self) -> bool:
        return self.before_passed != self.after_passed


def rescore(engine: Engine, form_id: str, reason: str = "rescored after rulings", now: float | None = None) -> list[Flip]:
    """Score every submitted attempt of the form again with all rulings; a changed result gets a
    new revision (the old ones are kept). Returns one entry per changed attempt."""
    now = time.time() if now is None else now
    form, snapshots = load_form(engine, form_id)
    key = answer_key(snapshots, form["rules"])
    with engine.connect() as conn:
        amendments = [
            dict(r)
            for r in conn.execute(
                select(db.amendments).where(db.amendments.c.form_id == form_id).order_by(db.amendments.c.ruled_at, db.amendments.c.id)
            ).mappings()
        ]
        rows = (
            conn.execute(
                select(db.attempts.c.id, db.attempts.c.token, db.attempts.c.candidate_id, db.scores)
                .select_from(db.attempts.join(db.scores, db.scores.c.attempt_id == db.attempts.c.id))
                .where(db.attempts.c.form_id == form_id)
                .order_by(db.attempts.c.id)
            )
            .mappings()
            .all()
        )
        matrix = _response_matrix(conn, [r["id"] for r in rows], key) if rows else np.zeros((0, len(key.items)), dtype=np.uint32)
    if not rows:
        return []
    amended, earned = amended_earned(key, snapshots, amendments, matrix)
    scores = scores_from_earned(amended, earned)
    out = []
    with db.writing(engine) as conn:
        for n, row in enumerate(rows):
            detail = scores.candidate(n)
            if json.dumps(detail, sort_keys=True) == json.dumps(json.loads(row["detail"]), sort_keys=True):
                continue
            known = {r.revision for r in conn.execute(select(db.score_revisions.c.revision).where(db.score_revisions.c.attempt_id == row["id"]))}
            if row["revision"] not in known:  # keep the result being replaced
                conn.execute(
                    insert(db.score_revisions).values(
                        attempt_id=row["id"],
                        revision=row["revision"],
                        raw=row["raw"],
                        max=row["max"],
                        percent=row["percent"],
                        passed=row["passed"],
                        detail=row["detail"],
                        reason="as first scored" if row["revision"] == 1 else "earlier rescoring",
                        scored_at=row["scored_at"],
                    )
                )
            revision = row["revision"] + 1
            values = {
                "raw": float(detail["raw"]),
                "max": float(detail["max"]),
                "percent": float(detail["percent"]),
                "passed": bool(detail["passed"]),
                "detail": json.dumps(detail, ensure_ascii=False),
            }
            conn.execute(insert(db.score_revisions).values(attempt_id=row["id"], revision=revision, reason=reason, scored_at=now, **values))
            conn.execute(update(db.scores).where(db.scores.c.attempt_id == row["id"]).values(revision=revision, scored_at=now, **values))
            out.append(Flip(row["candidate_id"], row["token"], float(row["raw"]), float(detail["raw"]), bool(row["passed"]), bool(detail["passed"]), revision))
    return out


def revisions_of(engine: Engine, token: str) -> list[dict[str, Any]]:
    """An attempt's score revisions, oldest first (empty when never rescored)."""
    with engine.connect() as conn:
        row = _attempt_row(conn, token)
        return [
            dict(r)
            for r in conn.execute(
                select(db.score_revisions).where(db.score_revisions.c.attempt_id == row["id"]).order_by(db.score_revisions.c.revision)
            ).mappings()
        ]


METHODS = ("modified Angoff", "Hofstee", "policy")


def set_cut(
    engine: Engine,
    form_id: str,
    method: str,
    numbers: dict[str, Any],
    decided_by: str,
    cut_percent: float | None = None,
    cut_raw: float | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """The only way a published form's cut changes: a decision record (who, when, method, the
    study's numbers), applied to the form's rules; results already scored are rescored as a
    documented adjustment. Returns the record with how many results changed."""
    import dataclasses

    from questionbank.scoring import Rules

    now = time.time() if now is None else now
    if method not in METHODS:
        raise RequestInvalid("cut-decision-invalid", f"the method is one of {', '.join(METHODS)}", "method")
    if (cut_percent is None) == (cut_raw is None) or (cut_percent is not None and not 0 <= cut_percent <= 100) or (cut_raw is not None and cut_raw < 0):
        raise RequestInvalid("cut-decision-invalid", "give either a cut percent from 0 to 100 or a raw cut of 0 or more", "cut")
    form, snapshots = load_form(engine, form_id)
    maximum = sum(float(s["points"]) for s in snapshots)
    if cut_raw is not None and cut_raw > maximum:
        raise RequestInvalid("cut-decision-invalid", f"the raw cut {cut_raw:g} is above the form's maximum {maximum:g}", "cut")
    rules: Rules = form["rules"]
    new_rules = dataclasses.replace(rules, cut_percent=cut_percent, cut_raw=cut_raw)
    with db.writing(engine) as conn:
        decision = conn.execute(
            insert(db.cut_decisions).values(
                form_id=form_id,
                method=method,
                numbers=json.dumps(numbers, ensure_ascii=False),
                cut_percent=cut_percent,
                cut_raw=cut_raw,
                previous=json.dumps(rules.to_dict(), ensure_ascii=False),
                decided_by=decided_by,
                decided_at=now,
            )
        ).inserted_primary_key[0]
        conn.execute(update(db.forms).where(db.forms.c.id == form_id).values(rules=json.dumps(new_rules.to_dict(), ensure_ascii=False)))
    flips = rescore(engine, form_id, reason=f"cut set by decision {decision} ({method}, {decided_by})", now=now)
    with db.writing(engine) as conn:
        conn.execute(update(db.cut_decisions).where(db.cut_decisions.c.id == decision).values(rescored=len(flips)))
    return {"id": decision, "method": method, "cut_percent": cut_percent, "cut_raw": cut_raw, "changed": len(flips), "flipped": sum(f.flipped for f in flips)}


def cut_decisions(engine: Engine, form_id: str) -> list[dict[str, Any]]:
    """Every decision on a form's cut, oldest first."""
    return db.log_rows(engine, db.cut_decisions, "form_id", form_id, "decided_at")
