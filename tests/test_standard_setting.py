"""Standard-setting studies held in the database (SQLite and PostgreSQL): a modified-Angoff panel of
three over two rounds and a Hofstee panel, every figure computed by hand; the refusals by code."""

from __future__ import annotations

import json
import math

import pytest

from questionbank.delivery import accounts, attempts, database, publishing
from questionbank.delivery import standard_setting as ss
from questionbank.errors import AccessDenied, NotFound, RequestInvalid
from questionbank.scoring import Rules
from tests.test_delivery import START, display_key, shipped  # noqa: F401  (shipped is a fixture)

PASSWORD = "right password 123"
OWNER, P1, P2, P3 = "考官甲", "評審一", "評審二", "評審三"


@pytest.fixture
def engine(database_url):
    engine = database.connect(database_url)
    yield engine
    engine.dispose()


def _form(engine, shipped, form_id="ss", cut=80.0):  # noqa: F811
    """A four-item official form (single choice, 1 point each) and four candidates who answer
    the first 4, 3, 2 and 1 items right and leave the rest blank: raw 4, 3, 2, 1; the items'
    p-values are 4/4, 3/4, 2/4 and 1/4."""
    standard, snaps = shipped
    four = [s for s in snaps if s["type"] == "single"][:4]
    assert [s["points"] for s in four] == [1, 1, 1, 1]
    publishing.publish(engine, form_id, four, Rules(cut, None), kind="official", standard=standard, title="標準設定", time_limit_minutes=None, now=START)
    for right, cid in ((4, "A"), (3, "B"), (2, "C"), (1, "D")):
        (code,) = publishing.issue_access_codes(engine, form_id, [cid], now=START)
        token = attempts.start_official(engine, code, cid, now=START)
        questions = attempts.state(engine, token, now=START).questions
        for position in range(right):
            attempts.save_answer(engine, token, position, display_key(questions[position], four[position])[0], now=START + 1)
        attempts.submit(engine, token, now=START + 2)
    return four


def _accounts(engine, *names, roles=("examiner",)):
    for name in names:
        accounts.add_examiner(engine, name, PASSWORD, now=START, roles=roles)


def _panel(engine, shipped):  # noqa: F811
    four = _form(engine, shipped)
    _accounts(engine, OWNER, P1, P2, P3)
    study = ss.open_study(engine, "ss", OWNER, now=START)
    assert ss.invite(engine, study, OWNER, [P1, P2, P3], now=START) == [P1, P2, P3]
    return study, [s["id"] for s in four]


def _rate_all(engine, study, round_, table, ids):
    for name, row in table.items():
        for item, value in zip(ids, row, strict=True):
            ss.rate(engine, study, name, round_, item, value, now=START + round_)


ROUND_1 = {P1: [0.5, 0.4, 0.9, 0.3], P2: [0.6, 0.5, 0.8, 0.4], P3: [0.7, 0.6, 0.7, 0.5]}


def test_a_two_round_angoff_panel_by_hand(engine, database_url, shipped):  # noqa: F811
    study, ids = _panel(engine, shipped)
    _rate_all(engine, study, 1, ROUND_1, ids)
    # a reload, or another server: a new engine reads every rating back
    other = database.connect(database_url)
    assert [ss.ratings_of(other, study, P1, 1)[i] for i in ids] == ROUND_1[P1]
    other.dispose()
    assert {p["name"]: p["rated"] for p in ss.progress(engine, study)} == {P1: 4, P2: 4, P3: 4}
    # round 1 shows no data: no panel spread, no p-values, no impact
    first = ss.panel_view(engine, study, P1)
    assert first.proposed is None and {(i.panel, i.p) for i in first.items} == {(None, None)}
    ss.open_round_two(engine, study, OWNER, now=START + 10)

    # round 1 by hand: item means 0.6, 0.5, 0.8, 0.4 -> cut 2.3 of 4; panelists' own cuts
    # 2.1, 2.3, 2.5 (sd 0.2) -> SE 0.2 / sqrt(3) = 0.1155; raw 4, 3, 2, 1 reach 2.3: A and B, 50%
    view = ss.panel_view(engine, study, P1)
    assert view.study.round == 2 and view.candidates == 4
    assert view.proposed.result.cut_raw == pytest.approx(2.3) and view.proposed.result.standard_error == pytest.approx(0.2 / math.sqrt(3))
    assert view.proposed.pass_rate == 50.0
    assert [(i.panel["mean"], i.panel["min"], i.panel["max"]) for i in view.items] == [(0.6, 0.5, 0.7), (0.5, 0.4, 0.6), (0.8, 0.7, 0.9), (0.4, 0.3, 0.5)]
    assert [i.panel["sd"] for i in view.items] == [0.1] * 4  # each item's three ratings are 0.1 apart
    assert [i.p for i in view.items] == [1.0, 0.75, 0.5, 0.25]
    # round 2 starts from the panelist's own round-1 ratings
    assert [i.rating for i in view.items] == [i.first_rating for i in view.items] == ROUND_1[P1]

    # round 2: 評審一 revises items 1 and 3, 評審三 item 2
    ss.rate(engine, study, P1, 2, ids[0], 0.6, now=START + 11)
    ss.rate(engine, study, P1, 2, ids[2], 0.6, now=START + 11)
    ss.rate(engine, study, P3, 2, ids[1], 0.5, now=START + 11)
    # 評審一's own cut now 0.6 + 0.4 + 0.6 + 0.3 = 1.9: A, B and C reach it, 75%
    mine = ss.panel_view(engine, study, P1)
    assert mine.own_cut_raw == pytest.approx(1.9) and mine.own_pass_rate == 75.0
    assert [i.first_rating for i in mine.items] == ROUND_1[P1]  # round 1 stays as it was
    ss.close_study(engine, study, OWNER, now=START + 20)

    # round 2 by hand: rows (0.6 0.4 0.6 0.3), (0.6 0.5 0.8 0.4), (0.7 0.5 0.7 0.5);
    # item means 1.9/3, 1.4/3, 2.1/3, 1.2/3 -> cut 6.6/3 = 2.2 of 4 (55%);
    # own cuts 1.9, 2.3, 2.4: mean 2.2, squared deviations 0.09 + 0.01 + 0.04 = 0.14,
    # variance 0.14 / 2 = 0.07 -> SE sqrt(0.07 / 3) = 0.15275
    final = ss.round_cut(engine, study, 2)
    assert final.result.cut_raw == pytest.approx(2.2) and final.result.cut_percent == pytest.approx(55.0)
    assert final.result.standard_error == pytest.approx(math.sqrt(0.07 / 3))
    assert dict(zip(final.panelists, final.result.panelist_cuts, strict=True)) == pytest.approx({P1: 1.9, P2: 2.3, P3: 2.4})
    assert final.pass_rate == 50.0

    # applied through the decision record: at 80% only A passed (B had 75%); at 2.2 points B passes too
    record = ss.apply_angoff(engine, study, OWNER, now=START + 30)
    assert record["flipped"] == 1  # (more results change: the duty bands move with the cut)
    form, _ = publishing.load_form(engine, "ss")
    assert form["rules"].cut_raw == pytest.approx(2.2) and form["rules"].cut_percent is None
    (decision,) = ss.decisions_of(engine, study)
    numbers = json.loads(decision["numbers"])
    assert decision["method"] == "modified Angoff" and decision["decided_by"] == OWNER
    assert numbers["study"] == study and numbers["round"] == 2 and sorted(numbers["panelist_names"]) == sorted([P1, P2, P3])
    assert numbers["cut_raw"] == 2.2 and numbers["standard_error"] == pytest.approx(0.1528, abs=1e-4)


def test_hofstee_from_the_panels_judgements_by_hand(engine, shipped):  # noqa: F811
    study, ids = _panel(engine, shipped)
    assert ss.hofstee_summary(engine, study) is None  # nothing judged yet
    ss.judge(engine, study, P1, P1, 30, 70, 20, 60, now=START)
    ss.judge(engine, study, P2, P2, 40, 80, 30, 70, now=START)
    ss.judge(engine, study, OWNER, P3, 50, 90, 40, 80, now=START)  # the owner enters 評審三's
    summary = ss.hofstee_summary(engine, study)
    # means: k 40 to 80, f 30 to 70. The line from (40, 70) to (80, 30) is L(c) = 70 - (c - 40).
    # Scores 100, 75, 50, 25 (percent): F(c) = 25 for 25 < c <= 50 (below L, which is >= 60 there)
    # and 50 for 50 < c <= 75, where L falls to 50 at c = 60: the cut is 60%, failing C and D (50%)
    assert summary.means == {"k_min": 40.0, "k_max": 80.0, "f_min": 30.0, "f_max": 70.0}
    assert summary.result["cut_percent"] == 60.0 and summary.result["fail_rate"] == 50.0
    assert summary.line == ((40.0, 70.0), (80.0, 30.0))
    curve = dict(summary.curve)
    assert (curve[25.0], curve[26.0], curve[50.0], curve[51.0], curve[100.0]) == (0.0, 25.0, 25.0, 50.0, 75.0)
    assert {j["name"]: j["entered_by"] for j in summary.judgements} == {P1: P1, P2: P2, P3: OWNER}
    # applied only once the study is closed, through the decision record
    with pytest.raises(RequestInvalid) as err:
        ss.apply_hofstee(engine, study, OWNER)
    assert err.value.code == "study-step-invalid"
    _rate_all(engine, study, 1, ROUND_1, ids)
    ss.open_round_two(engine, study, OWNER, now=START + 10)
    ss.close_study(engine, study, OWNER, now=START + 20)
    with pytest.raises(AccessDenied) as err:
        ss.judge(engine, study, P1, P1, 10, 20, 10, 20)
    assert err.value.code == "study-round-closed"
    record = ss.apply_hofstee(engine, study, OWNER, now=START + 30)
    form, _ = publishing.load_form(engine, "ss")
    assert form["rules"].cut_percent == 60.0 and form["rules"].cut_raw is None
    assert record["flipped"] == 1  # at 80% only A passed; at 60% B (75%) passes too
    (decision,) = ss.decisions_of(engine, study)
    assert decision["method"] == "Hofstee" and json.loads(decision["numbers"])["means"]["k_min"] == 40.0
    # the cut in force: applying it again is refused; after another decision it may come back
    assert ss.applied(engine, study, "Hofstee")["id"] == decision["id"] and ss.applied(engine, study, "modified Angoff") is None
    with pytest.raises(RequestInvalid) as err:
        ss.apply_hofstee(engine, study, OWNER)
    assert err.value.code == "cut-already-applied"
    ss.apply_angoff(engine, study, OWNER, now=START + 40)
    assert ss.applied(engine, study, "Hofstee") is None
    ss.apply_hofstee(engine, study, OWNER, now=START + 50)
    assert [d["method"] for d in ss.decisions_of(engine, study)] == ["Hofstee", "modified Angoff", "Hofstee"]
    assert publishing.load_form(engine, "ss")[0]["rules"].cut_percent == 60.0


def test_refusals_by_code(engine, shipped):  # noqa: F811
    study, ids = _panel(engine, shipped)
    _accounts(engine, "外人")
    _accounts(engine, "撰寫者", roles=("writer",))
    # not invited: no rating, no view, no judgements
    for call in (
        lambda: ss.rate(engine, study, "外人", 1, ids[0], 0.5),
        lambda: ss.panel_view(engine, study, "外人"),
        lambda: ss.judge(engine, study, "外人", "外人", 40, 80, 10, 50),
    ):
        with pytest.raises(AccessDenied) as err:
            call()
        assert err.value.code == "study-not-panelist"
    # outside 0 to 1 (the page turns 0-100% into 0-1 first): the problem names the item
    for value in (1.2, -0.1, float("nan"), 65):
        with pytest.raises(RequestInvalid) as err:
            ss.rate(engine, study, P1, 1, ids[2], value)
        assert err.value.code == "rating-out-of-range" and err.value.problem.path == ids[2]
    with pytest.raises(NotFound) as err:
        ss.rate(engine, study, P1, 1, "not-on-the-form", 0.5)
    assert err.value.code == "form-item-missing"
    # only the owner steps the study on, and enters judgements for someone else
    for call in (lambda: ss.open_round_two(engine, study, P1), lambda: ss.judge(engine, study, P1, P2, 40, 80, 10, 50)):
        with pytest.raises(AccessDenied) as err:
            call()
        assert err.value.code == "study-owner-only"
    with pytest.raises(RequestInvalid) as err:
        ss.judge(engine, study, P1, P1, 80, 40, 10, 50)
    assert err.value.code == "hofstee-judgement-invalid"
    # steps in order; every unknown or non-examiner name reported at once
    with pytest.raises(RequestInvalid) as err:
        ss.invite(engine, study, OWNER, ["無此人", "撰寫者"])
    assert [p.code for p in err.value.problems] == ["examiner-unknown", "role-required"]
    with pytest.raises(RequestInvalid) as err:
        ss.close_study(engine, study, OWNER)
    assert err.value.code == "study-step-invalid"
    with pytest.raises(RequestInvalid) as err:
        ss.rate(engine, study, P1, 2, ids[0], 0.5)
    assert err.value.code == "study-step-invalid"
    # a panelist who has not rated everything holds the round open until withdrawn
    ss.invite(engine, study, OWNER, ["外人"])
    _rate_all(engine, study, 1, ROUND_1, ids)
    with pytest.raises(RequestInvalid) as err:
        ss.open_round_two(engine, study, OWNER)
    assert err.value.code == "study-incomplete" and "外人" in err.value.problem.message
    ss.withdraw(engine, study, OWNER, "外人")
    ss.open_round_two(engine, study, OWNER)
    assert sorted(ss.study(engine, study).panelists) == sorted([P1, P2, P3]) and ss.study(engine, study).withdrawn == ("外人",)
    # a closed round cannot be changed, nor can the panel after round 1
    with pytest.raises(AccessDenied) as err:
        ss.rate(engine, study, P1, 1, ids[0], 0.5)
    assert err.value.code == "study-round-closed"
    assert ss.ratings_of(engine, study, P1, 1)[ids[0]] == 0.5  # as rated in round 1 (0.5), untouched
    with pytest.raises(RequestInvalid) as err:
        ss.invite(engine, study, OWNER, ["外人"])
    assert err.value.code == "study-step-invalid"
    with pytest.raises(RequestInvalid) as err:
        ss.apply_angoff(engine, study, OWNER)
    assert err.value.code == "study-step-invalid"
    ss.close_study(engine, study, OWNER)
    with pytest.raises(AccessDenied) as err:
        ss.rate(engine, study, P1, 2, ids[0], 0.4)
    assert err.value.code == "study-round-closed"
    with pytest.raises(AccessDenied) as err:
        ss.apply_angoff(engine, study, P1)
    assert err.value.code == "study-owner-only"


def test_a_study_is_for_an_official_form_opened_by_an_examiner(engine, shipped):  # noqa: F811
    standard, snaps = shipped
    publishing.publish(engine, "prac", snaps, Rules(), kind="practice", standard=standard, title="練習", now=START)
    _form(engine, shipped)
    _accounts(engine, OWNER)
    _accounts(engine, "撰寫者", roles=("writer",))
    with pytest.raises(RequestInvalid) as err:
        ss.open_study(engine, "prac", OWNER)
    assert err.value.code == "study-form-not-official"
    with pytest.raises(AccessDenied) as err:
        ss.open_study(engine, "ss", "撰寫者")
    assert err.value.code == "role-required"
    with pytest.raises(NotFound) as err:
        ss.study(engine, 999)
    assert err.value.code == "study-unknown"
    mine = ss.open_study(engine, "ss", OWNER)
    assert [s.id for s in ss.studies_for(engine, OWNER)] == [mine] and ss.studies_for(engine, "撰寫者") == []
    assert accounts.names_with_role(engine, "examiner") == [OWNER]
