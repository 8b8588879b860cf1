"""Synthetic items for the assembly tests: one task's n-th item of a random type, level and
difficulty, valid in every field the solver reads."""

from __future__ import annotations

import random

from questionbank.items import Item


def synthetic_item(rng: random.Random, standard_id: str, task: str, n: int, kinds: list[str], **overrides) -> Item:
    kind = rng.choice(kinds)
    return Item(
        id=f"{task}-{n}",
        standard=standard_id,
        task=task,
        competencies=("K01",),
        type=kind,
        stem=f"{task} {n}",
        options=(("A", "a"), ("B", "b"), ("C", "c"), ("D", "d")) if kind != "true_false" else (),
        answer="A" if kind == "single" else (("A", "B") if kind == "multiple" else True),
        rationale="r",
        status="active",
        cognitive_level=rng.choice(["remember", "understand", "apply", "analyze"]),
        difficulty=rng.choice(["easy", "medium", "hard"]),
        **overrides,
    )
