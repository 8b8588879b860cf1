"""Candidates: a personal code, attempts in progress, then a standard and a mode to start."""

import streamlit as st

from exam_app.common import choose_standard, current_standards, get_bank, get_engine, load_default_blueprint, show_error
from questionbank.delivery import attempts, practice, results
from questionbank.errors import QbankError
from questionbank.scoring import cut_label

st.title("會展職能題庫 · 線上測驗")
params = st.query_params
if params.get("token"):
    # a link (or a reload) that carries an attempt token goes straight back to that attempt
    st.switch_page("views/exam.py", query_params={"token": params["token"], "me": params.get("me", "")})


def go(token: str, me: str = "") -> None:
    st.switch_page("views/exam.py", query_params={"token": token, "me": me} if me else {"token": token})


def official_form() -> None:
    """准考碼, 考生編號 and 開始正式考試 as one form: nothing is sent while typing."""
    with st.form("official_start", enter_to_submit=True, border=False):
        code = st.text_input("准考碼", key="access_code")
        candidate = st.text_input("考生編號", key="candidate_id", max_chars=100)
        if st.form_submit_button("開始正式考試", key="start_official", type="primary"):
            try:
                go(attempts.start_official(get_engine(), code, candidate))
            except QbankError as error:
                show_error(error)


if params.get("mode") == "official":
    # The hall's link (/?mode=official): the official start alone. Hundreds of candidates open it
    # in the same minute, and the first run of this page is most of what each costs the server
    # before the start: no personal code, history, standards or blueprint here (docs/load-testing.md).
    st.subheader("參加正式考試")
    st.caption("請輸入監考人員發給您的准考碼與您的考生編號。")
    official_form()
    st.page_link("views/home.py", label="不是正式考試？前往練習", icon=":material/school:")
    st.stop()

# Practice history hangs on a personal code in the URL: no sign-up to try, and a code a person
# can write down to see the same history on another device or after losing the link.
me = practice.personal_code(params.get("me", "")) or practice.new_personal_code()
if params.get("me") != me:
    st.query_params["me"] = me

with st.expander(f"您的個人代碼：**{me}**（換裝置或網址遺失時，輸入代碼即可找回練習紀錄）"):
    typed = st.text_input("輸入個人代碼", key="personal_code", placeholder="例如 K7QF-9XMA")
    if st.button("使用這個代碼", key="use_code"):
        code = practice.personal_code(typed)
        if code is None:
            st.error("個人代碼是 8 個英文字母或數字（例如 K7QF-9XMA），請再確認一次。")
        else:
            st.query_params["me"] = code
            st.rerun()

history = results.attempts_of(get_engine(), me)
for open_attempt in practice.attempts_in_progress(history):
    st.page_link(
        "views/exam.py", label=f"繼續作答：{open_attempt['title']}", icon=":material/play_arrow:", query_params={"token": open_attempt["token"], "me": me}
    )

# The official exam, in a section that opens in the browser (no run); a hall's link shows it alone.
with st.expander("**參加正式考試**（請輸入監考人員發給您的准考碼）"):
    official_form()

st.subheader("練習")
standards = current_standards()
chosen = params.get("std") if params.get("std") in standards else None
standard = choose_standard("standard", default=chosen)
standard_id = standard.id
if params.get("std") != standard_id:
    st.query_params["std"] = standard_id
modes = {"default": "模擬測驗（預設藍圖）", "duties": "指定職責練習", "weakest": "弱項加強練習（依歷次作答）"}
mode = st.radio("練習模式", list(modes), format_func=modes.get, key="mode")

blueprint, problems = load_default_blueprint(standard_id)
if blueprint is None:
    st.error("這個職能基準還沒有可用的預設藍圖，請通知考官。")
    st.stop()
duty_names = {d.code: f"{d.code} {d.name}" for d in standard.duties if d.code in blueprint.duty_ranges}
duties = None
length = None
if mode == "duties":
    duties = st.multiselect("練習的職責", list(duty_names), format_func=duty_names.get, key="duties", placeholder="請選擇一個或多個職責")
    _, loaded = get_bank()
    available = practice.items_available(blueprint, standard, [item for _, item in loaded.items], duties)
    if duties:
        most = max(len(duties), available)
        length = st.number_input(f"題數（這些職責共有 {available} 題可用）", min_value=len(duties), max_value=most, value=min(10, most), key="length")
elif mode == "weakest":
    weakest = practice.weakest_duties(history, standard_id, list(duty_names))
    if not weakest:
        st.info("還沒有這個職能基準的作答紀錄；請先完成一次模擬測驗。")
        st.stop()
    duties = [d for d, _ in weakest]
    st.write("依歷次作答（近期較重）最弱的職責：" + "、".join(f"{duty_names[d]}（{p:.0f}%）" for d, p in weakest))
    length = 10
else:
    limit = f"限時 {blueprint.time_limit_minutes} 分鐘" if blueprint.time_limit_minutes else "不限時間"
    st.caption(f"共 {blueprint.length} 題，{limit}，{cut_label(blueprint.cut_percent, blueprint.cut_raw)}。")

if st.button("開始練習", key="start_practice", type="primary", disabled=mode == "duties" and not duties):
    _, loaded = get_bank()
    items = [item for _, item in loaded.items]
    try:
        token = practice.start_practice_from_blueprint(get_engine(), blueprint, standard, items, me, duties=duties, length=int(length) if length else None)
    except QbankError as error:
        show_error(error)
    else:
        go(token, me)
