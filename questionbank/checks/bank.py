"""Checks across the whole bank: duplicate ids and stems, enemies and sets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from questionbank.checks.text import normalise
from questionbank.documents import Document
from questionbank.items import Item
from questionbank.problems import Problem, problem


def check_bank(entries: list[tuple[Document, Item]], known_ids: Iterable[str] = ()) -> list[Problem]:
    """Rules across items: duplicate ids and stems, enemies that exist, sets within one standard.

    ``known_ids`` are ids of bank items that were not loaded in this run (for enemies).
    """
    found: list[Problem] = []
    first_id: dict[str, Document] = {}
    first_stem: dict[str, tuple[Document, Item]] = {}
    sets: dict[str, list[tuple[Document, Item]]] = defaultdict(list)
    for document, item in entries:
        if item.id in first_id:
            line, column = document.locate(("id",))
            other = first_id[item.id]
            found.append(
                problem(
                    "duplicate-item-id",
                    document.file,
                    line,
                    column,
                    f"id '{item.id}' is also used by {other.file}:{other.locate(('id',))[0]}; give each item its own id",
                    "id",
                )
            )
        else:
            first_id[item.id] = document
        stem = normalise(item.stem)
        if stem in first_stem:
            other_doc, other_item = first_stem[stem]
            line, column = document.locate(("stem",))
            found.append(
                problem(
                    "duplicate-stem",
                    document.file,
                    line,
                    column,
                    f"the stem repeats that of item {other_item.id} ({other_doc.file}:{other_doc.locate(('stem',))[0]}); rewrite it or retire one",
                    "stem",
                )
            )
        else:
            first_stem[stem] = (document, item)
        if item.set:
            sets[item.set].append((document, item))
    existing = set(first_id) | set(known_ids)
    for document, item in entries:
        for index, enemy in enumerate(item.enemies):
            if enemy not in existing and enemy != item.id:
                line, column = document.locate(("enemies", index))
                found.append(
                    problem(
                        "unknown-enemy",
                        document.file,
                        line,
                        column,
                        f"enemy '{enemy}' is not an item of the bank; fix the id or remove it",
                        f"enemies[{index}]",
                    )
                )
    for set_id, members in sets.items():
        if len(members) == 1:
            document, item = members[0]
            line, column = document.locate(("set",))
            found.append(
                problem("set-single-item", document.file, line, column, f"set '{set_id}' has no other item; add its sibling items or remove the set", "set")
            )
        standards = {item.standard for _, item in members}
        if len(standards) > 1:
            for document, item in members[1:]:
                if item.standard != members[0][1].standard:
                    line, column = document.locate(("set",))
                    found.append(
                        problem(
                            "set-spans-standards",
                            document.file,
                            line,
                            column,
                            f"set '{set_id}' also holds items of {members[0][1].standard}; a set belongs to one standard",
                            "set",
                        )
                    )
    return found
