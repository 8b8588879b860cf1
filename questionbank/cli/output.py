"""How the CLI speaks: exit statuses, problem lines, JSON, and refusals (never a traceback)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from questionbank.problems import Problem

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


def problem_line(p: Problem) -> str:
    """``file:line:column: severity [code] message``; a problem without a file starts with ``qbank:``."""
    if not p.file:
        where = "qbank"
    elif p.line is None:
        where = p.file
    else:
        where = f"{p.file}:{p.line}:{p.column or 1}"
    return f"{where}: {p.severity.value} [{p.code}] {p.message}"


def print_problems(problems: Iterable[Problem], as_json: bool = False, extra: dict[str, Any] | None = None, stream: Any = None) -> None:
    if as_json:
        print_json({**(extra or {}), "problems": [p.to_dict() for p in problems]})
        return
    for p in problems:
        print(problem_line(p), file=stream or sys.stdout)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def usage_error(message: str) -> int:
    print(f"qbank: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def bank_of(args: Any) -> Any:
    """The bank named by ``--standards`` and ``--items`` (loaded once per command)."""
    from questionbank.checks.runner import load_bank

    return load_bank(args.standards, args.items)
