"""The screens as people meet them, in a real browser (playwright + Debian's chromium): the
navigator, review letters, personal codes, wide and phone widths, and an axe-core check of
every main screen (no serious or critical violation). Screenshots: tests/artifacts/screenshots/."""

from __future__ import annotations

from questionbank.delivery import accounts, database
from tests.test_browser import SHOTS, browser, server, start_practice, wait_text  # noqa: F401  (browser is a fixture)

WIDTHS = {"wide": 1400, "phone": 390}


def settled(page) -> None:
    """Wait until Streamlit has finished the run (its running indicator is gone)."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(300)


def shots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        settled(page)
        page.screenshot(path=str(SHOTS / f"ux-{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS["wide"], "height": 900})
    settled(page)


def serious_violations(page) -> list[tuple[str, str, int]]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [(v["id"], v["impact"], len(v["nodes"])) for v in result.response["violations"] if v["impact"] in ("serious", "critical")]


def test_candidate_screens_numbers_letters_personal_code_and_accessibility(browser, tmp_path):  # noqa: F811
    url = f"sqlite:///{tmp_path / 'var' / 'qbank.sqlite3'}"
    with server(url, tmp_path) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-TW")
        page = context.new_page()
        page.goto(base)
        page.get_by_role("button", name="開始練習").wait_for(timeout=60_000)
        settled(page)
        code = page.evaluate("() => new URLSearchParams(location.search).get('me')")
        assert code and len(code) == 9 and code[4] == "-"
        shots(page, "home")
        assert serious_violations(page) == []

        token = start_practice(page, base)  # a fresh visit: a new personal code
        settled(page)
        code = page.evaluate("() => new URLSearchParams(location.search).get('me')")
        # the navigator shows every question number, with both marks
        main = page.locator("[data-testid='stMain']")
        radios = main.get_by_role("radio")
        if not radios.count():  # a multiple-response first question: tick its first box
            main.get_by_role("checkbox").first.check(force=True)
        else:
            radios.first.check(force=True)
        wait_text(page, "已作答 1 /")
        page.get_by_text("⚑ 標記待檢查").click()
        settled(page)
        sidebar = page.locator("section[data-testid='stSidebar']")
        assert sidebar.get_by_role("button", name="1✓⚑", exact=True).is_visible()
        assert sidebar.get_by_role("button", name="2·", exact=True).is_visible()
        first_seen = main.get_by_text("(A)").first.inner_text()
        shots(page, "exam")
        assert serious_violations(page) == []
        # keyboard: the submit button is reachable with Tab
        page.keyboard.press("Tab")
        focusable = page.evaluate("() => [...document.querySelectorAll('button')].filter(b => b.tabIndex >= 0).map(b => b.innerText)")
        assert any("交卷" in text for text in focusable)

        page.get_by_role("button", name="交卷").click()
        wait_text(page, "確定要交卷嗎")
        page.get_by_role("button", name="確認交卷").click()
        wait_text(page, "題目檢討")
        settled(page)
        shots(page, "results")
        assert serious_violations(page) == []
        # the review speaks in the letters the candidate saw
        page.get_by_text("第 1 題").first.click()
        settled(page)
        assert first_seen.startswith("(A)")
        wait_text(page, "你的答案：A")

        # another device: the personal code brings the history back
        other = browser.new_context(viewport={"width": 390, "height": 900}, locale="zh-TW").new_page()
        other.goto(base)
        other.get_by_role("button", name="開始練習").wait_for(timeout=60_000)
        other.get_by_text("您的個人代碼").first.click()
        other.get_by_label("輸入個人代碼").fill(code.lower().replace("-", " "))
        other.get_by_role("button", name="使用這個代碼").click()
        other.wait_for_function(f"() => new URLSearchParams(location.search).get('me') === '{code}'")
        settled(other)
        other.get_by_text("弱項加強練習").click()
        settled(other)
        wait_text(other, "最弱的職責")
        assert token


def test_examiner_screens_pass_the_accessibility_check(browser, tmp_path):  # noqa: F811
    url = f"sqlite:///{tmp_path / 'var' / 'qbank.sqlite3'}"
    engine = database.connect(url)
    accounts.add_examiner(engine, "考官甲", "right password 123")
    engine.dispose()
    with server(url, tmp_path) as base:
        page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-TW").new_page()
        page.goto(f"{base}/login")
        page.get_by_label("帳號").fill("考官甲")
        page.get_by_label("密碼").fill("right password 123")
        page.get_by_role("button", name="登入").click()
        wait_text(page, "已登入")
        settled(page)
        shots(page, "login")
        assert serious_violations(page) == []
        for path, text, name in (("bank", "題庫總覽", "bank"), ("blueprints", "藍圖與組卷", "blueprints"), ("cohort", "成績統計", "cohort")):
            page.get_by_role("link", name=text).click()
            wait_text(page, text)
            settled(page)
            shots(page, name)
            assert serious_violations(page) == [], path


def test_an_examiner_login_survives_a_reload_returns_to_the_page_and_logs_out(browser, tmp_path):  # noqa: F811
    url = f"sqlite:///{tmp_path / 'var' / 'qbank.sqlite3'}"
    engine = database.connect(url)
    accounts.add_examiner(engine, "考官乙", "right password 123")
    engine.dispose()
    with server(url, tmp_path) as base:
        page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-TW").new_page()
        page.goto(f"{base}/bank")
        wait_text(page, "此頁僅限考官使用")
        page.get_by_role("link", name="前往考官登入").click()
        page.get_by_label("帳號").fill("考官乙")
        page.get_by_label("密碼").fill("right password 123")
        page.get_by_role("button", name="登入").click()
        wait_text(page, "驗證問題")  # back on the bank page asked for
        settled(page)
        page.reload()
        wait_text(page, "驗證問題")  # still logged in after a reload
        assert page.get_by_text("此頁僅限考官使用").count() == 0
        page.goto(f"{base}/login")
        wait_text(page, "已登入")
        page.get_by_role("button", name="登出").click()
        wait_text(page, "帳號")
        settled(page)
        page.goto(f"{base}/bank")
        wait_text(page, "此頁僅限考官使用")


def test_a_challenge_upheld_changes_the_candidates_result(browser, tmp_path):  # noqa: F811
    """A candidate files a challenge on an official exam, an examiner gives everyone the point
    and rescores, and the candidate sees the new result."""
    from questionbank.checks.runner import load_bank
    from questionbank.delivery import attempts, publishing
    from questionbank.scoring import Rules
    from questionbank.snapshots import snapshot
    from tests.conftest import ROOT

    url = f"sqlite:///{tmp_path / 'var' / 'qbank.sqlite3'}"
    engine = database.connect(url)
    accounts.add_examiner(engine, "考官丁", "right password 123")
    _, bank = load_bank(ROOT / "standards", ROOT / "items")
    standard = bank.standards["KMC3332-002v1"]
    items = sorted((i for _, i in bank.items if i.standard == standard.id and i.status == "active" and i.type == "single"), key=lambda i: i.id)[:5]
    publishing.publish(engine, "hall-1", [snapshot(i, standard) for i in items], Rules(60.0), kind="official", standard=standard, title="活動專案人員 正式考試")
    (code,) = publishing.issue_access_codes(engine, "hall-1", ["S001"])
    token = attempts.start_official(engine, code, "S001")
    attempts.submit(engine, token)  # nothing answered: 0 of 5
    engine.dispose()
    with server(url, tmp_path) as base:
        page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-TW").new_page()
        page.goto(f"{base}/results?token={token}")
        wait_text(page, "試題疑義")
        page.get_by_label("理由").fill("第 1 題兩個選項都對")
        page.get_by_role("button", name="提出試題疑義").click()
        wait_text(page, "審理中")
        settled(page)
        shots(page, "challenge-filed")
        assert serious_violations(page) == []

        examiner = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-TW").new_page()
        examiner.goto(f"{base}/login")
        examiner.get_by_label("帳號").fill("考官丁")
        examiner.get_by_label("密碼").fill("right password 123")
        examiner.get_by_role("button", name="登入").click()
        wait_text(examiner, "已登入")
        examiner.get_by_role("link", name="試題疑義").click()
        wait_text(examiner, "第 1 題兩個選項都對")
        settled(examiner)
        examiner.get_by_label("裁定", exact=True).click()
        examiner.get_by_role("option", name="全部給分").click()
        examiner.get_by_label("裁定理由").fill("題意不夠明確，全部給分")
        examiner.get_by_role("button", name="記錄裁定").click()
        wait_text(examiner, "已記錄裁定")
        examiner.get_by_role("button", name="重新計分").click()
        wait_text(examiner, "1 位考生的成績改變")
        settled(examiner)
        shots(examiner, "challenge-ruled")
        assert serious_violations(examiner) == []

        page.reload()
        wait_text(page, "成績已依試題疑義的裁定重新計算")
        wait_text(page, "全部給分")
        assert page.get_by_text("1 / 5").count() >= 1
