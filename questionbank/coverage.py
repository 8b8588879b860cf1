"""Coverage: how well the active items cover each standard's duties, tasks and K/S codes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from questionbank.items import Item
from questionbank.standards import Standard


@dataclass(frozen=True)
class DutyCoverage:
    code: str
    name: str
    items: int
    tasks: dict[str, int]


@dataclass(frozen=True)
class StandardCoverage:
    """Active-item counts per duty and task of one standard, and the gaps item writers work from."""

    standard: Standard
    duties: tuple[DutyCoverage, ...]
    items: int
    by_type: dict[str, int]
    by_level: dict[str, int]
    by_key: dict[str, int]
    tasks_without_items: tuple[str, ...]
    competencies_never_assessed: tuple[str, ...]
    inactive_items: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "standard": self.standard.id,
            "code": self.standard.code,
            "name": self.standard.name,
            "status": self.standard.status,
            "active_items": self.items,
            "inactive_items": self.inactive_items,
            "by_type": self.by_type,
            "by_cognitive_level": self.by_level,
            "by_key": self.by_key,
            "duties": [{"code": d.code, "name": d.name, "items": d.items, "tasks": d.tasks} for d in self.duties],
            "tasks_without_items": list(self.tasks_without_items),
            "competencies_never_assessed": list(self.competencies_never_assessed),
        }


def coverage(standard: Standard, items: list[Item]) -> StandardCoverage:
    """Coverage of ``standard`` by the active items among ``items`` (items of other standards are ignored)."""
    own = [item for item in items if item.standard == standard.id]
    active = [item for item in own if item.status == "active"]
    per_task = Counter(item.task for item in active)
    duties = []
    assessed: set[tuple[str, str]] = set()
    for item in active:
        duty = standard.duty_of(item.task)
        if duty is not None:
            assessed.update((duty.code, code) for code in item.competencies)
    never: list[str] = []
    for duty in standard.duties:
        tasks = {task.code: per_task.get(task.code, 0) for task in duty.tasks}
        duties.append(DutyCoverage(duty.code, duty.name, sum(tasks.values()), tasks))
        for code in sorted(duty.competency_codes, key=_code_order):
            if (duty.code, code) not in assessed:
                never.append(f"{duty.code}:{code}")
    keys = Counter(key for item in active if item.type != "true_false" for key in item.keys)
    return StandardCoverage(
        standard=standard,
        duties=tuple(duties),
        items=len(active),
        by_type=dict(Counter(item.type for item in active)),
        by_level=dict(Counter(item.cognitive_level or "unspecified" for item in active)),
        by_key=dict(sorted(keys.items())),
        tasks_without_items=tuple(code for d in duties for code, n in d.tasks.items() if n == 0),
        competencies_never_assessed=tuple(never),
        inactive_items=len(own) - len(active),
    )


def _code_order(code: str) -> tuple[str, int]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (code[:1], int(digits) if digits else 0)
