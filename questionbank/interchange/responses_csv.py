"""Responses gathered elsewhere (paper, another system): a CSV of ``candidate_id,item_id,answer``.

Answers are option labels written together for multiple response (``ACD``; commas and spaces
are tolerated), ``O``/``X`` or ``T``/``F`` for true/false, blank for unanswered. Full-width
letters (Ａ, Ｏ) from Chinese input methods are read as their ASCII forms.
Every problem is reported with the file, row (line) and column, and nothing is scored when
any row is wrong.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

import numpy as np

from questionbank.problems import Problem, problem
from questionbank.scoring import AnswerKey, mask

COLUMNS = ("candidate_id", "item_id", "answer")
TRUE_WORDS = {"T", "O", "TRUE", "○"}
FALSE_WORDS = {"F", "X", "FALSE", "×"}
MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class ResponseTable:
    """Candidates in first-seen order and their C x I response masks."""

    candidates: tuple[str, ...]
    matrix: np.ndarray


def parse_answer(text: str, item_type: str, labels: tuple[str, ...]) -> tuple[str, ...] | str:
    """The chosen labels, or an error message saying what is wrong and what is allowed."""
    value = unicodedata.normalize("NFKC", text).strip().upper()
    if not value:
        return ()
    if item_type == "true_false":
        if value in TRUE_WORDS:
            return ("T",)
        if value in FALSE_WORDS:
            return ("F",)
        return f"'{text}' is not a true/false answer; write O or T for true, X or F for false, or leave it blank"
    chosen = [c for c in value if c not in ", ;、，"]
    unknown = [c for c in chosen if c not in labels]
    if unknown:
        return f"'{text}' is not an option of this item; its options are {', '.join(labels)}"
    if len(set(chosen)) != len(chosen):
        return f"'{text}' names an option twice"
    if item_type == "single" and len(chosen) > 1:
        return f"'{text}' gives {len(chosen)} options to a single-choice item; give one of {', '.join(labels)}"
    return tuple(chosen)


def read_responses(data: bytes, file: str, key: AnswerKey) -> tuple[ResponseTable | None, list[Problem]]:
    """Parse and check the whole CSV; on any error return no table and every problem found."""
    found: list[Problem] = []
    if len(data) > MAX_BYTES:
        return None, [problem("responses-unreadable", file, 1, 1, f"the file is {len(data)} bytes, over the {MAX_BYTES}-byte limit; split it")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        return None, [
            problem("responses-not-utf8", file, line, column, f"byte 0x{data[error.start]:02x} is not UTF-8; save the CSV as UTF-8 (Excel: CSV UTF-8)")
        ]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [problem("responses-unreadable", file, line, 1, "the file holds NUL characters; it is not a CSV text file")]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        return None, [problem("responses-csv-syntax", file, 1, 1, f"{error}; check the quoting")]
    if header is None:
        return None, [problem("responses-header", file, 1, 1, f"the file is empty; the first row must be {','.join(COLUMNS)}")]
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        return None, [problem("responses-header", file, 1, 1, f"missing column(s) {', '.join(missing)}; the first row must be {','.join(COLUMNS)}")]
    column_of = {c: names.index(c) for c in COLUMNS}
    rows: list[tuple[str, int, int]] = []
    candidates: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) < len(names):
                found.append(problem("responses-row", file, line, len(row) + 1, f"row has {len(row)} fields, the header has {len(names)}"))
                continue
            candidate = row[column_of["candidate_id"]].strip()
            item_id = row[column_of["item_id"]].strip()
            answer = row[column_of["answer"]]
            if not candidate:
                found.append(problem("responses-row", file, line, column_of["candidate_id"] + 1, "candidate_id is empty", "candidate_id"))
                continue
            position = key.position.get(item_id)
            if position is None:
                found.append(problem("responses-unknown-item", file, line, column_of["item_id"] + 1, f"item '{item_id}' is not on this form", "item_id"))
                continue
            if (candidate, item_id) in seen:
                found.append(
                    problem(
                        "responses-duplicate",
                        file,
                        line,
                        column_of["item_id"] + 1,
                        f"candidate '{candidate}' already answered '{item_id}' on line {seen[candidate, item_id]}; keep one row",
                        "item_id",
                    )
                )
                continue
            seen[candidate, item_id] = line
            item = key.items[position]
            chosen = parse_answer(answer, item.type, item.labels)
            if isinstance(chosen, str):
                found.append(problem("responses-bad-answer", file, line, column_of["answer"] + 1, f"item {item_id}: {chosen}", "answer"))
                continue
            row_index = candidates.setdefault(candidate, len(candidates))
            rows.append((row_index, position, mask(item.labels, chosen)))
    except csv.Error as error:
        found.append(problem("responses-csv-syntax", file, reader.line_num, 1, f"{error}; check the quoting"))
    if found:
        return None, found
    matrix = np.zeros((len(candidates), len(key.items)), dtype=np.uint32)
    if rows:
        r, c, v = (np.array(x) for x in zip(*rows, strict=True))
        matrix[r, c] = v
    return ResponseTable(tuple(candidates), matrix), []
