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
import os
import unicodedata
from dataclasses import dataclass

import numpy as np

from questionbank.problems import Problem, problem
from questionbank.scoring import AnswerKey, mask

COLUMNS = ("candidate_id", "item_id", "answer")
TRUE_WORDS = {"T", "O", "TRUE", "○"}
FALSE_WORDS = {"F", "X", "FALSE", "×"}
# a hall of 10,000 candidates x 200 items is about 60 MiB; the cap leaves room and bounds memory
MAX_BYTES = 512 * 1024 * 1024


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


def read_responses(source: bytes | str | os.PathLike[str], file: str, key: AnswerKey) -> tuple[ResponseTable | None, list[Problem]]:
    """Parse and check the whole CSV; on any error return no table and every problem found.

    ``source`` is the CSV's bytes or its path. A well-formed file is read by Arrow's CSV reader
    and checked with array operations (linear, about 12 bytes of memory per row); a file that
    fails any check is read again row by row, which locates every problem at its row and column.
    """
    if not isinstance(source, bytes):
        from questionbank.files import ReadRefused, read_regular_file

        try:
            source = read_regular_file(source, MAX_BYTES)
        except ReadRefused as exc:
            return None, [problem("responses-unreadable", file, 1, 1, f"{exc.reason}; give the responses CSV (at most {MAX_BYTES:,} bytes)")]
    table = _fast_table(source, key)
    if table is not None:
        return table, []
    return _careful_table(source, file, key)


def _fast_table(data: bytes, key: AnswerKey) -> ResponseTable | None:
    """The table when every row is right (checked with array operations), else None."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if not data.strip() or b"\x00" in data or data.count(b'"') % 2:
        return None  # an odd number of quotes leaves one open: the careful reader says where
    try:
        text_head = data[: data.find(b"\n") + 1 if b"\n" in data else len(data)].decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(text_head, newline=""), strict=True))
        data.decode("utf-8")
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None
    names = [h.strip().lower() for h in header]
    if len(set(names)) != len(names) or any(c not in names for c in COLUMNS):
        return None
    generated = [f"c{n}" for n in range(len(names))]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 24, skip_rows=1, column_names=generated),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            # every column as text: candidate ids such as 007 stay as written
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(generated, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.num_rows == 0:
        return None
    table = table.rename_columns(names)
    columns = {c: table.column(names.index(c)) for c in COLUMNS}
    frame = pd.DataFrame({c: columns[c].to_pandas(types_mapper=None).astype(object) for c in COLUMNS})
    candidate = frame["candidate_id"].str.strip()
    item = frame["item_id"].str.strip()
    if (candidate == "").any():
        return None
    position = item.map(key.position)
    if position.isna().any():
        return None
    position = position.to_numpy(dtype=np.int64)
    cand_codes, cand_names = pd.factorize(candidate, sort=False)
    n_items = len(key.items)
    pair = cand_codes.astype(np.int64) * n_items + position
    if len(np.unique(pair)) != len(pair):
        return None
    # answers: parse each distinct (item, text) once
    answer = frame["answer"].to_numpy(dtype=object)
    combo_codes, combos = pd.factorize(pd.Series(list(zip(position.tolist(), answer.tolist(), strict=True)), dtype=object), sort=False)
    masks = np.empty(len(combos), dtype=np.uint32)
    for n, (pos, text) in enumerate(combos):
        scored = key.items[pos]
        chosen = parse_answer(text, scored.type, scored.labels)
        if isinstance(chosen, str):
            return None
        masks[n] = mask(scored.labels, chosen)
    matrix = np.zeros((len(cand_names), n_items), dtype=np.uint32)
    matrix[cand_codes, position] = masks[combo_codes]
    return ResponseTable(tuple(cand_names.tolist()), matrix)


def _careful_table(data: bytes, file: str, key: AnswerKey) -> tuple[ResponseTable | None, list[Problem]]:
    """Row by row, every problem located; the reference the fast reader must agree with."""
    found: list[Problem] = []
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
    repeated = [n for n, name in enumerate(names) if name and name in names[:n]]
    if repeated:
        return None, [problem("responses-header", file, 1, n + 1, f"column '{names[n]}' appears twice in the header; keep one") for n in repeated]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        return None, [problem("responses-header", file, 1, 1, f"missing column(s) {', '.join(missing)}; the first row must be {','.join(COLUMNS)}")]
    column_of = {c: names.index(c) for c in COLUMNS}
    rows: list[tuple[int, int, int]] = []
    candidates: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    parsed: dict[tuple[int, str], tuple[str, ...] | str] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                found.append(
                    problem(
                        "responses-row",
                        file,
                        line,
                        min(len(row), len(names)) + 1,
                        f"row has {len(row)} fields, the header has {len(names)}; check for a stray comma",
                    )
                )
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
            chosen = parsed.get((position, answer))
            if chosen is None:
                chosen = parsed[position, answer] = parse_answer(answer, item.type, item.labels)
            if isinstance(chosen, str):
                found.append(problem("responses-bad-answer", file, line, column_of["answer"] + 1, f"item {item_id}: {chosen}", "answer"))
                continue
            row_index = candidates.setdefault(candidate, len(candidates))
            rows.append((row_index, position, mask(item.labels, chosen)))
    except csv.Error as error:
        found.append(problem("responses-csv-syntax", file, reader.line_num, 1, f"{error}; check the quoting"))
    if not found and not rows:
        found.append(problem("responses-empty", file, 2, 1, "the file has a header but no responses; add one row per candidate and item"))
    if found:
        return None, found
    matrix = np.zeros((len(candidates), len(key.items)), dtype=np.uint32)
    r, c, v = (np.array(x) for x in zip(*rows, strict=True))
    matrix[r, c] = v
    return ResponseTable(tuple(candidates), matrix), []
