"""Writing and blind review inside the product.

The bank of record stays YAML under ``items/``: the editor writes the file (formatted as the
hand-written ones, ``interchange/item_yaml.py``); the database keeps who changed what (history
with a diff) and every review. The rule of ``ITEM-WRITING.md``: an item becomes ``active``
only after a review of its current revision by someone other than its writer whose blind
answer matched the key and who approved it (a disagreement is resolved by revising the item and
reviewing again). Writers never activate their own items.
"""

from __future__ import annotations

import difflib
import json
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select

from questionbank.delivery import database as db
from questionbank.delivery.accounts import name_key, roles_of
from questionbank.documents import parse_document
from questionbank.errors import AccessDenied, NotFound, QbankError, RequestInvalid
from questionbank.files import write_atomic
from questionbank.interchange.item_yaml import dump_item, item_record, normal_record
from questionbank.items import Item, item_from_document
from questionbank.problems import Problem
from questionbank.schemas import schema_problems
from questionbank.standards import Standard

VERDICTS = ("approve", "revise", "reject")
CHECKLIST = ("one-key", "rationale", "tags", "no-cue", "no-duplicate", "taiwan-usage")


def _require(engine: Engine, name: str, role: str) -> None:
    if role not in roles_of(engine, name):
        raise AccessDenied("role-required", f"this needs the {role} role", "role")


def _path(items_dir: str | Path, record: dict[str, Any]) -> Path:
    return Path(items_dir) / record["standard"] / f"{record['id']}.yaml"


def check_record(record: dict[str, Any], standards: dict[str, Standard], file: str = "編輯器") -> tuple[Item | None, list[Problem]]:
    """The item a record makes and every problem the validator would report for its file."""
    from questionbank.checks.items import check_item
    from questionbank.checks.text import invisible_problems, simplified_problems

    text = dump_item(normal_record(record))
    document, found = parse_document(file, text.encode("utf-8"))
    if document is None:
        return None, found
    found += schema_problems(document, "item")
    if found:
        return None, found
    item = item_from_document(document)
    found += check_item(document, item, standards) + simplified_problems(document) + invisible_problems(document)
    return item, [p for p in found if p.code not in ("item-filename-mismatch", "item-folder-mismatch")]


def _history(engine: Engine, item_id: str, revision: int, action: str, by: str, before: str, after: str, now: float) -> None:
    diff = "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), "before", "after"))
    with db.writing(engine) as conn:
        conn.execute(insert(db.item_history).values(item_id=item_id, revision=revision, action=action, by=by, at=now, diff=diff))


def save_item(engine: Engine, items_dir: str | Path, standards: dict[str, Standard], record: dict[str, Any], author: str, now: float | None = None) -> Item:
    """Create or revise an item from the editor. A new item starts as ``draft`` by ``author``; a
    revision raises ``revision`` and goes back to ``draft`` (it must be reviewed again). Raises
    QbankError with the validator's problems when the item is not right."""
    now = time.time() if now is None else now
    _require(engine, author, "writer")
    record = dict(record)
    path = _path(items_dir, record)
    before = path.read_text(encoding="utf-8") if path.is_file() else ""
    if before:
        old = _load(path)
        if old.author and name_key(old.author) != name_key(author) and "examiner" not in roles_of(engine, author):
            raise AccessDenied("role-required", f"item {old.id} was written by {old.author}; only its writer or an examiner revises it", "author")
        record.update(author=old.author, revision=(old.revision or 1) + 1, status="draft")
    else:
        record.update(author=author, revision=1, status="draft")
    item, problems = check_record(record, standards, str(path))
    errors = [p for p in problems if p.severity.value == "error"]
    if errors:
        raise QbankError(errors)
    text = dump_item(normal_record(record))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
    _history(engine, item.id, item.revision or 1, "edit" if before else "create", author, before, text, now)
    return item


def _load(path: Path) -> Item:
    from questionbank.documents import read_document

    document, problems = read_document(str(path))
    if document is None:
        raise QbankError(problems)
    return item_from_document(document)


def _set_status(engine: Engine, items_dir: str | Path, item: Item, status: str, action: str, by: str, now: float) -> Item:
    path = _path(items_dir, {"standard": item.standard, "id": item.id})
    before = path.read_text(encoding="utf-8")
    record = item_record(item) | {"status": status}
    text = dump_item(normal_record(record))
    write_atomic(path, text)
    _history(engine, item.id, item.revision or 1, action, by, before, text, now)
    return _load(path)


def submit(engine: Engine, items_dir: str | Path, item: Item, by: str, now: float | None = None) -> Item:
    """The writer sends a draft to review."""
    if item.status != "draft":
        raise RequestInvalid("item-not-draft", f"item {item.id} is {item.status}; only drafts go to review", "status")
    if name_key(item.author or "") != name_key(by) and "examiner" not in roles_of(engine, by):
        raise AccessDenied("role-required", "only the item's writer or an examiner sends it to review", "author")
    return _set_status(engine, items_dir, item, "review", "submit", by, time.time() if now is None else now)


def blind_view(item: Item) -> dict[str, Any]:
    """What a reviewer sees first: no key, no rationale, no tags."""
    return {"id": item.id, "type": item.type, "stem": item.stem, "options": list(item.options), "task": item.task}


def record_review(
    engine: Engine,
    item: Item,
    reviewer: str,
    blind_answer: list[str] | bool,
    verdict: str,
    comments: str = "",
    checklist: dict[str, bool] | None = None,
    now: float | None = None,
    source: str = "app",
) -> dict[str, Any]:
    """Store a review of the item's current revision; returns it with ``matched``."""
    _require(engine, reviewer, "reviewer")
    if item.author and name_key(item.author) == name_key(reviewer):
        raise AccessDenied("review-own-item", "nobody reviews an item they wrote", "reviewer")
    if verdict not in VERDICTS:
        raise RequestInvalid("review-invalid", f"a verdict is one of {', '.join(VERDICTS)}", "verdict")
    key: Any = item.answer if item.type == "true_false" else sorted(item.keys)
    blind: Any = blind_answer if item.type == "true_false" else sorted(blind_answer)
    matched = blind == key
    if verdict == "approve" and not matched and not (comments or "").strip():
        raise RequestInvalid(
            "review-invalid", "your blind answer differs from the key: say in the comments how the disagreement was resolved, or ask for a revision", "comments"
        )
    row = {
        "item_id": item.id,
        "revision": item.revision or 1,
        "reviewer": reviewer,
        "blind_answer": json.dumps(blind, ensure_ascii=False),
        "key": json.dumps(key, ensure_ascii=False),
        "matched": matched,
        "verdict": verdict,
        "checklist": json.dumps(checklist or {}, ensure_ascii=False),
        "comments": comments or "",
        "source": source,
        "reviewed_at": time.time() if now is None else now,
    }
    with db.writing(engine) as conn:
        conn.execute(insert(db.item_reviews).values(**row))
    return row


def reviews_of(engine: Engine, item_id: str) -> list[dict[str, Any]]:
    return db.log_rows(engine, db.item_reviews, "item_id", item_id, "reviewed_at")


def history_of(engine: Engine, item_id: str) -> list[dict[str, Any]]:
    return db.log_rows(engine, db.item_history, "item_id", item_id, "at")


def may_activate(engine: Engine, item: Item) -> tuple[bool, str]:
    """Whether the rule lets this item become active now, and why not."""
    current = [r for r in reviews_of(engine, item.id) if r["revision"] == (item.revision or 1)]
    others = [r for r in current if not item.author or name_key(r["reviewer"]) != name_key(item.author)]
    if not others:
        return False, "no review of this revision by someone other than its writer"
    approved = [r for r in others if r["verdict"] == "approve" and (r["matched"] or r["comments"].strip())]
    if not approved:
        return False, "the reviews of this revision did not approve it (or the blind answer differed and nothing was recorded)"
    return True, ""


def activate(engine: Engine, items_dir: str | Path, item: Item, by: str, now: float | None = None) -> Item:
    """Make a reviewed item active (an examiner or a reviewer; never its own writer)."""
    if item.author and name_key(item.author) == name_key(by):
        raise AccessDenied("review-own-item", "writers cannot activate their own items", "by")
    if not roles_of(engine, by) & {"examiner", "reviewer"}:
        raise AccessDenied("role-required", "activating needs the examiner or reviewer role", "role")
    allowed, why = may_activate(engine, item)
    if not allowed:
        raise AccessDenied("item-not-reviewed", f"item {item.id} cannot be activated: {why}", "status")
    return _set_status(engine, items_dir, item, "active", "activate", by, time.time() if now is None else now)


def import_review_logs(engine: Engine, reviews_dir: str | Path, items: dict[str, Item], now: float | None = None) -> int:
    """The blind readings recorded in ``docs/reviews/**/r*-log.json`` as reviews (source = the
    log file), so the product's rule sees the bank's existing history. Returns how many."""
    now = time.time() if now is None else now
    rows = []
    with engine.connect() as conn:
        known = {(r.item_id, r.source) for r in conn.execute(select(db.item_reviews.c.item_id, db.item_reviews.c.source))}
    for log in sorted(Path(reviews_dir).rglob("*-log.json")):
        source = str(log.relative_to(Path(reviews_dir).parent)) if Path(reviews_dir).parent in log.parents else log.name
        for entry in json.loads(log.read_text(encoding="utf-8")):
            item = items.get(entry.get("id"))
            if item is None or (item.id, source) in known:
                continue
            blind = entry.get("blind")
            key = entry.get("key_after", entry.get("key_before"))
            rows.append(
                {
                    "item_id": item.id,
                    "revision": item.revision or 1,
                    "reviewer": log.stem.removesuffix("-log"),
                    "blind_answer": json.dumps(blind, ensure_ascii=False),
                    "key": json.dumps(key, ensure_ascii=False),
                    "matched": (sorted(blind) if isinstance(blind, list) else blind) == (sorted(key) if isinstance(key, list) else key),
                    "verdict": "reject" if entry.get("category") == "not-activated" else "approve",
                    "checklist": "{}",
                    "comments": entry.get("why", ""),
                    "source": source,
                    "reviewed_at": now,
                }
            )
    if rows:
        with db.writing(engine) as conn:
            conn.execute(insert(db.item_reviews), rows)
    return len(rows)


def find_item(items_dir: str | Path, standard_id: str, item_id: str) -> Item:
    path = Path(items_dir) / standard_id / f"{item_id}.yaml"
    if not path.is_file():
        raise NotFound("item-unknown", f"no item {item_id} in {standard_id}", "item_id")
    return _load(path)
