"""GIFT (Moodle's plain-text question format), as far as it carries an item.

GIFT carries the id (the ``::title::``), the standard, duty and task (``$CATEGORY:
$course$/<standard>/<duty>/<task>``), the stem, the options in order (labels are positions),
the key(s) and the rationale (general feedback, ``####``). Multiple response is written with
Moodle's percentages, as in Moodle XML (keys 100/K %, other options −200/n %).

It has no place for competencies, indicators, cognitive level, difficulty, status, points,
author, revision, tags, enemies or set: the export warns (``export-field-dropped``) for each.
On import, an item already in the bank keeps those fields from its file and takes the carried
ones from GIFT; a new item lacks them, and the schema check says which are required.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from questionbank.interchange.moodle import _fraction, category, multiple_fractions
from questionbank.interchange.transfer import ExportResult, Incoming, Place, dropped_fields, existing_record
from questionbank.items import Item
from questionbank.problems import Problem, problem
from questionbank.standards import Standard, natural_order

CARRIED = ("id", "standard", "task", "type", "stem", "options", "answer", "rationale")
SPECIAL = "~=#{}:\\"
MAX_BYTES = 64 * 1024 * 1024
LABELS = "ABCDEFGH"


def escape(text: str) -> str:
    """GIFT text: the special characters ``~ = # { } : \\`` escaped, newlines as ``\\n``."""
    out = "".join("\\" + c if c in SPECIAL else c for c in text)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def gift_text(items: list[Item], standards: dict[str, Standard]) -> str:
    lines = ["// qbank export (GIFT): see docs/interchange.md for the fields GIFT cannot carry", ""]
    current = None
    for item in sorted(items, key=lambda i: (i.standard, natural_order(i.task), i.id)):
        path = category(item, standards)
        if path != current:
            lines += [f"$CATEGORY: {path}", ""]
            current = path
        if item.type == "true_false":
            answers = ["TRUE" if item.answer else "FALSE"]
        else:
            key_value, other = multiple_fractions(len(item.options), len(item.keys)) if item.type == "multiple" else (None, None)
            answers = []
            for label, option in item.options:
                if item.type == "single":
                    answers.append(("=" if label in item.keys else "~") + escape(option))
                else:
                    weight = key_value if label in item.keys else other
                    answers.append(f"~%{_fraction(weight)}%{escape(option)}")
        lines.append(f"::{escape(item.id)}::{escape(item.stem)}{{")
        lines += [f"\t{answer}" for answer in answers]
        lines += [f"\t####{escape(item.rationale)}", "}", ""]
    return "\n".join(lines)


def export_items(items: list[Item], standards: dict[str, Standard], output: str) -> ExportResult:
    from questionbank.files import write_atomic

    Path(output).parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, gift_text(items, standards))
    return ExportResult((output,), len(items), tuple(dropped_fields(items, CARRIED, output, "GIFT")))


def _split(text: str, stops: str) -> list[tuple[str, str]]:
    """``text`` cut at unescaped characters of ``stops``: (stop that began the part, part)."""
    parts: list[tuple[str, str]] = []
    start, current, index = "", [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char in stops:
            parts.append((start, "".join(current)))
            start, current = char, []
        else:
            current.append(char)
        index += 1
    parts.append((start, "".join(current)))
    return parts


def unescape(text: str) -> str:
    out, index = [], 0
    while index < len(text):
        if text[index] == "\\" and index + 1 < len(text):
            nxt = text[index + 1]
            out.append("\n" if nxt == "n" else nxt)
            index += 2
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def _blocks(text: str) -> list[tuple[int, str]]:
    """Questions and category lines with their first line number; comments dropped."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    first = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("//"):
            continue
        if not line.strip():
            if current:
                blocks.append((first, "\n".join(current)))
                current = []
            continue
        if line.startswith("$CATEGORY:"):
            if current:
                blocks.append((first, "\n".join(current)))
                current = []
            blocks.append((number, line))
            continue
        if not current:
            first = number
        current.append(line)
    if current:
        blocks.append((first, "\n".join(current)))
    return blocks


def read_items(path: str, standards: dict[str, Standard], existing: dict[str, Path]) -> tuple[list[Incoming], list[Problem]]:
    """Questions of a GIFT file; items already in the bank keep the fields GIFT lacks."""
    from questionbank.files import ReadRefused, read_regular_file

    try:
        raw = read_regular_file(path, MAX_BYTES)
        text = raw.decode("utf-8-sig")
    except ReadRefused as exc:
        return [], [problem(exc.code, path, None, None, f"{exc.reason}; give a GIFT text file")]
    except UnicodeDecodeError:
        return [], [problem("not-utf8", path, None, None, "the file is not UTF-8 text; save it as UTF-8")]
    incoming: list[Incoming] = []
    problems: list[Problem] = []
    where: tuple[str, str] | None = None
    for line, block in _blocks(text):
        if block.startswith("$CATEGORY:"):
            parts = block.split(":", 1)[1].strip().split("/")
            where = (parts[1], parts[-1]) if len(parts) >= 3 else None
            continue
        record, found = _question(block, path, line)
        if found:
            problems.append(found)
            continue
        place = Place(path, line, 1, f"line {line}")
        if where is not None:
            record["standard"], record["task"] = where
        base = existing_record(existing[record["id"]]) if record.get("id") in existing else None
        if base is not None:
            record = {**base, **record}
            if record["type"] == "true_false":
                record.pop("options", None)
        incoming.append(Incoming(record, place))
    return incoming, problems


def _question(block: str, path: str, line: int) -> tuple[dict[str, Any], Problem | None]:
    def bad(message: str) -> tuple[dict[str, Any], Problem]:
        return {}, problem("gift-syntax", path, line, 1, message, f"line {line}")

    text = block.strip()
    if not text.startswith("::"):
        return bad("a question starts with ::id:: (the item id as its title)")
    title = _split(text[2:], ":")
    if len(title) < 3 or title[1][1] != "":
        return bad("the title is not closed with ::")
    item_id = unescape(title[0][1]).strip()
    rest = text[2 + len(title[0][1]) + 2 :]
    opened = _split(rest, "{")
    if len(opened) != 2:
        return bad("the answers are not in one {…} block")
    stem = unescape(opened[0][1]).strip()
    closed = _split(opened[1][1], "}")
    if len(closed) != 2:
        return bad("the answer block is not closed with }")
    body = closed[0][1]
    feedback_parts = body.split("####", 1)
    answers_text = feedback_parts[0]
    record: dict[str, Any] = {"id": item_id, "stem": stem}
    if len(feedback_parts) == 2:
        record["rationale"] = unescape(feedback_parts[1]).strip()
    word = answers_text.strip().upper()
    if word in ("T", "TRUE", "F", "FALSE"):
        record["type"] = "true_false"
        record["answer"] = word in ("T", "TRUE")
        return record, None
    options: dict[str, str] = {}
    keys: list[str] = []
    positive = 0
    for mark, part in _split(answers_text, "=~")[1:]:
        if len(options) >= len(LABELS):
            return bad("more than eight options")
        label = LABELS[len(options)]
        value = part.strip()
        weight = 100.0 if mark == "=" else 0.0
        if value.startswith("%"):
            end = value.find("%", 1)
            try:
                weight = float(value[1:end])
            except ValueError:
                return bad(f"option {label} has a weight that is not a number")
            value = value[end + 1 :]
        value = _split(value, "#")[0][1]  # per-option feedback is not kept
        options[label] = unescape(value).strip()
        if weight > 0:
            keys.append(label)
            positive += 1 if weight < 100 else 0
    if not options:
        return bad("no option: write =right ~wrong, or TRUE/FALSE")
    multiple = positive > 0 or len(keys) > 1
    record["type"] = "multiple" if multiple else "single"
    record["options"] = options
    record["answer"] = keys if multiple else (keys[0] if keys else [])
    return record, None
