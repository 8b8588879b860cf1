"""Validation: runs every check over standards, items and blueprints and collects the problems."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from questionbank.blueprint import Blueprint, blueprint_from_document
from questionbank.checks.bank import check_bank
from questionbank.checks.items import check_item
from questionbank.checks.similarity import DISMISSALS_FILE, read_dismissals, similarity_problems
from questionbank.checks.standards import check_standard, check_standard_set
from questionbank.checks.text import invisible_problems, simplified_problems
from questionbank.documents import Document, parse_document, read_document
from questionbank.forms import file_sha256
from questionbank.items import Item, item_from_document
from questionbank.problems import Problem, Severity, problem
from questionbank.schemas import schema_problems
from questionbank.standards import Standard, standard_from_document

KINDS = ("standard", "item", "blueprint")
# After these, the built data no longer says what the file says; schema checks would only add noise.
_UNRELIABLE = frozenset({"yaml-alias", "yaml-key-not-text", "yaml-unsupported-tag"})
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ValidationResult:
    """All problems of one run, sorted by file, line and column, and what was read."""

    problems: tuple[Problem, ...]
    files: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.WARNING)

    def summary(self) -> dict[str, Any]:
        return {"files": sum(self.files.values()), **{f"{kind}s": n for kind, n in self.files.items()}, "errors": self.errors, "warnings": self.warnings}

    def to_dict(self) -> dict[str, Any]:
        return {"problems": [p.to_dict() for p in self.problems], "summary": self.summary()}


@dataclass
class Bank:
    """What a run loaded: valid standards and items, with the documents that locate them."""

    standards: dict[str, Standard] = field(default_factory=dict)
    items: list[tuple[Document, Item]] = field(default_factory=list)
    standard_documents: dict[str, Document] = field(default_factory=dict)


def discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Problem]]:
    """YAML files under the given files and folders, in a stable order.

    Missing paths, links to nothing, folders that cannot be read, and a path given explicitly
    that yields no YAML file are problems: a check must never pass on files nobody read.
    Explicit files are kept whatever they are (reading refuses devices, pipes and folders).
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = _walk(path, problems)
            if not found:
                problems.append(problem("no-yaml-files", str(path), None, None, "no .yaml or .yml file in this folder; check the path"))
            files.extend(found)
        elif path.is_symlink() and not path.exists():
            problems.append(problem("file-not-found", str(path), 1, 1, "the link points to a file that does not exist (or to itself); fix the link"))
        elif path.exists():
            files.append(path)
        else:
            problems.append(problem("file-not-found", str(path), 1, 1, "no such file or folder; check the path"))
    unique = list(dict.fromkeys(files))
    return unique, problems


def _walk(folder: Path, problems: list[Problem]) -> list[Path]:
    """YAML entries below ``folder`` (links to folders are not followed: no loops)."""

    def refused(error: OSError) -> None:
        problems.append(
            problem("folder-unreadable", str(error.filename or folder), None, None, f"cannot list this folder ({error.strerror}); check its permissions")
        )

    found = []
    for root, dirs, names in os.walk(folder, onerror=refused):
        dirs.sort()
        for name in sorted(names):
            entry = Path(root) / name
            if entry.suffix not in YAML_SUFFIXES:
                continue
            if entry.is_symlink() and not entry.exists():
                problems.append(problem("file-not-found", str(entry), 1, 1, "the link points to a file that does not exist (or to itself); fix the link"))
            elif entry.is_file():
                found.append(entry)
            else:
                problems.append(
                    problem("file-unreadable", str(entry), 1, 1, "not a regular file (a device, pipe or socket); remove it or replace it with the file")
                )
    return sorted(found)


def kind_of(path: Path, data: Any = None) -> str:
    """standard, item or blueprint: from the nearest folder so named, else from the content."""
    for parent in path.parents:
        if parent.name == "standards":
            return "standard"
        if parent.name == "blueprints":
            return "blueprint"
        if parent.name == "items":
            return "item"
    if isinstance(data, dict) and "duties" in data:
        return "standard"
    return "item"


def load_standards(files: Iterable[Path]) -> tuple[list[tuple[Document, Standard]], list[Problem]]:
    """Parse, schema-check and build standards; invalid ones are left out, their problems returned."""
    loaded: list[tuple[Document, Standard]] = []
    problems: list[Problem] = []
    for path in files:
        document, found = read_document(str(path))
        problems.extend(found)
        if document is None or any(p.code in _UNRELIABLE for p in found):
            continue
        schema_found = schema_problems(document, "standard")
        problems.extend(schema_found)
        if found or schema_found:
            continue
        loaded.append((document, standard_from_document(document)))
    return loaded, problems


def load_blueprint(path: str | os.PathLike[str], standards: dict[str, Standard]) -> tuple[Blueprint | None, list[Problem]]:
    """Read, schema-check and build one blueprint against the standards."""
    from questionbank.documents import MAX_FILE_BYTES
    from questionbank.files import ReadRefused, read_regular_file

    try:
        raw = read_regular_file(path, MAX_FILE_BYTES)
    except ReadRefused as exc:
        return None, [problem(exc.code, str(path), 1, 1, f"{exc.reason}; check the blueprint path")]
    return parse_blueprint(str(path), raw, standards)


def parse_blueprint(file: str, raw: bytes, standards: dict[str, Standard]) -> tuple[Blueprint | None, list[Problem]]:
    """The same for blueprint text not (yet) in a file, e.g. from an editor; ``file`` names it in problems."""
    import dataclasses
    import hashlib

    blueprint, found = _blueprint(*parse_document(file, raw), standards)
    if blueprint is not None:
        blueprint = dataclasses.replace(blueprint, sha256=hashlib.sha256(raw).hexdigest())
    return blueprint, found


def find_blueprint(sha256: str, folders: Iterable[str | os.PathLike[str]], standards: dict[str, Standard]) -> tuple[Blueprint | None, list[Problem]]:
    """The blueprint among ``folders`` whose bytes hash to ``sha256`` (a form names its blueprint
    by hash; no path written in a form is ever opened)."""
    for folder in folders:
        if not Path(folder).is_dir():
            continue
        for path in _walk(Path(folder), []):
            if file_sha256(path) == sha256:
                return load_blueprint(path, standards)
    return None, []


def _blueprint(document: Document | None, found: list[Problem], standards: dict[str, Standard]) -> tuple[Blueprint | None, list[Problem]]:
    if document is None or any(p.code in _UNRELIABLE for p in found):
        return None, found
    schema_found = schema_problems(document, "blueprint")
    found.extend(schema_found)
    found.extend(simplified_problems(document))
    found.extend(invisible_problems(document))
    if schema_found:
        return None, found
    blueprint, more = blueprint_from_document(document, standards)
    return blueprint, found + more


# Below this many item files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 400
_worker_standards: dict[str, Standard] = {}


def _check_item_file(path: str, standards: dict[str, Standard]) -> tuple[Document | None, list[Problem], Item | None]:
    """Every single-file rule for one item file."""
    document, found = read_document(path)
    if document is None or any(p.code in _UNRELIABLE for p in found):
        return document, found, None
    schema_found = schema_problems(document, "item")
    found.extend(schema_found)
    found.extend(simplified_problems(document))
    found.extend(invisible_problems(document))
    if schema_found:
        return document, found, None
    item = item_from_document(document)
    found.extend(check_item(document, item, standards))
    return document, found, item


def _init_worker(standards: dict[str, Standard]) -> None:
    _worker_standards.update(standards)


def _worker(path: str) -> tuple[str, str, list[Problem], Item | None]:
    document, found, item = _check_item_file(path, _worker_standards)
    # Only the text travels back: the node tree is rebuilt in the parent if a
    # cross-item problem needs a position.
    return path, document.text if document is not None else "", found, item


def _check_items(paths: list[Path], standards: dict[str, Standard], parallel: bool = True) -> list[tuple[Document, list[Problem], Item | None]]:
    if not parallel or len(paths) < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2:
        out = []
        for path in paths:
            document, found, item = _check_item_file(str(path), standards)
            out.append((document or Document(str(path), None), found, item))
        return out
    from concurrent.futures import ProcessPoolExecutor

    workers = min(os.cpu_count() or 2, 8)
    chunk = max(1, len(paths) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(standards,)) as pool:
        results = list(pool.map(_worker, [str(p) for p in paths], chunksize=chunk))
    return [(Document(path, None, text), found, item) for path, text, found, item in results]


def validate(
    paths: Iterable[str | os.PathLike[str]] | None = None,
    standards_dir: str | os.PathLike[str] = "standards",
    items_dir: str | os.PathLike[str] = "items",
    kind: str | None = None,
) -> ValidationResult:
    """Validate files and folders (default: standards/, items/ and blueprints/ that exist).

    Items are checked against the standards in ``standards_dir`` (plus any standards among the
    paths); enemies may name any item filed in ``items_dir``.
    """
    result, _ = validate_bank(paths, standards_dir, items_dir, kind)
    return result


def validate_bank(
    paths: Iterable[str | os.PathLike[str]] | None = None,
    standards_dir: str | os.PathLike[str] = "standards",
    items_dir: str | os.PathLike[str] = "items",
    kind: str | None = None,
    parallel: bool = True,
) -> tuple[ValidationResult, Bank]:
    """As :func:`validate`, also returning what was loaded (for coverage and assembly).

    ``parallel=False`` checks items in this process: a server with many threads and a large heap
    must not fork workers (a fork copies the heap's pages as they change, and a lock another
    thread held at the fork stays locked in the child)."""
    if paths is None:
        paths = [p for p in (standards_dir, items_dir, "blueprints") if Path(p).is_dir()]
    files, problems = discover(paths)
    by_kind: dict[str, list[Path]] = {k: [] for k in KINDS}
    for path in files:
        by_kind[kind or kind_of(path)].append(path)

    # Standards named on the command line are validated and reported; the rest of
    # standards/ is loaded quietly as the reference the items are checked against.
    reported = {p.resolve() for p in by_kind["standard"]}
    reference = [p for p in discover([standards_dir])[0] if p.resolve() not in reported] if Path(standards_dir).is_dir() else []
    own, own_problems = load_standards(by_kind["standard"])
    quiet, _ = load_standards(reference)
    problems.extend(own_problems)
    for document, standard in own:
        problems.extend(check_standard(document, standard))
        problems.extend(simplified_problems(document))
        problems.extend(invisible_problems(document))
    problems.extend(check_standard_set([*own, *quiet]) if own else [])
    bank = Bank()
    for document, standard in [*quiet, *own]:
        bank.standards[standard.id] = standard
        bank.standard_documents[standard.id] = document

    for document, found, item in _check_items(by_kind["item"], bank.standards, parallel):
        problems.extend(found)
        if item is not None:
            bank.items.append((document, item))
    known_ids = [p.stem for p in Path(items_dir).rglob("*.y*ml")] if Path(items_dir).is_dir() else []
    problems.extend(check_bank(bank.items, known_ids))
    if bank.items:
        # pairs of items that give each other away or repeat each other (checks/similarity.py)
        dismissed, found = read_dismissals(Path(items_dir) / DISMISSALS_FILE)
        problems.extend(found)
        problems.extend(similarity_problems(bank.items, dismissed))

    for path in by_kind["blueprint"]:
        _, found = load_blueprint(path, bank.standards)
        problems.extend(found)

    counts = {k: len(v) for k, v in by_kind.items()}
    return ValidationResult(problems=tuple(sorted(set(problems))), files=counts), bank


def read_standards(standards_dir: str | os.PathLike[str] = "standards") -> dict[str, Standard]:
    """The valid standards of a folder by id, without the items (a tenth of a second, not a bank)."""
    files = discover([standards_dir])[0] if Path(standards_dir).is_dir() else []
    return {standard.id: standard for _, standard in load_standards(files)[0]}


def load_bank(standards_dir: str | os.PathLike[str] = "standards", items_dir: str | os.PathLike[str] = "items") -> tuple[ValidationResult, Bank]:
    """The bank as commands and pages use it: every standard, and the items that passed their checks."""
    return validate_bank([items_dir], standards_dir=standards_dir, items_dir=items_dir)


def problems_for(result: ValidationResult, bank: Bank, standard_id: str) -> list[Problem]:
    """The problems that concern one standard: its own file, its items (loaded or refused) and
    its blueprint, so a page about that standard does not list everyone else's."""
    document = bank.standard_documents.get(standard_id)
    files = {document.file} if document else set()
    files |= {doc.file for doc, item in bank.items if item.standard == standard_id}

    def concerns(found: Problem) -> bool:
        path = Path(found.file)
        return found.file in files or path.parent.name == standard_id or path.stem == standard_id

    return [p for p in result.problems if concerns(p)]
