"""The ``qbank`` argument parser: every command, option and help text in one place."""

from __future__ import annotations

import argparse
import sys

from questionbank.cli.output import EXIT_USAGE


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"qbank: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _number(low: float, high: float | None = None, integer: bool = False):
    """An argparse type: a finite number in [low, high] (NaN, infinities and text refused)."""

    def parse(text: str) -> float:
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole ' if integer else ''}number") from None
        if value != value or value in (float("inf"), float("-inf")) or value < low or (high is not None and value > high):
            bound = f"from {low:g} to {high:g}" if high is not None else f"{low:g} or more"
            raise argparse.ArgumentTypeError(f"{text!r} must be a number {bound}")
        return value

    return parse


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
    cov.add_argument("--for", dest="blueprint", metavar="BLUEPRINT", help="a writing plan: the items the bank still needs for this blueprint's forms")
    cov.add_argument("--forms", type=_number(1, 50, integer=True), metavar="N", help="with --for: plan for N parallel forms (default: the blueprint's)")
    cov.add_argument("--max-overlap", metavar="P", help="with --for: items two forms may share, a count or a share such as 20%% (default: the blueprint's)")
    _bank_options(cov)

    asm = sub.add_parser("assemble", help="build exam forms that meet a blueprint, or explain exactly why they cannot")
    asm.add_argument("blueprint", metavar="BLUEPRINT")
    asm.add_argument("--forms", type=_number(1, 50, integer=True), metavar="N", help="number of parallel forms (default: the blueprint's)")
    asm.add_argument("--seed", type=_number(0, 2**31 - 1, integer=True), default=0, metavar="S")
    asm.add_argument("-o", "--output", default="forms", metavar="DIR", help="folder for the form JSON files (default: forms/)")
    asm.add_argument("--format", choices=("text", "json"), default="text")
    asm.add_argument("--explain", action="store_true", help="only analyse: feasible or not, each gap with its amount, and the repairs, as JSON")
    asm.add_argument("--time-limit", type=_number(0.1, 3600), default=60.0, metavar="SECONDS")
    asm.add_argument(
        "--gap",
        type=_number(0, 1),
        default=0.001,
        metavar="REL",
        help="relative MIP gap at which the solver may stop and call the form optimal (default 0.001)",
    )
    _bank_options(asm)

    form = sub.add_parser("form", help="work with assembled forms")
    form_sub = form.add_subparsers(dest="form_command", metavar="ACTION", parser_class=_Parser, required=True)
    fcheck = form_sub.add_parser("check", help="re-verify a form against its blueprint and the current bank")
    fcheck.add_argument("form", metavar="FORM")
    fcheck.add_argument("--format", choices=("text", "json"), default="text")
    _bank_options(fcheck)
    fcheck.add_argument("--blueprints", default="blueprints", metavar="DIR", help="where to find the form's blueprint, by its hash (default: blueprints/)")

    score = sub.add_parser("score", help="score responses gathered elsewhere (CSV: candidate_id,item_id,answer) by duty, task and K/S code")
    score.add_argument("form", metavar="FORM", help="a form JSON written by qbank assemble")
    score.add_argument("responses", metavar="RESPONSES.csv")
    score.add_argument("--format", choices=("csv", "json"), default="json")
    score.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    _bank_options(score)

    analyze = sub.add_parser(
        "analyze", help="item analysis: difficulty, discrimination, options, flags; alpha, SEM, decision consistency at the cut; duty subscores"
    )
    analyze.add_argument("form", nargs="?", metavar="FORM", help="a form JSON written by qbank assemble (with RESPONSES.csv)")
    analyze.add_argument("responses", nargs="?", metavar="RESPONSES.csv", help="responses gathered elsewhere: candidate_id,item_id,answer (as qbank score)")
    analyze.add_argument("--published", metavar="FORM_ID", help="a published form: its submitted attempts in the database (QBANK_DATABASE_URL)")
    analyze.add_argument("--practice", action="store_true", help="with --published: count practice attempts too (default: official attempts only)")
    analyze.add_argument(
        "--store",
        action="store_true",
        help="with --published: keep the item statistics in the database (by item id and content hash) and decide again which duty subscores candidates see",
    )
    analyze.add_argument("--format", choices=("text", "json", "csv"), default="text")
    _bank_options(analyze)

    publish = sub.add_parser("publish", help="freeze an assembled form in the database (immutable) and issue access codes")
    publish.add_argument("form", metavar="FORM", help="a form JSON written by qbank assemble")
    publish.add_argument("--practice", action="store_true", help="publish as a practice form (no access codes; keys shown after submission)")
    publish.add_argument("--codes", type=_number(0, 10000, integer=True), default=0, metavar="N", help="issue N single-use access codes")
    publish.add_argument("--title", default="", help="title shown to candidates (default: the blueprint's)")
    _bank_options(publish)
    publish.add_argument("--blueprints", default="blueprints", metavar="DIR", help="where to find the form's blueprint, by its hash (default: blueprints/)")

    report = sub.add_parser(
        "report",
        help="PDF reports: one submitted attempt, every candidate of a responses CSV (on all cores), or a form's technical report (report technical FORM)",
    )
    report.add_argument("kind", nargs="?", choices=("technical",), help="technical: a form's technical report for examiners (item analysis in Chinese)")
    report.add_argument("target", nargs="?", metavar="FORM", help="with technical: a published form id, or a form JSON with --responses")
    source = report.add_mutually_exclusive_group()
    source.add_argument("--attempt", metavar="TOKEN", help="a submitted attempt in the database (QBANK_DATABASE_URL)")
    source.add_argument("--form", metavar="FORM.json", help="a form JSON written by qbank assemble; needs --responses")
    report.add_argument("--responses", metavar="CSV", help="responses gathered elsewhere: candidate_id,item_id,answer (as qbank score)")
    report.add_argument("--practice", action="store_true", help="with technical and a published form: count practice attempts too (default: official only)")
    report.add_argument(
        "-o", "--output", required=True, metavar="FILE|DIR", help="the PDF (--attempt, technical), or a folder for one PDF per candidate (--form)"
    )
    report.add_argument(
        "--font",
        metavar="TTF",
        help="a TrueType font with Traditional Chinese: PATH, or PATH#N for subfont N of a .ttc (default: $QBANK_REPORT_FONT, then system fonts)",
    )
    report.add_argument("--workers", type=_number(1, 256, integer=True), metavar="N", help="processes for --form (default: all cores)")
    _bank_options(report)

    formats = ("xlsx", "qti21", "moodle", "gift")
    exp = sub.add_parser("export", help="items as an xlsx workbook for writers, a QTI 2.1 package, Moodle XML or GIFT (docs/interchange.md)")
    exp.add_argument("--format", choices=formats, required=True)
    exp.add_argument("--standard", metavar="ID", help="one standard (default: all)")
    exp.add_argument("--status", nargs="+", choices=("draft", "review", "active", "retired"), help="only items with one of these statuses (default: all)")
    exp.add_argument("-o", "--output", required=True, metavar="PATH", help="the file, or for xlsx of several standards a folder (one workbook each)")
    exp.add_argument("--json", action="store_true", help="print the files written and the fields dropped as JSON")
    _bank_options(exp)

    imp = sub.add_parser("import", help="read items back from xlsx, QTI 2.1, Moodle XML or GIFT; never overwrites a changed item without --update")
    imp.add_argument("path", metavar="PATH", help="the file (or a folder of xlsx workbooks)")
    imp.add_argument("--format", choices=formats, help="the input format (default: from the file name: .xlsx, .zip, .xml, .gift)")
    imp.add_argument("--update", action="store_true", help="write items that differ from the bank (default: show the diff and refuse)")
    imp.add_argument("--json", action="store_true", help="print the plan (new, changed, unchanged items, diffs) and problems as JSON")
    _bank_options(imp)

    user = sub.add_parser("user", help="examiner accounts")
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION", parser_class=_Parser, required=True)
    uadd = user_sub.add_parser("add", help="create an examiner account; the password is asked for (never a default)")
    uadd.add_argument("name", metavar="NAME")
    uadd.add_argument("--password-stdin", action="store_true", help="read the password from standard input (for scripts)")
    uadd.add_argument("--role", action="append", choices=("examiner", "writer", "reviewer"), help="a role (repeat for several; default examiner)")
    upw = user_sub.add_parser("passwd", help="set a new password for an examiner (clears its failed logins)")
    upw.add_argument("name", metavar="NAME")
    upw.add_argument("--password-stdin", action="store_true", help="read the password from standard input (for scripts)")
    unl = user_sub.add_parser("unlock", help="forget an examiner's failed logins, from every client")
    unl.add_argument("name", metavar="NAME")

    serve = sub.add_parser("serve", help="start the exam app (Streamlit) on the configured database and the bank in the current folder")
    serve.add_argument("--port", type=_number(1, 65535, integer=True), default=8501)
    serve.add_argument("--address", default="localhost", help="interface to listen on (default: localhost; 0.0.0.0 for all)")

    codes = sub.add_parser("codes", help="access codes of an official form")
    codes_sub = codes.add_subparsers(dest="codes_command", metavar="ACTION", parser_class=_Parser, required=True)
    clist = codes_sub.add_parser("list", help="every code issued for the form, with its candidate and status (unused, in progress, submitted)")
    clist.add_argument("form_id", metavar="FORM_ID")
    clist.add_argument("--format", choices=("text", "csv"), default="text")
    cissue = codes_sub.add_parser("issue", help="issue more codes: N unbound ones, or one per candidate id listed")
    cissue.add_argument("form_id", metavar="FORM_ID")
    cissue.add_argument("count", nargs="?", type=_number(1, 10000, integer=True), metavar="N")
    cissue.add_argument("--candidates", metavar="FILE", help="a text file with one candidate id per line (codes bound to them)")

    cut = sub.add_parser("cut", help="standard setting for panels run on paper: modified Angoff, Hofstee")
    cut_sub = cut.add_subparsers(dest="cut_command", metavar="METHOD", parser_class=_Parser, required=True)
    ang = cut_sub.add_parser("angoff", help="the cut from panelists' ratings (CSV: panelist,item_id,rating 0-1 or 0-100)")
    ang.add_argument("ratings", metavar="RATINGS.csv")
    hof = cut_sub.add_parser("hofstee", help="Hofstee's compromise from a cohort's scores (CSV with a percent column, e.g. qbank score --format csv)")
    hof.add_argument("scores", metavar="SCORES.csv")
    hof.add_argument("--k-min", type=_number(0, 100), required=True, help="lowest acceptable cut (percent score)")
    hof.add_argument("--k-max", type=_number(0, 100), required=True, help="highest acceptable cut")
    hof.add_argument("--f-min", type=_number(0, 100), required=True, help="lowest acceptable fail rate (percent of candidates)")
    hof.add_argument("--f-max", type=_number(0, 100), required=True, help="highest acceptable fail rate")

    app_ = cut_sub.add_parser("apply", help="set a published form's cut by a recorded decision (rescoring results already in)")
    app_.add_argument("form_id", metavar="FORM_ID")
    app_.add_argument("--method", required=True, choices=("modified Angoff", "Hofstee", "policy"))
    which = app_.add_mutually_exclusive_group(required=True)
    which.add_argument("--percent", type=_number(0, 100), help="the cut as a percent score")
    which.add_argument("--raw", type=_number(0, 100000), help="the cut in raw points")
    app_.add_argument("--numbers", metavar="STUDY.json", help="the study's figures to keep with the decision (e.g. the output of qbank cut angoff)")
    app_.add_argument("--by", required=True, metavar="EXAMINER")

    chl = sub.add_parser("challenges", help="試題疑義: list a form's challenges by item, or rule on an item")
    chl_sub = chl.add_subparsers(dest="challenges_command", metavar="ACTION", parser_class=_Parser, required=True)
    chl_list = chl_sub.add_parser("list", help="challenges grouped by item, with the key and every reason")
    chl_list.add_argument("form_id", metavar="FORM_ID")
    chl_rule = chl_sub.add_parser("rule", help="rule on an item: reject, add-key, replace-key, void-credit or void-drop")
    chl_rule.add_argument("form_id", metavar="FORM_ID")
    chl_rule.add_argument("item_id", metavar="ITEM_ID")
    chl_rule.add_argument("--kind", required=True, choices=("reject", "add-key", "replace-key", "void-credit", "void-drop"))
    chl_rule.add_argument("--keys", metavar="A,C", help="the key(s) to accept or to use instead (add-key, replace-key)")
    chl_rule.add_argument("--reason", required=True)
    chl_rule.add_argument("--by", required=True, metavar="EXAMINER")
    res = sub.add_parser("rescore", help="score a form's attempts again with every ruling; prints whose result changed and whose pass/fail flipped")
    res.add_argument("form_id", metavar="FORM_ID")
    res.add_argument("--reason", default="rescored after rulings")

    rev = sub.add_parser("review", help="blind reviews of items")
    rev_sub = rev.add_subparsers(dest="review_command", metavar="ACTION", parser_class=_Parser, required=True)
    rimp = rev_sub.add_parser("import", help="record the blind readings of docs/reviews/**/r*-log.json in the database")
    rimp.add_argument("folder", nargs="?", default="docs/reviews", metavar="DIR")
    _bank_options(rimp)

    att = sub.add_parser("attempts", help="attempts in the database")
    att_sub = att.add_subparsers(dest="attempts_command", metavar="ACTION", parser_class=_Parser, required=True)
    att_sub.add_parser("expire", help="submit every attempt past its deadline (the app also does this every 30 s; for cron)")

    dbp = sub.add_parser("db", help="the database (QBANK_DATABASE_URL, default SQLite under ./var/)")
    db_sub = dbp.add_subparsers(dest="db_command", metavar="ACTION", parser_class=_Parser, required=True)
    db_sub.add_parser("upgrade", help="create or migrate the schema to the newest revision")
    dbb = db_sub.add_parser("backup", help="a consistent copy of the database while the server runs (SQLite file, or pg_dump custom format)")
    dbb.add_argument("target", metavar="FILE")
    return parser
