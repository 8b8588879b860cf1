"""The few named exceptions the library raises; each carries the problems that say what and what to do.

Callers (the CLI and the app) catch :class:`QbankError` or one of its subclasses and render its
problems through the catalog; nothing else of an exception's text reaches a person.
"""

from __future__ import annotations

from collections.abc import Iterable

from questionbank.problems import Problem, problem


class QbankError(Exception):
    """A refused operation. ``problems`` is never empty; ``code`` is the first problem's code."""

    def __init__(self, code: str | Iterable[Problem], message: str = "", field: str = "") -> None:
        if isinstance(code, str):
            found: tuple[Problem, ...] = (problem(code, "", None, None, message, field),)
        else:
            found = tuple(code)
        if not found:
            raise ValueError("a QbankError needs at least one problem")
        self.problems = found
        super().__init__(found[0].message)

    @property
    def code(self) -> str:
        return self.problems[0].code

    @property
    def problem(self) -> Problem:
        return self.problems[0]


class NotFound(QbankError):
    """The attempt, form or account named does not exist."""


class AttemptClosed(QbankError):
    """The attempt was submitted (by the candidate, or at its deadline): nothing more can change."""


class AccessDenied(QbankError):
    """Wrong access code or login, too many tries, or a page that this person may not see."""


class RequestInvalid(QbankError):
    """A request's values are out of range or not allowed (an option that does not exist, a bad name)."""


class PublishRefused(QbankError):
    """A form that cannot be published: already published, or it breaks its blueprint or the bank."""


class BlueprintInfeasible(QbankError):
    """No form can meet the blueprint with the bank as it is; the problems say which requirements."""
