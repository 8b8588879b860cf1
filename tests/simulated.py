"""A published official form with many submitted attempts, simulated with known structure, fast.

Three duties of single-choice items from the shipped bank: T1 (4 items) and T2 (16) measure one
ability, T3 (10) another (true correlation ``rho``), each answer right with a logistic chance. With
the defaults Haberman's PRMSE finds T1 not worth reporting (the total predicts it better: 0.67
against its alpha of 0.61) and T2 and T3 worth it. The
attempts are started and submitted through the library (codes, scoring as in the hall); only
the answers are written in one statement instead of one save each, so that 120 candidates take
seconds, not minutes.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import insert, select

from questionbank.delivery import attempts, database, publishing
from questionbank.scoring import Rules
from questionbank.snapshots import snapshot
from questionbank.standards import natural_order

START = 1_800_000_000.0


def simulate_official_form(
    engine,
    bank,
    form_id: str = "sim",
    candidates: int = 120,
    per_duty: tuple[int, int, int] = (4, 16, 10),
    rho: float = 0.2,
    seed: int = 7,
    now: float = START,
    title: str = "會議專案執行人員 正式考試",
    miskeyed: tuple[int, ...] = (),
):
    """Publish ``form_id`` (BAS2421-002v4, duties T1, T2, T3) and submit ``candidates`` official
    attempts; returns the snapshots and the attempt tokens.

    At the positions in ``miskeyed`` the key is wrong, as a miskeyed item would be: candidates who
    know the answer choose the first other option (which the key says is wrong), and the others
    guess among the rest."""
    standard = bank.standards["BAS2421-002v4"]
    active = sorted((i for _, i in bank.items if i.standard == standard.id and i.status == "active" and i.type == "single"), key=lambda i: i.id)
    chosen = []
    for duty, count in zip(("T1", "T2", "T3"), per_duty, strict=True):
        chosen += [i for i in active if standard.duty_code(i.task) == duty][:count]
    snaps = sorted((snapshot(i, standard) for i in chosen), key=lambda s: (natural_order(s["task"]), s["id"]))
    publishing.publish(engine, form_id, snaps, Rules(60.0), kind="official", standard=standard, title=title, time_limit_minutes=None, now=now)
    rng = np.random.default_rng(seed)
    theta_a = rng.standard_normal(candidates)
    theta_b = rho * theta_a + np.sqrt(1 - rho**2) * rng.standard_normal(candidates)
    difficulty = rng.uniform(-1.2, 0.8, len(snaps))
    ability = np.stack([theta_b if s["duty"] == "T3" else theta_a for s in snaps], axis=1)
    right = rng.random((candidates, len(snaps))) < 1 / (1 + np.exp(-1.7 * (ability - difficulty)))
    codes = publishing.issue_access_codes(engine, form_id, [f"S{n:04d}" for n in range(candidates)], now=now)
    tokens = [attempts.start_official(engine, code, f"S{n:04d}", now=now) for n, code in enumerate(codes)]
    with engine.connect() as conn:
        ids = dict(conn.execute(select(database.attempts.c.token, database.attempts.c.id).where(database.attempts.c.form_id == form_id)).all())
    rows = []
    for n, token in enumerate(tokens):
        for position, snap in enumerate(snaps):
            wrong = [label for label, _ in snap["options"] if label not in snap["keys"]]
            if position in miskeyed:  # the truly right answer is wrong[0]
                answer = wrong[0] if right[n, position] else str(rng.choice([snap["keys"][0], *wrong[1:]]))
            else:
                answer = snap["keys"][0] if right[n, position] else str(rng.choice(wrong))
            rows.append({"attempt_id": ids[token], "position": position, "answer": answer, "flagged": False, "saved_at": now + 30, "revision": 1})
    with database.writing(engine) as conn:
        conn.execute(insert(database.responses), rows)
    for token in tokens:
        attempts.submit(engine, token, now=now + 60)
    return snaps, tokens
