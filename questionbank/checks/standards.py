"""Checks on standards: codes, numbering and supersession beyond what the schema says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from questionbank.documents import Document
from questionbank.problems import Problem, format_path, problem
from questionbank.standards import Standard


def check_standard(document: Document, standard: Standard) -> list[Problem]:
    """Irregular, repeated or renamed codes and empty tasks inside one standard (all warnings)."""
    file = document.file
    found: list[Problem] = []
    if Path(file).stem != standard.id:
        line, column = document.locate(("id",))
        found.append(
            problem(
                "standard-filename-mismatch",
                file,
                line,
                column,
                f"the file is named {Path(file).name} but declares id '{standard.id}'; rename it to {standard.id}.yaml",
                "id",
            )
        )
    seen_codes: dict[str, tuple[Any, ...]] = {}
    names: dict[str, tuple[str, tuple[Any, ...]]] = {}

    def irregular(path: tuple[Any, ...], code: str, expected: str) -> None:
        line, column = document.locate(path)
        found.append(
            problem(
                "standard-irregular-code",
                file,
                line,
                column,
                f"code '{code}' is irregular here (expected {expected}); kept as written in the source",
                format_path(path),
            )
        )

    def repeated(path: tuple[Any, ...], code: str) -> None:
        if code in seen_codes:
            line, column = document.locate(path)
            first = document.locate(seen_codes[code])[0]
            found.append(
                problem(
                    "standard-duplicate-code",
                    file,
                    line,
                    column,
                    f"code '{code}' already appears on line {first}; kept as written in the source",
                    format_path(path),
                )
            )
        else:
            seen_codes[code] = path

    for a_index, attitude in enumerate(standard.attitudes):
        path = ("attitudes", a_index, "code")
        if not re.fullmatch(r"A\d+", attitude.code):
            irregular(path, attitude.code, "A followed by digits")
    for d_index, duty in enumerate(standard.duties):
        repeated(("duties", d_index, "code"), duty.code)
        for kind, prefix, entries in (("knowledge", "K", duty.knowledge), ("skills", "S", duty.skills)):
            for e_index, entry in enumerate(entries):
                path = ("duties", d_index, kind, e_index, "code")
                if not re.fullmatch(prefix + r"\d+", entry.code):
                    irregular(path, entry.code, f"{prefix} followed by digits")
                previous = names.get(entry.code)
                if previous is None:
                    names[entry.code] = (entry.name, path)
                elif previous[0] != entry.name:
                    line, column = document.locate(path)
                    first = document.locate(previous[1])[0]
                    found.append(
                        problem(
                            "standard-code-renamed",
                            file,
                            line,
                            column,
                            f"{entry.code} is named '{entry.name}' here but '{previous[0]}' on line {first}; codes are local to a standard, kept as written",
                            format_path(path),
                        )
                    )
        for t_index, task in enumerate(duty.tasks):
            task_path = ("duties", d_index, "tasks", t_index)
            number = task.code[1:]
            if not task.code.startswith(duty.code + "."):
                irregular((*task_path, "code"), task.code, f"a task of {duty.code}")
            repeated((*task_path, "code"), task.code)
            for kind, prefix, entries in (("outputs", "O", task.outputs), ("indicators", "P", task.indicators)):
                for e_index, entry in enumerate(entries):
                    path = (*task_path, kind, e_index, "code")
                    if not re.fullmatch(re.escape(prefix + number) + r"\.\d+", entry.code):
                        irregular(path, entry.code, f"{prefix}{number}.n under task {task.code}")
                    repeated(path, entry.code)
            if not task.outputs or not task.indicators:
                missing = " and ".join(k for k, v in (("outputs", task.outputs), ("indicators", task.indicators)) if not v)
                line, column = document.locate((*task_path, "code"))
                found.append(
                    problem(
                        "standard-empty-task",
                        file,
                        line,
                        column,
                        f"task {task.code} lists no {missing} in the source; items cannot be tagged to its indicators",
                        format_path(task_path),
                    )
                )
    return found


def check_standard_set(entries: list[tuple[Document, Standard]]) -> list[Problem]:
    """Duplicate ids and supersession links across all standards."""
    found: list[Problem] = []
    by_id: dict[str, tuple[Document, Standard]] = {}
    for document, standard in entries:
        if standard.id in by_id:
            line, column = document.locate(("id",))
            found.append(
                problem(
                    "standard-duplicate-id",
                    document.file,
                    line,
                    column,
                    f"id '{standard.id}' is already used by {by_id[standard.id][0].file}; give each standard its own id",
                    "id",
                )
            )
        else:
            by_id[standard.id] = (document, standard)
    for document, standard in by_id.values():
        file = document.file
        if standard.status == "superseded" and not standard.superseded_by:
            line, column = document.locate(("status",))
            found.append(
                problem(
                    "standard-status-mismatch",
                    file,
                    line,
                    column,
                    "status is superseded but superseded_by is missing; name the standard that replaces it",
                    "status",
                )
            )
        if standard.status == "current" and standard.superseded_by:
            line, column = document.locate(("superseded_by",))
            found.append(
                problem(
                    "standard-status-mismatch",
                    file,
                    line,
                    column,
                    "superseded_by is set but status is current; set status: superseded or remove superseded_by",
                    "superseded_by",
                )
            )
        if standard.superseded_by:
            line, column = document.locate(("superseded_by",))
            newer = by_id.get(standard.superseded_by)
            if newer is None:
                found.append(
                    problem(
                        "standard-unknown-reference",
                        file,
                        line,
                        column,
                        f"superseded_by names '{standard.superseded_by}', which is not in standards/",
                        "superseded_by",
                    )
                )
            elif standard.id not in newer[1].supersedes:
                found.append(
                    problem(
                        "standard-supersession-mismatch",
                        file,
                        line,
                        column,
                        f"{standard.superseded_by} does not list '{standard.id}' under supersedes; add it there",
                        "superseded_by",
                    )
                )
        for index, older_id in enumerate(standard.supersedes):
            line, column = document.locate(("supersedes", index))
            older = by_id.get(older_id)
            if older is None:
                found.append(
                    problem(
                        "standard-unknown-reference", file, line, column, f"supersedes names '{older_id}', which is not in standards/", f"supersedes[{index}]"
                    )
                )
            elif older[1].superseded_by != standard.id:
                found.append(
                    problem(
                        "standard-supersession-mismatch",
                        file,
                        line,
                        column,
                        f"{older_id} does not name '{standard.id}' in superseded_by; set it there",
                        f"supersedes[{index}]",
                    )
                )
    return found


def task_range(standard: Standard) -> str:
    codes = list(standard.tasks)
    return f"{codes[0]}…{codes[-1]}" if codes else "nowhere"
