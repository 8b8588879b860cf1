"""Examiner login (rate-limited in the library); the session survives a reload and expires when idle."""

import streamlit as st

from exam_app.common import EXAMINER_PAGES, client_id, current_examiner, get_engine, show_error
from questionbank.delivery import accounts
from questionbank.errors import QbankError

st.title("考官登入")
wanted = st.query_params.get("next", "")
name = current_examiner()
if name:
    st.success(f"已登入：{name}")
    if wanted in EXAMINER_PAGES:
        st.page_link(f"views/{wanted}.py", label="回到剛才的頁面", icon=":material/arrow_forward:")
    if st.button("登出", key="logout"):
        accounts.close_session(get_engine(), st.session_state.get("examiner_token", ""))
        st.session_state["logged_out"] = True
        st.rerun()
    st.caption("閒置 30 分鐘或登入 12 小時後會自動登出。")
    st.stop()
with st.form("login"):
    typed = st.text_input("帳號", key="login_name")
    password = st.text_input("密碼", type="password", key="login_password")
    submitted = st.form_submit_button("登入", type="primary")
if submitted:
    try:
        ok = accounts.login(get_engine(), typed, password, client=client_id())
    except QbankError as error:
        show_error(error)
    else:
        if ok:
            st.session_state.pop("logged_out", None)
            st.session_state["examiner_token"] = accounts.open_session(get_engine(), typed)
            if wanted in EXAMINER_PAGES:
                st.switch_page(f"views/{wanted}.py")
            st.rerun()
        st.error("帳號或密碼錯誤。")
st.caption("考官帳號由伺服器管理者以 `qbank user add 名稱` 建立；系統沒有預設密碼。")
