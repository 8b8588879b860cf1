"""The Streamlit app, driven by AppTest: every page's main flow and each security rule."""

from __future__ import annotations

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from questionbank.checks.runner import validate_bank
from questionbank.delivery import accounts, attempts, database, publishing
from questionbank.scoring import Rules
from questionbank.snapshots import snapshot
from tests.conftest import ROOT

APP = str(ROOT / "exam_app" / "app.py")


@pytest.fixture(scope="module")
def bank():
    _, loaded = validate_bank([ROOT / "standards", ROOT / "items"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    return loaded


BAS_LENGTH = yaml.safe_load((ROOT / "blueprints" / "BAS2421-002v4.yaml").read_text(encoding="utf-8"))["length"]


def app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    """Everything the page shows as text (what would reach the browser)."""
    parts = []
    for kind in ("markdown", "caption", "title", "subheader", "info", "warning", "error", "success", "metric", "expander"):
        for element in getattr(at, kind):
            parts.append(str(getattr(element, "value", "")) + str(getattr(element, "label", "")))
    for radio in at.radio:
        parts.extend(str(o) for o in radio.options)
    for box in at.checkbox:
        parts.append(box.label)
    return "\n".join(parts)


def answer_current(at: AppTest, choice: int = 0) -> None:
    radios = [r for r in at.radio if r.key != "font_size"]  # the sidebar's text-size control is a radio too
    if radios:
        radios[0].set_value(radios[0].options[choice]).run()
    else:
        [box for box in at.checkbox if not box.key.endswith("-flag")][choice].check().run()


def test_practice_exam_saves_resumes_confirms_and_reviews(db_url, bank):
    at = app()
    assert not at.exception
    at.selectbox(key="standard").set_value("BAS2421-002v4").run()
    at.button(key="start_practice").click().run()
    token, me = at.query_params["token"], at.query_params["me"]
    assert "第 1 題" in texts(at)
    answer_current(at)
    at.button(key="next").click().run()
    answer_current(at, 1)
    at.checkbox(key=f"{token}-1-flag").check().run()
    engine = database.connect(db_url)
    saved = attempts.state(engine, token)
    assert [bool(q.answer) for q in saved.questions[:3]] == [True, True, False] and saved.flagged == [1]
    # reload: a fresh session with only the URL
    again = app(token=token, me=me)
    assert "第 2 題" in texts(again)
    assert again.checkbox(key=f"{token}-1-flag").value is True
    again.button(key="submit").click().run()
    warning = again.warning[0].value
    assert "未作答：第 3、4、5" in warning and "標記待檢查：第 2 題" in warning
    again.button(key="confirm").click().run()
    assert "測驗成績" in texts(again) and "題目檢討" in texts(again)
    assert again.get("download_button")  # the PDF score report
    assert len(again.expander) == BAS_LENGTH
    assert attempts.state(engine, token).submitted_by == "candidate"
    engine.dispose()


def test_official_exam_never_shows_keys_or_rationales(db_url, bank):
    engine = database.connect(db_url)
    standard = bank.standards["KMC3332-002v1"]
    items = [i for _, i in bank.items if i.standard == standard.id and i.status == "active"][:6]
    snaps = [snapshot(i, standard) for i in items]
    publishing.publish(engine, "official-1", snaps, Rules(), kind="official", standard=standard, title="正式", time_limit_minutes=30)
    (code,) = publishing.issue_access_codes(engine, "official-1", ["K001"])
    at = app()
    # the official exam is on the home page (an expander) as one form: nothing is sent before 開始正式考試
    at.text_input(key="access_code").input("WRONGCODE")
    at.text_input(key="candidate_id").input("K001")
    at.button(key="start_official").click().run()
    assert "准考碼或考生編號不正確" in texts(at)
    at.text_input(key="access_code").input(code)
    at.text_input(key="candidate_id").input("K001")
    at.button(key="start_official").click().run()
    token = at.query_params["token"]
    for _ in range(6):
        shown = texts(at)
        assert not any(s["rationale"][:20] in shown for s in snaps)
        answer_current(at)
        if at.button(key="next").disabled:
            break
        at.button(key="next").click().run()
    at.button(key="submit").click().run()
    at.button(key="confirm").click().run()
    result = texts(at)
    assert "測驗成績" in result and "題目檢討" not in result
    assert not any(s["rationale"][:20] in result for s in snaps)
    assert attempts.state(engine, token).submitted
    engine.dispose()


def test_hall_link_shows_the_official_start_alone_and_starts(db_url, bank):
    standard = bank.standards["KMC3332-002v1"]
    items = [i for _, i in bank.items if i.standard == standard.id and i.status == "active"][:3]
    engine = database.connect(db_url)
    publishing.publish(
        engine, "hall-1", [snapshot(i, standard) for i in items], Rules(), kind="official", standard=standard, title="正式", time_limit_minutes=30
    )
    (code,) = publishing.issue_access_codes(engine, "hall-1", ["H001"])
    at = app(mode="official")
    # no practice section, no personal code, no page list: only the form (and the way to practice)
    assert [t.key for t in at.text_input] == ["access_code", "candidate_id"]
    assert not at.selectbox and not at.expander and "me" not in at.query_params
    assert [r.key for r in at.radio] == ["font_size"]
    assert "練習" not in "".join(s.value for s in at.subheader)
    at.text_input(key="access_code").input(code.lower())
    at.text_input(key="candidate_id").input("H001")
    at.button(key="start_official").click().run()
    token = at.query_params["token"]
    assert attempts.state(engine, token).candidate_id == "H001"
    assert at.button(key="next") is not None
    engine.dispose()


@pytest.mark.parametrize("page", ["views/bank.py", "views/blueprints.py", "views/cohort.py", "views/standard_setting.py"])
def test_examiner_pages_refuse_without_login(db_url, page):
    at = app()
    at.switch_page(page).run()
    assert "此頁僅限考官使用" in texts(at)
    assert not at.dataframe and not at.text_area and len(at.button) == 0 and len(at.selectbox) == 0


def login(at: AppTest, name: str, password: str) -> AppTest:
    at.switch_page("views/login.py").run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


def test_login_is_rate_limited(db_url):
    engine = database.connect(db_url)
    accounts.add_examiner(engine, "考官甲", "right password 123")
    at = app()
    for _ in range(accounts.MAX_FAILURES):
        login(at, "考官甲", "wrong")
        assert "帳號或密碼錯誤" in texts(at)
    login(at, "考官甲", "right password 123")
    assert "登入失敗次數過多" in texts(at) and "examiner" not in at.session_state
    engine.dispose()


def test_examiner_flow_bank_blueprint_publish_codes_and_results(db_url, bank):
    engine = database.connect(db_url)
    accounts.add_examiner(engine, "考官乙", "right password 123")
    at = login(app(), "考官乙", "right password 123")
    assert at.session_state["examiner"] == "考官乙"
    at.switch_page("views/bank.py").run()
    at.selectbox(key="bank_standard").set_value("KMC2432-001v2").run()
    active = sum(1 for _, i in bank.items if i.standard == "KMC2432-001v2" and i.status == "active")
    assert not at.exception and f"有效試題 {active} 題" in texts(at)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    at.switch_page("views/blueprints.py").run()
    at.selectbox(key="bp_standard").set_value("KMC2432-001v2").run()
    assert "可行" in texts(at)
    editor = at.text_area(key="bp_text_KMC2432-001v2_0")
    shipped_length = next(line for line in editor.value.splitlines() if line.startswith("length:"))
    editor.input(editor.value.replace(shipped_length, "length: 300")).run()
    assert "無法組卷" in texts(at) and at.button(key="assemble").disabled
    frame = at.dataframe[0].value
    assert "blueprint-duty-short" in set(frame["代碼"]) and frame["行"].min() > 1
    editor.input(editor.value.replace("length: 300", shipped_length)).run()
    at.button(key="assemble").click().run()
    forms = at.session_state["assembled"]
    assert len(forms) == 2
    # nothing was saved by checking or assembling
    assert at.selectbox(key="bp_version_KMC2432-001v2").options == ["預設藍圖"]
    # the examiner reads the questions, with keys, before publishing
    at.toggle(key=f"preview-{forms[0]['form_id']}").set_value(True).run()
    shown = "\n".join(t.value for t in at.text)
    assert shown.count("答案：") == forms[0]["length"]
    at.button(key=f"publish-{forms[0]['form_id']}").click().run()
    assert "已發布試卷" in texts(at)
    at.run()
    assert f"publish-{forms[0]['form_id']}" not in [b.key for b in at.button] and "這份試卷已發布" in texts(at)
    at.text_area(key="codes_candidates").input("T01\nT02").run()
    at.button(key="issue_codes").click().run()
    table = at.dataframe[-1].value
    assert sorted(table["考生編號"]) == ["T01", "T02"] and set(table["狀態"]) == {"未使用"}
    code_of = dict(zip(table["考生編號"], table["准考碼"], strict=True))
    token = attempts.start_official(engine, code_of["T01"], "T01")
    attempts.save_answer(engine, token, 0, "A")
    # a rerun (here: the page again) still lists the codes, now with T01's status
    at.run()
    table = at.dataframe[-1].value
    assert dict(zip(table["考生編號"], table["狀態"], strict=True)) == {"T01": "作答中", "T02": "未使用"}
    attempts.submit(engine, token)
    at.switch_page("views/cohort.py").run()
    assert "交卷人數" in texts(at) and not at.exception
    engine.dispose()


def test_a_candidate_sees_only_their_own_history(db_url, bank):
    at = app()
    at.selectbox(key="standard").set_value("KMC3332-002v1").run()
    at.button(key="start_practice").click().run()
    token, me = at.query_params["token"], at.query_params["me"]
    engine = database.connect(db_url)
    attempts.submit(engine, token)
    mine = app(me=me)
    mine.selectbox(key="standard").set_value("KMC3332-002v1").run()
    mine.radio(key="mode").set_value("weakest").run()
    assert "最弱的職責" in texts(mine)
    other = app(me="someone-else")
    other.selectbox(key="standard").set_value("KMC3332-002v1").run()
    other.radio(key="mode").set_value("weakest").run()
    assert "還沒有這個職能基準的作答紀錄" in texts(other)
    engine.dispose()


def test_an_unexpected_failure_shows_chinese_words_and_no_traceback(db_url, monkeypatch):
    monkeypatch.setenv("QBANK_DEBUG", "0")
    from questionbank.delivery import results

    def broken(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM attempts")

    monkeypatch.setattr(results, "attempts_of", broken)
    at = app()
    shown = texts(at)
    assert not at.exception
    assert "系統發生非預期的錯誤" in shown and "SELECT" not in shown and "RuntimeError" not in shown


def test_a_default_blueprint_with_a_raw_cut_shows_it_in_words(db_url, tmp_path, monkeypatch):
    folder = tmp_path / "bps"
    folder.mkdir()
    for source in (ROOT / "blueprints").glob("*.yaml"):
        (folder / source.name).write_text(source.read_text(encoding="utf-8").replace("cut_score: {percent: 70}", "cut_score: {raw: 28}"), encoding="utf-8")
    monkeypatch.setenv("QBANK_BLUEPRINTS", str(folder))
    at = app()
    assert not at.exception
    assert "28 分及格" in texts(at)


def test_the_blueprint_of_record_changes_only_by_a_deliberate_step(db_url, bank):
    engine = database.connect(db_url)
    accounts.add_examiner(engine, "考官丙", "right password 123")
    at = login(app(), "考官丙", "right password 123")
    at.switch_page("views/blueprints.py").run()
    at.selectbox(key="bp_standard").set_value("KMC3332-002v1").run()
    assert "出廠藍圖" in texts(at)
    editor = at.text_area(key="bp_text_KMC3332-002v1_0")
    shipped_length = next(line for line in editor.value.splitlines() if line.startswith("length:"))
    editor.input(editor.value.replace(shipped_length, "length: 18")).run()
    at.button(key="save_draft").click().run()
    assert "已儲存草稿" in texts(at)
    from questionbank.delivery import drafts

    (draft,) = drafts.drafts(engine, "KMC3332-002v1")
    draft_id = draft.id
    assert draft.saved_by == "考官丙" and "length: 18" in draft.text
    # saving does not change what candidates get
    home = app()
    home.selectbox(key="standard").set_value("KMC3332-002v1").run()
    assert f"共 {shipped_length.split()[1]} 題" in texts(home)
    at.selectbox(key="bp_version_KMC3332-002v1").set_value(draft_id).run()
    at.button(key="make_default").click().run()
    home = app()
    home.selectbox(key="standard").set_value("KMC3332-002v1").run()
    assert "共 18 題" in texts(home)
    at.button(key="reset_default").click().run()
    home = app()
    home.selectbox(key="standard").set_value("KMC3332-002v1").run()
    assert f"共 {shipped_length.split()[1]} 題" in texts(home)
    engine.dispose()


def test_the_analysis_page_shows_items_flags_and_duty_verdicts(db_url, bank):
    engine = database.connect(db_url)
    accounts.add_examiner(engine, "考官戊", "right password 123")
    standard = bank.standards["KMC3332-002v1"]
    items = sorted((i for _, i in bank.items if i.standard == standard.id and i.status == "active" and i.type == "single"), key=lambda i: i.id)[:8]
    publishing.publish(engine, "an-1", [snapshot(i, standard) for i in items], Rules(), kind="official", standard=standard, title="分析用")
    codes = publishing.issue_access_codes(engine, "an-1", [f"C{n}" for n in range(6)])
    for n, code in enumerate(codes):
        token = attempts.start_official(engine, code, f"C{n}")
        for position in range(n + 1):  # candidate n answers its first n + 1 questions with the first option shown
            attempts.save_answer(engine, token, position, "A")
        attempts.submit(engine, token)
    at = login(app(), "考官戊", "right password 123")
    at.switch_page("views/analysis.py").run()
    assert not at.exception
    shown = texts(at)
    assert "交卷人數" in shown and "信度（α）" in shown and "職責分數是否值得報告" in shown
    table = at.dataframe[0].value
    assert len(table) == 8 and set(table["試題"]) == {i.id for i in items}
    engine.dispose()


def test_a_writer_never_sees_their_own_item_to_review_or_activate(db_url, tmp_path, monkeypatch):
    import shutil

    from questionbank.delivery import authoring

    items = tmp_path / "items"
    shutil.copytree(ROOT / "items" / "KMC3332-002v1", items / "KMC3332-002v1")
    monkeypatch.setenv("QBANK_ITEMS", str(items))
    engine = database.connect(db_url)
    accounts.add_examiner(engine, "雙角色", "right password 123", roles=("writer", "reviewer"))
    _, bank = validate_bank([ROOT / "standards"], standards_dir=ROOT / "standards", items_dir=items)
    record = {
        "id": "KMC3332-002v1-T1.1-91",
        "standard": "KMC3332-002v1",
        "task": "T1.1",
        "competencies": ["K01"],
        "type": "true_false",
        "stem": "蒐集活動專案資訊前，應先確認資訊需求。",
        "answer": True,
        "rationale": "正確：先確認需求才知道要蒐集什麼（P1.1.1）。",
    }
    item = authoring.submit(engine, items, authoring.save_item(engine, items, bank.standards, record, "雙角色"), "雙角色")
    at = login(app(), "雙角色", "right password 123")
    at.switch_page("views/review.py").run()
    assert not at.exception
    queue = at.selectbox(key="review_item").options if at.selectbox else []
    assert not any(item.id in str(option) for option in queue)
    assert "activate" not in [b.key for b in at.button]
    engine.dispose()


def test_the_blueprint_editor_explains_with_repairs_and_the_bank_page_plans_writing(db_url, bank):
    engine = database.connect(db_url)
    accounts.add_examiner(engine, "考官己", "right password 123")
    at = login(app(), "考官己", "right password 123")
    at.switch_page("views/blueprints.py").run()
    at.selectbox(key="bp_standard").set_value("KMC3332-002v1").run()
    editor = at.text_area(key="bp_text_KMC3332-002v1_0")
    shipped_length = next(line for line in editor.value.splitlines() if line.startswith("length:"))
    # 23.5294% of 12 items gives T2 three items (2.82 rounds up by the largest remainder), but
    # its 4 tasks need one each: plain arithmetic, caught before any solver runs
    editor.input(editor.value.replace(shipped_length, "length: 12")).run()
    assert "無法組卷" in texts(at) and at.button(key="assemble").disabled
    problems = at.dataframe[0].value
    t2_line = editor.value.splitlines().index("  T2: {percent: 23.5294}") + 1
    assert ("blueprint-duty-below-tasks", t2_line) in set(zip(problems["代碼"], problems["行"], strict=True))
    shown = texts(at)
    assert f"第 {t2_line} 行：職責 T2：需要 4 題，藍圖只給 3 題（差 1 題）" in shown
    assert f"第 {t2_line} 行：將 T2 提高到至少 4 題（12 題的 33.4%）" in shown
    assert "task_minimum 設為 0" in shown
    editor.input(editor.value.replace("length: 12", shipped_length)).run()
    assert "可行：已找到" in texts(at)
    # the writing plan: 6 disjoint forms need 6 × 25 = 150 distinct items, more than the bank has
    at.switch_page("views/bank.py").run()
    at.selectbox(key="bank_standard").set_value("KMC3332-002v1").run()
    at.number_input(key="plan_forms").set_value(6).run()
    at.number_input(key="plan_overlap").set_value(0).run()
    plan = at.dataframe[0].value
    total = plan[plan["範圍"] == "全部"].iloc[0]
    active = sum(1 for _, i in bank.items if i.standard == "KMC3332-002v1" and i.status == "active")
    assert (total["需要"], total["現有"], total["需再撰寫"]) == (150, active, max(150 - active, 0))
    engine.dispose()
