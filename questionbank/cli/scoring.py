"""``qbank score`` and ``qbank report``: responses gathered elsewhere, scored and reported."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from questionbank.cli.output import EXIT_OK, EXIT_PROBLEMS, bank_of, print_problems, usage_error


def _responses(args: argparse.Namespace, prepared: Any) -> Any:
    """The responses CSV read against the form's key; None after printing its problems."""
    from questionbank.interchange.responses_csv import read_responses
    from questionbank.snapshots import answer_key

    table, problems = read_responses(args.responses, args.responses, answer_key(prepared.snapshots, prepared.rules))
    if table is None:
        print_problems(problems)
    return table


def score(args: argparse.Namespace) -> int:
    from questionbank.delivery.publishing import prepare_form
    from questionbank.files import atomic_text
    from questionbank.interchange.scores_csv import write_scores
    from questionbank.scoring import score as run
    from questionbank.snapshots import answer_key

    prepared = prepare_form(args.form, bank_of(args)[1])
    table = _responses(args, prepared)
    if table is None:
        return EXIT_PROBLEMS
    scores = run(answer_key(prepared.snapshots, prepared.rules), table.matrix)
    form_id = prepared.form["form_id"]
    if args.output:
        with atomic_text(args.output) as stream:
            count = write_scores(stream, form_id, table.candidates, scores, args.format)
        print(f"{count} candidate(s) scored on form {form_id}; written to {args.output}", file=sys.stderr)
    else:
        write_scores(sys.stdout, form_id, table.candidates, scores, args.format)
    return EXIT_OK


def report(args: argparse.Namespace) -> int:
    from questionbank.reports.fonts import find_cjk_font

    if args.kind == "technical":
        if args.attempt is not None or args.form is not None:
            return usage_error("report technical takes FORM (a published form id, or a form JSON with --responses), not --attempt or --form")
        if args.target is None:
            return usage_error("report technical needs FORM: a published form id, or a form JSON with --responses CSV")
        if args.practice and args.responses is not None:
            return usage_error("--practice goes with a published form (a responses CSV has no attempt modes)")
    elif args.target is not None:
        return usage_error(f"unexpected {args.target!r}; did you mean qbank report technical {args.target}?")
    elif args.attempt is None and args.form is None:
        return usage_error("give --attempt TOKEN, --form FORM.json --responses CSV, or technical FORM")
    elif args.practice:
        return usage_error("--practice goes with report technical")
    if args.form is not None and args.responses is None:
        return usage_error("--form needs --responses CSV (a published attempt takes --attempt TOKEN)")
    if args.attempt is not None and args.responses is not None:
        return usage_error("--responses goes with --form, not --attempt")
    if args.workers is not None and args.workers < 1:
        return usage_error("--workers must be at least 1")
    font = find_cjk_font(args.font)
    for path, reason in font.skipped:
        print(f"qbank: warning: font {path} not used: {reason}", file=sys.stderr)
    if not font.embedded:
        print(
            "qbank: warning: no TrueType font with Traditional Chinese found; the PDFs use MSung-Light, which is not embedded "
            "(the reader's PDF viewer supplies the glyphs): install fonts-arphic-uming or set QBANK_REPORT_FONT",
            file=sys.stderr,
        )
    try:
        if args.kind == "technical":
            from questionbank.cli.stats import report_technical

            return report_technical(args, font)
        return _report_attempt(args, font) if args.attempt is not None else _report_batch(args, font)
    except OSError as exc:
        where = exc.filename or args.output
        print(f"qbank: error: cannot write {where} ({exc.strerror or exc}); check the path and permissions", file=sys.stderr)
        return EXIT_PROBLEMS


def _report_attempt(args: argparse.Namespace, font: Any) -> int:
    from questionbank.checks.runner import discover, load_standards
    from questionbank.delivery.database import open_database
    from questionbank.delivery.results import candidate_report_data
    from questionbank.files import write_atomic
    from questionbank.reports.candidate import candidate_report

    files, _ = discover([args.standards]) if Path(args.standards).is_dir() else ([], [])
    standards = {s.id: s for _, s in load_standards(files)[0]}  # names only; without them the report shows codes
    data = candidate_report_data(open_database(), args.attempt, standards)
    target = Path(args.output)
    if target.parent != Path(""):
        target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, candidate_report(data, font))
    print(f"report for candidate {data['candidate_id']} on form {data['form_id']} written to {target}", file=sys.stderr)
    return EXIT_OK


def _report_batch(args: argparse.Namespace, font: Any) -> int:
    from tqdm import tqdm

    from questionbank.delivery.publishing import prepare_form
    from questionbank.reports.batch import write_batch
    from questionbank.reports.data import form_header

    prepared = prepare_form(args.form, bank_of(args)[1])
    table = _responses(args, prepared)
    if table is None:
        return EXIT_PROBLEMS
    form = prepared.form
    header = form_header(form["form_id"], prepared.snapshots, standard=prepared.standard, standard_code=form.get("standard", {}).get("code"))
    cohort, progress = write_batch(
        header, prepared.snapshots, prepared.rules, table.candidates, table.matrix, args.output, standard=prepared.standard, font=font, workers=args.workers
    )
    total = len(table.candidates)
    with tqdm(total=total, unit="report", file=sys.stderr, disable=None) as bar:
        for step in progress:
            bar.update(step.done - bar.n)
    print(f"{total} candidate report(s) and the cohort report {cohort.name} written to {args.output} (font: {font.label})", file=sys.stderr)
    return EXIT_OK
