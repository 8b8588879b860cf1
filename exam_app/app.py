"""Entry point: `qbank serve` (or `streamlit run exam_app/app.py`)."""

import logging
import os

import streamlit as st

st.set_page_config(page_title="會展職能題庫", page_icon="📝", layout="wide")

candidate = [
    st.Page("views/home.py", title="首頁", icon=":material/home:", default=True),
    st.Page("views/exam.py", title="作答", icon=":material/edit_note:"),
    st.Page("views/results.py", title="成績", icon=":material/insights:"),
]
examiner = [
    st.Page("views/login.py", title="考官登入", icon=":material/login:"),
    st.Page("views/bank.py", title="題庫總覽", icon=":material/grid_view:"),
    st.Page("views/blueprints.py", title="藍圖與組卷", icon=":material/tune:"),
    st.Page("views/cohort.py", title="成績統計", icon=":material/bar_chart:"),
    st.Page("views/analysis.py", title="試題分析", icon=":material/analytics:"),
    st.Page("views/challenges.py", title="試題疑義", icon=":material/gavel:"),
    st.Page("views/standard_setting.py", title="標準設定", icon=":material/rule:"),
    st.Page("views/write.py", title="撰寫試題", icon=":material/edit:"),
    st.Page("views/review.py", title="審題", icon=":material/rate_review:"),
]
# Our own sidebar links instead of Streamlit's page list: its list markup fails axe's list rules,
# and plain links are reachable by keyboard in reading order.
page = st.navigation(candidate + examiner, position="hidden")

SIZES = {"標準": 16, "大": 19, "特大": 22}
with st.sidebar:
    if page.title == "作答":
        # during an exam only the way home: the sidebar is the question navigator's, and each
        # link is a message per run for every candidate of a hall (docs/load-testing.md)
        me = st.query_params.get("me", "")
        st.page_link(candidate[0], label="回首頁", icon=candidate[0].icon, query_params={"me": me} if me else None)
    elif not (page.title == "首頁" and st.query_params.get("mode") == "official"):
        # (the hall's link shows the official start alone, views/home.py: no page list there)
        for title, pages in (("考生", candidate), ("考官", examiner)):
            st.markdown(f"**{title}**")
            for entry in pages:
                st.page_link(entry, label=entry.title, icon=entry.icon)
    size = st.radio("字級", list(SIZES), horizontal=True, key="font_size")
# Captions darker than Streamlit's grey (4.5:1 contrast, WCAG 1.4.3), a visible keyboard focus
# ring (WCAG 2.4.7) and the chosen text size for every page; the exam's current question number
# white on dark red (Streamlit's selected pill, red on pink and darker when hovered, falls below
# 4.5:1); no 'Press Enter to submit form' under text fields (Streamlit writes it in English only).
# One style element for all: each element is a message per run.
st.markdown(
    f"""<style>
html {{ font-size: {SIZES[size]}px; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p, small {{ color: #4a4a4a !important; opacity: 1 !important; }}
:focus-visible {{ outline: 3px solid #1a56db !important; outline-offset: 2px; }}
section[data-testid="stSidebar"] button[data-variant="pills"][aria-checked="true"],
section[data-testid="stSidebar"] button[data-variant="pills"][aria-checked="true"]:hover {{ background: #9b1c1c; border-color: #9b1c1c; }}
section[data-testid="stSidebar"] button[data-variant="pills"][aria-checked="true"] p {{ color: #fff; }}
[data-testid="InputInstructions"] {{ display: none; }}
</style>""",
    unsafe_allow_html=True,
)
from exam_app.common import keep_session_cookie  # noqa: E402  (after set_page_config)

try:
    keep_session_cookie()
    page.run()
except Exception:
    # the last guard: the details go to the server log, a person reads what to do (answers are
    # saved as they are given, so nothing is lost); QBANK_DEBUG=1 lets tests see the exception
    if os.environ.get("QBANK_DEBUG") == "1":
        raise
    logging.getLogger("exam_app").exception("page %s failed", page.title)
    st.error("系統發生非預期的錯誤，已記錄下來；您已作答的內容都已儲存。請重新整理頁面，若仍發生請通知監考人員或考官。")
