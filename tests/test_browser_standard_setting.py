"""A modified-Angoff study in a real browser (playwright + Debian's chromium): two panelists rate
every item in round 1, see the panel's round-1 figures in round 2 and revise, and the owner
closes the rounds and applies the cut; the form's cut is then the recommended one.
Screenshots at 1400 and 390 px: tests/artifacts/screenshots/ux-standard-setting-*.png."""

from __future__ import annotations

import pytest

from questionbank.delivery import accounts, database, publishing
from questionbank.delivery import standard_setting as ss
from tests.test_browser import SHOTS, browser, server, wait_text  # noqa: F401  (browser is a fixture)
from tests.test_browser_ux import WIDTHS, _login, serious_violations, settled, shots
from tests.test_delivery import shipped  # noqa: F401  (a fixture)
from tests.test_standard_setting import OWNER, P1, P2, PASSWORD, _form

UNIT = "機率（0–1）"


def _rate(page, number: int, value: str, rated: int | None = None) -> None:
    """Type a rating and leave the box (Streamlit takes the value on Enter); wait for the save."""
    box = page.get_by_label(f"第 {number} 題的評分（{UNIT}）")
    box.fill(value)
    box.press("Enter")
    if rated is not None:
        wait_text(page, f"已評 {rated} / 4 題")
    settled(page)


def item_shots(page, locator, name: str) -> None:
    """Screenshots at both widths with ``locator`` scrolled into view (Streamlit scrolls inside
    its main container, so a full-page shot shows only the top)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        settled(page)
        locator.first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"ux-{name}-{label}.png"))
    page.set_viewport_size({"width": WIDTHS["wide"], "height": 900})
    settled(page)


def test_two_panelists_rate_two_rounds_and_the_owner_applies_the_cut(browser, shipped, tmp_path):  # noqa: F811
    url = f"sqlite:///{tmp_path / 'var' / 'qbank.sqlite3'}"
    engine = database.connect(url)
    ids = [s["id"] for s in _form(engine, shipped)]
    for name in (OWNER, P1, P2):
        accounts.add_examiner(engine, name, PASSWORD)
    study = ss.open_study(engine, "ss", OWNER)
    ss.invite(engine, study, OWNER, [P1, P2])
    ss.judge(engine, study, P1, P1, 40, 80, 20, 60)
    ss.judge(engine, study, OWNER, P2, 40, 80, 40, 80)
    with server(url, tmp_path) as base:
        panel = {}
        for name, ratings in ((P1, ["0.5", "0.4", "0.9", "0.3"]), (P2, ["0.6", "0.5", "0.8", "0.4"])):
            page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-TW").new_page()
            _login(page, base, name, "standard_setting")
            wait_text(page, "已評 0 / 4 題")
            if name == P1:  # out of range: refused beside the item, which it names
                _rate(page, 3, "1.2")
                wait_text(page, f"第 3 題（{ids[2]}）：評分超出範圍")
            for number, value in enumerate(ratings, start=1):
                _rate(page, number, value, rated=number)
            panel[name] = page
        assert ss.ratings_of(engine, study, P2, 1) == dict(zip(ids, [0.6, 0.5, 0.8, 0.4], strict=True))

        owner = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-TW").new_page()
        _login(owner, base, OWNER, "standard_setting")
        owner.get_by_role("tab", name="研究管理與結果").click()
        owner.get_by_role("button", name="結束第 1 輪並開始第 2 輪").click()
        wait_text(owner, "第 1 輪結果")
        settled(owner)

        # round 2: the panel's round-1 cut (means 0.55, 0.45, 0.85, 0.35: 2.2 of 4) and its impact
        first = panel[P1]
        first.reload()
        wait_text(first, "第 1 輪小組建議及格分數")
        wait_text(first, "2.20 / 4")
        settled(first)
        shots(first, "standard-setting-round-2")
        assert serious_violations(first) == []
        _rate(first, 3, "0.7")  # 評審一's own cut falls to 0.5 + 0.4 + 0.7 + 0.3 = 1.9
        wait_text(first, "1.90")
        item_shots(first, first.get_by_label(f"第 3 題的評分（{UNIT}）"), "standard-setting-item")

        # Hofstee: means k 40 to 80, f 30 to 70; scores 100, 75, 50, 25 -> the line meets F at 60%
        owner.reload()
        owner.get_by_role("tab", name="Hofstee 判斷").click()
        wait_text(owner, "Hofstee 結果")
        wait_text(owner, "60%")
        item_shots(owner, owner.get_by_text("Hofstee 及格分數"), "standard-setting-hofstee")
        owner.get_by_role("tab", name="研究管理與結果").click()
        owner.get_by_role("button", name="結束研究").click()
        # round 2 by hand: own cuts 1.9 and 2.3 -> 2.1 of 4, SE = 0.2828 / sqrt(2) = 0.20
        wait_text(owner, "修正式 Angoff 建議及格分數")
        wait_text(owner, "2.10 / 4")
        owner.get_by_role("button", name="套用 Angoff 及格分數").click()
        wait_text(owner, "已套用及格標準 2.1 分")
        settled(owner)
        shots(owner, "standard-setting-applied")
        assert serious_violations(owner) == []

    recommended = ss.round_cut(engine, study, 2).result.cut_raw
    form, _ = publishing.load_form(engine, "ss")
    assert recommended == pytest.approx(2.1) and form["rules"].cut_raw == pytest.approx(recommended)
    engine.dispose()
