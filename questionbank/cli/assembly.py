"""``qbank assemble`` and ``qbank form check``: forms built to a blueprint, and re-verified."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from questionbank.cli.output import EXIT_OK, EXIT_PROBLEMS, bank_of, print_json, print_problems, usage_error


def assemble(args: argparse.Namespace) -> int:
    from questionbank.assembly import assemble as solve
    from questionbank.blueprint import difficulty_values
    from questionbank.checks.runner import load_blueprint
    from questionbank.files import write_atomic
    from questionbank.forms import form_documents, same_form
    from questionbank.problems import problem

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
    observed = {}
    if blueprint.difficulty_from_data:  # observed p from the stored item statistics (QBANK_DATABASE_URL)
        from questionbank.delivery.database import open_database
        from questionbank.delivery.item_statistics import data_difficulty

        observed = data_difficulty(open_database(), blueprint, items)
    result = solve(blueprint, standard, items, seed=args.seed, time_limit=args.time_limit, gap=args.gap, difficulty=difficulty_values(observed))
    if args.explain:
        print_json(result.explanation(blueprint))
        return EXIT_OK if result.ok else EXIT_PROBLEMS
    if not result.ok:
        solver = dataclasses.asdict(result.solver) | {"values": None} if result.solver else None
        repairs = [r.to_dict(blueprint) for r in result.repairs]
        print_problems(result.problems, args.format == "json", {"forms": [], "solver": solver, "repairs": repairs})
        if args.format != "json" and repairs:
            print("how to fix it (any one of the changes for each problem):")
            for repair in repairs:
                print(f"  {blueprint.file}:{repair['line']}:{repair['column']}: {repair['text']}")
        return EXIT_PROBLEMS
    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    documents = [
        (out_dir / f"{d['form_id']}.json", d, json.dumps(d, ensure_ascii=False, indent=2) + "\n")
        for d in form_documents(result, blueprint, standard, items, observed)
    ]
    clashes = [
        problem("form-file-exists", str(path), 1, 1, "a different form is saved under this id; move it away or choose another folder")
        for path, document, _ in documents
        if path.exists() and not same_form(path, document)
    ]
    if clashes:
        print_problems(clashes, args.format == "json", {"forms": []})
        return EXIT_PROBLEMS
    written = [(str(write_atomic(path, text)), document) for path, document, text in documents]
    if args.format == "json":
        print_json({"forms": [{"path": p, **d} for p, d in written], "problems": []})
    else:
        solver = result.solver
        gap = f", gap {solver.gap:.4%}" if solver.gap is not None else ""
        print(
            f"{len(written)} form(s) of {blueprint.length} items for {standard.name} ({standard.id}); solver {solver.status} in {solver.seconds:.2f} s (objective {solver.objective:.4f}{gap})"
        )
        if blueprint.difficulty_from_data:
            print(f"  difficulty: observed p for {len(observed)} item(s) with at least {blueprint.difficulty_from_data} responses, writer labels for the rest")
        for path, document in written:
            per_duty = ", ".join(f"{s['duty']} {len(s['items'])}" for s in document["sections"])
            print(f"  {path}: {per_duty}")
    return EXIT_OK


def form(args: argparse.Namespace) -> int:
    from questionbank.checks.runner import find_blueprint
    from questionbank.forms import check_form, read_form
    from questionbank.problems import problem

    loaded, problems = read_form(args.form)
    if loaded is None:
        print_problems(problems, args.format == "json")
        return EXIT_PROBLEMS
    _, bank = bank_of(args)
    # the form names its blueprint by hash; the path written in it is never opened
    blueprint, bp_problems = find_blueprint(loaded["blueprint"]["sha256"], [args.blueprints], bank.standards)
    if blueprint is None and not bp_problems:
        bp_problems = [
            problem(
                "form-blueprint-unknown",
                args.form,
                1,
                1,
                f"no blueprint in {args.blueprints}/ has the hash this form records; pass --blueprints DIR",
                "blueprint.sha256",
            )
        ]
    standard = bank.standards.get(loaded["standard"]["id"])
    result = check_form(loaded, args.form, blueprint, standard, [item for _, item in bank.items])
    found = [*[p for p in bp_problems if p.severity.value == "error"], *result.problems]
    print_problems(found, args.format == "json", {"form": loaded.get("form_id"), "ok": not found})
    if args.format != "json" and not found:
        print(f"{args.form}: form {loaded.get('form_id')} still meets its blueprint; all {loaded.get('length')} items unchanged")
    return EXIT_PROBLEMS if found else EXIT_OK
