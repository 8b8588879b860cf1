"""The standard-setting page (標準設定), driven by AppTest: an owner opens a study and invites two
panelists; they rate in round 1 (one in probabilities, one in percent), see the panel's spread,
p-values and impact in round 2 and revise; the owner closes the study and applies the cut."""

from __future__ import annotations

import pytest

from questionbank.delivery import accounts, database, publishing
from questionbank.delivery import standard_setting as ss
from questionbank.errors import QbankError
from tests.test_app import app, login, texts
from tests.test_delivery import shipped  # noqa: F401  (a fixture)
from tests.test_standard_setting import OWNER, P1, P2, PASSWORD, _form

PAGE = "views/standard_setting.py"


def page_as(name: str):
    at = login(app(), name, PASSWORD)
    return at.switch_page(PAGE).run()


def test_a_panel_rates_two_rounds_and_the_owner_applies_the_cut(db_url, shipped):  # noqa: F811
    engine = database.connect(db_url)
    ids = [s["id"] for s in _form(engine, shipped)]
    for name in (OWNER, P1, P2, "外人"):
        accounts.add_examiner(engine, name, PASSWORD)
    owner = page_as(OWNER)
    assert not owner.exception and "標準設定" in texts(owner)
    owner.selectbox(key="study_form").set_value("ss").run()
    owner.button(key="open_study").click().run()
    (study,) = ss.studies_for(engine, OWNER)
    owner.multiselect(key=f"invite-{study.id}").set_value([P1, P2]).run()
    owner.button(key=f"invite-button-{study.id}").click().run()
    assert ss.study(engine, study.id).panelists == tuple(sorted([P1, P2]))
    # someone not invited sees no study at all, and the library refuses their ratings
    stranger = page_as("外人")
    assert "沒有負責或受邀參加" in texts(stranger) and not stranger.number_input

    # 評審一 rates in probabilities; a rating above 1 is refused beside the item, by number and id
    first = page_as(P1)
    assert first.get("progress")[0].proto.text == "已評 0 / 4 題"
    for item, value in zip(ids, [0.5, 0.4, 1.2, 0.3], strict=True):
        first.number_input(key=f"rate-{study.id}-1-probability-{item}").set_value(value).run()
    shown = "\n".join(e.value for e in first.error)
    assert f"第 3 題（{ids[2]}）" in shown and "評分超出範圍" in shown
    assert ids[2] not in ss.ratings_of(engine, study.id, P1, 1)
    first.number_input(key=f"rate-{study.id}-1-probability-{ids[2]}").set_value(0.9).run()
    assert not first.error and ss.ratings_of(engine, study.id, P1, 1) == dict(zip(ids, [0.5, 0.4, 0.9, 0.3], strict=True))
    # a reload (a new session) shows every rating saved
    again = page_as(P1)
    assert [again.number_input(key=f"rate-{study.id}-1-probability-{i}").value for i in ids] == [0.5, 0.4, 0.9, 0.3]

    # 評審二 rates in percent: 60, 50, 80, 40 are stored as 0.6, 0.5, 0.8, 0.4
    second = page_as(P2)
    second.radio(key="rating_unit").set_value("percent").run()
    for item, value in zip(ids, [60.0, 50.0, 80.0, 40.0], strict=True):
        second.number_input(key=f"rate-{study.id}-1-percent-{item}").set_value(value).run()
    assert ss.ratings_of(engine, study.id, P2, 1) == pytest.approx(dict(zip(ids, [0.6, 0.5, 0.8, 0.4], strict=True)))
    # Hofstee: 評審一 gives their own judgements, the owner enters 評審二's
    first.number_input(key=f"k_min-{study.id}-{P1}").set_value(40.0)
    first.number_input(key=f"k_max-{study.id}-{P1}").set_value(80.0)
    first.number_input(key=f"f_min-{study.id}-{P1}").set_value(20.0)
    first.number_input(key=f"f_max-{study.id}-{P1}").set_value(60.0)
    first.button(key=f"FormSubmitter:judge-{study.id}-{P1}-儲存判斷").click().run()
    owner.run()
    owner.selectbox(key=f"judge-who-{study.id}").set_value(P2).run()
    for field, value in (("k_min", 40.0), ("k_max", 80.0), ("f_min", 40.0), ("f_max", 80.0)):
        owner.number_input(key=f"{field}-{study.id}-{P2}").set_value(value)
    owner.button(key=f"FormSubmitter:judge-{study.id}-{P2}-儲存判斷").click().run()
    assert {j["name"]: j["entered_by"] for j in ss.judgements(engine, study.id)} == {P1: P1, P2: OWNER}
    assert "Hofstee 結果" in texts(owner)

    # the owner sees everyone's progress, closes round 1, and round 2 opens
    (panel,) = [d.value for d in owner.dataframe if "第 1 輪已評" in d.value.columns]
    assert dict(zip(panel["評審"], panel["第 1 輪已評"], strict=True)) == {P1: "4 / 4", P2: "4 / 4"}
    owner.button(key=f"step-{study.id}").click().run()
    assert ss.study(engine, study.id).round == 2
    # round 1 by hand: item means 0.55, 0.45, 0.85, 0.35 -> 2.2 of 4; raw 4, 3, 2, 1 reach it: 50%
    first.run()
    seen = texts(first)
    assert "第 1 輪小組建議及格分數" in seen and "2.20 / 4" in seen and "50.0%" in seen
    captions = "\n".join(c.value for c in first.caption)
    assert "平均 0.85，標準差 0.07，最低 0.80，最高 0.90" in captions and "答對率 p：0.50" in captions
    # 評審一 lowers item 3 to 0.7 in round 2; round 1 stays
    first.number_input(key=f"rate-{study.id}-2-probability-{ids[2]}").set_value(0.7).run()
    assert ss.ratings_of(engine, study.id, P1, 1)[ids[2]] == 0.9 and ss.ratings_of(engine, study.id, P1, 2)[ids[2]] == 0.7

    owner.run()
    owner.button(key=f"step-{study.id}").click().run()
    assert ss.study(engine, study.id).closed
    # round 2 by hand: own cuts 1.9 and 2.3 -> cut 2.1 (52.5%), SE = sd(1.9, 2.3) / sqrt(2) = 0.2
    result = texts(owner)
    assert "修正式 Angoff 建議及格分數" in result and "2.10 / 4" in result and "±0.20" in result
    owner.button(key=f"apply-angoff-{study.id}").click().run()
    assert "已套用及格標準 2.1 分" in texts(owner)
    form, _ = publishing.load_form(engine, "ss")
    assert form["rules"].cut_raw == pytest.approx(2.1)
    # applied: the button is off (a second press would rescore for nothing), and the library refuses it too
    (decision,) = ss.decisions_of(engine, study.id)
    assert owner.button(key=f"apply-angoff-{study.id}").disabled
    assert f"即由本研究以此方法決定（決定 #{decision['id']}）" in texts(owner)
    with pytest.raises(QbankError) as again:
        ss.apply_angoff(engine, study.id, OWNER)
    assert again.value.problems[0].code == "cut-already-applied" and len(ss.decisions_of(engine, study.id)) == 1
    # a closed study: the panelist's inputs are disabled
    closed = page_as(P1)
    assert closed.number_input(key=f"rate-{study.id}-2-probability-{ids[0]}").disabled and "研究已結束" in texts(closed)
    engine.dispose()
