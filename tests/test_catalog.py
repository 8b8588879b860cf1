"""Every problem code raised anywhere is in the one catalog, with a Chinese title and what to do."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from questionbank.errors import QbankError
from questionbank.problems import CATALOG, describe_zh, problem
from questionbank.standards import natural_order

ROOT = Path(__file__).resolve().parent.parent
RAISERS = {"problem", "add", "QbankError", "NotFound", "AttemptClosed", "AccessDenied", "RequestInvalid", "PublishRefused", "BlueprintInfeasible"}
CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")


def _raised_codes() -> dict[str, str]:
    found = {}
    for path in (ROOT / "questionbank").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            first = node.args[0]
            if name in RAISERS and isinstance(first, ast.Constant) and isinstance(first.value, str) and CODE.match(first.value):
                found[first.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_the_scan_finds_the_codes_it_should():
    codes = _raised_codes()
    assert {"attempt-submitted", "form-exists", "yaml-syntax", "database-unavailable"} <= set(codes)


def test_every_raised_code_is_in_the_catalog():
    assert {code: where for code, where in _raised_codes().items() if code not in CATALOG} == {}


def test_every_code_has_a_chinese_title_and_hint():
    missing = sorted((c for c, info in CATALOG.items() if not info.title_zh or not info.hint_zh), key=natural_order)
    assert missing == []


def test_a_refusal_reads_in_chinese_with_its_place():
    located = problem("yaml-syntax", "items/x/a.yaml", 3, 7, "english detail")
    text = describe_zh(located)
    assert "a.yaml" in text and "第 3 行第 7 欄" in text and "english" not in text
    unplaced = QbankError("attempt-submitted", "english", "token").problem
    assert unplaced.line is None and "第" not in describe_zh(unplaced) and "token" not in describe_zh(unplaced)
    assert describe_zh(unplaced).startswith(CATALOG["attempt-submitted"].title_zh)


def test_the_chinese_words_are_traditional_as_used_in_taiwan():
    from questionbank.checks.text import _simplified_pattern

    pattern = _simplified_pattern()
    assert {c: (i.title_zh, i.hint_zh) for c, i in CATALOG.items() if pattern.search(i.title_zh + i.hint_zh)} == {}
