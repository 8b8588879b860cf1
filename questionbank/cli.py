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


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


_COMMANDS = {"validate": _validate, "coverage": _coverage}


if __name__ == "__main__":
    sys.exit(main())
