"""Cue and near-duplicate detection between the items of one standard (no network, no model).

Texts are compared as sets of character bigrams after NFKC and with punctuation and spaces
removed (character n-grams suit Chinese, which has no spaces between words; bigrams are the
usual unit for Chinese near-duplicate detection, e.g. Manning, Raghavan & Schütze 2008, §19.6).

- A *cue*: the text of item A's key appears in item B's stem or options (containment of A's
  key bigrams in B's text ≥ CUE_CONTAINMENT): a candidate who sees B can answer A. Keys shorter
  than MIN_KEY_CHARS characters are too generic to count (e.g. 「是」).
- A *near-duplicate*: two stems share most of their bigrams (Jaccard ≥ DUPLICATE_JACCARD).

Pairs declared as enemies never meet on a form, so they are not reported; nor are pairs
dismissed with a recorded reason in ``items/similar-pairs.tsv``
(``item_a<TAB>item_b<TAB>reason``, one pair per line, # for comments).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from questionbank.documents import Document
from questionbank.items import Item
from questionbank.problems import Problem, problem

# Thresholds chosen on the labelled set built from the bank (tests/test_similarity.py,
# benchmarks/similarity_bench.py print precision and recall).
CUE_CONTAINMENT = 0.75
DUPLICATE_JACCARD = 0.55
MIN_KEY_CHARS = 8
# a bigram found in more than this share of a standard's texts says nothing (的、。、以及)
COMMON_SHARE = 0.25
MIN_GROUP_FOR_COMMON = 20
# Pairwise comparison grows with the square of a standard's items; above this many (a bank ten
# times the deepest real one) the check is skipped with a warning instead of slowing validate.
MAX_GROUP = 2000
DISMISSALS_FILE = "similar-pairs.tsv"
_DROP = re.compile(r"[\W_]+", re.UNICODE)


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the text; pairs of digits are left out (amounts in calculation items
    share digits without sharing meaning)."""
    clean = _DROP.sub("", unicodedata.normalize("NFKC", text or "").lower())
    return frozenset(gram for gram in (clean[i : i + 2] for i in range(len(clean) - 1)) if not gram.isdigit())


@dataclass(frozen=True)
class Suspect:
    """A pair to look at: ``kind`` is "cue" (``second`` gives away ``first``'s key) or "near-duplicate"."""

    kind: str
    first: str
    second: str
    score: float


def _key_texts(item: Item) -> list[str]:
    if item.type == "true_false":
        return []
    options = dict(item.options)
    return [options[k] for k in item.keys if k in options and len(_DROP.sub("", options[k])) >= MIN_KEY_CHARS]


def suspects(items: Iterable[Item]) -> list[Suspect]:
    """Every cue and near-duplicate pair among items of the same standard."""
    by_standard: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_standard[item.standard].append(item)
    found: list[Suspect] = []
    for group in by_standard.values():
        if len(group) <= MAX_GROUP:
            found.extend(_in_standard(sorted(group, key=lambda i: i.id)))
    return found


def _in_standard(group: list[Item]) -> list[Suspect]:
    texts = {item.id: bigrams(item.stem + "".join(text for _, text in item.options)) for item in group}
    stems = {item.id: bigrams(item.stem) for item in group}
    document_frequency = Counter(gram for grams in texts.values() for gram in grams)
    # too few items to tell common words from shared ones: keep every bigram
    common = {gram for gram, n in document_frequency.items() if n > COMMON_SHARE * len(group)} if len(group) >= MIN_GROUP_FOR_COMMON else set()
    index: dict[str, set[str]] = defaultdict(set)
    for item_id, grams in texts.items():
        for gram in grams - common:
            index[gram].add(item_id)
    found: list[Suspect] = []
    stem_index: dict[str, set[str]] = defaultdict(set)
    for item_id, grams in stems.items():
        for gram in grams - common:
            stem_index[gram].add(item_id)
    duplicates: set[frozenset[str]] = set()
    for item in group:
        grams = stems[item.id] - common
        hits = Counter(other for gram in grams for other in stem_index[gram] if other > item.id)
        for other, shared in hits.items():
            union = len(grams | (stems[other] - common))
            score = shared / union if union else 0.0
            # identical stems are the exact-duplicate rule's (duplicate-stem); this one is for the rest
            if score >= DUPLICATE_JACCARD and stems[other] != stems[item.id]:
                found.append(Suspect("near-duplicate", item.id, other, round(score, 3)))
            if score >= DUPLICATE_JACCARD:
                duplicates.add(frozenset((item.id, other)))
    for item in group:
        for key_text in _key_texts(item):
            grams = bigrams(key_text) - common
            if len(grams) < 3:
                continue
            hits = Counter(other for gram in grams for other in index[gram] if other != item.id)
            for other, shared in hits.items():
                score = shared / len(grams)
                # near-duplicates share their options too: one warning for the pair is enough
                if score >= CUE_CONTAINMENT and frozenset((item.id, other)) not in duplicates:
                    found.append(Suspect("cue", item.id, other, round(score, 3)))
    return found


def read_dismissals(path: Path) -> tuple[dict[frozenset[str], str], list[Problem]]:
    """Pairs dismissed with a reason; a malformed line is a problem at its line."""
    dismissed: dict[frozenset[str], str] = {}
    found: list[Problem] = []
    if not path.is_file():
        return dismissed, found
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) != 3 or not all(parts):
            found.append(problem("dismissal-malformed", str(path), number, 1, "write item_a, item_b and the reason, separated by tabs"))
            continue
        dismissed[frozenset(parts[:2])] = parts[2]
    return dismissed, found


def similarity_problems(entries: list[tuple[Document, Item]], dismissed: dict[frozenset[str], str]) -> list[Problem]:
    """Warnings for suspect pairs not declared as enemies nor dismissed, at the stem of the item
    that gives the other away (cue) or of the later item (near-duplicate)."""
    by_id = {item.id: (document, item) for document, item in entries}
    found = []
    sizes: dict[str, list[Document]] = defaultdict(list)
    for document, item in entries:
        sizes[item.standard].append(document)
    for standard_id, documents in sizes.items():
        if len(documents) > MAX_GROUP:
            found.append(
                problem(
                    "similarity-not-checked",
                    documents[0].file,
                    1,
                    1,
                    f"{standard_id} has {len(documents):,} items, more than the {MAX_GROUP:,} the cue check compares pairwise; check it in parts",
                    "standard",
                )
            )
    for suspect in suspects(item for _, item in entries):
        pair = frozenset((suspect.first, suspect.second))
        _, first = by_id[suspect.first]
        second_doc, second = by_id[suspect.second]
        if pair in dismissed or suspect.second in first.enemies or suspect.first in second.enemies:
            continue
        line, column = second_doc.locate(("stem",))
        if suspect.kind == "cue":
            message = f"this item's text contains the key of {first.id} ({suspect.score:.0%} of its words); declare them enemies, reword, or dismiss the pair in {DISMISSALS_FILE} with a reason"
            code = "item-possible-cue"
        else:
            message = f"the stem is nearly the same as that of {first.id} ({suspect.score:.0%} shared); make it test something else, declare enemies, or dismiss the pair in {DISMISSALS_FILE}"
            code = "item-near-duplicate"
        found.append(problem(code, second_doc.file, line, column, message, "stem"))
    return found
