"""Candidates: choose a standard and a mode, then start (or resume) an attempt."""

import secrets

import streamlit as st

from exam_app.common import choose_standard, get_bank, get_engine, load_default_blueprint, show_error
from questionbank.delivery import attempts, practice, results
from questionbank.errors import QbankError
from questionbank.scoring import cut_label

st.title("會展職能題庫 · 線上測驗")
params = st.query_params
if params.get("token"):
    # a link (or a reload) that carries an attempt token goes straight back to that attempt
    st.switch_page("views/exam.py", query_params={"token": params["token"], "me": params.get("me", "")})

# A candidate's practice history is keyed by a random id kept in the URL, so only whoever holds
# the link sees it (no account needed for practice).
me = params.get("me") or secrets.token_urlsafe(12)
if params.get("me") != me:
    st.query_params["me"] = me

standard = choose_standard("standard")
standard_id = standard.id
modes = {"default": "模擬測驗（預設藍圖）", "duties": "指定職責練習", "weakest": "弱項加強練習（依歷次作答）", "official": "正式考試"}
mode = st.radio("模式", list(modes), format_func=modes.get, key="mode")


def go(token: str) -> None:
    st.switch_page("views/exam.py", query_params={"token": token, "me": me})


if mode == "official":
    code = st.text_input("准考碼", key="access_code")
    candidate = st.text_input("考生編號", key="candidate_id")
    if st.button("開始正式考試", key="start_official", type="primary"):
        try:
            go(attempts.start_official(get_engine(), code, candidate))
        except QbankError as error:
            show_error(error)
    st.stop()

blueprint, problems = load_default_blueprint(standard_id)
if blueprint is None:
    st.error("這個職能基準還沒有可用的預設藍圖，請通知考官。")
    st.stop()
duty_names = {d.code: f"{d.code} {d.name}" for d in standard.duties if d.code in blueprint.duty_ranges}
duties = None
length = None
if mode == "duties":
    duties = st.multiselect("練習的職責", list(duty_names), format_func=duty_names.get, key="duties")
    length = st.number_input("題數", min_value=len(duties) or 1, max_value=60, value=max(10, len(duties)), key="length")
elif mode == "weakest":
    weakest = practice.weakest_duties(results.attempts_of(get_engine(), me), standard_id, list(duty_names))
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
        go(token)
