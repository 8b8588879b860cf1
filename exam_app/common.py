"""What every page shares: the database engine, the bank, and Chinese messages for library errors."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from questionbank.delivery import database
from questionbank.errors import QbankError

# Messages shown to users, by problem code (the library's own messages are in English for logs).
MESSAGES = {
    "attempt-unknown": "找不到這次作答紀錄，請確認網址是否完整，或回首頁重新開始。",
    "attempt-submitted": "這次作答已經交卷，答案無法再修改。",
    "attempt-deadline-passed": "作答時間已到，系統已依截止前儲存的答案自動交卷；剛才的作答未被儲存。",
    "response-unknown-question": "沒有這一題，請從題號導覽重新選擇。",
    "response-not-an-option": "這不是本題的選項，請重新選擇。",
    "access-code-invalid": "准考碼或考生編號不正確，請向監考人員確認。",
    "access-code-used": "這組准考碼已由其他考生使用，請向監考人員確認。",
    "practice-not-allowed": "這份試卷不能用於練習。",
    "review-not-available": "正式考試不提供題目檢討；練習模式交卷後才能檢討。",
    "form-unknown": "找不到這份試卷。",
    "form-exists": "這份試卷已經發布過；已發布的試卷不能修改，請重新組卷。",
    "login-rate-limited": "登入失敗次數過多，請 15 分鐘後再試。",
    "examiner-invalid": "帳號或密碼格式不符。",
    "blueprint-duty-short": "題庫中符合條件的題目不足，無法組成試卷。",
}


@dataclass(frozen=True)
class Paths:
    standards: Path
    items: Path
    blueprints: Path


def paths() -> Paths:
    return Paths(
        Path(os.environ.get("QBANK_STANDARDS", "standards")),
        Path(os.environ.get("QBANK_ITEMS", "items")),
        Path(os.environ.get("QBANK_BLUEPRINTS", "blueprints")),
    )


@st.cache_resource(show_spinner=False)
def engine(url: str):
    return database.connect(url)


def get_engine():
    return engine(database.database_url())


@st.cache_resource(show_spinner="載入題庫…")
def bank(standards: str, items: str):
    from questionbank.checks.runner import validate_bank

    result, loaded = validate_bank([Path(standards), Path(items)], standards_dir=Path(standards), items_dir=Path(items))
    return result, loaded


def get_bank():
    p = paths()
    return bank(str(p.standards), str(p.items))


def show_error(error: QbankError) -> None:
    st.error(MESSAGES.get(error.code, "無法完成這個操作。") + f"（{error.code}）")


def current_standards():
    _, loaded = get_bank()
    return {sid: s for sid, s in loaded.standards.items() if s.status == "current"}


def load_default_blueprint(standard_id: str):
    from questionbank.checks.runner import load_blueprint

    _, loaded = get_bank()
    path = paths().blueprints / f"{standard_id}.yaml"
    if not path.exists():
        return None, []
    return load_blueprint(path, loaded.standards)


def require_examiner() -> str:
    """The logged-in examiner's name; stops the page with a login prompt otherwise."""
    name = st.session_state.get("examiner")
    if not name:
        st.warning("此頁僅限考官使用，請先登入。")
        st.page_link("views/login.py", label="前往考官登入")
        st.stop()
    return name


def choose_standard(key: str):
    """A select box of the current standards (by name); returns the chosen Standard."""
    standards = current_standards()
    labels = {sid: s.label for sid, s in sorted(standards.items(), key=lambda kv: kv[1].name)}
    return standards[st.selectbox("職能基準", list(labels), format_func=labels.get, key=key)]
