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

    result, loaded = validate_bank([Path(standards), Path(items)], standards_dir=Path(standards), items_dir=Path(items))
    return result, loaded


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
    from questionbank.checks.runner import load_blueprint

    _, loaded = get_bank()
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


def require_examiner() -> str:
    """The logged-in examiner's name; stops the page with a login prompt otherwise."""
    name = st.session_state.get("examiner")
    if not name:
        st.warning("此頁僅限考官使用，請先登入。")
        st.page_link("views/login.py", label="前往考官登入")
        st.stop()
    return name


def choose_standard(key: str, default: str | None = None):
    """A select box of the current standards (by name, official code where there is one); returns the chosen Standard."""
    standards = current_standards()
    labels = {sid: s.label for sid, s in sorted(standards.items(), key=lambda kv: kv[1].name)}
    ids = list(labels)
    index = ids.index(default) if default in ids else 0
    return standards[st.selectbox("職能基準", ids, index=index, format_func=labels.get, key=key)]
