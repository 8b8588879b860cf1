"""Practice: forms assembled on the fly from a standard's blueprint (all duties, chosen ones, or the weakest)."""

from __future__ import annotations

import dataclasses
import secrets
from typing import Any

from sqlalchemy import Engine

from questionbank.assembly import assemble
from questionbank.blueprint import Blueprint, Range, largest_remainder
from questionbank.delivery.attempts import _check_candidate, start_practice
from questionbank.delivery.publishing import publish
from questionbank.errors import AccessDenied, BlueprintInfeasible, RequestInvalid
from questionbank.items import Item
from questionbank.scoring import Rules
from questionbank.snapshots import snapshot
from questionbank.standards import Standard, natural_order


def capped_counts(shares: dict[str, float], total: int, caps: dict[str, int] | None) -> dict[str, int]:
    """``total`` items over duties in proportion to ``shares`` (largest remainder), none above its
    cap: what a duty cannot hold goes to the others, still in proportion."""
    counts = largest_remainder({d: 100.0 * v / sum(shares.values()) for d, v in shares.items()}, total)
    if not caps:
        return counts
    fixed: dict[str, int] = {}
    while True:
        over = {d for d, n in counts.items() if d not in fixed and n > caps.get(d, n)}
        if not over:
            return {**counts, **fixed}
        fixed |= {d: caps[d] for d in over}
        rest = {d: v for d, v in shares.items() if d not in fixed}
        left = max(0, total - sum(fixed.values()))
        if not rest or left == 0:
            return {**{d: 0 for d in rest}, **fixed}
        counts = largest_remainder({d: 100.0 * v / sum(rest.values()) for d, v in rest.items()}, left)


def practice_blueprint(blueprint: Blueprint, duties: list[str] | None = None, length: int | None = None, available: dict[str, int] | None = None) -> Blueprint:
    """The blueprint for a practice form: the default one, or only ``duties`` (counts kept in
    the default's proportions, scaled to ``length``, none above the items ``available`` per
    duty), one form, no cross-form rules."""
    if not duties:
        return dataclasses.replace(blueprint, forms=1, max_overlap=None, max_exposure=1.0)
    unknown = [d for d in duties if d not in blueprint.duty_ranges]
    if unknown:
        raise AccessDenied("practice-not-allowed", f"duty {', '.join(unknown)} is not in this blueprint (duties: {', '.join(blueprint.duty_ranges)})", "duties")
    base = {d: blueprint.duty_ranges[d].min for d in duties}
    total = min(length or sum(base.values()), sum(available.get(d, 0) for d in duties)) if available else length or sum(base.values())
    counts = capped_counts(dict(base), total, available)
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
    from collections import Counter

    from questionbank.assembly import eligible_items

    available = Counter(standard.duty_code(item.task) for item in eligible_items(blueprint, standard, items))
    have = sum(available.get(d, 0) for d in duties or blueprint.duty_ranges)
    if length and length > have:
        raise RequestInvalid("practice-too-long", f"the chosen duties have {have} items; ask for at most {have}", "length")
    plan = practice_blueprint(blueprint, duties, length, dict(available))
    seed = secrets.randbelow(2**31) if seed is None else seed
    result = assemble(plan, standard, items, seed=seed, time_limit=20.0)
    if not result.ok:
        raise BlueprintInfeasible(result.problems)
    by_id = {item.id: item for item in items}
    chosen = sorted((by_id[i] for i in result.forms[0]), key=lambda i: (natural_order(i.task), i.id))
    snapshots = [snapshot(i, standard) for i in chosen]
    form_id = f"practice-{standard.id}-{secrets.token_hex(6)}"
    title = f"{standard.name} 練習" + (f"（{'、'.join(duties)}）" if duties else "")
    rules = Rules(blueprint.cut_percent, blueprint.cut_raw, blueprint.multiple_scoring, dict(blueprint.duty_minimum_percent))
    minutes = None if blueprint.time_limit_minutes is None else max(1, round(blueprint.time_limit_minutes * plan.length / blueprint.length))
    publish(engine, form_id, snapshots, rules, kind="practice", standard=standard, title=title, time_limit_minutes=minutes, now=now)
    return start_practice(engine, form_id, candidate_id, now=now)


# Each older attempt counts half as much as one three attempts newer: recent practice shows the
# candidate's present state, but one short duty drill must not erase what a full mock exam showed.
HALF_LIFE_ATTEMPTS = 3.0


def weakest_duties(history: list[dict[str, Any]], standard_id: str, duties: list[str], count: int = 2) -> list[tuple[str, float]]:
    """The ``count`` duties with the lowest recency-weighted mean percent over the candidate's
    submitted attempts on ``standard_id`` (``history`` newest first, as from ``results.attempts_of``).

    The k-th newest attempt that includes a duty weighs 0.5 ** (k / HALF_LIFE_ATTEMPTS); duties
    never attempted are not ranked. Returns (duty, weighted percent) pairs, weakest first.
    """
    sums: dict[str, float] = {}
    weights: dict[str, float] = {}
    seen: dict[str, int] = {}
    for attempt in history:
        if attempt.get("standard_id") != standard_id or not attempt.get("detail"):
            continue
        for duty, result in attempt["detail"].get("duties", {}).items():
            if duty not in duties:
                continue
            k = seen.get(duty, 0)
            weight = 0.5 ** (k / HALF_LIFE_ATTEMPTS)
            sums[duty] = sums.get(duty, 0.0) + weight * float(result["percent"])
            weights[duty] = weights.get(duty, 0.0) + weight
            seen[duty] = k + 1
    ranked = sorted(((d, sums[d] / weights[d]) for d in sums), key=lambda pair: (pair[1], natural_order(pair[0])))
    return [(d, round(v, 1)) for d, v in ranked[:count]]


# A personal code is a practice candidate's identity: eight characters a person can write down
# and type on another device (no 0/O/1/I/L, as access codes), grouped 4-4. 31^8 ≈ 8.5e11
# codes: guessing someone's history is impractical, and nothing official hangs on it.
PERSONAL_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_personal_code() -> str:
    """A fresh personal code such as ``K7QF-9XMA``."""
    raw = "".join(secrets.choice(PERSONAL_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def personal_code(text: str) -> str | None:
    """The personal code in ``text`` as typed (any case, spaces or dashes, full-width), or None."""
    import unicodedata

    raw = "".join(c for c in unicodedata.normalize("NFKC", text or "").upper() if c.isalnum())
    if len(raw) != 8 or any(c not in PERSONAL_ALPHABET for c in raw):
        return None
    return f"{raw[:4]}-{raw[4:]}"


def attempts_in_progress(history: list[dict[str, Any]], now: float | None = None) -> list[dict[str, Any]]:
    """The attempts of ``history`` (as from ``results.attempts_of``) still open, newest first."""
    import time

    now = time.time() if now is None else now
    return [a for a in history if a["submitted_at"] is None and (a.get("deadline_at") is None or a["deadline_at"] + (a.get("extra_seconds") or 0) > now)]


def items_available(blueprint: Blueprint, standard: Standard, items: list[Item], duties: list[str] | None) -> int:
    """How many eligible items the chosen duties have: the most a duty practice can ask for."""
    from questionbank.assembly import eligible_items

    chosen = set(duties or blueprint.duty_ranges)
    return sum(1 for item in eligible_items(blueprint, standard, items) if standard.duty_code(item.task) in chosen)
