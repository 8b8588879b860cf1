"""Standard setting numbers against hand computations; challenges, rulings and rescoring against
independent sums; the flip report lists exactly the candidates whose pass/fail changed."""

from __future__ import annotations

import numpy as np
import pytest

from questionbank.delivery import attempts, challenges, database, publishing
from questionbank.errors import AccessDenied, RequestInvalid
from questionbank.scoring import Rules, item_credit
from questionbank.snapshots import scored_item
from questionbank.stats.standard_setting import angoff, hofstee, impact
from tests.test_delivery import START, shipped  # noqa: F401  (shipped is a fixture)

DAY = 86400.0


def test_angoff_by_hand():
    # three panelists, four items: item means 0.6, 0.5, 0.8, 0.4 -> cut 2.3 of 4 (57.5%)
    ratings = np.array([[0.5, 0.4, 0.9, 0.3], [0.6, 0.5, 0.8, 0.4], [0.7, 0.6, 0.7, 0.5]])
    result = angoff(ratings, ["a", "b", "c", "d"])
    assert result.cut_raw == pytest.approx(2.3) and result.cut_percent == pytest.approx(57.5)
    # own cuts 2.1, 2.3, 2.5: sd 0.2, se 0.2 / sqrt 3
    assert result.panelist_cuts == pytest.approx((2.1, 2.3, 2.5))
    assert result.standard_error == pytest.approx(0.2 / np.sqrt(3))
    assert result.items[0]["mean"] == 0.6 and result.items[2]["max"] == 0.9
    # points weight the expected score: item c worth 2 -> 0.6 + 0.5 + 1.6 + 0.4 = 3.1 of 5
    weighted = angoff(ratings, ["a", "b", "c", "d"], points=np.array([1, 1, 2, 1]))
    assert weighted.cut_raw == pytest.approx(3.1) and weighted.cut_percent == pytest.approx(62.0)
    with pytest.raises(ValueError):
        angoff(np.array([[1.2, 0.5]]), ["a", "b"])


def test_hofstee_by_hand():
    scores = np.arange(0, 100, 1.0)  # 100 candidates, one at each percent 0..99: F(c) = c
    # the line from (50, 40) to (70, 10): F(c) = c meets it where c = 40 - 1.5 (c - 50) -> c = 46: outside, so F starts above: k_min
    assert hofstee(scores, 50, 70, 10, 40)["cut_percent"] == 50
    # line from (20, 60) to (40, 20): L(c) = 60 - 2 (c - 20). F is a step: F(c) = 34 for 33 < c <= 34, and
    # L(33.01) = 33.98 <= 34 while at 33.00 F = 33 < L = 34: the curve crosses the line just past 33
    result = hofstee(scores, 20, 40, 20, 60)
    assert result["cut_percent"] == pytest.approx(33.01) and result["fail_rate"] == 34.0
    # F stays below the line: the highest acceptable cut
    assert hofstee(np.full(10, 95.0), 60, 80, 30, 50)["cut_percent"] == 80
    assert impact(scores, 70) == 30.0


@pytest.fixture
def engine(database_url):
    engine = database.connect(database_url)
    yield engine
    engine.dispose()


def _sit(engine, shipped, answers_per_candidate, form_id="ch", cut=70.0):  # noqa: F811
    """Publish an official form, and have each candidate answer (original labels) and submit."""
    standard, snaps = shipped
    publishing.publish(
        engine, form_id, snaps, Rules(cut, None, "partial"), kind="official", standard=standard, title="正式", time_limit_minutes=None, now=START
    )
    tokens = {}
    for cid, answers in answers_per_candidate.items():
        (code,) = publishing.issue_access_codes(engine, form_id, [cid], now=START)
        token = attempts.start_official(engine, code, cid, now=START)
        state = attempts.state(engine, token, now=START)
        for position, original in answers.items():
            question = state.questions[position]
            order = {o: d for d, o in zip([label for label, _ in question.options] or ["T", "F"], _orders(engine, token)[position], strict=False)}
            shown = [order.get(o, o) for o in original] if question.type != "true_false" else original == ["T"]
            attempts.save_answer(
                engine, token, position, shown if question.type == "multiple" else (shown[0] if isinstance(shown, list) else shown), now=START + 1
            )
        attempts.submit(engine, token, now=START + 10)
        tokens[cid] = token
    return snaps, tokens


def _orders(engine, token):
    import json

    from sqlalchemy import select

    with engine.connect() as conn:
        return json.loads(conn.execute(select(database.attempts.c.option_orders).where(database.attempts.c.token == token)).scalar())


def _independent_total(snaps, answers, rules, amend=None):
    """Points by the item rule, with the ruling applied by hand (no shared code with rescore)."""
    total, maximum = 0.0, 0.0
    for position, snap in enumerate(snaps):
        item = scored_item(snap)
        chosen = tuple(answers.get(position, ()))
        kind, keys = (amend or {}).get(snap["id"], (None, None))
        if kind == "void-drop":
            continue
        maximum += item.points
        if kind == "void-credit":
            total += item.points
        elif kind == "replace-key":
            total += item_credit(item.__class__(**{**item.__dict__, "keys": tuple(keys)}), chosen, rules)
        elif kind == "add-key":
            total += max(item_credit(item, chosen, rules), item_credit(item.__class__(**{**item.__dict__, "keys": tuple(keys)}), chosen, rules))
        else:
            total += item_credit(item, chosen, rules)
    return total, maximum


@pytest.mark.parametrize("kind", ["reject", "add-key", "replace-key", "void-credit", "void-drop"])
def test_each_ruling_changes_exactly_the_affected_scores(engine, shipped, kind):  # noqa: F811
    _standard, snaps = shipped
    singles = [n for n, s in enumerate(snaps) if s["type"] == "single"]
    target = singles[0]
    key = snaps[target]["keys"][0]
    other = next(label for label, _ in snaps[target]["options"] if label != key)
    everyone_right = {n: list(s["keys"]) for n, s in enumerate(snaps) if n != target}
    # A: right everywhere, chose the key on the target; B: right elsewhere, chose `other`; C: left the target blank
    plan = {"A": {**everyone_right, target: [key]}, "B": {**everyone_right, target: [other]}, "C": dict(everyone_right)}
    snaps, tokens = _sit(engine, shipped, plan)
    challenges.file_challenge(engine, tokens["B"], target + 1, "選項也正確", cites=snaps[target]["task"], now=START + DAY)
    keys = {"add-key": [other], "replace-key": [other]}.get(kind)
    challenges.rule(engine, "ch", snaps[target]["id"], kind, "依據作業實務", "考官甲", keys=keys, now=START + 2 * DAY)
    flips = {f.candidate_id: f for f in challenges.rescore(engine, "ch", now=START + 3 * DAY)}
    rules = Rules(70.0, None, "partial")
    for cid, answers in plan.items():
        before, _ = _independent_total(snaps, answers, rules)
        after, maximum = _independent_total(snaps, answers, rules, {snaps[target]["id"]: (kind, keys)})
        stored = challenges.revisions_of(engine, tokens[cid])
        if after == before and (kind != "void-drop" or maximum == len(snaps)):
            assert cid not in flips
        if cid in flips:
            assert flips[cid].after_raw == pytest.approx(after) and flips[cid].before_raw == pytest.approx(before)
            assert [r["revision"] for r in stored] == [1, 2]
            from questionbank.delivery import results

            assert results.result(engine, tokens[cid])["raw"] == pytest.approx(after)
            assert results.result(engine, tokens[cid])["max"] == pytest.approx(maximum)
    expected_changed = {
        "reject": set(),
        "add-key": {"B"},
        "replace-key": {"A", "B"},
        "void-credit": {"B", "C"},
        "void-drop": {"A", "B", "C"},  # the maximum changes for everyone; A's raw drops by the item
    }[kind]
    assert set(flips) == expected_changed
    mine = challenges.challenges_of(engine, tokens["B"])
    assert [(c["number"], c["kind"]) for c in mine] == [(target + 1, kind)]


def test_the_flip_report_lists_exactly_those_whose_pass_fail_changed(engine, shipped):  # noqa: F811
    _standard, snaps = shipped
    n = len(snaps)
    needed = int(np.ceil(0.7 * n))  # points to pass at 70%
    singles = [k for k, s in enumerate(snaps) if s["type"] == "single"]
    target = singles[0]
    key = snaps[target]["keys"][0]
    other = next(label for label, _ in snaps[target]["options"] if label != key)
    others = [k for k in range(n) if k != target]

    def right(count):
        return {k: list(snaps[k]["keys"]) for k in others[:count]}

    plan = {
        "edge-fail": {**right(needed - 1), target: [other]},  # one short; the ruling gives the point: flips to pass
        "edge-pass": {**right(needed - 1), target: [key]},  # passes on the target; replace-key takes it: flips to fail
        "safe": {**right(n - 1), target: [key]},  # passes either way
        "low": {**right(2), target: [other]},  # fails either way, though its raw rises
    }
    snaps, _tokens = _sit(engine, shipped, plan, form_id="flip")
    challenges.rule(engine, "flip", snaps[target]["id"], "replace-key", "原答案有誤", "考官甲", keys=[other], now=START + DAY)
    flips = challenges.rescore(engine, "flip", now=START + DAY)
    assert sorted(f.candidate_id for f in flips if f.flipped) == ["edge-fail", "edge-pass"]
    assert {f.candidate_id for f in flips} == {"edge-fail", "edge-pass", "safe", "low"}
    # rescoring again changes nothing
    assert challenges.rescore(engine, "flip", now=START + DAY) == []


def test_challenges_are_refused_late_twice_on_practice_and_without_a_reason(engine, shipped):  # noqa: F811
    snaps, tokens = _sit(engine, shipped, {"A": {}}, form_id="win")
    token = tokens["A"]
    challenges.file_challenge(engine, token, 1, "理由", now=START + DAY)
    with pytest.raises(RequestInvalid) as err:
        challenges.file_challenge(engine, token, 1, "再一次", now=START + DAY)
    assert err.value.code == "challenge-duplicate"
    with pytest.raises(AccessDenied) as err:
        challenges.file_challenge(engine, token, 2, "太晚", now=START + 10 + 7 * DAY + 1)
    assert err.value.code == "challenge-window-closed"
    with pytest.raises(RequestInvalid) as err:
        challenges.file_challenge(engine, token, 2, "   ", now=START + DAY)
    assert err.value.code == "challenge-reason-invalid"
    with pytest.raises(RequestInvalid) as err:
        challenges.file_challenge(engine, token, 2, "理由", cites="T99.9", allowed_codes={"T1.1"}, now=START + DAY)
    assert err.value.code == "challenge-cite-unknown"
    with pytest.raises(RequestInvalid) as err:
        challenges.file_challenge(engine, token, len(snaps) + 1, "理由", now=START + DAY)
    assert err.value.code == "response-unknown-question"
    # someone who did not sit the form has no attempt of it to challenge with
    from questionbank.errors import NotFound

    with pytest.raises(NotFound):
        challenges.file_challenge(engine, "not-a-token", 1, "理由", now=START + DAY)
    publishing.publish(engine, "prac", snaps, Rules(), kind="practice", standard=shipped[0], title="練習", now=START)
    practice_token = attempts.start_practice(engine, "prac", "P1", now=START)
    attempts.submit(engine, practice_token, now=START + 5)
    with pytest.raises(AccessDenied) as err:
        challenges.file_challenge(engine, practice_token, 1, "理由", now=START + DAY)
    assert err.value.code == "challenge-not-allowed"


def test_cli_challenges_rule_and_rescore(engine, shipped, database_url, monkeypatch, capsys, tmp_path):  # noqa: F811
    from questionbank.cli import main

    snaps, tokens = _sit(engine, shipped, {"A": {}}, form_id="cli")
    challenges.file_challenge(engine, tokens["A"], 1, "答案有兩個", now=START + DAY)
    monkeypatch.setenv("QBANK_DATABASE_URL", database_url)
    assert main(["challenges", "list", "cli"]) == 0
    out = capsys.readouterr()
    assert snaps[0]["id"] in out.out and "[open]" in out.out and "答案有兩個" in out.out
    assert main(["challenges", "rule", "cli", snaps[0]["id"], "--kind", "void-credit", "--reason", "題意不清", "--by", "考官甲"]) == 0
    assert main(["rescore", "cli"]) == 0
    out = capsys.readouterr()
    assert "\nA\t0 -> 1\tfail -> fail\trevision 2" in out.out and "1 result(s) changed" in out.err
    assert main(["challenges", "rule", "cli", snaps[0]["id"], "--kind", "add-key", "--reason", "x", "--by", "y"]) == 1
    assert "[ruling-invalid]" in capsys.readouterr().err
    ratings = tmp_path / "r.csv"
    ratings.write_text("panelist,item_id,rating\np1,a,0.5\np1,b,40\np2,a,0.7\np2,b,0.6\n", encoding="utf-8")
    assert main(["cut", "angoff", str(ratings)]) == 0
    assert '"cut_raw": 1.1' in capsys.readouterr().out


def test_a_cut_changes_only_through_a_decision_record_that_rescores(engine, shipped):  # noqa: F811
    _, tokens = _sit(engine, shipped, {"A": {n: list(s["keys"]) for n, s in enumerate(shipped[1][:6])}}, form_id="cut")
    from questionbank.delivery import results

    before = results.result(engine, tokens["A"])
    assert not before["passed"]  # 6 of 12 right at 70%
    record = challenges.set_cut(engine, "cut", "modified Angoff", {"cut_raw": 5.8, "standard_error": 0.3}, "考官甲", cut_raw=6.0, now=START + DAY)
    assert record["changed"] == 1 and record["flipped"] == 1
    after = results.result(engine, tokens["A"])
    assert after["passed"] and after["raw"] == before["raw"]
    (decision,) = challenges.cut_decisions(engine, "cut")
    assert decision["method"] == "modified Angoff" and decision["decided_by"] == "考官甲" and '"cut_percent": 70.0' in decision["previous"]
    with pytest.raises(RequestInvalid):
        challenges.set_cut(engine, "cut", "modified Angoff", {}, "考官甲", cut_raw=99.0)
    with pytest.raises(RequestInvalid):
        challenges.set_cut(engine, "cut", "guess", {}, "考官甲", cut_percent=50.0)


def test_cli_cut_apply(engine, shipped, database_url, monkeypatch, capsys, tmp_path):  # noqa: F811
    from questionbank.cli import main

    _sit(engine, shipped, {"A": {}}, form_id="cli-cut")
    monkeypatch.setenv("QBANK_DATABASE_URL", database_url)
    study = tmp_path / "study.json"
    study.write_text('{"cut_raw": 7.2}', encoding="utf-8")
    assert main(["cut", "apply", "cli-cut", "--method", "modified Angoff", "--raw", "7", "--numbers", str(study), "--by", "考官甲"]) == 0
    assert "0 pass/fail flipped" in capsys.readouterr().out
    (decision,) = challenges.cut_decisions(engine, "cli-cut")
    assert decision["cut_raw"] == 7.0 and decision["numbers"] == '{"cut_raw": 7.2}'
