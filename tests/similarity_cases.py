"""A labelled set for the cue and near-duplicate detector, built from the shipped bank:
planted cue pairs (item A's key text written into a copy of item B's stem), planted
near-duplicates (a copy of a stem with about one character in ten changed), and every original
pair of a standard as a negative unless a reviewer confirmed it (CONFIRMED)."""

from __future__ import annotations

import dataclasses
import random
from collections import defaultdict

from questionbank.checks.similarity import MIN_KEY_CHARS, _key_texts, suspects
from questionbank.items import Item

# original pairs a reviewer read and confirmed as real cues (declared enemies in the bank)
CONFIRMED = {frozenset({"exhibition-marketing-manager-update-T2.1-02", "exhibition-marketing-manager-update-T2.2-01"})}
# a planted copy and the item it was copied from are alike by construction: not a finding either way
ORIGIN: dict[str, str] = {}
FILLER = "的了在是有和與及或為對於將被把從向到等以並而但且所因此"


def planted(items: list[Item], count: int = 100, seed: int = 11) -> tuple[list[Item], set[tuple[str, str, str]]]:
    """The bank plus planted copies, and the (kind, first, second) each planted copy should raise."""
    rng = random.Random(seed)
    by_standard: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_standard[item.standard].append(item)
    groups = [g for g in by_standard.values() if len(g) > 10]
    extra: list[Item] = []
    expected: set[tuple[str, str, str]] = set()
    ORIGIN.clear()
    for n in range(count):
        group = rng.choice(groups)
        source = rng.choice([i for i in group if _key_texts(i)])
        host = rng.choice([i for i in group if i.id != source.id])
        key = rng.choice(_key_texts(source))
        stem = f"已知{key}。{host.stem}"
        copy = dataclasses.replace(host, id=f"planted-cue-{n}", stem=stem, enemies=())
        ORIGIN[copy.id] = host.id
        extra.append(copy)
        expected.add(("cue", source.id, copy.id))
    for n in range(count):
        group = rng.choice(groups)
        source = rng.choice(group)
        chars = list(source.stem)
        for position in rng.sample(range(len(chars)), max(1, len(chars) // 10)):
            chars[position] = rng.choice(FILLER)
        copy = dataclasses.replace(
            source, id=f"planted-dup-{n}", stem="".join(chars), options=tuple((label, text + "。") for label, text in source.options), enemies=()
        )
        ORIGIN[copy.id] = source.id
        extra.append(copy)
        expected.add(("near-duplicate", source.id, copy.id))
    return items + extra, expected


def evaluate(items: list[Item], count: int = 100) -> dict[str, float]:
    """Precision and recall of the detector on the labelled set."""
    bank, expected = planted(items, count)
    found = {(s.kind, s.first, s.second) for s in suspects(bank)}
    # a near-duplicate pair is unordered
    found |= {(k, b, a) for k, a, b in found if k == "near-duplicate"}
    hits = {e for e in expected if e in found}
    planted_ids = {e[2] for e in expected}
    original = {(k, a, b) for k, a, b in found if a not in planted_ids and b not in planted_ids and not a.startswith("planted") and not b.startswith("planted")}
    true_original = {f for f in original if frozenset(f[1:]) in CONFIRMED}

    # detections involving a planted copy but not the one planted (e.g. the copy also echoes a third item) count as false
    def copied(a: str, b: str) -> bool:
        return ORIGIN.get(a, a) == ORIGIN.get(b, b)

    def planted_truth(f: tuple[str, str, str]) -> bool:
        # a copy carries its origin's key: a cue from the copy is the planted cue again
        return (f[0], ORIGIN.get(f[1], f[1]), f[2]) in expected or (f[0], f[2], f[1]) in expected

    stray = {f for f in found if (f[1] in planted_ids or f[2] in planted_ids) and f not in expected and not planted_truth(f) and not copied(f[1], f[2])}
    false = (original - true_original) | stray
    true = len(hits) + len(true_original)
    return {
        "planted": len(expected),
        "recall": len(hits) / len(expected),
        "precision": true / (true + len(false)) if true + len(false) else 1.0,
        "false_positives": len(false),
        "min_key_chars": MIN_KEY_CHARS,
    }
