"""Item snapshots: an item as delivered, frozen with its content hash, and the answer key built from them.

Pure values (no database): publishing stores them, scoring and reports read them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from questionbank.forms import file_sha256
from questionbank.items import Item
from questionbank.problems import Problem, problem
from questionbank.scoring import TRUE_FALSE_LABELS, AnswerKey, Rules, ScoredItem
from questionbank.standards import Standard


def item_sha256(item: Item) -> str:
    """The content hash a snapshot records: of the item's file (of its stem for an item held in memory only)."""
    return file_sha256(item.file) if item.file else hashlib.sha256(item.stem.encode()).hexdigest()


def snapshot(item: Item, standard: Standard) -> dict[str, Any]:
    """The item as delivered: everything the exam screen, scoring and review need."""
    duty = standard.duty_of(item.task)
    task = standard.tasks.get(item.task)
    indicators = {p.code: p.text for p in task.indicators} if task else {}
    return {
        "id": item.id,
        "sha256": item_sha256(item),
        "type": item.type,
        "stem": item.stem,
        "options": [[label, text] for label, text in item.options],
        "keys": list(item.keys),
        "rationale": item.rationale,
        "points": item.points,
        "task": item.task,
        "task_name": task.name if task else "",
        "duty": standard.duty_code(item.task),
        "duty_name": duty.name if duty else "",
        "competencies": list(item.competencies),
        "indicators": [[code, indicators.get(code, "")] for code in item.indicators],
        "cognitive_level": item.cognitive_level,
        "difficulty": item.difficulty,
    }


def labels_of(snap: dict[str, Any]) -> tuple[str, ...]:
    return TRUE_FALSE_LABELS if snap["type"] == "true_false" else tuple(label for label, _ in snap["options"])


def scored_item(snap: dict[str, Any]) -> ScoredItem:
    return ScoredItem(
        id=snap["id"],
        type=snap["type"],
        labels=labels_of(snap),
        keys=tuple(snap["keys"]),
        points=float(snap["points"]),
        duty=snap["duty"],
        task=snap["task"],
        competencies=tuple(snap["competencies"]),
    )


def form_snapshots(form: dict[str, Any], path: str, items: list[Item], standard: Standard) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Snapshots of a form's items in form order; an item missing or changed since assembly is an error."""
    by_id = {item.id: item for item in items}
    out, found = [], []
    for section in form.get("sections", []):
        for entry in section.get("items", []):
            item = by_id.get(entry.get("id"))
            if item is None:
                found.append(
                    problem(
                        "form-item-missing",
                        path,
                        1,
                        1,
                        f"item {entry.get('id')} is no longer in the bank; restore it or assemble a new form",
                        str(entry.get("id")),
                    )
                )
                continue
            snap = snapshot(item, standard)
            if snap["sha256"] != entry.get("sha256"):
                found.append(
                    problem(
                        "form-item-changed",
                        path,
                        1,
                        1,
                        f"item {item.id} changed since the form was assembled ({item.file}); its key may differ: restore it or assemble a new form",
                        item.id,
                    )
                )
            out.append(snap)
    return out, found


def answer_key(snapshots: list[dict[str, Any]], rules: Rules) -> AnswerKey:
    return AnswerKey([scored_item(s) for s in snapshots], rules)


def form_hash(snapshots: list[dict[str, Any]]) -> str:
    """SHA-256 over the item ids and content hashes in order: what a report cites to identify the form."""
    digest = hashlib.sha256()
    for snap in snapshots:
        digest.update(f"{snap['id']}\0{snap['sha256']}\n".encode())
    return digest.hexdigest()
