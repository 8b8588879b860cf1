"""``qbank validate`` and ``qbank coverage``: the bank's files and what they cover."""

from __future__ import annotations

import argparse
import sys

from questionbank.cli.output import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, bank_of, print_json, problem_line


def validate(args: argparse.Namespace) -> int:
    from questionbank.checks.runner import validate as run

    result = run(args.paths or None, standards_dir=args.standards, kind=args.kind)
    if args.format == "json":
        print_json(result.to_dict())
    else:
        for p in result.problems:
            print(problem_line(p))
        summary = result.summary()
        print(
            f"{summary['files']} files checked ({summary['standards']} standards, {summary['items']} items, {summary['blueprints']} blueprints): {result.errors} errors, {result.warnings} warnings"
        )
    if result.errors:
        return EXIT_PROBLEMS
    if args.strict and result.warnings:
        return EXIT_USAGE
    return EXIT_OK


def coverage(args: argparse.Namespace) -> int:
    from questionbank.coverage import coverage as cover

    result, bank = bank_of(args)
    if args.standard and args.standard not in bank.standards:
        known = ", ".join(sorted(bank.standards)) or "none"
        print(f"qbank: error: unknown standard '{args.standard}' (known: {known})", file=sys.stderr)
        return EXIT_USAGE
    ids = [args.standard] if args.standard else sorted(bank.standards)
    items = [item for _, item in bank.items]
    reports = [cover(bank.standards[i], items) for i in ids]
    if args.format == "json":
        print_json({"standards": [r.to_dict() for r in reports], "skipped_invalid_items": result.errors})
        return EXIT_OK
    for report in reports:
        s = report.standard
        print(f"== {s.name} ({s.id})  [{s.status}]  active items: {report.items}  (inactive: {report.inactive_items})")
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
