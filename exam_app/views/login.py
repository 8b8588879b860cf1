"""Examiner login (rate-limited in the library)."""

import streamlit as st

from exam_app.common import client_id, get_engine, show_error
from questionbank.delivery import accounts
from questionbank.errors import QbankError

st.title("考官登入")
if st.session_state.get("examiner"):
    st.success(f"已登入：{st.session_state['examiner']}")
    if st.button("登出", key="logout"):
        st.session_state.pop("examiner")
        st.rerun()
    st.stop()
with st.form("login"):
    name = st.text_input("帳號", key="login_name")
    password = st.text_input("密碼", type="password", key="login_password")
    submitted = st.form_submit_button("登入", type="primary")
if submitted:
    try:
        ok = accounts.login(get_engine(), name, password, client=client_id())
    except QbankError as error:
        show_error(error)
    else:
        if ok:
            st.session_state["examiner"] = name.strip()
            st.rerun()
        st.error("帳號或密碼錯誤。")
st.caption("考官帳號由伺服器管理者以 `qbank user add 名稱` 建立；系統沒有預設密碼。")
