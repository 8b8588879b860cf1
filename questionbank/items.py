"""Items: one exam question per YAML file under ``items/<standard-id>/``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from questionbank.documents import Document

ITEM_TYPES = ("single", "multiple", "true_false")
STATUSES = ("draft", "review", "active", "retired")
COGNITIVE_LEVELS = ("remember", "understand", "apply", "analyze")
DIFFICULTIES = ("easy", "medium", "hard")


@dataclass(frozen=True)
class Item:
    """One question tagged to a task of a standard and to K/S/A and P codes."""

    id: str
    standard: str
    task: str
    competencies: tuple[str, ...]
    type: str
    stem: str
    options: tuple[tuple[str, str], ...]
    answer: Any
    rationale: str
    status: str
    indicators: tuple[str, ...] = ()
    cognitive_level: str | None = None
    difficulty: str | None = None
    points: float = 1.0
    enemies: tuple[str, ...] = ()
    set: str | None = None
    tags: tuple[str, ...] = ()
    author: str | None = None
    revision: int | None = None
    file: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        """The key(s) as option labels; for true_false ``("T",)`` or ``("F",)``."""
        if self.type == "true_false":
            return ("T",) if self.answer else ("F",)
        if isinstance(self.answer, list | tuple):
            return tuple(self.answer)
        return (self.answer,)

    @property
    def option_map(self) -> dict[str, str]:
        return dict(self.options)


def item_from_document(document: Document) -> Item:
    """Build an Item from a document that passed the item schema."""
    data = document.data
    answer = data["answer"]
    if isinstance(answer, list):
        answer = tuple(answer)
    return Item(
        id=data["id"],
        standard=data["standard"],
        task=data["task"],
        competencies=tuple(data["competencies"]),
        type=data["type"],
        stem=data["stem"],
        options=tuple((data.get("options") or {}).items()),
        answer=answer,
        rationale=data["rationale"],
        status=data["status"],
        indicators=tuple(data.get("indicators") or ()),
        cognitive_level=data.get("cognitive_level"),
        difficulty=data.get("difficulty"),
        points=float(data.get("points", 1)),
        enemies=tuple(data.get("enemies") or ()),
        set=data.get("set"),
        tags=tuple(data.get("tags") or ()),
        author=data.get("author"),
        revision=data.get("revision"),
        file=document.file,
    )
