"""The deadline sweep inside the server: abandoned attempts are submitted at their deadline
without any page being opened, so cohort results count every candidate.

On PostgreSQL several replicas may run it; a transaction-level advisory lock lets one sweep at a
time (the others skip that round). ``qbank attempts expire`` runs the same sweep from cron.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine, text

from questionbank.delivery.attempts import expire_due

log = logging.getLogger(__name__)
# any fixed 64-bit number, the same on every replica: "qbank-sweep" as ASCII
ADVISORY_KEY = 0x71626E6B2D7377
DEFAULT_INTERVAL_SECONDS = 30.0


def sweep_once(engine: Engine, now: float | None = None) -> list[int] | None:
    """Submit every attempt past its deadline; None when another replica holds the sweep lock."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar():
                return None
            try:
                return expire_due(engine, now)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                conn.commit()
    return expire_due(engine, now)


def start_sweeper(engine: Engine, interval: float = DEFAULT_INTERVAL_SECONDS, stop: threading.Event | None = None) -> threading.Thread:
    """A daemon thread that sweeps every ``interval`` seconds for the life of the process (or until ``stop`` is set)."""
    stop = stop or threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                done = sweep_once(engine)
                if done:
                    log.info("deadline sweep submitted %d attempt(s)", len(done))
            except Exception:  # a failed round is logged and retried; the server keeps serving
                log.exception("deadline sweep failed")
            stop.wait(interval)

    thread = threading.Thread(target=run, name="qbank-deadline-sweep", daemon=True)
    thread.start()
    return thread
