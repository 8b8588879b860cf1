"""Standards: competency standards (職能基準) loaded from ``standards/*.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from questionbank.documents import Document


@dataclass(frozen=True)
class Named:
    """A coded entry: knowledge (K), skill (S), attitude (A) or work output (O)."""

    code: str
    name: str


@dataclass(frozen=True)
class Indicator:
    """行為指標: an observable performance indicator (P) under a task."""

    code: str
    text: str


@dataclass(frozen=True)
class Task:
    """工作任務: what items are tagged to."""

    code: str
    name: str
    outputs: tuple[Named, ...]
    indicators: tuple[Indicator, ...]

    @cached_property
    def indicator_codes(self) -> frozenset[str]:
        return frozenset(indicator.code for indicator in self.indicators)


@dataclass(frozen=True)
class Duty:
    """主要職責: a top-level responsibility; a blueprint must cover every duty."""

    code: str
    name: str
    level: int
    knowledge: tuple[Named, ...]
    skills: tuple[Named, ...]
    tasks: tuple[Task, ...]

    @cached_property
    def competency_codes(self) -> frozenset[str]:
        """The K and S codes listed for this duty."""
        return frozenset(entry.code for entry in (*self.knowledge, *self.skills))


@dataclass(frozen=True)
class Standard:
    """職能基準: one occupation's competency standard."""

    id: str
    code: str | None
    name: str
    level: int
    status: str
    duties: tuple[Duty, ...]
    attitudes: tuple[Named, ...]
    supersedes: tuple[str, ...] = ()
    superseded_by: str | None = None
    description: str = ""
    file: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def tasks(self) -> dict[str, Task]:
        """Tasks by code (the first one, should the source repeat a code)."""
        out: dict[str, Task] = {}
        for duty in self.duties:
            for task in duty.tasks:
                out.setdefault(task.code, task)
        return out

    @cached_property
    def _duty_by_task(self) -> dict[str, Duty]:
        out: dict[str, Duty] = {}
        for duty in self.duties:
            for task in duty.tasks:
                out.setdefault(task.code, duty)
        return out

    def duty_of(self, task_code: str) -> Duty | None:
        """The duty that contains the task ``task_code`` (first one, should the source repeat it)."""
        return self._duty_by_task.get(task_code)

    def duty_code(self, task_code: str) -> str:
        """The code of the duty that contains ``task_code`` ("" for a task the standard lacks).

        The one place an item's duty is derived: from the standard's tree, never from the
        task code's spelling (a source may number a task under another duty)."""
        duty = self._duty_by_task.get(task_code)
        return duty.code if duty else ""

    @cached_property
    def attitude_codes(self) -> frozenset[str]:
        return frozenset(attitude.code for attitude in self.attitudes)

    def competency_name(self, code: str, duty: Duty | None = None) -> str | None:
        """The name of a K, S or A code, looked up in ``duty`` first (codes are local to a standard)."""
        duties = (duty,) if duty is not None else self.duties
        for candidate in duties:
            for entry in (*candidate.knowledge, *candidate.skills):
                if entry.code == code:
                    return entry.name
        for attitude in self.attitudes:
            if attitude.code == code:
                return attitude.name
        return None

    @property
    def label(self) -> str:
        """Name and code as shown to people, e.g. 會議專案執行人員（BAS2421-002v4）; a standard without
        an official code shows its name only (its file id is internal)."""
        return f"{self.name}（{self.code}）" if self.code else self.name


def standard_from_document(document: Document) -> Standard:
    """Build a Standard from a document that passed the standard schema."""
    data = document.data

    def named(entries: list[dict[str, Any]]) -> tuple[Named, ...]:
        return tuple(Named(entry["code"], entry["name"]) for entry in entries)

    duties = tuple(
        Duty(
            code=duty["code"],
            name=duty["name"],
            level=duty["level"],
            knowledge=named(duty["knowledge"]),
            skills=named(duty["skills"]),
            tasks=tuple(
                Task(
                    code=task["code"],
                    name=task["name"],
                    outputs=named(task["outputs"]),
                    indicators=tuple(Indicator(p["code"], p["text"]) for p in task["indicators"]),
                )
                for task in duty["tasks"]
            ),
        )
        for duty in data["duties"]
    )
    return Standard(
        id=data["id"],
        code=data["code"],
        name=data["name"],
        level=data["level"],
        status=data["status"],
        duties=duties,
        attitudes=named(data["attitudes"]),
        supersedes=tuple(data.get("supersedes") or ()),
        superseded_by=data.get("superseded_by"),
        description=data.get("description", ""),
        file=document.file,
        raw=data,
    )


def default_standards_dir() -> Path:
    """``standards/`` of the current working directory (the repository root when run via make)."""
    return Path("standards")


def natural_order(code: str) -> tuple[tuple[int, ...], str]:
    """Sort key for standard codes: T2.10 after T2.9, K8 before K10 (irregular codes still sort)."""
    return tuple(int(n) for n in re.findall(r"\d+", code)), code
