"""The ``qbank`` command: parses arguments, calls one library function, formats, picks the exit status."""

from __future__ import annotations

import argparse
import json
import sys
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
    cov.add_argument("--standards", default="standards", metavar="DIR")
    cov.add_argument("--items", default="items", metavar="DIR")

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
    asm.add_argument("--standards", default="standards", metavar="DIR")
    asm.add_argument("--items", default="items", metavar="DIR")

    form = sub.add_parser("form", help="work with assembled forms")
    form_sub = form.add_subparsers(dest="form_command", metavar="ACTION", parser_class=_Parser, required=True)
    fcheck = form_sub.add_parser("check", help="re-verify a form against its blueprint and the current bank")
    fcheck.add_argument("form", metavar="FORM")
    fcheck.add_argument("--format", choices=("text", "json"), default="text")
    fcheck.add_argument("--standards", default="standards", metavar="DIR")
    fcheck.add_argument("--items", default="items", metavar="DIR")
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
    except KeyboardInterrupt:
        print("qbank: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last guard: no traceback reaches a user
        print(f"qbank: internal error ({type(exc).__name__}: {exc}); please report it with the command you ran", file=sys.stderr)
        return EXIT_INTERNAL


def _validate(args: argparse.Namespace) -> int:
    from questionbank.validation import validate

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
    from questionbank.coverage import coverage
    from questionbank.validation import validate_bank

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
    from questionbank.forms import form_documents
    from questionbank.validation import load_blueprint, validate_bank

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
    from questionbank.forms import check_form, read_form
    from questionbank.validation import load_blueprint, validate_bank

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


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _form(args: argparse.Namespace) -> int:
    return _form_check(args)


_COMMANDS = {"validate": _validate, "coverage": _coverage, "assemble": _assemble, "form": _form}


if __name__ == "__main__":
    sys.exit(main())
