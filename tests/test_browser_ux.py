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
