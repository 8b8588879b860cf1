"""Writing many reports: one PDF per candidate on all cores, atomically, with progress."""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from questionbank.files import write_atomic
from questionbank.reports.candidate import candidate_report
from questionbank.reports.fonts import ReportFont, _register, find_cjk_font


@dataclass(frozen=True)
class Progress:
    """One report written: how many of how many, and where."""

    done: int
    total: int
    path: Path


def report_filenames(candidate_ids: Sequence[str], reserved: Iterable[str] = ()) -> list[str]:
    """A safe, distinct ``.pdf`` file name per candidate id (case-insensitively distinct, for macOS and Windows)."""
    taken = {name.casefold() for name in reserved}
    out = []
    for cid in candidate_ids:
        stem = re.sub(r"[^\w.-]+", "_", unicodedata.normalize("NFC", cid)).strip("._")[:100] or "candidate"
        name, n = f"{stem}.pdf", 1
        while name.casefold() in taken:
            n += 1
            name = f"{stem}-{n}.pdf"
        taken.add(name.casefold())
        out.append(name)
    return out


# the report this worker process is writing, so that a SIGTERM can remove its .partial file
_WRITING: list[str] = []


def _die_with_parent(parent: int) -> None:
    """Ask Linux to send SIGTERM when the parent dies (prctl PR_SET_PDEATHSIG); on SIGTERM remove
    the ``.partial`` being written and exit at once. (Raising SystemExit would not do: the pool's
    worker loop catches it as a task's result and then waits for work that never comes.)"""
    import contextlib
    import signal

    def stop(signum: int, frame: Any) -> None:
        for path in _WRITING:
            with contextlib.suppress(OSError):
                os.unlink(path + ".partial")
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        raise SystemExit(1)


def _init_worker(font: ReportFont, parent: int | None = None) -> None:
    from reportlab import rl_config

    if parent is not None:
        _die_with_parent(parent)

    _register(font)
    # ReportLab re-validates every attribute set on a chart shape; these processes draw only the
    # shapes of this module (checked by its tests), and skipping the checks saves about 5% of the time.
    rl_config.shapeChecking = 0


def _render_to_file(data: dict[str, Any], path: str, font: ReportFont) -> str:
    _WRITING[:] = [path]
    try:
        write_atomic(path, candidate_report(data, font))
    finally:
        _WRITING.clear()
    return path


def write_reports(
    reports: Sequence[dict[str, Any]], out_dir: str | os.PathLike[str], *, font: ReportFont | None = None, workers: int | None = None
) -> Iterator[Progress]:
    """Write one PDF per candidate into ``out_dir`` on all cores, yielding progress as each is written.

    File names come from :func:`report_filenames`. ``workers`` defaults to the number of cores;
    1 renders in this process. Stopping the iteration cancels the reports not yet started.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    font = font or find_cjk_font()
    names = report_filenames([d["candidate_id"] for d in reports])
    jobs = [(data, str(out / name)) for data, name in zip(reports, names, strict=True)]
    total = len(jobs)
    workers = min(workers or os.cpu_count() or 1, max(total, 1))
    if workers <= 1:
        for n, (data, path) in enumerate(jobs, start=1):
            yield Progress(n, total, Path(_render_to_file(data, path, font)))
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(font, os.getpid()))
    try:
        futures = [pool.submit(_render_to_file, data, path, font) for data, path in jobs]
        for n, future in enumerate(as_completed(futures), start=1):
            yield Progress(n, total, Path(future.result()))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def write_batch(
    header: dict[str, Any],
    snapshots: list[dict[str, Any]],
    rules: Any,
    candidates: Sequence[str],
    responses: Any,
    out_dir: str | os.PathLike[str],
    *,
    standard: Any = None,
    font: ReportFont | None = None,
    workers: int | None = None,
) -> tuple[Path, Iterator[Progress]]:
    """The cohort report ``_cohort-<form>.pdf`` (written at once) and an iterator that writes one
    candidate report per row of ``responses``; returns the cohort path and that iterator."""
    from questionbank.reports.cohort import cohort_report
    from questionbank.reports.data import candidates_report_data, cohort_report_data

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    font = font or find_cjk_font()
    cohort = out / ("_" + report_filenames([f"cohort-{header['form_id']}"])[0])
    write_atomic(cohort, cohort_report(cohort_report_data(header, snapshots, rules, responses), font))
    data = candidates_report_data(header, snapshots, rules, candidates, responses, standard=standard)
    return cohort, write_reports(data, out, font=font, workers=workers)
