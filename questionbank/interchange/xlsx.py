"""Workbooks for item writers (.xlsx): one workbook per standard, one row per item.

Sheets:

- ``items``: a header row, then one row per item with every field: id, standard, task, type,
  cognitive_level, difficulty, stem, options ``A``–``H`` (one column each), answer (``B``;
  ``A, C`` for multiple response; ``true``/``false``), rationale, ``competency 1``… (one K, S
  or A code per cell), ``indicator 1``… (one P code per cell), status, points, author,
  revision, tags, enemies (comma-separated) and set. Task, type, level, difficulty, status,
  standard and every code cell have drop-down lists (data validation) from ``codes``.
- ``codes``: the allowed values, one column each, that the drop-downs point at.
- ``tasks``: the standard's duties, tasks and indicators with their names, and the K/S codes of
  each duty with theirs, for reading while writing.

Text is stored as text, never as a formula, whatever it starts with. Import reads ``items``
(of one workbook or of every workbook in a folder) and locates each problem at its cell:
``Problem.file`` is the workbook, ``line`` the row, ``column`` the column number and ``path``
``items!F12``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from questionbank.interchange.transfer import ExportResult, Incoming, Place
from questionbank.items import COGNITIVE_LEVELS, DIFFICULTIES, ITEM_TYPES, STATUSES, Item
from questionbank.problems import Problem, problem
from questionbank.standards import Standard, natural_order

ITEMS_SHEET = "items"
LABELS = tuple("ABCDEFGH")
MIN_COMPETENCY_COLUMNS = 6
MIN_INDICATOR_COLUMNS = 4
# a workbook of the whole bank unpacks to a few MiB; far more is a zip bomb, not items
MAX_UNPACKED = 256 * 2**20
_SPLIT = re.compile(r"\s*[,，]\s*")
_ANSWER_SPLIT = re.compile(r"[\s,，、;]+")
_TEXT = ("id", "standard", "task", "type", "cognitive_level", "difficulty", "stem", "rationale", "status", "author", "set", *LABELS)


def _columns(competencies: int, indicators: int) -> list[str]:
    return [
        "id",
        "standard",
        "task",
        "type",
        "cognitive_level",
        "difficulty",
        "stem",
        *LABELS,
        "answer",
        "rationale",
        *(f"competency {n}" for n in range(1, competencies + 1)),
        *(f"indicator {n}" for n in range(1, indicators + 1)),
        "status",
        "points",
        "author",
        "revision",
        "tags",
        "enemies",
        "set",
    ]


def export_items(items: list[Item], standards: dict[str, Standard], output: str) -> ExportResult:
    """One workbook per standard: ``output`` itself when it ends in .xlsx and one standard is
    exported, else ``output/<standard-id>.xlsx``."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.standard, []).append(item)
    single = output.lower().endswith(".xlsx") and len(groups) <= 1
    files = []
    for standard_id, group in sorted(groups.items()):
        target = Path(output) if single else Path(output) / f"{standard_id}.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        write_workbook(group, standards.get(standard_id), target)
        files.append(str(target))
    return ExportResult(tuple(files), len(items))


def write_workbook(items: list[Item], standard: Standard | None, target: str | os.PathLike[str]) -> None:
    """Write one standard's items as a workbook (atomically)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from questionbank.files import write_atomic

    n_comp = max([MIN_COMPETENCY_COLUMNS, *(len(i.competencies) for i in items)])
    n_ind = max([MIN_INDICATOR_COLUMNS, *(len(i.indicators) for i in items)])
    columns = _columns(n_comp, n_ind)
    book = Workbook()
    sheet = book.active
    sheet.title = ITEMS_SHEET
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in items:
        sheet.append(_row(item, n_comp, n_ind))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
    sheet.freeze_panes = "B2"
    wide = {"stem": 60, "rationale": 60, **dict.fromkeys(LABELS, 28), "id": 30, "tags": 24, "enemies": 24}
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, name in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = wide.get(name, 14)
        if name in ("stem", "rationale"):
            for cell in sheet[letter][1:]:
                cell.alignment = wrap

    lists = _code_lists(standard, items)
    codes = book.create_sheet("codes")
    for index, (name, values) in enumerate(lists.items(), start=1):
        codes.cell(row=1, column=index, value=name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            codes.cell(row=row, column=index, value=value).data_type = "s"
    last = max(len(items) + 1, 2) + 500  # room for new rows written in the workbook
    for index, (name, values) in enumerate(lists.items(), start=1):
        targets = {"competency": [c for c in columns if c.startswith("competency ")], "indicator": [c for c in columns if c.startswith("indicator ")]}
        cells = targets.get(name, [name])
        letter = get_column_letter(index)
        rule = DataValidation(type="list", formula1=f"codes!${letter}$2:${letter}${max(len(values), 1) + 1}", allow_blank=True)
        rule.error = f"choose a value listed in sheet codes, column {name}"
        rule.showErrorMessage = True
        for column_name in cells:
            col = get_column_letter(columns.index(column_name) + 1)
            rule.add(f"{col}2:{col}{last}")
        sheet.add_data_validation(rule)
    _tasks_sheet(book.create_sheet("tasks"), standard)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(target, buffer.getvalue())


def _row(item: Item, n_comp: int, n_ind: int) -> list[Any]:
    options = item.option_map
    answer = ("true" if item.answer else "false") if item.type == "true_false" else ", ".join(item.keys)
    points: Any = int(item.points) if float(item.points).is_integer() else item.points
    return [
        item.id,
        item.standard,
        item.task,
        item.type,
        item.cognitive_level,
        item.difficulty,
        item.stem,
        *(options.get(label) for label in LABELS),
        answer,
        item.rationale,
        *(list(item.competencies) + [None] * (n_comp - len(item.competencies))),
        *(list(item.indicators) + [None] * (n_ind - len(item.indicators))),
        item.status,
        points,
        item.author,
        item.revision,
        ", ".join(item.tags) or None,
        ", ".join(item.enemies) or None,
        item.set,
    ]


def _code_lists(standard: Standard | None, items: list[Item]) -> dict[str, list[str]]:
    if standard is not None:
        tasks = list(standard.tasks)
        competencies = sorted({e.code for d in standard.duties for e in (*d.knowledge, *d.skills)} | standard.attitude_codes, key=natural_order)
        indicators = [p.code for t in standard.tasks.values() for p in t.indicators]
        ids = [standard.id]
    else:
        tasks = sorted({i.task for i in items}, key=natural_order)
        competencies = sorted({c for i in items for c in i.competencies}, key=natural_order)
        indicators = sorted({c for i in items for c in i.indicators}, key=natural_order)
        ids = sorted({i.standard for i in items})
    return {
        "standard": ids,
        "task": tasks,
        "type": list(ITEM_TYPES),
        "cognitive_level": list(COGNITIVE_LEVELS),
        "difficulty": list(DIFFICULTIES),
        "status": list(STATUSES),
        "competency": competencies,
        "indicator": list(dict.fromkeys(indicators)),
    }


def _tasks_sheet(sheet: Any, standard: Standard | None) -> None:
    from openpyxl.styles import Font

    sheet.append(["duty", "duty name", "task", "task name", "indicator", "indicator text"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    if standard is None:
        return
    for duty in standard.duties:
        for task in duty.tasks:
            for indicator in task.indicators or (None,):
                sheet.append([duty.code, duty.name, task.code, task.name, indicator.code if indicator else None, indicator.text if indicator else None])
    sheet.append([])
    sheet.append(["duty", "code", "knowledge / skill / attitude"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for duty in standard.duties:
        for entry in (*duty.knowledge, *duty.skills):
            sheet.append([duty.code, entry.code, entry.name])
    for entry in standard.attitudes:
        sheet.append(["(all)", entry.code, entry.name])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for letter, width in zip("ABCDEF", (8, 30, 8, 40, 10, 60), strict=True):
        sheet.column_dimensions[letter].width = width


def read_items(path: str, standards: dict[str, Standard], existing: dict[str, Path]) -> tuple[list[Incoming], list[Problem]]:
    """Items of a workbook, or of every .xlsx in a folder, with located problems."""
    source = Path(path)
    if source.is_dir():
        books = sorted(source.glob("*.xlsx"))
        if not books:
            return [], [problem("xlsx-unreadable", path, None, None, "the folder holds no .xlsx workbook; give a workbook or a folder of them")]
    else:
        books = [source]
    incoming: list[Incoming] = []
    problems: list[Problem] = []
    for book in books:
        found, more = read_workbook(str(book))
        incoming.extend(found)
        problems.extend(more)
    return incoming, problems


def read_workbook(path: str) -> tuple[list[Incoming], list[Problem]]:
    """The item rows of one workbook's ``items`` sheet, each field located at its cell."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from questionbank.files import ReadRefused, read_regular_file

    try:
        raw = read_regular_file(path, 64 * 1024 * 1024)
    except ReadRefused as exc:
        return [], [problem(exc.code, path, None, None, f"{exc.reason}; give an .xlsx workbook")]
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zipped:
            unpacked = sum(info.file_size for info in zipped.infolist())
        if unpacked > MAX_UNPACKED:
            return [], [
                problem("xlsx-unreadable", path, None, None, f"the workbook unpacks to more than {MAX_UNPACKED // 2**20} MiB; it is not an item workbook")
            ]
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        return [], [problem("xlsx-unreadable", path, None, None, f"not an .xlsx workbook ({type(exc).__name__}); save it as Excel Workbook (.xlsx)")]
    try:
        if ITEMS_SHEET not in book.sheetnames:
            return [], [problem("xlsx-sheet-missing", path, None, None, f"no sheet named '{ITEMS_SHEET}' (sheets: {', '.join(book.sheetnames)})")]
        rows = list(book[ITEMS_SHEET].iter_rows())
    finally:
        book.close()
    if not rows:
        return [], [problem("xlsx-header", path, 1, 1, "the items sheet is empty; its first row names the columns", f"{ITEMS_SHEET}!A1")]

    def place(row: int, column: int) -> Place:
        return Place(path, row, column, f"{ITEMS_SHEET}!{get_column_letter(column)}{row}")

    problems: list[Problem] = []
    header: dict[int, str] = {}
    known = set(_columns(0, 0))
    for index, cell in enumerate(rows[0], start=1):
        name = str(cell.value).strip() if cell.value is not None else ""
        if not name:
            continue
        if name not in known and not re.fullmatch(r"(competency|indicator) \d+", name):
            where = place(1, index)
            problems.append(problem("xlsx-header", path, 1, index, f"unknown column '{name}'", where.path))
        elif name in header.values():
            where = place(1, index)
            problems.append(problem("xlsx-header", path, 1, index, f"column '{name}' appears twice", where.path))
        else:
            header[index] = name
    for required in ("id", "standard", "task", "type", "stem", "answer", "rationale", "status"):
        if required not in header.values():
            problems.append(problem("xlsx-header", path, 1, 1, f"no column '{required}'; the first row names every column", f"{ITEMS_SHEET}!A1"))
    if problems:
        return [], problems

    incoming = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {header[i]: (i, cell) for i, cell in enumerate(row, start=1) if i in header}
        if all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for _, c in cells.values()):
            continue
        record, fields, found = _record(cells, number, place)
        problems.extend(found)
        incoming.append(Incoming(record, place(number, 1), fields))
    if not incoming and not problems:
        problems.append(problem("xlsx-empty", path, 2, 1, "the items sheet has a header but no item row", f"{ITEMS_SHEET}!A2"))
    return incoming, problems


def _record(cells: dict[str, Any], row: int, place: Any) -> tuple[dict[str, Any], dict[str, Place], list[Problem]]:
    """One row as an item record, where each field was read, and the cells that cannot be read."""
    problems: list[Problem] = []
    fields: dict[str, Place] = {}
    record: dict[str, Any] = {}

    def at(name: str) -> Place:
        return place(row, cells[name][0])

    def bad(name: str, message: str, code: str = "xlsx-cell-value") -> None:
        where = at(name)
        problems.append(problem(code, where.file, where.line, where.column, message, where.path))

    values: dict[str, Any] = {}
    for name, (_, cell) in cells.items():
        value = cell.value
        if getattr(cell, "data_type", None) == "f":
            bad(name, f"the cell holds a formula ({str(value)[:40]}); type the value itself", "xlsx-formula")
            continue
        if isinstance(value, str):
            value = value.strip()
            value = value or None
        values[name] = value
        fields.setdefault(name, at(name))

    for name in _TEXT:
        value = values.get(name)
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, float) and value.is_integer():
            value = str(int(value))
        record_key = name
        if name in LABELS:
            record.setdefault("options", {})[name] = str(value)
            fields[f"options.{name}"] = at(name)
            fields.setdefault("options", at(name))
            continue
        record[record_key] = str(value) if not isinstance(value, str) else value
        fields[record_key] = at(name)

    for prefix, key in (("competency ", "competencies"), ("indicator ", "indicators")):
        names = sorted((n for n in values if n.startswith(prefix)), key=lambda n: int(n.split()[1]))
        codes = []
        for name in names:
            if values[name] is not None:
                fields[f"{key}[{len(codes)}]"] = at(name)
                fields.setdefault(key, at(name))
                codes.append(str(values[name]))
        record[key] = codes

    for name in ("tags", "enemies"):
        value = values.get(name)
        if value is not None:
            record[name] = [part for part in _SPLIT.split(str(value)) if part]
            fields[name] = at(name)

    for name, kind in (("points", float), ("revision", int)):
        value = values.get(name)
        if value is None:
            continue
        fields[name] = at(name)
        try:
            number = float(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or number != number or (kind is int and not number.is_integer()):
            bad(name, f"'{value}' is not a {'whole number' if kind is int else 'number'}")
            continue
        record[name] = int(number) if number.is_integer() else number

    if "answer" in values and values["answer"] is not None:
        fields["answer"] = at("answer")
        answer = _answer(values["answer"], record.get("type"))
        if answer is None:
            bad("answer", f"'{values['answer']}' is not an answer: write a label (B), labels (A, C) or true/false")
        else:
            record["answer"] = answer
    return record, fields, problems


def _answer(value: Any, item_type: Any) -> Any:
    if isinstance(value, bool):
        return value
    text = str(value).strip()
    if item_type == "true_false" or text.lower() in ("true", "false"):
        return {"true": True, "t": True, "o": True, "false": False, "f": False, "x": False}.get(text.lower())
    parts = [p for p in _ANSWER_SPLIT.split(text.upper()) if p]
    if len(parts) == 1 and len(parts[0]) > 1 and item_type == "multiple":
        parts = list(parts[0])
    if not parts:
        return None
    return parts if item_type == "multiple" else (parts[0] if len(parts) == 1 else parts)
