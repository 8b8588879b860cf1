"""Forms: assembled exam forms as JSON files, and their re-verification against blueprint and bank."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from questionbank.assembly import Assembly
from questionbank.blueprint import LEVEL_GROUPS, Blueprint, difficulty_values, item_difficulty
from questionbank.items import Item
from questionbank.problems import Problem, format_path, problem
from questionbank.standards import Standard, natural_order

FORMAT_VERSION = 1


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes; empty when the file cannot be read (reported as changed)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() if str(path) else ""
    except OSError:
        return ""


def bank_sha256(items: list[Item]) -> str:
    """One hash over the content of every item of the standard, in id order."""
    digest = hashlib.sha256()
    for item in sorted(items, key=lambda i: i.id):
        digest.update(item.id.encode())
        digest.update(file_sha256(item.file).encode())
    return digest.hexdigest()


def observed_sha256(observed: Mapping[str, Mapping[str, float]]) -> str:
    """One hash over the observed p and response counts an assembly used, in item id order."""
    text = json.dumps(sorted((i, float(v["p"]), int(v["responses"])) for i, v in observed.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def form_documents(
    assembly: Assembly, blueprint: Blueprint, standard: Standard, items: list[Item], observed: Mapping[str, Mapping[str, float]] | None = None
) -> list[dict[str, Any]]:
    """The JSON documents of the assembled forms, one per form, sections in duty order.

    ``observed`` (item id → ``{"p", "responses"}``) are the observed p the assembly used in place
    of writer labels (blueprint ``difficulty_from_data``): each such item entry records them, so
    ``qbank form check`` and publishing use the same values the form was built with.
    """
    by_id = {item.id: item for item in items}
    own = [i for i in items if i.standard == standard.id]
    blueprint_hash = blueprint.sha256 or file_sha256(blueprint.file)
    bank_hash = bank_sha256(own)
    observed = observed or {}
    # the data is in the id too: the same blueprint, bank and seed with other statistics may be another form
    data_part = f"-p{observed_sha256(observed)[:8]}" if observed else ""
    solver = assembly.solver
    out = []

    def entry(item: Item) -> dict[str, Any]:
        seen = observed.get(item.id)
        extra = {"p": float(seen["p"]), "responses": int(seen["responses"])} if seen else {}
        return {"id": item.id, "task": item.task, "sha256": file_sha256(item.file), **extra}

    for index, ids in enumerate(assembly.forms, start=1):
        sections = []
        for duty in standard.duties:
            members = sorted((by_id[i] for i in ids if standard.duty_code(by_id[i].task) == duty.code), key=lambda i: (natural_order(i.task), i.id))
            if members:
                sections.append({"duty": duty.code, "name": duty.name, "items": [entry(i) for i in members]})
        # the bank hash is in the id: the same blueprint and seed on a changed bank is another form
        form_id = f"{standard.id}-{blueprint_hash[:8]}-{bank_hash[:8]}{data_part}-s{assembly.seed}-{index}"
        extra = (
            {"difficulty_from_data": {"min_responses": blueprint.difficulty_from_data, "items": len(observed), "sha256": observed_sha256(observed)}}
            if blueprint.difficulty_from_data
            else {}
        )
        out.append(
            {
                "format": FORMAT_VERSION,
                "form_id": form_id,
                "standard": {
                    "id": standard.id,
                    "code": standard.code,
                    "name": standard.name,
                    "version": standard.raw.get("versions", [{}])[0].get("version") if standard.raw.get("versions") else standard.code,
                },
                "blueprint": {"path": blueprint.file, "sha256": blueprint_hash},
                "bank_sha256": bank_hash,
                "seed": assembly.seed,
                "form_index": index,
                "forms_in_set": len(assembly.forms),
                "solver": {
                    "name": "HiGHS",
                    "status": solver.status,
                    "objective": solver.objective,
                    "gap": solver.gap,
                    "gap_tolerance": solver.gap_tolerance,
                    "seconds": round(solver.seconds, 4),
                }
                if solver
                else None,
                **extra,
                "length": len(ids),
                "time_limit_minutes": blueprint.time_limit_minutes,
                "scoring": {
                    "cut_percent": blueprint.cut_percent,
                    "cut_raw": blueprint.cut_raw,
                    "multiple": blueprint.multiple_scoring,
                    "duty_minimum_percent": dict(blueprint.duty_minimum_percent),
                },
                "sections": sections,
            }
        )
    return out


@dataclass(frozen=True)
class FormCheck:
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


MAX_FORM_BYTES = 20 * 1024 * 1024


def read_form(path: str | Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A form file as written by ``qbank assemble``: strict JSON, checked against the form
    schema; every problem located at its line and column (None and the problems otherwise)."""
    from questionbank.files import ReadRefused, read_regular_file

    file = str(path)
    try:
        raw = read_regular_file(path, MAX_FORM_BYTES)
    except ReadRefused as exc:
        return None, [problem("form-unreadable", file, 1, 1, f"{exc.reason}; pass a JSON file written by qbank assemble")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [problem("form-unreadable", file, line, 1, f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the form as UTF-8")]
    return parse_form(file, text.removeprefix("\ufeff"))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_form(file: str, text: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """:func:`read_form` for text already in hand (``file`` names it in problems)."""
    from questionbank.documents import Document
    from questionbank.schemas import schema_problems

    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        return None, [problem("form-unreadable", file, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}; repair it or assemble the form again")]
    except (ValueError, RecursionError) as exc:
        return None, [problem("form-unreadable", file, 1, 1, f"not usable JSON ({exc}); assemble the form again")]
    document = Document(file, data, text)
    found = schema_problems(document, "form")
    if found:
        return None, found
    found = form_problems(document)
    return (None, found) if found else (data, [])


def form_problems(document: Any) -> list[Problem]:
    """Rules beyond the schema: no item twice, and the length equal to the items listed."""
    data = document.data
    found: list[Problem] = []
    seen: dict[str, tuple[int, int]] = {}
    count = 0
    for s, section in enumerate(data["sections"]):
        for i, entry in enumerate(section["items"]):
            count += 1
            path = ("sections", s, "items", i, "id")
            if entry["id"] in seen:
                line, column = document.locate(path)
                found.append(
                    problem(
                        "form-item-repeated", document.file, line, column, f"item {entry['id']} is listed twice; a form holds each item once", format_path(path)
                    )
                )
            seen.setdefault(entry["id"], document.locate(path))
    if count != data["length"]:
        line, column = document.locate(("length",))
        found.append(
            problem(
                "form-length-mismatch",
                document.file,
                line,
                column,
                f"length says {data['length']} but the sections list {count} items; assemble the form again",
                "length",
            )
        )
    return found


def recorded_difficulty(form: dict[str, Any]) -> dict[str, float]:
    """Item id → difficulty (1–3) from the observed p a form records for its items (see :func:`form_documents`)."""
    recorded = {e["id"]: e for s in form.get("sections", []) for e in s.get("items", []) if isinstance(e.get("p"), (int, float))}
    return difficulty_values(recorded)


def check_form(form: dict[str, Any], path: str, blueprint: Blueprint | None, standard: Standard | None, items: list[Item]) -> FormCheck:
    """Re-verify a form: items still there and unchanged, and every per-form blueprint requirement met.

    Counts the form's content directly; it shares no code with the model that built the form.
    """
    found: list[Problem] = []
    by_id = {item.id: item for item in items}
    listed = [entry for section in form.get("sections", []) for entry in section.get("items", [])]
    chosen: list[Item] = []
    for entry in listed:
        item = by_id.get(entry.get("id"))
        if item is None:
            found.append(problem("form-item-missing", path, 1, 1, f"item {entry.get('id')} is no longer in the bank", entry.get("id", "")))
            continue
        if file_sha256(item.file) != entry.get("sha256"):
            found.append(problem("form-item-changed", path, 1, 1, f"item {item.id} changed since the form was assembled ({item.file})", item.id))
        if blueprint is not None and item.status not in blueprint.statuses:
            found.append(problem("form-item-ineligible", path, 1, 1, f"item {item.id} now has status {item.status}", item.id))
        chosen.append(item)
    if blueprint is None or standard is None:
        return FormCheck(tuple(found))
    if (blueprint.sha256 or file_sha256(blueprint.file)) != form.get("blueprint", {}).get("sha256"):
        found.append(
            problem(
                "form-blueprint-changed",
                path,
                1,
                1,
                f"{blueprint.file} changed since the form was assembled; the check uses the current blueprint",
                "blueprint",
            )
        )

    def violated(message: str, where: str) -> None:
        found.append(problem("form-violates-blueprint", path, 1, 1, message, where))

    if len(listed) != blueprint.length:
        violated(f"the form has {len(listed)} items, the blueprint wants {blueprint.length}", "length")
    duty_count = Counter(standard.duty_code(i.task) for i in chosen)
    for duty, rng in blueprint.duty_ranges.items():
        n = duty_count.get(duty, 0)
        if n < rng.min or (rng.max is not None and n > rng.max):
            violated(f"duty {duty} has {n} items, the blueprint wants {rng.min}..{rng.max if rng.max is not None else ''}", f"duties.{duty}")
    for duty in blueprint.excluded:
        if duty_count.get(duty):
            violated(f"excluded duty {duty} has {duty_count[duty]} items", "excluded_duties")
    if blueprint.task_minimum:
        task_count = Counter(i.task for i in chosen)
        for task in standard.tasks:
            if standard.duty_code(task) not in blueprint.excluded and task_count.get(task, 0) < blueprint.task_minimum:
                violated(f"task {task} has {task_count.get(task, 0)} items, the blueprint wants at least {blueprint.task_minimum}", "task_minimum")
    for duty, cells in blueprint.levels.items():
        for level, rng in cells.items():
            n = sum(1 for i in chosen if standard.duty_code(i.task) == duty and i.cognitive_level in LEVEL_GROUPS[level])
            if n < rng.min or (rng.max is not None and n > rng.max):
                violated(
                    f"duty {duty} has {n} items at {level}, the blueprint wants {rng.min}..{rng.max if rng.max is not None else ''}", f"levels.{duty}.{level}"
                )
    type_count = Counter(i.type for i in chosen)
    for kind, rng in blueprint.types.items():
        n = type_count.get(kind, 0)
        if n < rng.min or (rng.max is not None and n > rng.max):
            violated(f"{n} items of type {kind}, the blueprint wants {rng.min}..{rng.max if rng.max is not None else ''}", f"types.{kind}")
    low, high = blueprint.difficulty_mean
    if chosen and (low is not None or high is not None):
        # the values the form was built with: observed p recorded in the form, else the label
        recorded = recorded_difficulty(form)
        mean = sum(item_difficulty(i, recorded) for i in chosen) / len(chosen)
        source = f" (observed p of {len(recorded)} item(s) as recorded in the form)" if recorded else ""
        if (low is not None and mean < low - 1e-9) or (high is not None and mean > high + 1e-9):
            violated(f"mean difficulty {mean:.2f}{source} is outside {low}..{high}", "difficulty")
    if blueprint.difficulty_from_data:
        thin = [str(e.get("id")) for e in listed if "p" in e and int(e.get("responses", 0)) < blueprint.difficulty_from_data]
        if thin:
            violated(
                f"{len(thin)} item(s) ({', '.join(thin[:5])}) record an observed p from fewer than the {blueprint.difficulty_from_data} responses the blueprint asks",
                "difficulty_from_data",
            )
    ids = {i.id for i in chosen}
    for item in chosen:
        for enemy in item.enemies:
            if enemy in ids and item.id < enemy:
                violated(f"enemies {item.id} and {enemy} are on the same form", "enemies")
    sets: dict[str, set[str]] = {}
    for item in items:
        if item.set and item.status in blueprint.statuses and item.standard == blueprint.standard:
            sets.setdefault(item.set, set()).add(item.id)
    for set_id, members in sets.items():
        present = members & ids
        if present and present != members:
            violated(f"set {set_id} is split: {len(present)} of {len(members)} items on the form", "sets")
    return FormCheck(tuple(found))


def check_parallel(forms: list[list[str]], blueprint: Blueprint) -> list[str]:
    """Overlap and exposure across forms of one set, counted directly (used by tests and form check)."""
    messages = []
    if blueprint.max_overlap is not None:
        for a in range(len(forms)):
            for b in range(a + 1, len(forms)):
                shared = len(set(forms[a]) & set(forms[b]))
                if shared > blueprint.max_overlap:
                    messages.append(f"forms {a + 1} and {b + 1} share {shared} items, more than {blueprint.max_overlap}")
    uses = Counter(i for form in forms for i in form)
    over = [i for i, n in uses.items() if n > blueprint.max_uses]
    if over:
        messages.append(f"{len(over)} items appear in more than {blueprint.max_uses} forms")
    return messages


@dataclass(frozen=True)
class FormSummary:
    """What an examiner checks before publishing: counts by duty × level and by type, mean difficulty."""

    duty_levels: dict[str, dict[str, int]]
    types: dict[str, int]
    mean_difficulty: float | None
    observed: int = 0  # items whose difficulty is their observed p (recorded in the form), not the label


def form_summary(document: dict[str, Any], standard: Standard, items: list[Item]) -> FormSummary:
    """Summarise a form document (as from :func:`form_documents`) against the bank's items."""
    by_id = {item.id: item for item in items}
    chosen = [by_id[e["id"]] for s in document.get("sections", []) for e in s.get("items", []) if e.get("id") in by_id]
    cells: dict[str, dict[str, int]] = {}
    for item in chosen:
        row = cells.setdefault(standard.duty_code(item.task), {})
        row[item.cognitive_level or ""] = row.get(item.cognitive_level or "", 0) + 1
    types = dict(Counter(item.type for item in chosen))
    recorded = recorded_difficulty(document)
    mean = sum(item_difficulty(i, recorded) for i in chosen) / len(chosen) if chosen else None
    return FormSummary(dict(sorted(cells.items(), key=lambda kv: natural_order(kv[0]))), types, mean, len(recorded))


def same_form(path: str | Path, document: dict[str, Any]) -> bool:
    """Whether the form file at ``path`` holds ``document`` (solver timings aside): writing it
    again is harmless; anything else under the same name must never be overwritten."""
    try:
        existing = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    if not isinstance(existing, dict):
        return False
    return {k: v for k, v in existing.items() if k != "solver"} == {k: v for k, v in document.items() if k != "solver"}


def form_preview(document: dict[str, Any], items: list[Item]) -> list[dict[str, Any]]:
    """The questions of a form in order, with their keys: what an examiner reads before publishing."""
    by_id = {item.id: item for item in items}
    out = []
    for section in document.get("sections", []):
        for entry in section.get("items", []):
            item = by_id.get(entry.get("id"))
            if item is None:
                continue
            key = ("正確" if item.answer else "錯誤") if item.type == "true_false" else "、".join(item.keys)
            out.append({"id": item.id, "type": item.type, "task": item.task, "stem": item.stem, "options": list(item.options), "key": key})
    return out
