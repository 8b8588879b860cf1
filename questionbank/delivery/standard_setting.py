"""Standard-setting studies held in the app: a modified-Angoff panel in two rounds, and Hofstee's judgements.

An examiner (the study's owner) opens a study on a published official form and invites
panelists (examiner accounts). In round 1 each panelist, logged in as themselves, rates every
item: the probability (0 to 1) that a minimally competent candidate answers it correctly; each
rating is stored as it is given. The owner closes round 1, which opens round 2 starting from
each panelist's own round-1 ratings; a panelist now also sees, per item, the panel's round-1
spread (mean, sd, min, max) and the item's p-value on the official attempts, and the pass rate
the panel's round-1 cut would give on those attempts (impact data), and revises. The owner
closes the study; the recommended cut is :func:`questionbank.stats.standard_setting.angoff` of
the round-2 ratings and is applied only through the decision record
:func:`questionbank.delivery.challenges.set_cut`.

Hofstee's four judgements (lowest and highest acceptable cut and fail rate, in percent) are
entered per panelist, by the panelist or by the owner for them, while the study is open; the
panel's means and the cohort's scores give :func:`questionbank.stats.standard_setting.hofstee`.

A closed round, and a closed study, never change. Every change locks the study's row first
(``FOR UPDATE`` on PostgreSQL; SQLite's writers are serialised already), so a rating saved
while the owner closes the round lands before the round-2 copy or is refused, never lost.
The procedure and its sources: docs/standard-setting.md.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, and_, delete, insert, or_, select, update

from questionbank.delivery import database as db
from questionbank.delivery.accounts import name_key, roles_of
from questionbank.delivery.challenges import current_scores, cut_decisions, set_cut
from questionbank.delivery.publishing import load_form
from questionbank.delivery.results import form_responses
from questionbank.errors import AccessDenied, NotFound, RequestInvalid
from questionbank.problems import problem
from questionbank.stats.items import item_statistics
from questionbank.stats.standard_setting import Angoff, angoff, fail_rate_curve, hofstee, impact

ROUNDS = (1, 2)


@dataclass(frozen=True)
class Study:
    """A standard-setting study (標準設定研究) on one official form: its owner, round and panel."""

    id: int
    form_id: str
    owner: str
    round: int
    opened_at: float
    round_two_at: float | None
    closed_at: float | None
    panel: tuple[tuple[str, str], ...]  # (name key, name) of the panelists taking part, by name (code point order)
    withdrawn: tuple[str, ...]  # names taken off the panel by the owner

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def panelists(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.panel)

    def is_owner(self, name: str) -> bool:
        return name_key(name) == name_key(self.owner)

    def on_panel(self, name: str) -> bool:
        return name_key(name) in {key for key, _ in self.panel}


@dataclass(frozen=True)
class PanelItem:
    """One item as a panelist rates it, with the round-2 feedback when it applies."""

    position: int
    item_id: str
    type: str
    stem: str
    options: tuple[tuple[str, str], ...]
    keys: tuple[str, ...]
    points: float
    rating: float | None  # this panelist's rating in the round open
    first_rating: float | None  # this panelist's round-1 rating (round 2 only)
    panel: dict[str, Any] | None  # the panel's round-1 mean, sd, min, max (round 2 only)
    p: float | None  # the item's p on the official attempts (round 2, when there are any)


@dataclass(frozen=True)
class PanelView:
    """What a panelist sees of a study: the items, their own ratings and, in round 2, the data."""

    study: Study
    items: tuple[PanelItem, ...]
    max_points: float
    candidates: int  # submitted official attempts behind the p-values and the impact
    proposed: StudyCut | None  # the panel's round-1 cut and its impact (round 2 only)
    own_cut_raw: float | None  # this panelist's cut from their current ratings, once all are given
    own_pass_rate: float | None

    @property
    def rated(self) -> int:
        return sum(item.rating is not None for item in self.items)


@dataclass(frozen=True)
class StudyCut:
    """The panel's modified-Angoff cut after a round, with its impact on the official attempts."""

    round: int
    result: Angoff
    panelists: tuple[str, ...]
    candidates: int
    pass_rate: float | None  # percent of the candidates at or above the cut; None without candidates
    max_points: float

    @property
    def standard_error(self) -> float | None:
        """The cut's standard error across panelists; None with a single panelist."""
        return self.result.standard_error if math.isfinite(self.result.standard_error) else None

    def numbers(self, study_id: int) -> dict[str, Any]:
        """The figures a decision record keeps (JSON-safe: an undefined error is null)."""
        figures = self.result.to_dict() | {"standard_error": None if self.standard_error is None else round(self.standard_error, 4)}
        return {"study": study_id, "round": self.round, "panelist_names": list(self.panelists), **figures} | {
            "candidates": self.candidates,
            "pass_rate": self.pass_rate,
        }


@dataclass(frozen=True)
class HofsteeSummary:
    """The panel's Hofstee judgements, their means, the cohort's fail-rate curve and the cut."""

    judgements: tuple[dict[str, Any], ...]  # per panelist: name, k_min, k_max, f_min, f_max, entered_by
    means: dict[str, float]
    curve: tuple[tuple[float, float], ...]  # (cut percent, percent of candidates below it)
    line: tuple[tuple[float, float], tuple[float, float]]  # (k_min, f_max) to (k_max, f_min)
    result: dict[str, Any]  # stats.standard_setting.hofstee of the means
    candidates: int

    def numbers(self, study_id: int) -> dict[str, Any]:
        return {"study": study_id, "judgements": list(self.judgements), "means": self.means, "candidates": self.candidates, **self.result}


def _study_row(conn: Connection, study_id: int, lock: bool = False) -> dict[str, Any]:
    query = select(db.cut_studies).where(db.cut_studies.c.id == study_id)
    row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFound("study-unknown", f"no standard-setting study has id {study_id}", "study")
    return dict(row)


def _study(conn: Connection, row: dict[str, Any]) -> Study:
    # sorted here, not by the database: collations differ between SQLite and PostgreSQL
    members = sorted(conn.execute(select(db.study_panelists).where(db.study_panelists.c.study_id == row["id"])).mappings().all(), key=lambda m: m["name"])
    return Study(
        id=row["id"],
        form_id=row["form_id"],
        owner=row["owner"],
        round=row["round"],
        opened_at=row["opened_at"],
        round_two_at=row["round_two_at"],
        closed_at=row["closed_at"],
        panel=tuple((m["name_key"], m["name"]) for m in members if m["withdrawn_at"] is None),
        withdrawn=tuple(m["name"] for m in members if m["withdrawn_at"] is not None),
    )


def _require_owner(row: dict[str, Any], by: str) -> None:
    if name_key(by) != row["owner_key"]:
        raise AccessDenied("study-owner-only", f"only the study's owner ({row['owner']}) does this", "by")


def _owned_open_study(conn: Connection, study_id: int, by: str) -> dict[str, Any]:
    """The study's row, locked, for a change its owner makes while it is open."""
    row = _study_row(conn, study_id, lock=True)
    _require_owner(row, by)
    _require_open(row)
    return row


def _require_open(row: dict[str, Any], round_: int | None = None) -> None:
    """Refuse a change to a closed study, or to a round that is over."""
    if row["closed_at"] is not None:
        raise AccessDenied("study-round-closed", f"study {row['id']} is closed; nothing in it changes", "study")
    if round_ is not None and round_ < row["round"]:
        raise AccessDenied("study-round-closed", f"round {round_} of study {row['id']} is closed", "round")
    if round_ is not None and round_ != row["round"]:
        raise RequestInvalid("study-step-invalid", f"round {round_} of study {row['id']} is not open yet", "round")


def _require_panelist(conn: Connection, study_id: int, name: str) -> None:
    found = conn.execute(
        select(db.study_panelists.c.name_key).where(
            db.study_panelists.c.study_id == study_id, db.study_panelists.c.name_key == name_key(name), db.study_panelists.c.withdrawn_at.is_(None)
        )
    ).first()
    if found is None:
        raise AccessDenied("study-not-panelist", f"{name} is not on the panel of study {study_id}", "panelist")


def open_study(engine: Engine, form_id: str, owner: str, now: float | None = None) -> int:
    """Open a study on a published official form; ``owner`` (an examiner) runs it. Returns its id."""
    now = time.time() if now is None else now
    form, _ = load_form(engine, form_id)
    if form["kind"] != "official":
        raise RequestInvalid("study-form-not-official", f"form {form_id} is a practice form; a cut is set for an official form", "form_id")
    if "examiner" not in roles_of(engine, owner):
        raise AccessDenied("role-required", "opening a standard-setting study needs the examiner role", "owner")
    with db.writing(engine) as conn:
        shown = conn.execute(select(db.examiners.c.name).where(db.examiners.c.name_key == name_key(owner))).scalar() or owner
        return conn.execute(
            insert(db.cut_studies).values(form_id=form_id, owner=shown, owner_key=name_key(owner), round=1, opened_at=now)
        ).inserted_primary_key[0]


def study(engine: Engine, study_id: int) -> Study:
    with engine.connect() as conn:
        return _study(conn, _study_row(conn, study_id))


def studies_for(engine: Engine, name: str) -> list[Study]:
    """The studies ``name`` owns or sits on the panel of, newest first."""
    key = name_key(name)
    member = select(db.study_panelists.c.study_id).where(db.study_panelists.c.name_key == key, db.study_panelists.c.withdrawn_at.is_(None))
    query = select(db.cut_studies).where(or_(db.cut_studies.c.owner_key == key, db.cut_studies.c.id.in_(member))).order_by(db.cut_studies.c.id.desc())
    with engine.connect() as conn:
        return [_study(conn, dict(row)) for row in conn.execute(query).mappings().all()]


def invite(engine: Engine, study_id: int, by: str, names: list[str], now: float | None = None) -> list[str]:
    """Put examiner accounts on the panel (owner only, in round 1); returns the names added.
    Every unknown name and every account without the examiner role is reported at once."""
    now = time.time() if now is None else now
    with db.writing(engine) as conn:
        row = _owned_open_study(conn, study_id, by)
        if row["round"] != 1:
            raise RequestInvalid("study-step-invalid", "panelists join in round 1, before the panel's first ratings are summarised", "names")
        found, problems = [], []
        for typed in dict.fromkeys(n for n in names if (n or "").strip()):
            account = conn.execute(select(db.examiners.c.name, db.examiners.c.name_key).where(db.examiners.c.name_key == name_key(typed))).first()
            if account is None:
                problems.append(problem("examiner-unknown", "", None, None, f"no account is named '{typed}'", "names"))
                continue
            held = set(conn.execute(select(db.account_roles.c.role).where(db.account_roles.c.name_key == account.name_key)).scalars())
            if "examiner" not in held:
                problems.append(problem("role-required", "", None, None, f"{account.name} is not an examiner; panelists are examiner accounts", "names"))
                continue
            found.append(account)
        if problems:
            raise RequestInvalid(problems)
        members = {
            r.name_key: r.withdrawn_at
            for r in conn.execute(select(db.study_panelists.c.name_key, db.study_panelists.c.withdrawn_at).where(db.study_panelists.c.study_id == study_id))
        }
        added = []
        for account in found:
            if account.name_key not in members:
                conn.execute(insert(db.study_panelists).values(study_id=study_id, name_key=account.name_key, name=account.name, invited_by=by, invited_at=now))
            elif members[account.name_key] is not None:
                conn.execute(
                    update(db.study_panelists)
                    .where(db.study_panelists.c.study_id == study_id, db.study_panelists.c.name_key == account.name_key)
                    .values(withdrawn_at=None)
                )
            else:
                continue
            added.append(account.name)
        return added


def withdraw(engine: Engine, study_id: int, by: str, name: str, now: float | None = None) -> None:
    """Take a panelist off an open study (owner only): their ratings are kept but count in no result."""
    now = time.time() if now is None else now
    with db.writing(engine) as conn:
        _owned_open_study(conn, study_id, by)
        _require_panelist(conn, study_id, name)
        conn.execute(
            update(db.study_panelists)
            .where(db.study_panelists.c.study_id == study_id, db.study_panelists.c.name_key == name_key(name))
            .values(withdrawn_at=now)
        )


def rate(engine: Engine, study_id: int, panelist: str, round_: int, item_id: str, rating: float | None, now: float | None = None) -> None:
    """Store ``panelist``'s rating of ``item_id`` in round ``round_`` (replacing an earlier one;
    None clears it). Refused for anyone not on the panel, outside 0 to 1, or in a closed round."""
    now = time.time() if now is None else now
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, (int, float)) or not math.isfinite(rating) or not 0 <= rating <= 1):
        raise RequestInvalid("rating-out-of-range", f"the rating of item {item_id} must be a probability from 0 to 1 (0% to 100%)", item_id)
    with db.writing(engine) as conn:
        row = _study_row(conn, study_id, lock=True)
        _require_panelist(conn, study_id, panelist)
        _require_open(row, round_)
        _, snapshots = load_form(conn, row["form_id"])
        if item_id not in {s["id"] for s in snapshots}:
            raise NotFound("form-item-missing", f"item {item_id} is not on form {row['form_id']}", item_id)
        where = and_(
            db.study_ratings.c.study_id == study_id,
            db.study_ratings.c.name_key == name_key(panelist),
            db.study_ratings.c.round == round_,
            db.study_ratings.c.item_id == item_id,
        )
        if rating is None:
            conn.execute(delete(db.study_ratings).where(where))
        elif not conn.execute(update(db.study_ratings).where(where).values(rating=float(rating), saved_at=now)).rowcount:
            conn.execute(
                insert(db.study_ratings).values(
                    study_id=study_id, name_key=name_key(panelist), round=round_, item_id=item_id, rating=float(rating), saved_at=now
                )
            )


def _ratings(conn: Connection, study_id: int, round_: int) -> dict[str, dict[str, float]]:
    """Per panelist name key, their ratings of round ``round_`` by item id."""
    out: dict[str, dict[str, float]] = {}
    query = select(db.study_ratings).where(db.study_ratings.c.study_id == study_id, db.study_ratings.c.round == round_)
    for r in conn.execute(query).mappings():
        out.setdefault(r["name_key"], {})[r["item_id"]] = float(r["rating"])
    return out


def ratings_of(engine: Engine, study_id: int, panelist: str, round_: int) -> dict[str, float]:
    """A panelist's ratings of one round, by item id."""
    with engine.connect() as conn:
        return _ratings(conn, study_id, round_).get(name_key(panelist), {})


def progress(engine: Engine, study_id: int) -> list[dict[str, Any]]:
    """Per panelist taking part: items rated in the round open (or the last round) and whether
    their Hofstee judgements are in."""
    with engine.connect() as conn:
        study_ = _study(conn, _study_row(conn, study_id))
        _, snapshots = load_form(conn, study_.form_id)
        ids = {s["id"] for s in snapshots}
        given = _ratings(conn, study_id, study_.round)
        judged = set(conn.execute(select(db.study_judgements.c.name_key).where(db.study_judgements.c.study_id == study_id)).scalars())
    return [{"name": name, "rated": len(ids & set(given.get(key, {}))), "items": len(ids), "judged": key in judged} for key, name in study_.panel]


def _incomplete(study_: Study, snapshots: list[dict[str, Any]], given: dict[str, dict[str, float]]) -> list[str]:
    ids = {s["id"] for s in snapshots}
    return [name for key, name in study_.panel if not ids <= set(given.get(key, {}))]


def _require_complete(study_: Study, snapshots: list[dict[str, Any]], given: dict[str, dict[str, float]], round_: int) -> None:
    if not study_.panel:
        raise RequestInvalid("study-incomplete", "the panel is empty; invite at least one panelist", "panel")
    missing = _incomplete(study_, snapshots, given)
    if missing:
        raise RequestInvalid("study-incomplete", f"{', '.join(missing)} have not rated every item of round {round_}", "panel")


def open_round_two(engine: Engine, study_id: int, by: str, now: float | None = None) -> None:
    """Close round 1 and open round 2 (owner only, once every panelist rated every item): each
    panelist's round-2 ratings start as their round-1 ones, which stay as they are."""
    now = time.time() if now is None else now
    with db.writing(engine) as conn:
        row = _owned_open_study(conn, study_id, by)
        if row["round"] != 1:
            raise RequestInvalid("study-step-invalid", "round 2 is open already", "round")
        study_ = _study(conn, row)
        _, snapshots = load_form(conn, row["form_id"])
        given = _ratings(conn, study_id, 1)
        _require_complete(study_, snapshots, given, 1)
        ids = {s["id"] for s in snapshots}
        copies = [
            {"study_id": study_id, "name_key": key, "round": 2, "item_id": item, "rating": value, "saved_at": now}
            for key, _ in study_.panel
            for item, value in given[key].items()
            if item in ids
        ]
        conn.execute(insert(db.study_ratings), copies)
        conn.execute(update(db.cut_studies).where(db.cut_studies.c.id == study_id).values(round=2, round_two_at=now))


def close_study(engine: Engine, study_id: int, by: str, now: float | None = None) -> None:
    """Close round 2 and the study (owner only, every item rated by every panelist); its
    ratings and judgements never change again."""
    now = time.time() if now is None else now
    with db.writing(engine) as conn:
        row = _owned_open_study(conn, study_id, by)
        if row["round"] != 2:
            raise RequestInvalid("study-step-invalid", "close round 1 and hold round 2 before closing the study", "round")
        _, snapshots = load_form(conn, row["form_id"])
        _require_complete(_study(conn, row), snapshots, _ratings(conn, study_id, 2), 2)
        conn.execute(update(db.cut_studies).where(db.cut_studies.c.id == study_id).values(closed_at=now))


def _cohort(engine: Engine, form_id: str) -> tuple[Any, np.ndarray]:
    """The current scores (every ruling applied) of the form's submitted official attempts, and their responses."""
    form, snapshots = load_form(engine, form_id)
    _, matrix, _ = form_responses(engine, form_id, ("official",))
    return current_scores(engine, form_id, snapshots, form["rules"], matrix), matrix


def _pass_rate(scores: Any, cut_raw: float) -> float | None:
    """Percent of candidates whose raw score reaches ``cut_raw`` (what set_cut would give them)."""
    if not scores.raw.size or not scores.max:
        return None
    return impact(scores.percent, 100.0 * cut_raw / scores.max)


def _round_cut(conn: Connection, study_: Study, snapshots: list[dict[str, Any]], round_: int, scores: Any) -> StudyCut:
    given = _ratings(conn, study_.id, round_)
    _require_complete(study_, snapshots, given, round_)
    ids = [s["id"] for s in snapshots]
    table = np.array([[given[key][item] for item in ids] for key, _ in study_.panel])
    result = angoff(table, ids, np.array([float(s["points"]) for s in snapshots]))
    return StudyCut(round_, result, study_.panelists, int(scores.raw.size), _pass_rate(scores, result.cut_raw), float(sum(s["points"] for s in snapshots)))


def round_cut(engine: Engine, study_id: int, round_: int) -> StudyCut:
    """The panel's cut from the ratings of ``round_`` (every panelist must have rated every item)."""
    with engine.connect() as conn:
        study_ = _study(conn, _study_row(conn, study_id))
        _, snapshots = load_form(conn, study_.form_id)
        scores, _ = _cohort(engine, study_.form_id)
        return _round_cut(conn, study_, snapshots, round_, scores)


def panel_view(engine: Engine, study_id: int, panelist: str) -> PanelView:
    """Everything ``panelist`` sees: the items with their own ratings of the round open (or the
    last round, once closed), and in round 2 the panel's round-1 spread, p-values and impact."""
    with engine.connect() as conn:
        row = _study_row(conn, study_id)
        _require_panelist(conn, study_id, panelist)
        study_ = _study(conn, row)
        _, snapshots = load_form(conn, study_.form_id)
        own = _ratings(conn, study_id, study_.round).get(name_key(panelist), {})
        first = _ratings(conn, study_id, 1).get(name_key(panelist), {}) if study_.round == 2 else {}
        scores = matrix = proposed = None
        if study_.round == 2:
            scores, matrix = _cohort(engine, study_.form_id)
            proposed = _round_cut(conn, study_, snapshots, 1, scores)
    spread = {item["item_id"]: item for item in proposed.result.items} if proposed else {}
    p_values: dict[str, float | None] = {}
    if scores is not None and scores.raw.size:
        p_values = {stats.id: stats.p for stats in item_statistics(scores.key, matrix, scores)}
    items = tuple(
        PanelItem(
            position=n,
            item_id=s["id"],
            type=s["type"],
            stem=s["stem"],
            options=tuple((label, text) for label, text in s["options"]),
            keys=tuple(s["keys"]),
            points=float(s["points"]),
            rating=own.get(s["id"]),
            first_rating=first.get(s["id"]),
            panel=spread.get(s["id"]),
            p=p_values.get(s["id"]),
        )
        for n, s in enumerate(snapshots)
    )
    own_cut = sum(i.rating * i.points for i in items) if all(i.rating is not None for i in items) else None
    return PanelView(
        study=study_,
        items=items,
        max_points=sum(i.points for i in items),
        candidates=int(scores.raw.size) if scores is not None else 0,
        proposed=proposed,
        own_cut_raw=own_cut,
        own_pass_rate=_pass_rate(scores, own_cut) if scores is not None and own_cut is not None else None,
    )


def apply_angoff(engine: Engine, study_id: int, by: str, now: float | None = None) -> dict[str, Any]:
    """Set the form's cut to the closed study's recommended raw cut (owner only), through the
    decision record (method "modified Angoff", the study's figures kept); returns the record."""
    study_ = study(engine, study_id)
    with engine.connect() as conn:
        _require_owner(_study_row(conn, study_id), by)
    if not study_.closed:
        raise RequestInvalid("study-step-invalid", "close the study before applying its cut", "study")
    _refuse_reapplying(engine, study_, "modified Angoff")
    cut = round_cut(engine, study_id, study_.round)
    return set_cut(engine, study_.form_id, "modified Angoff", cut.numbers(study_id), by, cut_raw=round(cut.result.cut_raw, 4), now=now)


def judge(engine: Engine, study_id: int, by: str, panelist: str, k_min: float, k_max: float, f_min: float, f_max: float, now: float | None = None) -> None:
    """Store a panelist's four Hofstee judgements (percent), entered by the panelist or by the
    owner for them, while the study is open; a later entry replaces an earlier one."""
    now = time.time() if now is None else now
    values = (k_min, k_max, f_min, f_max)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values) or not (
        0 <= k_min < k_max <= 100 and 0 <= f_min < f_max <= 100
    ):
        raise RequestInvalid(
            "hofstee-judgement-invalid", "need 0 <= lowest cut < highest cut <= 100 and 0 <= lowest fail rate < highest fail rate <= 100", "judgements"
        )
    with db.writing(engine) as conn:
        row = _study_row(conn, study_id, lock=True)
        if name_key(by) != name_key(panelist):
            _require_owner(row, by)
        _require_panelist(conn, study_id, panelist)
        _require_open(row)
        key = name_key(panelist)
        conn.execute(delete(db.study_judgements).where(db.study_judgements.c.study_id == study_id, db.study_judgements.c.name_key == key))
        conn.execute(
            insert(db.study_judgements).values(
                study_id=study_id,
                name_key=key,
                k_min=float(k_min),
                k_max=float(k_max),
                f_min=float(f_min),
                f_max=float(f_max),
                entered_by=by,
                saved_at=now,
            )
        )


def judgements(engine: Engine, study_id: int) -> list[dict[str, Any]]:
    """The Hofstee judgements of the panelists taking part, by name."""
    with engine.connect() as conn:
        study_ = _study(conn, _study_row(conn, study_id))
        rows = {r["name_key"]: dict(r) for r in conn.execute(select(db.study_judgements).where(db.study_judgements.c.study_id == study_id)).mappings()}
    return [{"name": name} | {f: rows[key][f] for f in ("k_min", "k_max", "f_min", "f_max", "entered_by")} for key, name in study_.panel if key in rows]


def hofstee_summary(engine: Engine, study_id: int) -> HofsteeSummary | None:
    """Hofstee's cut from the means of the panel's judgements and the cohort's current percent
    scores; None while no panelist has given judgements. Refused without submitted attempts."""
    given = judgements(engine, study_id)
    if not given:
        return None
    study_ = study(engine, study_id)
    scores, _ = _cohort(engine, study_.form_id)
    if not scores.raw.size:
        raise RequestInvalid(
            "hofstee-no-scores", f"form {study_.form_id} has no submitted official attempt; Hofstee's method needs the cohort's scores", "form_id"
        )
    means = {f: round(float(np.mean([g[f] for g in given])), 4) for f in ("k_min", "k_max", "f_min", "f_max")}
    result = hofstee(scores.percent, means["k_min"], means["k_max"], means["f_min"], means["f_max"])
    line = ((means["k_min"], means["f_max"]), (means["k_max"], means["f_min"]))
    return HofsteeSummary(tuple(given), means, tuple(fail_rate_curve(scores.percent)), line, result, int(scores.raw.size))


def apply_hofstee(engine: Engine, study_id: int, by: str, now: float | None = None) -> dict[str, Any]:
    """Set the form's cut to Hofstee's cut of the closed study (owner only), through the
    decision record (method "Hofstee", judgements and means kept); returns the record."""
    study_ = study(engine, study_id)
    with engine.connect() as conn:
        _require_owner(_study_row(conn, study_id), by)
    if not study_.closed:
        raise RequestInvalid("study-step-invalid", "close the study before applying its cut", "study")
    _refuse_reapplying(engine, study_, "Hofstee")
    summary = hofstee_summary(engine, study_id)
    if summary is None:
        raise RequestInvalid("study-incomplete", "no panelist has given Hofstee judgements", "judgements")
    return set_cut(engine, study_.form_id, "Hofstee", summary.numbers(study_id), by, cut_percent=summary.result["cut_percent"], now=now)


def applied(engine: Engine, study_id: int, method: str) -> dict[str, Any] | None:
    """The form's cut decision in force when this study made it by ``method`` (its cut applies
    now), else None: a second click on 套用 would rescore every result for nothing."""
    return _in_force(engine, study(engine, study_id), method)


def _in_force(engine: Engine, study_: Study, method: str) -> dict[str, Any] | None:
    history = cut_decisions(engine, study_.form_id)
    last = history[-1] if history else None
    return last if last is not None and last["method"] == method and _made_by(last, study_.id) else None


def _made_by(decision: dict[str, Any], study_id: int) -> bool:
    return json.loads(decision["numbers"] or "{}").get("study") == study_id


def _refuse_reapplying(engine: Engine, study_: Study, method: str) -> None:
    in_force = _in_force(engine, study_, method)
    if in_force is not None:
        raise RequestInvalid("cut-already-applied", f"the form's cut in force is decision {in_force['id']}, made from study {study_.id} by {method}", "study")


def decisions_of(engine: Engine, study_id: int) -> list[dict[str, Any]]:
    """The cut decisions made from this study, oldest first."""
    study_ = study(engine, study_id)
    return [d for d in cut_decisions(engine, study_.form_id) if _made_by(d, study_id)]
