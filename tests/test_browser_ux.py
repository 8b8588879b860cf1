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
    return [
        (v["id"], v["impact"], len(v["nodes"]), [n["html"][:160] for n in v["nodes"]][:3])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


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
        # one radio group (st.pills): the current question is the checked one
        navigator = sidebar.get_by_role("radiogroup", name="題號導覽", exact=False)
        assert navigator.get_by_role("radio", name="1✓⚑", exact=True).get_attribute("aria-checked") == "true"
        assert navigator.get_by_role("radio", name="2·", exact=True).is_visible()
        navigator.get_by_role("radio", name="2·", exact=True).click()
        wait_text(page, "第 2 題")
        navigator.get_by_role("radio", name="1✓⚑", exact=True).click()
        wait_text(page, "第 1 題")
        settled(page)
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


def _login(page, base: str, name: str, target: str) -> None:
    page.goto(f"{base}/login?next={target}")
    page.get_by_label("帳號").fill(name)
    page.get_by_label("密碼").fill("right password 123")
    page.get_by_role("button", name="登入").click()
    settled(page)


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box ``label`` (typing filters the list, as a person would)."""
    settled(page)
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(option[:6])
    page.get_by_role("option", name=option).first.click(timeout=15_000)
    settled(page)


def test_write_review_disagree_revise_review_activate_and_practise(browser, tmp_path):  # noqa: F811
    import shutil

    from questionbank.delivery import attempts
    from tests.conftest import ROOT

    items = tmp_path / "items"
    shutil.copytree(ROOT / "items", items)
    url = f"sqlite:///{tmp_path / 'var' / 'qbank.sqlite3'}"
    engine = database.connect(url)
    accounts.add_examiner(engine, "撰寫者", "right password 123", roles=("writer",))
    accounts.add_examiner(engine, "審題者一", "right password 123", roles=("reviewer",))
    accounts.add_examiner(engine, "審題者二", "right password 123", roles=("reviewer",))
    engine.dispose()
    stem = "某企業要舉辦年度客戶答謝活動，專案人員蒐集資訊前應先確認的是哪一件事？"
    with server(url, tmp_path, items=items) as base:
        writer = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW").new_page()
        _login(writer, base, "撰寫者", "write")
        wait_text(writer, "撰寫試題")
        _choose(writer, "職能基準", "活動專案人員")
        writer.get_by_label("知識、技能、態度（K/S/A）").click()
        writer.get_by_role("option", name="K01", exact=False).first.click()
        writer.keyboard.press("Escape")
        writer.get_by_label("題幹").fill(stem)
        for label, text in zip("ABCD", ["這次活動要達成的目標與邀請對象", "場地的音響設備品牌", "紀念品的包裝顏色", "接待人員的制服款式"], strict=True):
            writer.get_by_label(f"選項 {label}").fill(text)
        writer.get_by_label("解析（為什麼答案對、每個錯誤選項為什麼錯，並引用行為指標）").fill(
            "A 正確：先確認活動目標與對象，才能決定要蒐集哪些資訊（P1.1.1）。B 錯：屬執行細節。C 錯：屬執行細節。D 錯：與資訊需求無關。"
        )
        writer.get_by_label("解析（為什麼答案對、每個錯誤選項為什麼錯，並引用行為指標）").press("Tab")
        settled(writer)
        wait_text(writer, "格式與標記都正確")
        writer.get_by_role("button", name="儲存").click()
        wait_text(writer, "已儲存")
        shots(writer, "write")
        assert serious_violations(writer) == []
        item_id = writer.get_by_text("已儲存").first.inner_text().split("已儲存 ")[1].split("（")[0]
        _choose(writer, "試題", f"{item_id}（草稿）")
        writer.get_by_role("button", name="送交審查").click()
        wait_text(writer, "已送交審查")

        first = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW").new_page()
        _login(first, base, "審題者一", "review")
        wait_text(first, "先作答")
        _choose(first, "待審試題", f"{item_id}（第 1 版，撰寫者 撰寫者）")
        first.locator("[data-testid='stMain']").get_by_text("(B) 場地的音響設備品牌").click()
        first.get_by_role("button", name="送出盲答").click()
        wait_text(first, "答案：A")
        shots(first, "review")
        assert serious_violations(first) == []
        first.get_by_text("請撰寫者修改").click()
        first.get_by_label("意見（盲答與答案不同時，請說明如何解決）").fill("B 也可能是資訊需求，請把 B 改得更明顯是細節")
        first.get_by_role("button", name="送出審查").click()
        wait_text(first, "盲答與答案不同")

        writer.reload()
        wait_text(writer, "撰寫試題")
        _choose(writer, "職能基準", "活動專案人員")
        _choose(writer, "試題", f"{item_id}（審查中）")
        writer.get_by_label("選項 B").fill("舞台背板的印刷紙材")
        writer.get_by_label("選項 B").press("Tab")
        settled(writer)
        writer.get_by_role("button", name="儲存").click()
        wait_text(writer, "第 2 版")
        _choose(writer, "試題", f"{item_id}（草稿）")
        writer.get_by_role("button", name="送交審查").click()
        wait_text(writer, "已送交審查")

        second = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW").new_page()
        _login(second, base, "審題者二", "review")
        wait_text(second, "先作答")
        _choose(second, "待審試題", f"{item_id}（第 2 版，撰寫者 撰寫者）")
        second.locator("[data-testid='stMain']").get_by_text("(A) 這次活動要達成的目標與邀請對象").click()
        second.get_by_role("button", name="送出盲答").click()
        wait_text(second, "答案：A")
        second.get_by_text("核可").first.click()
        second.get_by_role("button", name="送出審查").click()
        wait_text(second, "盲答相符")
        second.get_by_role("button", name="啟用這一題").click()
        wait_text(second, "已啟用")

        candidate = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW").new_page()
        candidate.goto(base)
        candidate.get_by_role("button", name="開始練習").wait_for(timeout=60_000)
        _choose(candidate, "職能基準", "活動專案人員")
        candidate.get_by_text("指定職責練習").click()
        settled(candidate)
        _choose(candidate, "練習的職責", "T1 蒐集與分析活動專案資訊")
        candidate.keyboard.press("Escape")
        box = candidate.get_by_label("題數", exact=False)
        box.fill(box.get_attribute("max") or "40")
        box.press("Enter")
        settled(candidate)
        candidate.get_by_role("button", name="開始練習").click()
        wait_text(candidate, "第 1 題")
        token = candidate.evaluate("() => new URLSearchParams(location.search).get('token')")
        engine = database.connect(url)
        chosen = [q.item_id for q in attempts.state(engine, token).questions]
        engine.dispose()
        assert item_id in chosen


def test_examiner_drafts_preview_publish_and_codes_in_a_browser(browser, tmp_path):  # noqa: F811
    """Points 8–10 of the examiners' day in a real browser: a draft saved only on request and made
    the default deliberately, a preview with keys, publishing once, and codes that stay listed."""
    url = f"sqlite:///{tmp_path / 'var' / 'qbank.sqlite3'}"
    engine = database.connect(url)
    accounts.add_examiner(engine, "考官己", "right password 123")
    engine.dispose()
    with server(url, tmp_path) as base:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW").new_page()
        _login(page, base, "考官己", "blueprints")
        wait_text(page, "藍圖與組卷")
        _choose(page, "職能基準", "活動專案人員")
        wait_text(page, "出廠藍圖")
        page.get_by_role("button", name="組卷").click()
        wait_text(page, "逐題預覽")
        settled(page)
        assert page.get_by_text("草稿 #").count() == 0  # assembling saved nothing
        page.get_by_text("逐題預覽（含答案，僅考官可見）").first.click()
        wait_text(page, "答案：")
        page.get_by_role("button", name="發布為正式試卷（發布後不可修改）").first.click()
        wait_text(page, "已發布試卷")
        page.get_by_role("button", name="產生准考碼").click()
        wait_text(page, "組准考碼；下方清單隨時可再下載")
        page.reload()
        wait_text(page, "藍圖與組卷")  # still logged in
        _choose(page, "職能基準", "活動專案人員")
        # the codes are listed from the database after a reload (a data grid: its cells are in the DOM, drawn on a canvas)
        page.locator("td", has_text="未使用").first.wait_for(state="attached", timeout=30_000)
        assert page.locator("td", has_text="未使用").count() >= 1
        page.get_by_role("button", name="儲存草稿").click()
        wait_text(page, "已儲存草稿")
        settled(page)
        _choose(page, "載入到編輯器", "草稿 #1")
        page.get_by_role("button", name="設為預設藍圖").click()
        wait_text(page, "已成為預設藍圖")
        wait_text(page, "目前的預設藍圖：草稿 #1")
        page.get_by_role("button", name="還原為出廠藍圖").click()
        wait_text(page, "已還原為出廠藍圖")
        shots(page, "blueprints-flow")


def test_an_infeasible_blueprint_is_explained_with_repairs_and_the_bank_page_plans_writing(browser, tmp_path):  # noqa: F811
    """Issue 16 in a real browser: the editor says why a blueprint fails, by how much, and what to
    write instead (in Chinese, with the line); the bank page gives writers their plan."""
    url = f"sqlite:///{tmp_path / 'var' / 'qbank.sqlite3'}"
    engine = database.connect(url)
    accounts.add_examiner(engine, "考官庚", "right password 123")
    engine.dispose()
    with server(url, tmp_path) as base:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW").new_page()
        _login(page, base, "考官庚", "blueprints")
        wait_text(page, "藍圖與組卷")
        _choose(page, "職能基準", "活動專案人員")
        wait_text(page, "可行：已找到")
        editor = page.get_by_label("藍圖（YAML，格式見 docs/blueprint-format.md）")
        text = editor.input_value()
        length_line = next(line for line in text.splitlines() if line.startswith("length:"))
        editor.fill(text.replace(length_line, "length: 12"))
        editor.press("Control+Enter")
        wait_text(page, "無法組卷")
        wait_text(page, "建議修改")
        wait_text(page, "將 T2 提高到至少 4 題（12 題的 33.4%）")
        assert page.get_by_role("button", name="組卷").is_disabled()
        page.get_by_text("建議修改").first.scroll_into_view_if_needed()
        shots(page, "blueprint-repairs")
        assert serious_violations(page) == []
        page.get_by_role("link", name="題庫總覽").click()
        wait_text(page, "撰題計畫")
        _choose(page, "職能基準", "活動專案人員")
        wait_text(page, "所需的不同題目數")
        page.get_by_text("撰題計畫").first.scroll_into_view_if_needed()
        shots(page, "bank-plan")
