"""``qbank export`` and ``qbank import``: items to and from xlsx, QTI 2.1, Moodle XML and GIFT."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from questionbank.cli.output import EXIT_OK, EXIT_PROBLEMS, bank_of, print_json, print_problems, usage_error


def export(args: argparse.Namespace) -> int:
    from questionbank.interchange.transfer import export_items, select_items

    result, bank = bank_of(args)
    if args.standard and args.standard not in bank.standards:
        return usage_error(f"unknown standard '{args.standard}' (known: {', '.join(sorted(bank.standards)) or 'none'})")
    items = select_items((item for _, item in bank.items), args.standard, args.status)
    if not items:
        return usage_error("no item matches --standard and --status")
    exported = export_items(args.format, items, bank.standards, args.output)
    if args.json:
        print_json({"files": list(exported.files), "items": exported.items, "problems": [p.to_dict() for p in exported.problems]})
    else:
        print_problems(exported.problems)
    print(f"{exported.items} item(s) exported as {args.format} to {', '.join(exported.files)}", file=sys.stderr)
    if result.errors:
        print(f"note: {result.errors} problems kept some items out of the export; run qbank validate", file=sys.stderr)
    return EXIT_OK


def import_(args: argparse.Namespace) -> int:
    from questionbank.checks.runner import discover, load_standards
    from questionbank.interchange.transfer import import_items

    files, _ = discover([args.standards]) if Path(args.standards).is_dir() else ([], [])
    standards = {s.id: s for _, s in load_standards(files)[0]}
    result = import_items(args.path, standards, args.items, args.format, args.update)
    if args.json:
        print_json(result.to_dict())
        return EXIT_PROBLEMS if result.refused else EXIT_OK
    print_problems(result.problems)
    counts = result.counts()
    if result.errors:
        print(f"import refused: {result.errors} error(s); nothing written", file=sys.stderr)
        return EXIT_PROBLEMS
    changed = [c for c in result.changes if c.status == "changed"]
    if result.refused:
        for change in changed:
            sys.stdout.write(change.diff)
        print(f"import refused: {len(changed)} item(s) differ from the bank (diff above); nothing written. Rerun with --update to write them", file=sys.stderr)
        return EXIT_PROBLEMS
    for path in result.written:
        print(f"wrote {path}")
    print(f"{counts['new']} new, {counts['changed']} updated, {counts['unchanged']} unchanged (skipped)", file=sys.stderr)
    return EXIT_OK
