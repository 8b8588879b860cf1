"""Checks on one item against its standard: task, codes, answer, options and text rules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from questionbank.checks.standards import task_range
from questionbank.checks.text import normalise
from questionbank.documents import Document
from questionbank.items import Item
from questionbank.problems import Problem, format_path, problem
from questionbank.standards import Standard


def check_item(document: Document, item: Item, standards: dict[str, Standard]) -> list[Problem]:
    """Rules that need only the item and its standard."""
    file = document.file
    found: list[Problem] = []

    def add(code: str, path: tuple[Any, ...], message: str, key: bool = False) -> None:
        line, column = document.locate(path, key=key)
        found.append(problem(code, file, line, column, message, format_path(path)))

    folder = Path(file).parent.name
    if Path(file).parent.parent.name == "items" and folder != item.standard:
        add("item-folder-mismatch", ("standard",), f"the item is filed under items/{folder}/ but assesses '{item.standard}'; move it to items/{item.standard}/")
    if Path(file).stem != item.id:
        add("item-filename-mismatch", ("id",), f"the file is named {Path(file).name} but the item id is '{item.id}'; rename the file to {item.id}.yaml")

    _check_answer(item, add)
    _check_options(item, add)
    texts = [(("stem",), item.stem), (("rationale",), item.rationale), *((("options", label), text) for label, text in item.options)]
    for path, text in texts:
        match = _SPACE_IN_CHINESE.search(text if isinstance(text, str) else "")
        if match:
            add(
                "item-space-in-chinese",
                path,
                f"a space between '{match.group()[0]}' and '{match.group()[-1]}' (…{text[max(0, match.start() - 6) : match.end() + 6]}…); "
                "Chinese text has no spaces: a line break inside a >- block becomes one, so keep the sentence on one line",
            )
    if item.id in item.enemies:
        add("enemy-self", ("enemies", item.enemies.index(item.id)), "an item cannot be its own enemy; remove this entry")

    standard = standards.get(item.standard)
    if standard is None:
        known = ", ".join(sorted(standards)) or "none loaded"
        add("unknown-standard", ("standard",), f"standard '{item.standard}' is not in standards/ (known: {known})")
        return found
    if standard.status == "superseded":
        add(
            "superseded-standard",
            ("standard",),
            f"standard '{item.standard}' is superseded by '{standard.superseded_by}'; write items for the current standard",
        )
    duty = standard.duty_of(item.task)
    if duty is None:
        add("unknown-task", ("task",), f"task {item.task} is not in {standard.id} (its tasks run {task_range(standard)})")
        return found
    task = standard.tasks[item.task]
    for index, code in enumerate(item.competencies):
        if code.startswith("A"):
            if code not in standard.attitude_codes:
                add("attitude-not-in-standard", ("competencies", index), f"attitude {code} is not listed in {standard.id}")
        elif code not in duty.competency_codes:
            add(
                "competency-not-in-duty",
                ("competencies", index),
                f"{code} is not listed for duty {duty.code} ({duty.name}), which contains task {item.task}; use one of {', '.join(sorted(c for c in duty.competency_codes if c[0] == code[0]))}",
            )
    for index, code in enumerate(item.indicators):
        if code not in task.indicator_codes:
            listed = ", ".join(i.code for i in task.indicators) or "none"
            add("indicator-not-in-task", ("indicators", index), f"indicator {code} is not under task {item.task} (listed there: {listed})")
    return found


_CHINESE = "\u4e00-\u9fff\u3001-\u3003\u3008-\u3011\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f"


_SPACE_IN_CHINESE = re.compile(f"[{_CHINESE}][ \u3000]+[{_CHINESE}]")


def _check_answer(item: Item, add: Any) -> None:
    if item.type == "true_false":
        return
    keys = item.keys
    if item.type == "single" and len(keys) != 1:
        add("single-answer-count", ("answer",), f"a single item has exactly one answer; {len(keys)} given")
    labels = {label for label, _ in item.options}
    as_list = isinstance(item.answer, tuple)
    if item.type == "multiple" and len(keys) < 2:
        if as_list:
            add("multiple-answer-count", ("answer",), f"a multiple item has at least two answers; {len(keys)} given (use type: single for one)")
        else:
            add("multiple-answer-count", ("answer",), "a multiple item's answer is a list of two or more labels; write it as a list, e.g. answer: [A, C]")
    for index, key in enumerate(keys):
        if key not in labels:
            path = ("answer", index) if as_list else ("answer",)
            add("answer-not-an-option", path, f"answer '{key}' is not among the options ({', '.join(sorted(labels))})")


def _check_options(item: Item, add: Any) -> None:
    if item.type == "true_false" or not item.options:
        return
    seen: dict[str, str] = {}
    for label, text in item.options:
        norm = normalise(text)
        if norm in seen:
            add("duplicate-option-text", ("options", label), f"option {label} says the same as option {seen[norm]}; make each option distinct")
        else:
            seen[norm] = label
    labels = sorted(label for label, _ in item.options)
    expected = [chr(ord("A") + i) for i in range(len(labels))]
    if labels != expected:
        add("option-labels-not-consecutive", ("options",), f"option labels are {', '.join(labels)}; use {', '.join(expected)}")
    count = len(labels)
    if item.type == "single" and count != 4:
        add("option-count", ("options",), f"single choice items have four options (A-D); this one has {count}")
    if item.type == "multiple" and count not in (4, 5):
        add("option-count", ("options",), f"multiple response items have four or five options; this one has {count}")
