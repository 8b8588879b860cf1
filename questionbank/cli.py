"""The ``qbank`` command: parses arguments, calls one library function, formats, picks the exit status."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"qbank: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _bank_options(parser: argparse.ArgumentParser) -> None:
    """Where the bank is: every command that reads standards and items takes the same two options."""
    parser.add_argument("--standards", default="standards", metavar="DIR", help="standards folder (default: standards/)")
    parser.add_argument("--items", default="items", metavar="DIR", help="items folder (default: items/)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="qbank", description="Question bank for Taiwan's MICE competency standards (會議、展覽、活動).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    validate = sub.add_parser("validate", help="check standards, items and blueprints; report every problem with file, line and column")
    validate.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: standards/, items/, blueprints/)")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.add_argument("--strict", action="store_true", help="exit 2 when there are warnings (errors exit 1)")
    validate.add_argument("--standards", default="standards", metavar="DIR", help="standards to check items against (default: standards/)")
    validate.add_argument("--kind", choices=("standard", "item", "blueprint"), help="treat every file as this kind instead of guessing from its folder")

    cov = sub.add_parser("coverage", help="active items per duty and task, tasks with no item, K/S codes never assessed")
    cov.add_argument("--standard", metavar="ID", help="one standard (default: all)")
    cov.add_argument("--format", choices=("text", "json"), default="text")
    _bank_options(cov)

    asm = sub.add_parser("assemble", help="build exam forms that meet a blueprint, or explain exactly why they cannot")
    asm.add_argument("blueprint", metavar="BLUEPRINT")
    asm.add_argument("--forms", type=int, metavar="N", help="number of parallel forms (default: the blueprint's)")
    asm.add_argument("--seed", type=int, default=0, metavar="S")
    asm.add_argument("-o", "--output", default="forms", metavar="DIR", help="folder for the form JSON files (default: forms/)")
    asm.add_argument("--format", choices=("text", "json"), default="text")
    asm.add_argument("--time-limit", type=float, default=60.0, metavar="SECONDS")
    asm.add_argument(
        "--gap", type=float, default=0.001, metavar="REL", help="relative MIP gap at which the solver may stop and call the form optimal (default 0.001)"
    )
    _bank_options(asm)

    form = sub.add_parser("form", help="work with assembled forms")
    form_sub = form.add_subparsers(dest="form_command", metavar="ACTION", parser_class=_Parser, required=True)
    fcheck = form_sub.add_parser("check", help="re-verify a form against its blueprint and the current bank")
    fcheck.add_argument("form", metavar="FORM")
    fcheck.add_argument("--format", choices=("text", "json"), default="text")
    _bank_options(fcheck)

    score = sub.add_parser("score", help="score responses gathered elsewhere (CSV: candidate_id,item_id,answer) by duty, task and K/S code")
    score.add_argument("form", metavar="FORM", help="a form JSON written by qbank assemble")
    score.add_argument("responses", metavar="RESPONSES.csv")
    score.add_argument("--format", choices=("csv", "json"), default="json")
    score.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    _bank_options(score)

    publish = sub.add_parser("publish", help="freeze an assembled form in the database (immutable) and issue access codes")
    publish.add_argument("form", metavar="FORM", help="a form JSON written by qbank assemble")
    publish.add_argument("--practice", action="store_true", help="publish as a practice form (no access codes; keys shown after submission)")
    publish.add_argument("--codes", type=int, default=0, metavar="N", help="issue N single-use access codes")
    publish.add_argument("--title", default="", help="title shown to candidates (default: the blueprint's)")
    _bank_options(publish)

    report = sub.add_parser("report", help="PDF score reports: one submitted attempt, or every candidate of a responses CSV (on all cores)")
    source = report.add_mutually_exclusive_group(required=True)
    source.add_argument("--attempt", metavar="TOKEN", help="a submitted attempt in the database (QBANK_DATABASE_URL)")
    source.add_argument("--form", metavar="FORM.json", help="a form JSON written by qbank assemble; needs --responses")
    report.add_argument("--responses", metavar="CSV", help="responses gathered elsewhere: candidate_id,item_id,answer (as qbank score)")
    report.add_argument("-o", "--output", required=True, metavar="FILE|DIR", help="the PDF (--attempt), or a folder for one PDF per candidate (--form)")
    report.add_argument(
        "--font",
        metavar="TTF",
        help="a TrueType font with Traditional Chinese: PATH, or PATH#N for subfont N of a .ttc (default: $QBANK_REPORT_FONT, then system fonts)",
    )
    report.add_argument("--workers", type=int, metavar="N", help="processes for --form (default: all cores)")
    _bank_options(report)

    user = sub.add_parser("user", help="examiner accounts")
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION", parser_class=_Parser, required=True)
    uadd = user_sub.add_parser("add", help="create an examiner account; the password is asked for (never a default)")
    uadd.add_argument("name", metavar="NAME")
    uadd.add_argument("--password-stdin", action="store_true", help="read the password from standard input (for scripts)")

    serve = sub.add_parser("serve", help="start the exam app (Streamlit) on the configured database and the bank in the current folder")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="localhost", help="interface to listen on (default: localhost; 0.0.0.0 for all)")

    dbp = sub.add_parser("db", help="the database (QBANK_DATABASE_URL, default SQLite under ./var/)")
    db_sub = dbp.add_subparsers(dest="db_command", metavar="ACTION", parser_class=_Parser, required=True)
    db_sub.add_parser("upgrade", help="create or migrate the schema to the newest revision")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return _COMMANDS[args.command](args)
    except BrokenPipeError:
        # the reader went away (e.g. `| head`); stop quietly like other Unix tools
        sys.stderr.close()
        return EXIT_OK
    except _DatabaseUnavailable as exc:
        print(f"qbank: error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("qbank: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last guard: no traceback reaches a user
        print(f"qbank: internal error ({type(exc).__name__}: {exc}); please report it with the command you ran", file=sys.stderr)
        return EXIT_INTERNAL


def _validate(args: argparse.Namespace) -> int:
    from questionbank.checks.runner import validate

    result = validate(args.paths or None, standards_dir=args.standards, kind=args.kind)
    if args.format == "json":
        _print_json(result.to_dict())
    else:
        for p in result.problems:
            print(f"{p.file}:{p.line}:{p.column}: {p.severity.value} [{p.code}] {p.message}")
        summary = result.summary()
        print(
            f"{summary['files']} files checked ({summary['standards']} standards, {summary['items']} items, {summary['blueprints']} blueprints): {result.errors} errors, {result.warnings} warnings"
        )
    if result.errors:
        return EXIT_PROBLEMS
    if args.strict and result.warnings:
        return EXIT_USAGE
    return EXIT_OK


def _coverage(args: argparse.Namespace) -> int:
    from questionbank.checks.runner import validate_bank
    from questionbank.coverage import coverage

    result, bank = validate_bank([args.items], standards_dir=args.standards, items_dir=args.items)
    if args.standard and args.standard not in bank.standards:
        known = ", ".join(sorted(bank.standards)) or "none"
        print(f"qbank: error: unknown standard '{args.standard}' (known: {known})", file=sys.stderr)
        return EXIT_USAGE
    ids = [args.standard] if args.standard else sorted(bank.standards)
    items = [item for _, item in bank.items]
    reports = [coverage(bank.standards[i], items) for i in ids]
    if args.format == "json":
        _print_json({"standards": [r.to_dict() for r in reports], "skipped_invalid_items": result.errors})
        return EXIT_OK
    for report in reports:
        s = report.standard
        print(f"== {s.label}  [{s.status}]  active items: {report.items}  (inactive: {report.inactive_items})")
        types = ", ".join(f"{k} {v}" for k, v in sorted(report.by_type.items())) or "none"
        levels = ", ".join(f"{k} {v}" for k, v in sorted(report.by_level.items())) or "none"
        keys = ", ".join(f"{k} {v}" for k, v in report.by_key.items()) or "none"
        print(f"   types: {types} | levels: {levels} | keys: {keys}")
        for duty in report.duties:
            print(f"   {duty.code:<5} {duty.items:>4}  {duty.name}")
            for task, n in duty.tasks.items():
                print(f"      {task:<7} {n:>4}{'  <- no item' if n == 0 else ''}")
        if report.tasks_without_items:
            print(f"   tasks with no item ({len(report.tasks_without_items)}): {', '.join(report.tasks_without_items)}")
        if report.competencies_never_assessed:
            print(f"   K/S codes never assessed ({len(report.competencies_never_assessed)}): {', '.join(report.competencies_never_assessed)}")
    if result.errors:
        print(f"note: {result.errors} problems kept some items out of these counts; run qbank validate", file=sys.stderr)
    return EXIT_OK


def _print_problems(problems: Any, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    if as_json:
        _print_json({**(extra or {}), "problems": [p.to_dict() for p in problems]})
        return
    for p in problems:
        print(f"{p.file}:{p.line}:{p.column}: {p.severity.value} [{p.code}] {p.message}")


def _assemble(args: argparse.Namespace) -> int:
    import dataclasses
    from pathlib import Path

    from questionbank.assembly import assemble
    from questionbank.checks.runner import load_blueprint, validate_bank
    from questionbank.forms import form_documents

    if args.forms is not None and args.forms < 1:
        print("qbank: error: --forms must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    _, bank = validate_bank([args.items], standards_dir=args.standards, items_dir=args.items)
    blueprint, problems = load_blueprint(args.blueprint, bank.standards)
    errors = [p for p in problems if p.severity.value == "error"]
    if blueprint is None or errors:
        _print_problems(problems, args.format == "json", {"forms": []})
        return EXIT_PROBLEMS
    if args.forms is not None:
        blueprint = dataclasses.replace(blueprint, forms=args.forms)
    standard = bank.standards[blueprint.standard]
    items = [item for _, item in bank.items]
    result = assemble(blueprint, standard, items, seed=args.seed, time_limit=args.time_limit, gap=args.gap)
    if not result.ok:
        _print_problems(
            result.problems, args.format == "json", {"forms": [], "solver": dataclasses.asdict(result.solver) | {"values": None} if result.solver else None}
        )
        return EXIT_PROBLEMS
    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for document in form_documents(result, blueprint, standard, items):
        path = out_dir / f"{document['form_id']}.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append((str(path), document))
    if args.format == "json":
        _print_json({"forms": [{"path": p, **d} for p, d in written], "problems": []})
    else:
        solver = result.solver
        gap = f", gap {solver.gap:.4%}" if solver.gap is not None else ""
        print(
            f"{len(written)} form(s) of {blueprint.length} items for {standard.label}; solver {solver.status} in {solver.seconds:.2f} s (objective {solver.objective:.4f}{gap})"
        )
        for path, document in written:
            per_duty = ", ".join(f"{s['duty']} {len(s['items'])}" for s in document["sections"])
            print(f"  {path}: {per_duty}")
    return EXIT_OK


def _form_check(args: argparse.Namespace) -> int:
    from questionbank.checks.runner import load_blueprint, validate_bank
    from questionbank.forms import check_form, read_form

    form, problems = read_form(args.form)
    if form is None:
        _print_problems(problems, args.format == "json")
        return EXIT_PROBLEMS
    _, bank = validate_bank([args.items], standards_dir=args.standards, items_dir=args.items)
    blueprint, bp_problems = load_blueprint(form["blueprint"]["path"], bank.standards)
    standard = bank.standards.get(form.get("standard", {}).get("id", ""))
    result = check_form(form, args.form, blueprint, standard, [item for _, item in bank.items])
    all_problems = [*[p for p in bp_problems if p.severity.value == "error"], *result.problems]
    _print_problems(all_problems, args.format == "json", {"form": form.get("form_id"), "ok": not all_problems})
    if args.format != "json" and not all_problems:
        print(f"{args.form}: form {form.get('form_id')} still meets its blueprint; all {form.get('length')} items unchanged")
    return EXIT_PROBLEMS if all_problems else EXIT_OK


class _DatabaseUnavailable(Exception):
    pass


def _engine() -> Any:
    from sqlalchemy.exc import SQLAlchemyError

    from questionbank.delivery.database import connect, database_url

    url = database_url()
    try:
        return connect(url)
    except (SQLAlchemyError, OSError) as exc:
        from sqlalchemy.engine import make_url

        shown = make_url(url).render_as_string(hide_password=True) if "://" in url else url
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise _DatabaseUnavailable(f"cannot use the database at {shown} ({reason}); check QBANK_DATABASE_URL or that ./var/ is writable") from None


def _form_for_delivery(args: argparse.Namespace) -> tuple[dict[str, Any], Any, list[dict[str, Any]], Any] | None:
    """The form, its standard, snapshots of its (unchanged) items and its scoring rules; None after printing why not."""
    from questionbank.checks.runner import load_blueprint, validate_bank
    from questionbank.delivery.publishing import form_snapshots
    from questionbank.forms import read_form
    from questionbank.scoring import Rules

    form, problems = read_form(args.form)
    if form is None:
        _print_problems(problems, False)
        return None
    _, bank = validate_bank([args.items], standards_dir=args.standards, items_dir=args.items)
    standard = bank.standards.get(form.get("standard", {}).get("id", ""))
    if standard is None:
        print(f"{args.form}:1:1: error [unknown-standard] the form's standard is not in {args.standards}/", file=sys.stderr)
        return None
    snapshots, problems = form_snapshots(form, args.form, [item for _, item in bank.items], standard)
    if "scoring" in form:
        rules = Rules.from_dict(form["scoring"])
    else:  # forms written before the scoring rules were recorded: read them from the blueprint
        blueprint, bp_problems = load_blueprint(form["blueprint"]["path"], bank.standards)
        problems += [p for p in bp_problems if p.severity.value == "error"]
        rules = Rules(blueprint.cut_percent, blueprint.cut_raw, blueprint.multiple_scoring, dict(blueprint.duty_minimum_percent)) if blueprint else Rules()
    if problems:
        _print_problems(problems, False)
        return None
    return form, standard, snapshots, rules


def _score(args: argparse.Namespace) -> int:
    from questionbank.delivery.publishing import answer_key
    from questionbank.interchange.responses_csv import read_responses
    from questionbank.scoring import score

    loaded = _form_for_delivery(args)
    if loaded is None:
        return EXIT_PROBLEMS
    form, _, snapshots, rules = loaded
    key = answer_key(snapshots, rules)
    try:
        data = Path(args.responses).read_bytes()
    except OSError as exc:
        print(f"{args.responses}:1:1: error [responses-unreadable] cannot read the file ({exc.strerror or exc}); check the path", file=sys.stderr)
        return EXIT_PROBLEMS
    table, problems = read_responses(data, args.responses, key)
    if table is None:
        _print_problems(problems, False)
        return EXIT_PROBLEMS
    scores = score(key, table.matrix)
    results = [{"candidate_id": cid, **scores.candidate(n)} for n, cid in enumerate(table.candidates)]
    if args.format == "json":
        text = json.dumps({"form": form.get("form_id"), "candidates": results}, ensure_ascii=False, indent=2) + "\n"
    else:
        text = _scores_csv(results, key.duties)
    if args.output:
        target = Path(args.output)
        partial = target.with_name(target.name + ".partial")
        partial.write_text(text, encoding="utf-8", newline="")
        partial.replace(target)
        print(f"{len(results)} candidate(s) scored on form {form.get('form_id')}; written to {target}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _scores_csv(results: list[dict[str, Any]], duties: list[str]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["candidate_id", "raw", "max", "percent", "passed", *[f"{d}_{k}" for d in duties for k in ("raw", "max", "percent", "band")]])
    for r in results:
        writer.writerow(
            [r["candidate_id"], r["raw"], r["max"], r["percent"], "true" if r["passed"] else "false"]
            + [r["duties"][d][k] for d in duties for k in ("raw", "max", "percent", "band")]
        )
    return out.getvalue()


def _report(args: argparse.Namespace) -> int:
    from questionbank.reports import find_cjk_font

    if args.form is not None and args.responses is None:
        print("qbank: error: --form needs --responses CSV (a published attempt takes --attempt TOKEN)", file=sys.stderr)
        return EXIT_USAGE
    if args.attempt is not None and args.responses is not None:
        print("qbank: error: --responses goes with --form, not --attempt", file=sys.stderr)
        return EXIT_USAGE
    if args.workers is not None and args.workers < 1:
        print("qbank: error: --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
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
        return _report_attempt(args, font) if args.attempt is not None else _report_batch(args, font)
    except OSError as exc:
        where = exc.filename or args.output
        print(f"qbank: error: cannot write {where} ({exc.strerror or exc}); check the path and permissions", file=sys.stderr)
        return EXIT_PROBLEMS


def _report_attempt(args: argparse.Namespace, font: Any) -> int:
    from questionbank.checks.runner import discover, load_standards
    from questionbank.delivery.publishing import DeliveryError
    from questionbank.reports import candidate_report, candidate_report_data

    files, _ = discover([args.standards]) if Path(args.standards).is_dir() else ([], [])
    standards = {s.id: s for _, s in load_standards(files)[0]}  # names only; without them the report shows codes
    try:
        data = candidate_report_data(_engine(), args.attempt, standards)
    except DeliveryError as exc:
        print(f"qbank: error [{exc.code}] {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    pdf = candidate_report(data, font)
    target = Path(args.output)
    if target.parent != Path(""):
        target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(pdf)
    partial.replace(target)
    print(f"report for candidate {data['candidate_id']} on form {data['form_id']} written to {target}", file=sys.stderr)
    return EXIT_OK


def _report_batch(args: argparse.Namespace, font: Any) -> int:
    from tqdm import tqdm

    from questionbank.delivery.publishing import answer_key
    from questionbank.interchange.responses_csv import read_responses
    from questionbank.reports import candidates_report_data, cohort_report, cohort_report_data, form_header, report_filenames, write_reports

    loaded = _form_for_delivery(args)
    if loaded is None:
        return EXIT_PROBLEMS
    form, standard, snapshots, rules = loaded
    try:
        data = Path(args.responses).read_bytes()
    except OSError as exc:
        print(f"{args.responses}:1:1: error [responses-unreadable] cannot read the file ({exc.strerror or exc}); check the path", file=sys.stderr)
        return EXIT_PROBLEMS
    table, problems = read_responses(data, args.responses, answer_key(snapshots, rules))
    if table is None:
        _print_problems(problems, False)
        return EXIT_PROBLEMS
    header = form_header(form["form_id"], snapshots, standard=standard, standard_code=form.get("standard", {}).get("code"))
    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    cohort = out_dir / ("_" + report_filenames([f"cohort-{form['form_id']}"])[0])
    cohort_pdf = cohort_report(cohort_report_data(header, snapshots, rules, table.matrix), font)
    cohort.with_name(cohort.name + ".partial").write_bytes(cohort_pdf)
    cohort.with_name(cohort.name + ".partial").replace(cohort)
    reports = candidates_report_data(header, snapshots, rules, table.candidates, table.matrix, standard=standard)
    with tqdm(total=len(reports), unit="report", file=sys.stderr, disable=None) as bar:
        for progress in write_reports(reports, out_dir, font=font, workers=args.workers):
            bar.update(progress.done - bar.n)
    print(f"{len(reports)} candidate report(s) and the cohort report {cohort.name} written to {out_dir} (font: {font.label})", file=sys.stderr)
    return EXIT_OK


def _publish(args: argparse.Namespace) -> int:
    from questionbank.delivery.publishing import DeliveryError, issue_access_codes, publish

    if args.codes < 0 or (args.codes and args.practice):
        print("qbank: error: --codes must be 0 or more, and practice forms take no access codes", file=sys.stderr)
        return EXIT_USAGE
    loaded = _form_for_delivery(args)
    if loaded is None:
        return EXIT_PROBLEMS
    form, standard, snapshots, rules = loaded
    engine = _engine()
    try:
        form_id = publish(
            engine,
            form["form_id"],
            snapshots,
            rules,
            kind="practice" if args.practice else "official",
            standard=standard,
            title=args.title or f"{standard.name} {form['form_id']}",
            time_limit_minutes=form.get("time_limit_minutes"),
            source=form,
        )
        codes = issue_access_codes(engine, form_id, [None] * args.codes) if args.codes else []
    except DeliveryError as exc:
        print(f"{args.form}: error [{exc.code}] {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"published {'practice' if args.practice else 'official'} form {form_id} ({len(snapshots)} items)")
    for code in codes:
        print(code)
    return EXIT_OK


def _user(args: argparse.Namespace) -> int:
    import getpass

    from questionbank.delivery.accounts import add_examiner
    from questionbank.delivery.publishing import DeliveryError

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            print("qbank: error: no terminal to ask for the password; use --password-stdin", file=sys.stderr)
            return EXIT_USAGE
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            print("qbank: error: the passwords differ; nothing was created", file=sys.stderr)
            return EXIT_PROBLEMS
    try:
        add_examiner(_engine(), args.name, password)
    except DeliveryError as exc:
        print(f"qbank: error [{exc.code}] {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"examiner '{args.name.strip()}' created")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    import subprocess

    import exam_app

    _engine()  # create or migrate the database first, so a bad URL is reported here, not in the browser
    app = Path(exam_app.__file__).parent / "app.py"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        f"--server.port={args.port}",
        f"--server.address={args.address}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=viewer",
    ]
    print(f"qbank: serving the exam app on http://{args.address}:{args.port} (Ctrl-C to stop)", file=sys.stderr)
    return subprocess.call(command)


def _db(args: argparse.Namespace) -> int:
    from questionbank.delivery.database import current_revision

    engine = _engine()
    print(f"database at revision {current_revision(engine)}")
    return EXIT_OK


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _form(args: argparse.Namespace) -> int:
    return _form_check(args)


_COMMANDS = {
    "validate": _validate,
    "coverage": _coverage,
    "assemble": _assemble,
    "form": _form,
    "score": _score,
    "publish": _publish,
    "user": _user,
    "db": _db,
    "serve": _serve,
    "report": _report,
}


if __name__ == "__main__":
    sys.exit(main())
