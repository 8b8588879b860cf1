"""Items as records and as YAML text written the way item writers write them.

A *record* is an item's fields as plain values in the order of ``docs/item-format.md``
(``id``, ``standard``, ``task``, … ``tags``), without empty optional fields. Every format of
``qbank export`` starts from records and every ``qbank import`` ends with them, so the content
hash of a record (:func:`record_hash`) tells whether a round trip kept an item unchanged.

:func:`dump_item` is a small emitter rather than ``yaml.dump``: its output is stable and looks
like the hand-written files (flow lists for codes, ``>-`` folded blocks for stem and rationale
with each "B 錯：…" sentence on its own line, options as a block mapping).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from questionbank.items import Item

FIELDS = (
    "id",
    "standard",
    "task",
    "competencies",
    "indicators",
    "type",
    "cognitive_level",
    "difficulty",
    "stem",
    "options",
    "answer",
    "rationale",
    "status",
    "points",
    "author",
    "revision",
    "enemies",
    "set",
    "tags",
)
LIST_FIELDS = ("competencies", "indicators", "enemies", "tags")
FOLDED_FIELDS = ("stem", "rationale")
# A rationale sentence about one option ("B 錯：", "A、C 正確：") starts a new line of the folded
# block, as the writers do; the line break folds back into the single space before it.
_SENTENCE = re.compile(r"(?<=\S) (?=[A-H](?:、[A-H])* ?(?:正確|錯)[：。，])")
_FLOW_UNSAFE = set(",[]{}")
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")


def item_record(item: Item) -> dict[str, Any]:
    """The item's fields in file order; empty optional fields left out, whole points as int."""
    points: Any = item.points
    if isinstance(points, float) and points.is_integer():
        points = int(points)
    answer: Any = list(item.answer) if isinstance(item.answer, list | tuple) else item.answer
    values = {
        "id": item.id,
        "standard": item.standard,
        "task": item.task,
        "competencies": list(item.competencies),
        "indicators": list(item.indicators),
        "type": item.type,
        "cognitive_level": item.cognitive_level,
        "difficulty": item.difficulty,
        "stem": item.stem,
        "options": dict(item.options),
        "answer": answer,
        "rationale": item.rationale,
        "status": item.status,
        "points": points,
        "author": item.author,
        "revision": item.revision,
        "enemies": list(item.enemies),
        "set": item.set,
        "tags": list(item.tags),
    }
    return normal_record(values)


def normal_record(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` in file order, without None, empty lists or mappings; points default 1."""
    out = {}
    for key in FIELDS:
        value = values.get(key)
        if value is None or (isinstance(value, list | dict | tuple) and not value and key != "competencies"):
            continue
        out[key] = value
    for key in values:
        if key not in out and key not in FIELDS:
            out[key] = values[key]  # kept so that the schema check names the unknown key
    if "points" not in out and "id" in out:
        out["points"] = 1
    return out


def record_hash(record: dict[str, Any]) -> str:
    """SHA-256 of the record's content (key order, whole-number floats and tuples ignored)."""

    def plain(value: Any) -> Any:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        return value

    text = json.dumps(plain(normal_record(dict(record))), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dump_item(record: dict[str, Any]) -> str:
    """YAML text of one item record, formatted like the hand-written item files."""
    lines = []
    for key, value in record.items():
        name = _scalar(str(key))
        if key in FOLDED_FIELDS and isinstance(value, str) and _foldable(value):
            body = _SENTENCE.sub("\n  ", value) if key == "rationale" else value
            lines.append(f"{name}: >-\n  {body}")
        elif isinstance(value, dict):
            if not value:
                lines.append(f"{name}: {{}}")
                continue
            lines.append(f"{name}:")
            lines.extend(f"  {_scalar(str(label))}: {_scalar(text)}" for label, text in value.items())
        elif isinstance(value, list | tuple):
            lines.append(f"{name}: [{', '.join(_scalar(v, flow=True) for v in value)}]")
        else:
            lines.append(f"{name}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _foldable(text: str) -> bool:
    """Text a ``>-`` block gives back unchanged when written on one line."""
    return bool(text) and text == text.strip(" ") and text.isprintable() and not text.startswith(("#", " "))


def _scalar(value: Any, flow: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else json.dumps(str(value))
    text = str(value)
    if _plain_ok(text, flow):
        return text
    if text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def _plain_ok(text: str, flow: bool) -> bool:
    import yaml

    if not text or text != text.strip() or not text.isprintable() or text[0] in _INDICATORS:
        return False
    if ": " in text or " #" in text or text.endswith(":") or (flow and _FLOW_UNSAFE & set(text)):
        return False
    return yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"
