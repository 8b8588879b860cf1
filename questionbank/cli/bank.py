"""``qbank validate`` and ``qbank coverage``: the bank's files and what they cover."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from questionbank.cli.output import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, bank_of, print_json, print_problems, problem_line, usage_error


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
    if args.blueprint:
        return _writing_plan(args, result, bank)
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


def _writing_plan(args: argparse.Namespace, result: Any, bank: Any) -> int:
    """``qbank coverage --for BLUEPRINT``: what item writers must add for N such forms."""
    import dataclasses

    from questionbank.blueprint import overlap_items
    from questionbank.checks.runner import load_blueprint
    from questionbank.feasibility import writing_plan

    blueprint, problems = load_blueprint(args.blueprint, bank.standards)
    if blueprint is None or any(p.severity.value == "error" for p in problems):
        print_problems(problems, args.format == "json", {"plan": []})
        return EXIT_PROBLEMS
    forms = args.forms or blueprint.forms
    overlap = blueprint.max_overlap
    if args.max_overlap is not None:
        overlap = overlap_items(args.max_overlap, blueprint.length)
        if overlap is None:
            return usage_error(f"--max-overlap {args.max_overlap!r}: write a count of items (e.g. 8) or a share from 0% to 100% (e.g. 20%)")
    blueprint = dataclasses.replace(blueprint, forms=forms, max_overlap=overlap)
    rows = writing_plan(blueprint, bank.standards[blueprint.standard], [item for _, item in bank.items])
    if args.format == "json":
        print_json({"blueprint": args.blueprint, "forms": forms, "max_overlap": overlap, "plan": [r.to_dict() for r in rows]})
        return EXIT_OK
    total = next(r for r in rows if r.scope == "total")
    print(
        f"writing plan for {forms} form(s) of {blueprint.length} items from {args.blueprint}, any two sharing at most {overlap if overlap is not None else blueprint.length} item(s)"
    )
    print(f"  {'scope':<7}{'category':<22}{'need':>6}{'have':>6}{'write':>7}")
    for row in rows:
        if row.scope != "total":
            print(f"  {row.scope:<7}{row.subject:<22}{row.need:>6}{row.have:>6}{row.write:>7}")
    to_write = sum(r.write for r in rows if r.scope == "task")
    print(
        f"  in all: {total.need} distinct items needed, {total.have} eligible; write at least {max(to_write, total.write)} (the task rows add up to {to_write})"
    )
    return EXIT_OK
