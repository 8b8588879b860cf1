"""``qbank cut``, ``qbank challenges`` and ``qbank rescore``: where the pass mark comes from, and rulings."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from questionbank.cli.output import EXIT_OK, EXIT_PROBLEMS, print_json


def _rows(path: str, columns: tuple[str, ...]) -> list[dict[str, str]] | None:
    """A UTF-8 CSV with the named columns; None after printing where it is wrong."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{path}:1:1: error [responses-unreadable] cannot read it ({exc}); give a UTF-8 CSV", file=sys.stderr)
        return None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        print(f"{path}:1:1: error [responses-header] missing column(s) {', '.join(missing)}", file=sys.stderr)
        return None
    return list(reader)


def cut(args: argparse.Namespace) -> int:
    import numpy as np

    from questionbank.stats.standard_setting import angoff, hofstee

    if args.cut_command == "apply":
        import json

        from questionbank.delivery.challenges import set_cut
        from questionbank.delivery.database import open_database

        numbers = {}
        if args.numbers:
            try:
                numbers = json.loads(Path(args.numbers).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                print(f"{args.numbers}:1:1: error [file-unreadable] cannot read the study's figures ({exc})", file=sys.stderr)
                return EXIT_PROBLEMS
        record = set_cut(open_database(), args.form_id, args.method, numbers, args.by, cut_percent=args.percent, cut_raw=args.raw)
        print(
            f"decision {record['id']}: cut of {args.form_id} set ({args.method}); {record['changed']} result(s) rescored, {record['flipped']} pass/fail flipped"
        )
        return EXIT_OK
    if args.cut_command == "angoff":
        rows = _rows(args.ratings, ("panelist", "item_id", "rating"))
        if rows is None:
            return EXIT_PROBLEMS
        panelists = sorted({r["panelist"] for r in rows})
        items = list(dict.fromkeys(r["item_id"] for r in rows))
        table = np.full((len(panelists), len(items)), np.nan)
        for line, r in enumerate(rows, start=2):
            try:
                value = float(r["rating"])
            except ValueError:
                print(f"{args.ratings}:{line}:3: error [responses-bad-answer] rating {r['rating']!r} is not a number; write 0.65 or 65", file=sys.stderr)
                return EXIT_PROBLEMS
            table[panelists.index(r["panelist"]), items.index(r["item_id"])] = value / 100.0 if value > 1 else value
        if np.isnan(table).any() or (table < 0).any() or (table > 1).any():
            print(f"{args.ratings}:1:1: error [responses-bad-answer] every panelist rates every item once, from 0 to 1 (or 0 to 100)", file=sys.stderr)
            return EXIT_PROBLEMS
        print_json(angoff(table, items).to_dict())
        return EXIT_OK
    rows = _rows(args.scores, ("percent",))
    if rows is None:
        return EXIT_PROBLEMS
    try:
        scores = np.array([float(r["percent"]) for r in rows])
        print_json(hofstee(scores, args.k_min, args.k_max, args.f_min, args.f_max))
    except ValueError as exc:
        print(f"qbank: error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def challenges(args: argparse.Namespace) -> int:
    from questionbank.delivery import challenges as ch
    from questionbank.delivery.database import open_database

    engine = open_database()
    if args.challenges_command == "rule":
        keys = [k for k in (args.keys or "").split(",") if k.strip()]
        amendment = ch.rule(engine, args.form_id, args.item_id, args.kind, args.reason, args.by, keys=keys)
        print(f"ruling {amendment} recorded on {args.item_id} ({args.kind}); run `qbank rescore {args.form_id}` to apply it")
        return EXIT_OK
    grouped = ch.challenges_by_item(engine, args.form_id)
    for entry in grouped:
        ruling = entry["ruling"]
        state = f"ruled {ruling['kind']}" if ruling else "open"
        print(f"{entry['item_id']}  key {','.join(entry['keys'])}  {len(entry['challenges'])} challenge(s)  [{state}]")
        for c in entry["challenges"]:
            print(f"    {c['cites'] or '-':<8} {c['reason']}")
    print(f"{sum(len(e['challenges']) for e in grouped)} challenge(s) on {len(grouped)} item(s)", file=sys.stderr)
    return EXIT_OK


def rescore(args: argparse.Namespace) -> int:
    from questionbank.delivery import challenges as ch
    from questionbank.delivery.database import open_database

    flips = ch.rescore(open_database(), args.form_id, reason=args.reason)
    for f in flips:
        mark = "FLIPPED" if f.flipped else ""
        print(
            f"{f.candidate_id}\t{f.before_raw:g} -> {f.after_raw:g}\t{'pass' if f.before_passed else 'fail'} -> {'pass' if f.after_passed else 'fail'}\trevision {f.revision}\t{mark}"
        )
    print(f"{len(flips)} result(s) changed, {sum(f.flipped for f in flips)} pass/fail flipped", file=sys.stderr)
    return EXIT_OK
