"""Weakest duties come from the whole history, recent attempts weighing more (not the last attempt only)."""

from questionbank.delivery.practice import HALF_LIFE_ATTEMPTS, weakest_duties


def _attempt(standard, **percent):
    return {"standard_id": standard, "detail": {"duties": {d: {"percent": p} for d, p in percent.items()}}}


def test_a_drill_of_two_duties_does_not_hide_weaker_ones_from_the_mock_exam():
    mock = _attempt("S", T1=40.0, T2=45.0, T3=20.0, T4=25.0)
    drill = _attempt("S", T1=80.0, T2=90.0)  # newest first
    ranked = weakest_duties([drill, mock], "S", ["T1", "T2", "T3", "T4"])
    assert [d for d, _ in ranked] == ["T3", "T4"]
    # T1: the drill (weight 1) and the mock exam (weight 0.5 ** (1 / 3)) both count
    w = 0.5 ** (1 / HALF_LIFE_ATTEMPTS)
    assert weakest_duties([drill, mock], "S", ["T1"], count=1) == [("T1", round((80.0 + w * 40.0) / (1 + w), 1))]


def test_other_standards_unsubmitted_attempts_and_unknown_duties_are_ignored():
    history = [_attempt("other", T1=0.0), {"standard_id": "S", "detail": None}, _attempt("S", T1=50.0, T9=0.0)]
    assert weakest_duties(history, "S", ["T1", "T2"]) == [("T1", 50.0)]
    assert weakest_duties([], "S", ["T1"]) == []


def test_practice_results_pool_across_forms():
    from questionbank.stats.cohort import results_summary

    details = [
        {"percent": 80.0, "passed": True, "duties": {"T1": {"percent": 100.0}, "T2": {"percent": 60.0}}},
        {"percent": 40.0, "passed": False, "duties": {"T1": {"percent": 50.0}}},
        {"percent": 100.0, "passed": True, "duties": {"T2": {"percent": 100.0}}},
    ]
    pooled = results_summary(details)
    assert pooled["attempts"] == 3 and pooled["pass_rate"] == 66.67
    assert pooled["percent"]["mean"] == 73.33 and pooled["histogram"]["counts"][4] == 1 and pooled["histogram"]["counts"][9] == 1
    assert {d["code"]: (d["attempts"], d["percent"]["mean"]) for d in pooled["duties"]} == {"T1": (2, 75.0), "T2": (2, 80.0)}
    assert results_summary([])["attempts"] == 0


def test_practice_counts_never_exceed_what_a_duty_holds():
    from questionbank.delivery.practice import capped_counts

    assert capped_counts({"T1": 4, "T2": 11, "T3": 8}, 23, None) == {"T1": 4, "T2": 11, "T3": 8}
    capped = capped_counts({"T1": 4, "T2": 11, "T3": 8}, 46, {"T1": 24, "T2": 12, "T3": 48})
    assert capped["T2"] == 12 and sum(capped.values()) == 46 and capped["T1"] <= 24 and capped["T3"] <= 48
    assert capped_counts({"T1": 1, "T2": 1}, 50, {"T1": 10, "T2": 10}) == {"T1": 10, "T2": 10}
