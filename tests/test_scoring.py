"""Scoring: the partial-credit rule, the matrix path against a per-response reference, bands, pass rules."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questionbank.scoring import AnswerKey, Rules, ScoredItem, item_credit, mask, score

LABELS5 = ("A", "B", "C", "D", "E")


def multiple(item_id="m", keys=("A", "C"), labels=LABELS5, duty="T1", task="T1.1", points=1.0):
    return ScoredItem(item_id, "multiple", labels, keys, points, duty, task, ("K01",))


@pytest.mark.parametrize(
    ("chosen", "partial", "all_or_nothing"),
    [
        ("AC", 1.0, 1.0),
        ("A", 0.6, 0.0),  # one key left out: (5 - 2) / 5
        ("ACD", 0.6, 0.0),  # one non-key chosen
        ("AD", 0.2, 0.0),  # k = 2: (5 - 4) / 5
        ("ABD", 0.0, 0.0),  # k = 3 would be negative: never below 0
        ("BDE", 0.0, 0.0),
        ("", 0.0, 0.0),  # unanswered earns nothing, even though (5 - 2*2)/5 > 0
    ],
)
def test_partial_credit_rule(chosen, partial, all_or_nothing):
    item = multiple()
    for rule, expected in (("partial", partial), ("all-or-nothing", all_or_nothing)):
        key = AnswerKey([item], Rules(multiple=rule))
        got = score(key, np.array([[mask(LABELS5, chosen)]], dtype=np.uint32)).raw[0]
        assert got == pytest.approx(expected)
        assert item_credit(item, tuple(chosen), Rules(multiple=rule)) == pytest.approx(expected)


item_strategy = st.builds(
    lambda kind, n, keybits, points, duty: ScoredItem(
        "x",
        kind,
        ("T", "F") if kind == "true_false" else LABELS5[:n],
        (("T",) if keybits % 2 else ("F",))
        if kind == "true_false"
        else ((LABELS5[keybits % n],) if kind == "single" else tuple(sorted({LABELS5[keybits % n], LABELS5[(keybits // 7 + 1) % n]} | {LABELS5[0]}))),
        points,
        duty,
        duty + ".1",
        ("K01",),
    ),
    st.sampled_from(["single", "multiple", "true_false"]),
    st.integers(3, 5),
    st.integers(0, 1000),
    st.sampled_from([1.0, 2.0, 0.5]),
    st.sampled_from(["T1", "T2", "T3"]),
)


@settings(max_examples=60, deadline=None)
@given(items=st.lists(item_strategy, min_size=1, max_size=12), seed=st.integers(0, 10_000), rule=st.sampled_from(["partial", "all-or-nothing"]))
def test_matrix_scoring_equals_the_per_response_rule(items, seed, rule):
    items = [dataclasses.replace(i, id=f"i{n}") for n, i in enumerate(items)]
    rules = Rules(multiple=rule)
    key = AnswerKey(items, rules)
    rng = np.random.default_rng(seed)
    candidates = 7
    chosen = [
        [
            tuple(label for label in i.labels if rng.random() < 0.4) if i.type != "single" else tuple(rng.choice(list(i.labels), size=rng.integers(0, 2)))
            for i in items
        ]
        for _ in range(candidates)
    ]
    chosen = [[c if not (i.type == "true_false" and len(c) > 1) else c[:1] for c, i in zip(row, items, strict=True)] for row in chosen]
    matrix = np.array([[mask(i.labels, c) for c, i in zip(row, items, strict=True)] for row in chosen], dtype=np.uint32)
    result = score(key, matrix)
    for r, row in enumerate(chosen):
        expected = [item_credit(i, c, rules) for c, i in zip(row, items, strict=True)]
        assert result.earned[r] == pytest.approx(expected)
        per_duty = {d: sum(e for e, i in zip(expected, items, strict=True) if i.duty == d) for d in key.duties}
        assert dict(zip(key.duties, result.duty_raw[r], strict=True)) == pytest.approx(per_duty)


def single(n, duty):
    return ScoredItem(f"s{n}", "single", ("A", "B", "C", "D"), ("A",), 1.0, duty, f"{duty}.1", ("K01", "S02"))


def test_bands_pass_rules_and_duty_minimums():
    items = [single(n, "T1") for n in range(4)] + [single(n + 4, "T2") for n in range(10)]
    a = mask(("A", "B", "C", "D"), "A")
    b = mask(("A", "B", "C", "D"), "B")
    rows = np.array(
        [
            [a] * 4 + [a] * 10,  # 100% everywhere
            [b] * 4 + [a] * 10,  # T1 0%, total 71.4%
            [a, a, a, b] + [a] * 6 + [b] * 4,  # T1 75%, T2 60%, total 64.3%
        ],
        dtype=np.uint32,
    )
    result = score(AnswerKey(items, Rules(cut_percent=70.0)), rows)
    assert result.passed.tolist() == [True, True, False]
    # at a 70% cut: 4 items -> margin 22.9 points; 10 items -> 14.5 points
    assert [[("below", "near", "above")[b] for b in row] for row in result.bands] == [["above", "above"], ["below", "above"], ["near", "near"]]
    strict = score(AnswerKey(items, Rules(cut_percent=70.0, duty_minimum_percent={"T1": 50.0})), rows)
    assert strict.passed.tolist() == [True, False, False]
    raw_cut = score(AnswerKey(items, Rules(cut_percent=None, cut_raw=9)), rows)
    assert raw_cut.passed.tolist() == [True, True, True]
    detail = result.candidate(2)
    assert detail["duties"]["T1"] == {"raw": 3, "max": 4, "percent": 75.0, "band": "near"}
    assert detail["competencies"]["T2:S02"] == {"raw": 6, "max": 10, "percent": 60.0}
    assert detail["tasks"]["T2.1"]["percent"] == 60.0


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="candidates x 1 items"):
        score(AnswerKey([single(0, "T1")], Rules()), np.zeros((2, 3), dtype=np.uint32))
