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
from typing import Any

import numpy as np

from questionbank.problems import Problem, problem
from questionbank.scoring import AnswerKey, mask

COLUMNS = ("candidate_id", "item_id", "answer")
TRUE_WORDS = {"T", "O", "TRUE", "○"}
FALSE_WORDS = {"F", "X", "FALSE", "×"}
# a hall of 10,000 candidates x 200 items is about 60 MiB; the cap leaves room and bounds memory
MAX_BYTES = 512 * 1024 * 1024
# a file wrong on every row (another form's export, a column shifted) says so in a screenful
MAX_PROBLEMS = 200


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

    ``source`` is the CSV's bytes or its path. A well-formed file is streamed through Arrow's
    CSV reader batch by batch and checked with array operations (linear time; memory about
    a dozen bytes per row); a file that fails any check is read again row by row, which
    locates every problem at its row and column.
    """
    if isinstance(source, bytes):
        table = _fast_table(io.BytesIO(source), key)
        return (table, []) if table is not None else _careful_table(source, file, key)
    from questionbank.files import ReadRefused, read_regular_file

    try:
        with _CappedFile(source, MAX_BYTES) as handle:
            table = _fast_table(handle, key)
        if table is not None:
            return table, []
        data = read_regular_file(source, MAX_BYTES)
    except ReadRefused as exc:
        return None, [problem("responses-unreadable", file, 1, 1, f"{exc.reason}; give the responses CSV (at most {MAX_BYTES:,} bytes)")]
    return _careful_table(data, file, key)


class _CappedFile(io.RawIOBase):
    """A regular file read through a byte cap (the reported size is not trusted)."""

    def __init__(self, path: str | os.PathLike[str], cap: int) -> None:
        import stat

        from questionbank.files import ReadRefused

        try:
            self._handle = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by close()
        except FileNotFoundError:
            raise ReadRefused("file-not-found", "no such file") from None
        except OSError as exc:
            raise ReadRefused("file-unreadable", f"cannot open it ({exc.strerror or exc})") from None
        if not stat.S_ISREG(os.fstat(self._handle.fileno()).st_mode):
            self._handle.close()
            raise ReadRefused("file-unreadable", "it is not a regular file (a folder, device or pipe)")
        self._cap = cap
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        from questionbank.files import ReadRefused

        count = self._handle.readinto(buffer)
        self._read += count or 0
        if self._read > self._cap:
            raise ReadRefused("file-too-large", f"it is larger than {self._cap:,} bytes")
        return count

    def close(self) -> None:
        self._handle.close()
        super().close()


class _QuoteCounter:
    """Passes reads through, counting double quotes: an odd total means a quote left open."""

    def __init__(self, stream: Any, quotes: int = 0) -> None:
        self._stream = stream
        self.quotes = quotes
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.quotes += data.count(b'"')
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


def _fast_table(stream: Any, key: AnswerKey) -> ResponseTable | None:
    """The table when every row is right (checked with array operations), else None."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    head = stream.readline()
    try:
        header = next(csv.reader(io.StringIO(head.decode("utf-8-sig"), newline=""), strict=True))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None
    names = [h.strip().lower() for h in header]
    if len(set(names)) != len(names) or any(c not in names for c in COLUMNS):
        return None
    generated = [f"c{n}" for n in range(len(names))]
    where = {c: names.index(c) for c in COLUMNS}
    counted = _QuoteCounter(stream, head.count(b'"'))
    try:
        reader = pacsv.open_csv(
            pa.PythonFile(counted, mode="r"),
            read_options=pacsv.ReadOptions(block_size=1 << 23, column_names=generated),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            # every column as text: candidate ids such as 007 stay as written
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(generated, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError):
        return None
    candidates: dict[str, int] = {}
    parsed: dict[tuple[int, str], int] = {}
    cand_parts, pos_parts, mask_parts = [], [], []
    try:
        for batch in reader:
            cand = pc.dictionary_encode(pc.utf8_trim_whitespace(batch.column(where["candidate_id"])))
            names_here = cand.dictionary.to_pylist()
            if "" in names_here:
                return None
            ids = np.array([candidates.setdefault(n, len(candidates)) for n in names_here], dtype=np.int64)
            cand_parts.append(ids[cand.indices.to_numpy(zero_copy_only=False)])
            item = pc.dictionary_encode(pc.utf8_trim_whitespace(batch.column(where["item_id"])))
            lookup = np.array([key.position.get(n, -1) for n in item.dictionary.to_pylist()], dtype=np.int64)
            position = lookup[item.indices.to_numpy(zero_copy_only=False)]
            if (position < 0).any():
                return None
            answer = pc.dictionary_encode(batch.column(where["answer"]))
            texts = answer.dictionary.to_pylist()
            combo = position * len(texts) + answer.indices.to_numpy(zero_copy_only=False)
            present = np.flatnonzero(np.bincount(combo, minlength=len(key.items) * len(texts)))
            table = np.zeros(len(key.items) * len(texts), dtype=np.uint32)
            for value in present.tolist():
                pos, text = divmod(value, len(texts))
                found = parsed.get((pos, texts[text]))
                if found is None:
                    scored = key.items[pos]
                    chosen = parse_answer(texts[text], scored.type, scored.labels)
                    if isinstance(chosen, str):
                        return None
                    found = parsed[pos, texts[text]] = mask(scored.labels, chosen)
                table[value] = found
            pos_parts.append(position)
            mask_parts.append(table[combo])
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError, csv.Error):
        return None
    if not candidates or counted.quotes % 2:
        return None  # no rows, or a quote left open (Arrow reads it to the end): the careful reader says where
    cand_codes, position = np.concatenate(cand_parts), np.concatenate(pos_parts)
    n_items = len(key.items)
    if np.bincount(cand_codes * n_items + position, minlength=len(candidates) * n_items).max() > 1:
        return None  # a candidate answers an item twice
    matrix = np.zeros((len(candidates), n_items), dtype=np.uint32)
    matrix[cand_codes, position] = np.concatenate(mask_parts)
    return ResponseTable(tuple(candidates), matrix)


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
            if len(found) >= MAX_PROBLEMS:
                found.append(
                    problem(
                        "responses-row", file, reader.line_num, 1, f"more than {MAX_PROBLEMS} problems; fix these and check again (later rows were not read)"
                    )
                )
                break
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
