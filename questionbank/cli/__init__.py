"""The ``qbank`` command: parses arguments, calls the library, formats, picks the exit status.

One module per command group (``bank``, ``assembly``, ``scoring``, ``stats``, ``decisions``, ``delivery``, ``interchange``); the library
raises :class:`QbankError` with problems, which are printed here as located lines.
"""

from __future__ import annotations

import logging
import sys

from questionbank.cli.output import EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, print_problems
from questionbank.cli.parser import build_parser

__all__ = ["EXIT_INTERNAL", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "build_parser", "main"]

log = logging.getLogger("qbank")


def _commands() -> dict:
    from questionbank.cli import assembly, bank, decisions, delivery, interchange, scoring, stats

    return {
        "validate": bank.validate,
        "coverage": bank.coverage,
        "assemble": assembly.assemble,
        "form": assembly.form,
        "score": scoring.score,
        "report": scoring.report,
        "analyze": stats.analyze,
        "publish": delivery.publish,
        "user": delivery.user,
        "db": delivery.db,
        "attempts": delivery.attempts,
        "codes": delivery.codes,
        "cut": decisions.cut,
        "challenges": decisions.challenges,
        "rescore": decisions.rescore,
        "review": delivery.review,
        "serve": delivery.serve,
        "export": interchange.export,
        "import": interchange.import_,
    }


def main(argv: list[str] | None = None) -> int:
    from questionbank.errors import QbankError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return _commands()[args.command](args)
    except BrokenPipeError:
        # the reader went away (e.g. `| head`); stop quietly like other Unix tools
        sys.stderr.close()
        return EXIT_OK
    except QbankError as exc:
        # located problems go where validate prints its findings (stdout); a refusal without a file is an error message (stderr)
        for found in exc.problems:
            print_problems([found], stream=sys.stdout if found.file else sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("qbank: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last guard: no traceback, SQL or parameters reach a user
        log.debug("internal error", exc_info=exc)
        print(f"qbank: internal error ({type(exc).__name__}); please report it with the command you ran", file=sys.stderr)
        return EXIT_INTERNAL
