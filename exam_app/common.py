"""What every page shares: the database engine, the bank, and Chinese messages for library errors."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from questionbank.delivery import database
from questionbank.errors import QbankError
from questionbank.problems import describe_zh


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


@st.cache_resource(show_spinner=False)
def _sweeper(url: str):
    # one deadline sweep per server process (cache_resource runs this once per url)
    from questionbank.delivery.sweeper import start_sweeper

    return start_sweeper(engine(url))


def get_engine():
    url = database.database_url()
    _sweeper(url)
    return engine(url)


@st.cache_resource(show_spinner="載入題庫…")
def bank(standards: str, items: str):
    from questionbank.checks.runner import validate_bank

    # in this process: a server must not fork workers from its threads and heap (runner.validate_bank)
    result, loaded = validate_bank([Path(standards), Path(items)], standards_dir=Path(standards), items_dir=Path(items), parallel=False)
    return result, loaded


@st.cache_resource(show_spinner=False)
def _standards(folder: str):
    from questionbank.checks.runner import read_standards

    return read_standards(Path(folder))


def get_standards():
    """The standards by id, without the item bank: what the candidates' pages need (a hall's
    server then never reads the 900 item files; docs/load-testing.md)."""
    return _standards(str(paths().standards))


def refresh_bank() -> None:
    """Read the bank again after an item file was written (the cache holds one per process)."""
    bank.clear()


def get_bank():
    p = paths()
    return bank(str(p.standards), str(p.items))


def show_error(error: QbankError) -> None:
    """Every problem of a refusal, in Chinese from the catalog, with its place and what to do."""
    for found in error.problems:
        st.error(f"{describe_zh(found)}（{found.code}）")


def current_standards():
    _, loaded = get_bank()
    return {sid: s for sid, s in loaded.standards.items() if s.status == "current"}


def load_default_blueprint(standard_id: str):
    """The blueprint of record: the draft an examiner made the default, else the shipped file."""
    from questionbank.checks.runner import load_blueprint, parse_blueprint
    from questionbank.delivery.drafts import default_draft

    _, loaded = get_bank()
    draft = default_draft(get_engine(), standard_id)
    if draft is not None:
        return parse_blueprint(f"草稿 #{draft.id}", draft.text.encode("utf-8"), loaded.standards)
    path = paths().blueprints / f"{standard_id}.yaml"
    if not path.exists():
        return None, []
    return load_blueprint(path, loaded.standards)


def client_id() -> str:
    """Who is knocking, for login throttling: the browser's address (the first X-Forwarded-For hop
    only behind a trusted balancer, QBANK_TRUSTED_PROXY=1), else this browser session."""
    if os.environ.get("QBANK_TRUSTED_PROXY") == "1":
        forwarded = (st.context.headers.get("X-Forwarded-For") or "").split(",")[0].strip()
        if forwarded:
            return forwarded
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "local"


SESSION_COOKIE = "qbank_examiner"
EXAMINER_PAGES = ("bank", "blueprints", "cohort", "analysis", "challenges", "standard_setting", "write", "review")


def _cookie(name: str) -> str | None:
    value = st.context.cookies.get(name)
    return value if isinstance(value, str) else None  # AppTest has no browser: no cookies


def current_examiner() -> str | None:
    """The examiner of this browser: the session token lives in a cookie (so a reload keeps the
    login) and is checked against the database on every run (idle timeout, logout)."""
    from questionbank.delivery import accounts

    token = st.session_state.get("examiner_token") or _cookie(SESSION_COOKIE)
    name = accounts.session_examiner(get_engine(), token) if token and not st.session_state.get("logged_out") else None
    if name:
        st.session_state["examiner"], st.session_state["examiner_token"] = name, token
    else:
        st.session_state.pop("examiner", None)
        st.session_state.pop("examiner_token", None)
    return name


def keep_session_cookie() -> None:
    """Hand the session token to the browser as a cookie (Streamlit cannot set one itself: a
    same-origin component sets it on the page), or delete it after logout."""
    from streamlit.components.v1 import html

    token = st.session_state.get("examiner_token")
    url = st.context.url if isinstance(st.context.url, str) else ""
    secure = "; Secure" if url.startswith("https") else ""
    if token and _cookie(SESSION_COOKIE) != token:
        html(f"<script>parent.document.cookie = '{SESSION_COOKIE}={token}; path=/; max-age=43200; SameSite=Strict{secure}';</script>", height=0)
    elif st.session_state.get("logged_out") and _cookie(SESSION_COOKIE):
        html(f"<script>parent.document.cookie = '{SESSION_COOKIE}=; path=/; max-age=0; SameSite=Strict{secure}';</script>", height=0)


ROLE_TITLES = {"examiner": "考官", "writer": "撰寫者", "reviewer": "審題者"}


def require_examiner(page: str, roles: tuple[str, ...] = ("examiner",)) -> str:
    """The logged-in account's name when it holds one of ``roles``; stops the page with a login
    link that returns here otherwise."""
    from questionbank.delivery import accounts

    name = current_examiner()
    if not name:
        st.warning("此頁僅限考官使用，請先登入。")
        st.page_link("views/login.py", label="前往考官登入", query_params={"next": page})
        st.stop()
    if not accounts.roles_of(get_engine(), name) & set(roles):
        st.warning(f"此頁需要{'或'.join(ROLE_TITLES[r] for r in roles)}的角色；請洽系統管理者。")
        st.stop()
    return name


def choose_standard(key: str, default: str | None = None):
    """A select box of the current standards (by name, official code where there is one); returns the chosen Standard."""
    standards = current_standards()
    labels = {sid: s.label for sid, s in sorted(standards.items(), key=lambda kv: kv[1].name)}
    ids = list(labels)
    index = ids.index(default) if default in ids else 0
    return standards[st.selectbox("職能基準", ids, index=index, format_func=labels.get, key=key)]


def choose_official_form(key: str) -> str:
    """A select box of the published official forms, newest first; stops the page when there are none."""
    from questionbank.delivery import publishing

    forms = publishing.list_forms(get_engine(), kind="official")
    if not forms:
        st.info("尚未發布任何正式試卷。")
        st.stop()
    labels = {f["id"]: f"{f['title']}（{f['id']}）" for f in reversed(forms)}
    return st.selectbox("正式試卷", list(labels), format_func=labels.get, key=key)
