"""``qbank publish``, ``user``, ``db`` and ``serve``: the database and the exam app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from questionbank.cli.output import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, bank_of, print_problems, usage_error


def publish(args: argparse.Namespace) -> int:
    from questionbank.checks.runner import find_blueprint
    from questionbank.delivery.database import open_database
    from questionbank.delivery.publishing import issue_access_codes, prepare_form, publish_form

    if args.codes and args.practice:
        return usage_error("practice forms take no access codes")
    _, bank = bank_of(args)
    form = prepare_form(args.form, bank).form
    blueprint, problems = find_blueprint(form["blueprint"]["sha256"], [args.blueprints], bank.standards)
    if problems:
        print_problems(problems)
        return EXIT_PROBLEMS
    engine = open_database()
    kind = "practice" if args.practice else "official"
    prepared = publish_form(engine, form, args.form, bank, blueprint, kind=kind, title=args.title)
    codes = issue_access_codes(engine, form["form_id"], [None] * args.codes) if args.codes else []
    print(f"published {kind} form {form['form_id']} ({len(prepared.snapshots)} items)")
    for code in codes:
        print(code)
    return EXIT_OK


def _new_password(args: argparse.Namespace) -> str | None:
    """The password from standard input or asked twice on the terminal; None after saying why not."""
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        print("qbank: error: no terminal to ask for the password; use --password-stdin", file=sys.stderr)
        return None
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != password:
        print("qbank: error: the passwords differ; nothing was changed", file=sys.stderr)
        return None
    return password


def user(args: argparse.Namespace) -> int:
    from questionbank.delivery import accounts
    from questionbank.delivery.database import open_database

    if args.user_command == "unlock":
        cleared = accounts.unlock(open_database(), args.name)
        print(f"examiner '{accounts.normalise_name(args.name)}' unlocked ({cleared} failed login(s) forgotten)")
        return EXIT_OK
    password = _new_password(args)
    if password is None:
        return EXIT_USAGE if not args.password_stdin and not sys.stdin.isatty() else EXIT_PROBLEMS
    if args.user_command == "passwd":
        accounts.set_password(open_database(), args.name, password)
        print(f"password of examiner '{accounts.normalise_name(args.name)}' changed")
        return EXIT_OK
    accounts.add_examiner(open_database(), args.name, password, roles=tuple(args.role or ("examiner",)))
    print(f"examiner '{accounts.normalise_name(args.name)}' created")
    return EXIT_OK


def serve_command(port: int, address: str, environ: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The streamlit command line and environment for production: error details off, the cookie
    secret shared by every replica (QBANK_COOKIE_SECRET; Streamlit takes it only from its
    environment or config file), no file watcher, and no full garbage collection after every
    script run (runner.postScriptGC): a profile under load (benchmarks/load_bench.py --profile,
    50 candidates answering every 2 s) spent about half of the server's CPU in that gc.collect()
    and weakref callbacks it fires; without it the answer round trip fell from p95 12.8 s to
    1.7 s on the same machine. A run's objects are freed by reference counting, and Python's
    own generational collector still collects cycles."""
    import importlib.util

    # found, not imported: the library never imports the app
    app = Path(importlib.util.find_spec("exam_app").origin).parent / "app.py"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        f"--server.port={port}",
        f"--server.address={address}",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        "--server.runOnSave=false",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=viewer",
        "--client.showErrorDetails=none",
        "--runner.postScriptGC=false",
    ]
    env = dict(environ)
    if environ.get("QBANK_COOKIE_SECRET"):
        env["STREAMLIT_SERVER_COOKIE_SECRET"] = environ["QBANK_COOKIE_SECRET"]
    return command, env


def serve(args: argparse.Namespace) -> int:
    import os

    from questionbank.delivery.database import open_database

    open_database()  # create or migrate the database first, so a bad URL is reported here, not in the browser
    command, env = serve_command(args.port, args.address, dict(os.environ))
    print(f"qbank: serving the exam app on http://{args.address}:{args.port} (health: /_stcore/health; Ctrl-C to stop)", file=sys.stderr)
    sys.stderr.flush()
    # the server replaces this process (exec), so its pid is the server's: a signal to it (systemd's
    # stop, kill -9 of a replica) reaches the server; a child would outlive a killed parent
    os.execve(command[0], command, env)
    return 0  # not reached


def db(args: argparse.Namespace) -> int:
    from questionbank.delivery.database import backup, current_revision, open_database

    engine = open_database()
    if args.db_command == "backup":
        print(f"backup written to {backup(engine, args.target)}")
        return EXIT_OK
    print(f"database at revision {current_revision(engine)}")
    return EXIT_OK


def attempts(args: argparse.Namespace) -> int:
    from questionbank.delivery.database import open_database
    from questionbank.delivery.sweeper import sweep_once

    done = sweep_once(open_database())
    if done is None:
        print("another server is sweeping right now; nothing done", file=sys.stderr)
    else:
        print(f"{len(done)} attempt(s) past their deadline submitted")
    return EXIT_OK


def codes(args: argparse.Namespace) -> int:
    from questionbank.delivery.database import open_database
    from questionbank.delivery.publishing import issue_access_codes, list_codes
    from questionbank.interchange.scores_csv import codes_csv
    from questionbank.labels import CODE_STATUS

    engine = open_database()
    if args.codes_command == "issue":
        if (args.count is None) == (args.candidates is None):
            return usage_error("give either N or --candidates FILE")
        if args.candidates:
            try:
                ids = [line.strip() for line in Path(args.candidates).read_text(encoding="utf-8-sig").splitlines() if line.strip()]
            except (OSError, UnicodeDecodeError) as exc:
                print(f"{args.candidates}:1:1: error [file-unreadable] cannot read it ({exc}); give a UTF-8 text file", file=sys.stderr)
                return EXIT_PROBLEMS
        else:
            ids = [None] * args.count
        for code in issue_access_codes(engine, args.form_id, ids):
            print(code)
        return EXIT_OK
    listed = list_codes(engine, args.form_id)
    if args.format == "csv":
        sys.stdout.write(codes_csv(listed))
    else:
        for entry in listed:
            print(f"{entry['code']}  {CODE_STATUS[entry['status']]:<4}  {entry['candidate_id']}")
        counts = {status: sum(e["status"] == status for e in listed) for status in CODE_STATUS}
        print(f"{len(listed)} code(s): " + ", ".join(f"{CODE_STATUS[s]} {n}" for s, n in counts.items()), file=sys.stderr)
    return EXIT_OK


def review(args: argparse.Namespace) -> int:
    from questionbank.delivery.authoring import import_review_logs
    from questionbank.delivery.database import open_database

    _, bank = bank_of(args)
    count = import_review_logs(open_database(), args.folder, {item.id: item for _, item in bank.items})
    print(f"{count} review(s) recorded from {args.folder}")
    return EXIT_OK
