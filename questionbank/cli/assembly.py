"""``qbank assemble`` and ``qbank form check``: forms built to a blueprint, and re-verified."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from questionbank.cli.output import EXIT_OK, EXIT_PROBLEMS, bank_of, print_json, print_problems, usage_error


def assemble(args: argparse.Namespace) -> int:
    from questionbank.assembly import assemble as solve
    from questionbank.checks.runner import load_blueprint
    from questionbank.files import write_atomic
    from questionbank.forms import form_documents

    if args.forms is not None and args.forms < 1:
        return usage_error("--forms must be at least 1")
    _, bank = bank_of(args)
    blueprint, problems = load_blueprint(args.blueprint, bank.standards)
    errors = [p for p in problems if p.severity.value == "error"]
    if blueprint is None or errors:
        print_problems(problems, args.format == "json", {"forms": []})
        return EXIT_PROBLEMS
    if args.forms is not None:
        blueprint = dataclasses.replace(blueprint, forms=args.forms)
    standard = bank.standards[blueprint.standard]
    items = [item for _, item in bank.items]
    result = solve(blueprint, standard, items, seed=args.seed, time_limit=args.time_limit, gap=args.gap)
    if not result.ok:
        solver = dataclasses.asdict(result.solver) | {"values": None} if result.solver else None
        print_problems(result.problems, args.format == "json", {"forms": [], "solver": solver})
        return EXIT_PROBLEMS
    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for document in form_documents(result, blueprint, standard, items):
        path = write_atomic(out_dir / f"{document['form_id']}.json", json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        written.append((str(path), document))
    if args.format == "json":
        print_json({"forms": [{"path": p, **d} for p, d in written], "problems": []})
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


def form(args: argparse.Namespace) -> int:
    from questionbank.checks.runner import load_blueprint
    from questionbank.forms import check_form, read_form

    loaded, problems = read_form(args.form)
    if loaded is None:
        print_problems(problems, args.format == "json")
        return EXIT_PROBLEMS
    _, bank = bank_of(args)
    blueprint, bp_problems = load_blueprint(loaded["blueprint"]["path"], bank.standards)
    standard = bank.standards.get(loaded.get("standard", {}).get("id", ""))
    result = check_form(loaded, args.form, blueprint, standard, [item for _, item in bank.items])
    found = [*[p for p in bp_problems if p.severity.value == "error"], *result.problems]
    print_problems(found, args.format == "json", {"form": loaded.get("form_id"), "ok": not found})
    if args.format != "json" and not found:
        print(f"{args.form}: form {loaded.get('form_id')} still meets its blueprint; all {loaded.get('length')} items unchanged")
    return EXIT_PROBLEMS if found else EXIT_OK
