"""Checks: the semantic rules for standards and items, beyond what the JSON Schemas can say."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from questionbank.documents import Document
from questionbank.items import Item
from questionbank.problems import Problem, format_path, problem
from questionbank.standards import Standard

# ---------------------------------------------------------------- standards


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


# ---------------------------------------------------------------- items


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
        add("unknown-task", ("task",), f"task {item.task} is not in {standard.id} (its tasks run {_task_range(standard)})")
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


# Ideographs and Chinese punctuation (not full-width math signs such as ＝, which take spaces).
_CHINESE = "\u4e00-\u9fff\u3001-\u3003\u3008-\u3011\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f"
_SPACE_IN_CHINESE = re.compile(f"[{_CHINESE}][ \u3000]+[{_CHINESE}]")


def _check_answer(item: Item, add: Any) -> None:
    if item.type == "true_false":
        return
    keys = item.keys
    if item.type == "single" and len(keys) != 1:
        add("single-answer-count", ("answer",), f"a single item has exactly one answer; {len(keys)} given")
    if item.type == "multiple" and len(keys) < 2:
        add("multiple-answer-count", ("answer",), f"a multiple item has at least two answers; {len(keys)} given (use type: single for one)")
    labels = {label for label, _ in item.options}
    as_list = isinstance(item.answer, tuple)
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


def check_bank(entries: list[tuple[Document, Item]], known_ids: Iterable[str] = ()) -> list[Problem]:
    """Rules across items: duplicate ids and stems, enemies that exist, sets within one standard.

    ``known_ids`` are ids of bank items that were not loaded in this run (for enemies).
    """
    found: list[Problem] = []
    first_id: dict[str, Document] = {}
    first_stem: dict[str, tuple[Document, Item]] = {}
    sets: dict[str, list[tuple[Document, Item]]] = defaultdict(list)
    for document, item in entries:
        if item.id in first_id:
            line, column = document.locate(("id",))
            other = first_id[item.id]
            found.append(
                problem(
                    "duplicate-item-id",
                    document.file,
                    line,
                    column,
                    f"id '{item.id}' is also used by {other.file}:{other.locate(('id',))[0]}; give each item its own id",
                    "id",
                )
            )
        else:
            first_id[item.id] = document
        stem = normalise(item.stem)
        if stem in first_stem:
            other_doc, other_item = first_stem[stem]
            line, column = document.locate(("stem",))
            found.append(
                problem(
                    "duplicate-stem",
                    document.file,
                    line,
                    column,
                    f"the stem repeats that of item {other_item.id} ({other_doc.file}:{other_doc.locate(('stem',))[0]}); rewrite it or retire one",
                    "stem",
                )
            )
        else:
            first_stem[stem] = (document, item)
        if item.set:
            sets[item.set].append((document, item))
    existing = set(first_id) | set(known_ids)
    for document, item in entries:
        for index, enemy in enumerate(item.enemies):
            if enemy not in existing and enemy != item.id:
                line, column = document.locate(("enemies", index))
                found.append(
                    problem(
                        "unknown-enemy",
                        document.file,
                        line,
                        column,
                        f"enemy '{enemy}' is not an item of the bank; fix the id or remove it",
                        f"enemies[{index}]",
                    )
                )
    for set_id, members in sets.items():
        if len(members) == 1:
            document, item = members[0]
            line, column = document.locate(("set",))
            found.append(
                problem("set-single-item", document.file, line, column, f"set '{set_id}' has no other item; add its sibling items or remove the set", "set")
            )
        standards = {item.standard for _, item in members}
        if len(standards) > 1:
            for document, item in members[1:]:
                if item.standard != members[0][1].standard:
                    line, column = document.locate(("set",))
                    found.append(
                        problem(
                            "set-spans-standards",
                            document.file,
                            line,
                            column,
                            f"set '{set_id}' also holds items of {members[0][1].standard}; a set belongs to one standard",
                            "set",
                        )
                    )
    return found


# ---------------------------------------------------------------- text


_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Text folded for duplicate detection: NFKC, case-folded, without spacing, punctuation or symbols."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


@cache
def _simplified_pattern() -> re.Pattern[str]:
    # CC-CEDICT (via zhon) lists the characters of each script; those used only in
    # Simplified writing are the ones Taiwan text must not contain. Characters shared by both
    # scripts (台, 了, 周…) are fine, which a plain s2t round trip would wrongly flag.
    from zhon import cedict

    only_simplified = set(cedict.simplified) - set(cedict.traditional)
    return re.compile("[" + "".join(sorted(only_simplified)) + "]")


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("s2twp")


def simplified_problems(document: Document) -> list[Problem]:
    """A warning for each Simplified-only character in the document's text values, with the Taiwan form."""
    pattern = _simplified_pattern()
    if not pattern.search(document.text):
        return []
    found: list[Problem] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(document.data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            stack.extend((v, (*path, k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(value))
        elif isinstance(value, str) and pattern.search(value):
            found.extend(_simplified_in_value(document, value, path, pattern))
    return found


def _simplified_in_value(document: Document, value: str, path: tuple[Any, ...], pattern: re.Pattern[str]) -> list[Problem]:
    node = document.node(path)
    start = node.start_mark.index if node is not None else 0
    end = node.end_mark.index if node is not None else len(document.text)
    source = document.text[start:end]
    converted = _converter().convert(value)
    found = []
    cursor = 0
    for match in pattern.finditer(value):
        char = match.group()
        # the n-th occurrence in the value is the n-th in the source slice (CJK is never escaped)
        at = source.find(char, cursor)
        cursor = at + 1 if at >= 0 else cursor
        line, column = document.position(start + at) if at >= 0 else document.locate(path)
        suggestion = converted[match.start()] if len(converted) == len(value) else ""
        hint = f"; write '{suggestion}'" if suggestion and suggestion != char else ""
        found.append(
            problem(
                "simplified-chinese",
                document.file,
                line,
                column,
                f"'{char}' is a Simplified character{hint} (Traditional Chinese as used in Taiwan)",
                format_path(path),
            )
        )
    return found


def _task_range(standard: Standard) -> str:
    codes = list(standard.tasks)
    return f"{codes[0]}…{codes[-1]}" if codes else "nowhere"
