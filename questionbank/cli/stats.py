"""``qbank analyze`` and ``qbank report technical``: item analysis of a form's responses (a CSV
gathered elsewhere, or a published form), as text, JSON, CSV or the technical PDF."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from questionbank.cli.output import EXIT_OK, EXIT_PROBLEMS, bank_of, print_json, print_problems, usage_error


def analyze(args: argparse.Namespace) -> int:
    if args.published is not None:
        if args.form is not None:
            return usage_error("give FORM RESPONSES.csv or --published FORM_ID, not both")
        from questionbank.delivery.database import open_database
        from questionbank.delivery.results import published_analysis

        form_id = args.published
        engine = open_database()
        analysis = published_analysis(engine, form_id, practice=args.practice)
        if args.store:
            from questionbank.delivery.item_statistics import store_item_statistics
            from questionbank.delivery.verdicts import decide_duty_verdicts

            stored = store_item_statistics(engine, form_id, analysis, practice=args.practice)
            print(f"statistics of {stored} item(s) stored for form {form_id}", file=sys.stderr)
            verdicts = decide_duty_verdicts(engine, form_id)  # official attempts only, whatever --practice says
            if verdicts.decided:
                decided = ", ".join(f"{duty} {'numbers' if ok else 'band only'}" for duty, ok in verdicts.reportable.items())
                print(f"duty verdicts decided on {verdicts.candidates} official attempt(s); candidates are shown: {decided}", file=sys.stderr)
            else:
                print(f"duty verdicts not decided: {verdicts.candidates} of the {verdicts.minimum} official attempts needed", file=sys.stderr)
    else:
        if args.form is None or args.responses is None:
            return usage_error("give FORM RESPONSES.csv, or --published FORM_ID for a form in the database")
        if args.practice or args.store:
            return usage_error("--practice and --store go with --published (a responses CSV has no attempt modes or stored form)")
        found = _csv_analysis(args, args.form)
        if found is None:
            return EXIT_PROBLEMS
        prepared, analysis = found
        form_id = prepared.form["form_id"]
    if args.format == "json":
        print_json({"form_id": form_id, **analysis.to_dict()})
    elif args.format == "csv":
        from questionbank.interchange.analysis_csv import analysis_csv

        sys.stdout.write(analysis_csv(form_id, analysis))
    else:
        sys.stdout.write(text_report(form_id, analysis))
    return EXIT_OK


def _csv_analysis(args: argparse.Namespace, form_path: str) -> tuple[Any, Any] | None:
    """The prepared form and the analysis of ``args.responses`` against it; None after printing
    the responses' problems."""
    from questionbank.delivery.publishing import prepare_form
    from questionbank.interchange.responses_csv import read_responses
    from questionbank.snapshots import answer_key
    from questionbank.stats.analysis import analyze as run

    prepared = prepare_form(form_path, bank_of(args)[1])
    key = answer_key(prepared.snapshots, prepared.rules)
    table, problems = read_responses(args.responses, args.responses, key)
    if table is None:
        print_problems(problems)
        return None
    return prepared, run(key, table.matrix)


def _f(value: float | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def text_report(form_id: str, analysis: Any) -> str:
    """The analysis for a terminal: the form, the decision at the cut, duties, items, flags."""
    form = analysis.form
    lines = [f"form {form_id}: {form.candidates} candidate(s), {form.items} item(s), maximum {form.max:g}"]
    if form.candidates == 0:
        lines.append("no submitted attempts to analyse")
        return "\n".join(lines) + "\n"
    lines += [
        f"total: mean {_f(form.mean)}, SD {_f(form.sd)}; alpha (KR-20) {_f(form.alpha, 3)}; SEM {_f(form.sem)}",
        f"cut {form.cut_raw:g}: pass rate {_f(100 * form.pass_rate, 1)}%; CSEM at the cut {_f(form.csem_at_cut)} ({form.csem_method})",
    ]
    d = analysis.decisions
    if d is None:
        lines.append("decision consistency: not estimated (the scores do not vary, or alpha is not between 0 and 1)")
    else:
        lines.append(
            f"decisions ({d.method}, effective length {d.effective_length}): accuracy {_f(d.accuracy, 3)} "
            f"(false pass {_f(d.false_pass, 3)}, false fail {_f(d.false_fail, 3)}), consistency {_f(d.consistency, 3)}, kappa {_f(d.kappa, 3)}"
        )
    lines += ["", f"{'duty':<8}{'items':>6}{'alpha':>8}{'PRMSE s':>9}{'PRMSE x':>9}  subscore"]
    for s in analysis.subscores:
        verdict = "reportable" if s.reportable else "not reportable (the total predicts it as well)"
        if s.reliability is None:
            verdict = "not reportable (no reliability: one item or no variance)"
        lines.append(f"{s.duty:<8}{s.items:>6}{_f(s.reliability, 3):>8}{_f(s.prmse_subscore, 3):>9}{_f(s.prmse_total, 3):>9}  {verdict}")
    width = max([4, *(len(i.id) for i in analysis.items)])
    lines += ["", f"{'item':<{width}}  {'p':>6}{'r(rest)':>9}{'omit':>7}  options (share/mean total; * key)  flags"]
    for item in analysis.items:
        options = " ".join(f"{o.label}{'*' if o.key else ''} {_f(o.share)}/{_f(o.mean_total, 1)}" for o in item.options)
        flags = " ".join(f.code for f in item.flags)
        lines.append(f"{item.id:<{width}}  {_f(item.p):>6}{_f(item.corrected_r):>9}{_f(item.omit_rate):>7}  {options}  {flags}".rstrip())
    flagged = analysis.flags
    lines += ["", f"{len(flagged)} flag(s) on {len({f.path for f in flagged})} item(s)"]
    lines += [f"{f.path}: {f.severity.value} [{f.code}] {f.message}" for f in flagged]
    return "\n".join(lines) + "\n"


def report_technical(args: argparse.Namespace, font: Any) -> int:
    """``qbank report technical FORM``: a published form's technical PDF (from the database), or a
    form JSON's with ``--responses`` (responses gathered elsewhere)."""
    from pathlib import Path

    from questionbank.checks.runner import discover, load_standards
    from questionbank.files import write_atomic
    from questionbank.reports import technical_report, technical_report_data

    if args.responses is None:
        from questionbank.delivery.database import open_database
        from questionbank.delivery.results import published_technical_report_data

        files, _ = discover([args.standards]) if Path(args.standards).is_dir() else ([], [])
        standards = {s.id: s for _, s in load_standards(files)[0]}  # names only; without them the report shows codes
        data = published_technical_report_data(open_database(), args.target, standards, practice=args.practice)
    else:
        from questionbank.reports.data import form_header

        found = _csv_analysis(args, args.target)
        if found is None:
            return EXIT_PROBLEMS
        prepared, analysis = found
        form = prepared.form
        header = form_header(form["form_id"], prepared.snapshots, standard=prepared.standard, standard_code=form.get("standard", {}).get("code"))
        data = technical_report_data(header, prepared.snapshots, prepared.rules, analysis, source="responses")
    target = Path(args.output)
    if target.parent != Path(""):
        target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, technical_report(data, font))
    form = data["analysis"].form
    print(f"technical report of form {data['form_id']} ({form.candidates} candidate(s), {form.items} item(s)) written to {target}", file=sys.stderr)
    return EXIT_OK
