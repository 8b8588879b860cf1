"""Problems: every finding of validation, coverage or assembly is a value, never a string.

A problem has a stable kebab-case ``code`` from :data:`CATALOG`, a severity, and the place it
was found (file, 1-based line and column, and the data path inside the document).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class CodeInfo:
    title: str
    description: str
    severity: Severity
    title_zh: str = ""
    hint_zh: str = ""


def _e(title: str, description: str) -> CodeInfo:
    return CodeInfo(title, description, Severity.ERROR)


def _w(title: str, description: str) -> CodeInfo:
    return CodeInfo(title, description, Severity.WARNING)


CATALOG: dict[str, CodeInfo] = {
    # Reading files
    "file-not-found": _e("File not found", "A path given on the command line does not exist."),
    "file-unreadable": _e("File unreadable", "The file exists but cannot be read (permissions, a directory, a device)."),
    "folder-unreadable": _e("Folder unreadable", "A folder cannot be listed (permissions); its files were not checked."),
    "no-yaml-files": _e("No YAML file found", "A folder given to check holds no .yaml or .yml file, so nothing would be checked."),
    "file-too-large": _e("File too large", "The file is larger than the limit for bank files; split it or check it is the right file."),
    "not-utf8": _e("Not UTF-8", "The file is not valid UTF-8 text; save it as UTF-8."),
    "empty-file": _e("Empty file", "The file holds no YAML document."),
    "tab-character": _e("Tab character", "A tab character; YAML indentation and bank text use spaces only."),
    "yaml-syntax": _e("YAML syntax error", "The file is not well-formed YAML."),
    "yaml-multiple-documents": _e("Several YAML documents", "The file holds more than one YAML document; keep one per file."),
    "yaml-too-deep": _e("Nesting too deep", "The YAML nests deeper than any bank file needs."),
    "yaml-alias": _e("YAML anchor or alias", "Anchors and aliases (&x, *x) are not allowed in bank files; write the value out."),
    "yaml-duplicate-key": _e("Duplicate key", "The same key appears twice in one mapping; YAML would silently keep only the last."),
    "yaml-unsupported-tag": _e("Unsupported YAML tag", "An explicit tag such as !!python/object; bank files use plain values only."),
    "yaml-boolean-as-text": _e("YAML 1.1 boolean where text is expected", "An unquoted yes/no/on/off/true/false is read as a boolean; quote it."),
    "value-not-finite": _e("Not a finite number", "A number is .nan or .inf; bank files need finite numbers."),
    "text-invisible-only": _e("Text is invisible", "A text holds only invisible characters (zero-width space and the like) and spaces."),
    "text-invisible-character": _w("Invisible character", "A zero-width or other invisible character hides in a key or text; delete it."),
    "yaml-key-not-text": _e("Key is not text", "A mapping key is a number, boolean, null or collection; keys are text."),
    # Schema
    "schema-required": _e("Missing required key", "A required key is missing from this mapping."),
    "schema-unknown-key": _e("Unknown key", "A key the format does not define (often a typo)."),
    "schema-type": _e("Wrong type", "The value has the wrong type (for instance a number where text is expected)."),
    "schema-enum": _e("Value not allowed", "The value is not one of the allowed values."),
    "schema-pattern": _e("Value has the wrong form", "The text does not have the required form (for instance a code such as T1.2)."),
    "schema-too-short": _e("Too short or too few", "A text is empty or a list has too few entries."),
    "schema-too-long": _e("Too long or too many", "A text is too long or a list has too many entries."),
    "schema-not-unique": _e("Repeated entries", "A list repeats an entry."),
    "schema-out-of-range": _e("Number out of range", "A number is below the minimum or above the maximum."),
    "schema-invalid": _e("Invalid value", "The value breaks another rule of the format."),
    # Standards
    "standard-duplicate-id": _e("Duplicate standard id", "Two standards files declare the same id."),
    "standard-filename-mismatch": _w("File name differs from id", "A standard file should be named <id>.yaml."),
    "standard-duplicate-code": _w(
        "Code repeated in a standard", "A duty, task, output or indicator code appears twice in one standard (kept as written in the source)."
    ),
    "standard-irregular-code": _w("Irregular code", "A code whose form or number does not match its place (kept as written in the source)."),
    "standard-code-renamed": _w("One code, several names", "A K or S code carries different names in different duties of one standard (kept as written)."),
    "standard-empty-task": _w("Task without outputs or indicators", "A task lists no work outputs or no performance indicators in the source."),
    "standard-unknown-reference": _e("Unknown standard in supersedes/superseded_by", "supersedes or superseded_by names a standard that does not exist."),
    "standard-supersession-mismatch": _e("Supersession not mutual", "A supersedes B, but B does not name A in superseded_by (or the other way round)."),
    "standard-status-mismatch": _e("Status disagrees with superseded_by", "A superseded standard needs superseded_by, and a current one must not have it."),
    # Items
    "unknown-standard": _e("Unknown standard", "The item names a standard that is not in standards/."),
    "unknown-task": _e("Unknown task", "The task is not in the item's standard."),
    "competency-not-in-duty": _e("K/S code not in the task's duty", "A knowledge or skill code is not listed for the duty that contains the item's task."),
    "attitude-not-in-standard": _e("Unknown attitude", "An attitude (A) code is not listed in the item's standard."),
    "indicator-not-in-task": _e("Indicator not under the task", "A performance indicator (P) code is not listed under the item's task."),
    "answer-not-an-option": _e("Answer is not an option", "The answer names a label that is not among the options."),
    "single-answer-count": _e("Single choice needs exactly one answer", "A single item's answer must be exactly one label."),
    "multiple-answer-count": _e("Multiple response needs two or more answers", "A multiple item's answer must list at least two labels."),
    "duplicate-item-id": _e("Duplicate item id", "Two item files declare the same id."),
    "duplicate-stem": _e("Duplicate stem", "Two items have the same stem once spacing and punctuation are ignored."),
    "duplicate-option-text": _e("Duplicate option text", "Two options of one item say the same thing."),
    "unknown-enemy": _e("Unknown enemy", "An item listed under enemies does not exist."),
    "enemy-self": _e("Item is its own enemy", "An item lists itself under enemies."),
    "superseded-standard": _w("Item on a superseded standard", "The item assesses a standard that a newer one replaces; move it to the current standard."),
    "simplified-chinese": _w("Simplified Chinese character", "Text contains a Simplified character; use Traditional Chinese as written in Taiwan."),
    "item-space-in-chinese": _w(
        "Space inside Chinese text", "A space between two Chinese characters, usually a line break folded by a >- block; keep the sentence on one line."
    ),
    "item-folder-mismatch": _w("Item in another standard's folder", "Items live under items/<standard-id>/; this one is filed under a different standard."),
    "item-filename-mismatch": _w("File name differs from id", "An item file should be named <id>.yaml."),
    "option-count": _w("Unusual number of options", "Single choice items have four options (A-D); multiple response items four or five."),
    "option-labels-not-consecutive": _w("Option labels skip a letter", "Option labels run A, B, C, D… without gaps."),
    "set-single-item": _w("Set with one item", "A set (shared scenario) is used by only one item."),
    # Blueprints and assembly
    "blueprint-unknown-duty": _e("Unknown duty", "The blueprint names a duty that is not in its standard."),
    "blueprint-duty-missing": _e("Duty without a share", "Every duty gets at least one item unless excluded_duties gives a reason."),
    "blueprint-duty-excluded-and-required": _e("Duty excluded and required", "A duty is both excluded and given a share."),
    "blueprint-shares-not-100": _e("Shares do not add up to 100", "Duty percentages must add up to 100."),
    "blueprint-duty-zero": _e("Duty rounds to zero items", "A duty's percentage of the length rounds to no item."),
    "blueprint-range-inverted": _e("Inverted range", "A maximum is below its minimum, or a share falls outside its own min/max."),
    "blueprint-length-mismatch": _e("Length does not fit the duties", "The duty counts cannot add up to the form length."),
    "blueprint-overlap-too-high": _e("Overlap above the form", "max_overlap is above 100% or above the form length."),
    "blueprint-cut-too-high": _e("Cut score above the maximum", "The raw cut score is above any possible score."),
    "blueprint-duty-short": _e("Duty short of items", "A duty needs more eligible items than the bank has."),
    "blueprint-task-short": _e("Task short of items", "A task has fewer eligible items than the blueprint's per-task minimum."),
    "blueprint-level-short": _e("Duty × level cell short", "A cell of the duty × cognitive-level table needs more eligible items than exist."),
    "blueprint-type-short": _e("Item type short", "The type mix needs more eligible items of a type than exist."),
    "blueprint-type-mix-impossible": _e("Type mix cannot fill the form", "The type minimums exceed the length or the maximums cannot reach it."),
    "blueprint-difficulty-unreachable": _e("Difficulty window unreachable", "No selection of the eligible items can reach the mean difficulty window."),
    "blueprint-parallel-short": _e(
        "Not enough items for parallel forms", "The forms, with the allowed overlap and exposure, need more distinct items than exist."
    ),
    "blueprint-no-eligible-items": _e("No eligible item", "No item of the standard has an eligible status."),
    "assembly-infeasible": _e(
        "Requirements conflict", "The solver proved that these requirements cannot all hold together; the message lists a minimal conflicting set."
    ),
    "assembly-no-solution": _e("No form found in time", "The solver stopped (time limit or error) without a form."),
    "form-item-missing": _e("Item no longer in the bank", "A form lists an item that the bank no longer has."),
    "form-item-changed": _e("Item changed since assembly", "An item's content hash differs from the one recorded in the form."),
    "form-item-ineligible": _e("Item no longer eligible", "An item's status is no longer one the blueprint allows."),
    "form-blueprint-changed": _e("Blueprint changed", "The blueprint's hash differs from the one recorded in the form."),
    "form-violates-blueprint": _e("Form breaks its blueprint", "The form does not meet a requirement of its blueprint."),
    "form-item-repeated": _e("Item listed twice", "A form lists the same item twice."),
    "form-length-mismatch": _e("Length differs from the items", "A form's length does not equal the number of items its sections list."),
    "form-blueprint-unknown": _e("Blueprint not found", "No blueprint in the blueprint folders has the hash the form records."),
    "form-file-exists": _e("A different form has this file", "A form file of this id exists with different content; it is never overwritten."),
    "form-unreadable": _e("Form file unreadable", "The form file is not a JSON form written by qbank assemble."),
    # Responses gathered elsewhere (qbank score)
    "responses-unreadable": _e("Responses file unreadable", "The responses file cannot be read as CSV text."),
    "responses-not-utf8": _e("Responses not UTF-8", "The CSV is not UTF-8; save it as UTF-8 (in Excel: CSV UTF-8)."),
    "responses-csv-syntax": _e("CSV syntax error", "A quoted field is not closed or a row is malformed."),
    "responses-header": _e("Responses header", "The first row must name the columns candidate_id, item_id, answer."),
    "responses-row": _e("Malformed row", "A row lacks fields or a candidate id."),
    "responses-unknown-item": _e("Item not on the form", "A row names an item that the form does not hold."),
    "responses-empty": _e("No responses", "The CSV has a header but no response rows."),
    "responses-duplicate": _e("Duplicate response", "The same candidate answers the same item on two rows."),
    "responses-bad-answer": _e("Answer is not an option", "An answer names a label the item does not have, or several labels for a single-choice item."),
    # Delivery (attempts, published forms, accounts)
    "form-unknown": _e("Unknown form", "No published form has this id."),
    "form-exists": _e("Form already published", "A form with this id is already published; published forms are immutable."),
    "attempt-unknown": _e("Unknown attempt", "No attempt has this token; it may be mistyped or from another server's database."),
    "attempt-submitted": _e("Attempt already submitted", "The attempt was submitted; answers can no longer change and it cannot be submitted again."),
    "attempt-deadline-passed": _e("Deadline passed", "The attempt's time is over; the answer was not saved and the attempt has been submitted."),
    "response-unknown-question": _e("No such question", "The question number is not on this attempt's form."),
    "response-not-an-option": _e("Answer is not an option", "The answer names a label the question does not show, or several for a single-choice question."),
    "extra-time-invalid": _e("Extra time invalid", "Extra time must be more than 0 and at most 1440 minutes."),
    "access-code-invalid": _e("Access code invalid", "No official form has this access code, or it belongs to another candidate."),
    "access-code-used": _e("Access code already used", "The access code has already started an attempt."),
    "practice-not-allowed": _e("Not a practice form", "Practice attempts need a practice form; official forms need an access code."),
    "review-not-available": _e(
        "Review or report not available",
        "Keys and rationales are shown only for submitted practice attempts; score reports exist once an attempt is submitted.",
    ),
    "examiner-unknown": _e("Unknown examiner", "No examiner account has this name."),
    "examiner-exists": _e("Examiner exists", "An examiner account with this name exists already."),
    "login-rate-limited": _e("Too many failed logins", "Logins for this name are refused for a while after repeated failures."),
    "examiner-invalid": _e("Examiner name or password invalid", "The name is empty or too long, or the password is too short."),
    "database-unavailable": _e("Database unavailable", "The database cannot be opened or migrated; check QBANK_DATABASE_URL and that ./var/ is writable."),
    "set-spans-standards": _e("Set spans standards", "Items of one set (shared scenario) belong to different standards."),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, located in a file. Equality and order ignore the message text."""

    file: str
    line: int | None
    column: int | None
    code: str
    path: str = ""
    severity: Severity = field(default=Severity.ERROR, compare=False)
    message: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
        }


MAX_MESSAGE = 400


def visible(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` fit for one line of a message: invisible and control characters written as
    \\u200b (so "answer\u200b" never looks like "answer"), and cut at ``limit`` characters."""
    out = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def problem(code: str, file: str, line: int | None, column: int | None, message: str, path: str = "") -> Problem:
    """Build a problem whose severity comes from the catalog (KeyError for unknown codes).

    The message and path are made visible (see :func:`visible`) and kept to one short line."""
    message = visible(message)
    path = visible(path, 200)
    return Problem(
        file=file,
        line=line,
        column=column,
        code=code,
        path=path,
        severity=CATALOG[code].severity,
        message=message,
    )


def format_path(parts: tuple[Any, ...] | list[Any]) -> str:
    """Render a data path as dotted keys with [index] for list positions: ``options.A``, ``duties[2].tasks[0]``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def describe_zh(found: Problem) -> str:
    """What a person reads in the app: the Chinese title, where (file, line and column), and what
    to do, all from the catalog (never the English message or a traceback). A refusal without a
    file (a wrong access code) names no place: the page shows it beside the field concerned."""
    info = CATALOG.get(found.code)
    title, hint = (info.title_zh, info.hint_zh) if info else ("無法完成這個操作", "請稍後再試，或通知考官。")
    where = []
    if found.file:
        where.append(found.file.rsplit("/", 1)[-1])
    if found.line is not None:
        where.append(f"第 {found.line} 行" + (f"第 {found.column} 欄" if found.column else ""))
    place = f"（{'，'.join(where)}）" if where else ""
    return f"{title}{place}：{hint}"
