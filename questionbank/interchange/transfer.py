"""Export and import of items in other formats: the table of formats and what they share.

Each format is one module (``xlsx``, ``qti``, ``moodle``, ``gift``) with ``export_items`` and
``read_items``. Export takes loaded items and writes a file; import reads a file into
:class:`Incoming` records located in the source (``items!F12`` for a workbook cell, a line
for XML and GIFT), checks them with the bank's own item rules, and plans what would change:
new files, changed files (shown as a unified diff, written only with ``update``) and
unchanged items (skipped). Nothing is written when any imported item has an error.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from questionbank.items import Item
from questionbank.problems import Problem, Severity, problem
from questionbank.standards import Standard

FORMATS = ("xlsx", "qti21", "moodle", "gift")
SUFFIXES = {".xlsx": "xlsx", ".zip": "qti21", ".xml": "moodle", ".gift": "gift", ".txt": "gift"}


@dataclass(frozen=True)
class Place:
    """Where a value was read: file, 1-based line and column, and a path such as ``items!F12``."""

    file: str
    line: int | None = None
    column: int | None = None
    path: str = ""


@dataclass(frozen=True)
class Incoming:
    """One item as read from another format: its record and where each field came from."""

    record: dict[str, Any]
    place: Place
    fields: dict[str, Place] = field(default_factory=dict)

    def where(self, key: str) -> Place:
        return self.fields.get(key, self.place)


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote, and warnings for the fields the format could not carry."""

    files: tuple[str, ...]
    items: int
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Change:
    """One imported item against the bank: ``new``, ``changed`` or ``unchanged``."""

    item_id: str
    target: str
    status: str
    text: str
    diff: str = ""


@dataclass(frozen=True)
class ImportResult:
    """The plan of an import and whether it was written."""

    changes: tuple[Change, ...]
    problems: tuple[Problem, ...]
    written: tuple[str, ...] = ()

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)

    @property
    def refused(self) -> bool:
        """Errors, or changed items without ``update``: nothing was written."""
        return self.errors > 0 or (any(c.status == "changed" for c in self.changes) and not self.written)

    def counts(self) -> dict[str, int]:
        out = {"new": 0, "changed": 0, "unchanged": 0}
        for change in self.changes:
            out[change.status] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": {**self.counts(), "written": len(self.written), "errors": self.errors},
            "changes": [{"id": c.item_id, "file": c.target, "status": c.status, "diff": c.diff} for c in self.changes],
            "problems": [p.to_dict() for p in self.problems],
        }


def _module(fmt: str) -> Any:
    import importlib

    name = {"qti21": "qti"}.get(fmt, fmt)
    return importlib.import_module(f"questionbank.interchange.{name}")


def guess_format(path: str | os.PathLike[str]) -> str | None:
    """The format a file name suggests (``.xlsx``, ``.zip`` QTI, ``.xml`` Moodle, ``.gift``);
    a folder is read as a folder of workbooks."""
    if Path(path).is_dir():
        return "xlsx"
    return SUFFIXES.get(Path(path).suffix.lower())


def select_items(items: Iterable[Item], standard: str | None = None, statuses: Iterable[str] | None = None) -> list[Item]:
    """Items of one standard (or all) with one of ``statuses`` (or any), in standard and id order."""
    wanted = set(statuses or ())
    chosen = [i for i in items if (standard is None or i.standard == standard) and (not wanted or i.status in wanted)]
    return sorted(chosen, key=lambda i: (i.standard, i.id))


def export_items(fmt: str, items: list[Item], standards: dict[str, Standard], output: str | os.PathLike[str]) -> ExportResult:
    """Write ``items`` to ``output`` in ``fmt`` (one of :data:`FORMATS`)."""
    return _module(fmt).export_items(items, standards, str(output))


def dropped_fields(items: Iterable[Item], carried: Iterable[str], file: str, fmt: str) -> list[Problem]:
    """One warning per item field that ``fmt`` cannot carry and some exported item has."""
    from questionbank.interchange.item_yaml import item_record

    kept = set(carried)
    counts: dict[str, int] = {}
    for item in items:
        for key in item_record(item):
            if key not in kept:
                counts[key] = counts.get(key, 0) + 1
    return [
        problem("export-field-dropped", file, None, None, f"{fmt} cannot carry '{key}': dropped from {n} item(s); see docs/interchange.md", key)
        for key, n in counts.items()
    ]


def import_items(
    path: str | os.PathLike[str],
    standards: dict[str, Standard],
    items_dir: str | os.PathLike[str] = "items",
    fmt: str | None = None,
    update: bool = False,
) -> ImportResult:
    """Read ``path``, check every item with the bank's rules, and write the new and (with
    ``update``) changed item files under ``items_dir``; unchanged items are skipped."""
    fmt = fmt or guess_format(path)
    if fmt not in FORMATS:
        return ImportResult((), (problem("import-format-unknown", str(path), None, None, "cannot tell the format from the file name; give --format"),))
    existing = _existing_files(items_dir)
    incoming, problems = _module(fmt).read_items(str(path), standards, existing)
    return plan_import(incoming, problems, standards, items_dir, existing, update)


def _existing_files(items_dir: str | os.PathLike[str]) -> dict[str, Path]:
    folder = Path(items_dir)
    return {p.stem: p for p in sorted(folder.rglob("*.y*ml"))} if folder.is_dir() else {}


def existing_record(path: Path) -> dict[str, Any] | None:
    """The record of an item file already in the bank (None when it does not parse)."""
    from questionbank.documents import read_document

    document, _ = read_document(str(path))
    return document.data if document is not None and isinstance(document.data, dict) else None


def plan_import(
    incoming: list[Incoming],
    problems: list[Problem],
    standards: dict[str, Standard],
    items_dir: str | os.PathLike[str],
    existing: dict[str, Path],
    update: bool,
) -> ImportResult:
    """Check the records, compare them with the bank and write when allowed (see :func:`import_items`)."""
    from questionbank.files import write_atomic
    from questionbank.interchange.item_yaml import dump_item, normal_record, record_hash

    found = list(problems)
    checked = check_incoming(incoming, standards, existing)
    found.extend(checked)
    changes = []
    for entry in incoming:
        record = normal_record(entry.record)
        item_id = str(record.get("id", ""))
        text = dump_item(record)
        target = existing.get(item_id) or Path(items_dir) / str(record.get("standard", "")) / f"{item_id}.yaml"
        if not target.exists():
            changes.append(Change(item_id, str(target), "new", text))
            continue
        old_text = target.read_text(encoding="utf-8", errors="replace")
        old = existing_record(target)
        if old is not None and record_hash(old) == record_hash(record):
            changes.append(Change(item_id, str(target), "unchanged", text))
            continue
        diff = "".join(difflib.unified_diff(old_text.splitlines(True), text.splitlines(True), f"a/{target}", f"b/{target}"))
        changes.append(Change(item_id, str(target), "changed", text, diff))
    ordered = tuple(sorted(set(found)))
    if any(p.severity is Severity.ERROR for p in ordered) or (any(c.status == "changed" for c in changes) and not update):
        return ImportResult(tuple(changes), ordered)
    written = []
    for change in changes:
        if change.status == "unchanged":
            continue
        target = Path(change.target)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, change.text)
        written.append(change.target)
    return ImportResult(tuple(changes), ordered, tuple(written))


def check_incoming(incoming: list[Incoming], standards: dict[str, Standard], existing: dict[str, Path] | None = None) -> list[Problem]:
    """The bank's item rules (schema, codes against the standard, answer, options, text, and
    duplicate ids among the imported items), each problem moved to where its field was read."""
    from questionbank.checks.bank import check_bank
    from questionbank.checks.items import check_item
    from questionbank.checks.text import invisible_problems, simplified_problems
    from questionbank.documents import parse_document
    from questionbank.interchange.item_yaml import dump_item, normal_record
    from questionbank.items import item_from_document
    from questionbank.schemas import schema_problems

    found: list[Problem] = []
    loaded = []
    by_file: dict[str, Incoming] = {}
    for number, entry in enumerate(incoming):
        record = normal_record(entry.record)
        # a file name of the item's own place, so folder and file name rules hold; unique per entry
        name = f"items/{record.get('standard', '')}/{record.get('id', '')}.yaml"
        file = name if name not in by_file else f"{name}#{number}"
        by_file[file] = entry
        document, parsed = parse_document(file, dump_item(record).encode("utf-8"))
        here = list(parsed)
        if document is not None:
            schema = schema_problems(document, "item")
            here += schema + simplified_problems(document) + invisible_problems(document)
            if not schema:
                item = item_from_document(document)
                here += check_item(document, item, standards)
                loaded.append((document, item))
        found.extend(_moved(p, entry) for p in here)
    known = list(existing or {})
    for found_problem in check_bank(loaded, known):
        entry = by_file.get(found_problem.file)
        if entry is not None:
            found.append(_moved(found_problem, entry))
    found.extend(_stems_in_bank(loaded, by_file, existing or {}))
    return found


def _stems_in_bank(loaded: list[tuple[Any, Item]], by_file: dict[str, Incoming], existing: dict[str, Path]) -> list[Problem]:
    """``duplicate-stem`` for an imported item whose stem another item of the bank already has."""
    from questionbank.checks.text import normalise

    incoming_ids = {item.id for _, item in loaded}
    stems: dict[str, tuple[str, Path]] = {}
    for item_id, path in existing.items():
        if item_id in incoming_ids:
            continue
        data = existing_record(path)
        stem = data.get("stem") if data else None
        if isinstance(stem, str):
            stems.setdefault(normalise(stem), (item_id, path))
    found = []
    for document, item in loaded:
        other = stems.get(normalise(item.stem))
        if other is not None:
            line, column = document.locate(("stem",))
            message = f"the stem repeats that of item {other[0]} ({other[1]}); rewrite it or retire one"
            found.append(_moved(problem("duplicate-stem", document.file, line, column, message, "stem"), by_file[document.file]))
    return found


def _moved(found: Problem, entry: Incoming) -> Problem:
    """``found`` (located in the emitted YAML) located where its field was read instead."""
    import re

    key = re.split(r"[.\[]", found.path, maxsplit=1)[0] if found.path else ""
    place = entry.fields.get(found.path) or entry.where(key)
    message = f"{found.message} (field {found.path})" if found.path and place.path else found.message
    return Problem(place.file, place.line, place.column, found.code, place.path or found.path, found.severity, message)
