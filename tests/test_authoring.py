"""Writing and blind review: drafts, blind answers, revision after a disagreement, activation only
after another person's matching review; writers never activate their own items."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from questionbank.checks.runner import load_bank
from questionbank.delivery import accounts, authoring, database
from questionbank.errors import AccessDenied, QbankError

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "right password 123"
RECORD = {
    "id": "KMC3332-002v1-T1.1-90",
    "standard": "KMC3332-002v1",
    "task": "T1.1",
    "competencies": ["K01"],
    "indicators": ["P1.1.1"],
    "type": "single",
    "cognitive_level": "apply",
    "difficulty": "medium",
    "stem": "某公司要辦新品發表活動，專案人員首先應確認下列哪一項資訊需求？",
    "options": {"A": "活動目標與目標對象", "B": "場地的燈光設備型號", "C": "贈品的包裝材質", "D": "主持人的服裝顏色"},
    "answer": "A",
    "rationale": "A 正確：先確認活動目標與對象才能決定要蒐集哪些資訊（P1.1.1）。B 錯：屬執行細節。C 錯：屬執行細節。D 錯：與資訊需求無關。",
    "points": 1,
    "tags": ["資訊需求"],
}


@pytest.fixture
def setup(database_url, tmp_path):
    engine = database.connect(database_url)
    accounts.add_examiner(engine, "writer", PASSWORD, roles=("writer",))
    accounts.add_examiner(engine, "reviewer", PASSWORD, roles=("reviewer",))
    accounts.add_examiner(engine, "both", PASSWORD, roles=("writer", "reviewer"))
    items_dir = tmp_path / "items"
    items_dir.mkdir()
    standards = load_bank(ROOT / "standards", ROOT / "items")[1].standards
    yield engine, items_dir, standards
    engine.dispose()


def test_the_whole_flow_with_a_disagreement(setup):
    engine, items_dir, standards = setup
    item = authoring.save_item(engine, items_dir, standards, RECORD, "writer")
    assert (item.status, item.author, item.revision) == ("draft", "writer", 1)
    item = authoring.submit(engine, items_dir, item, "writer")
    assert item.status == "review"
    assert "answer" not in authoring.blind_view(item) and "rationale" not in authoring.blind_view(item)
    review = authoring.record_review(engine, item, "reviewer", ["B"], "revise", "B 也說得通：燈光是發表會的資訊需求之一")
    assert review["matched"] is False
    with pytest.raises(AccessDenied) as err:
        authoring.activate(engine, items_dir, item, "reviewer")
    assert err.value.code == "item-not-reviewed"
    revised = authoring.save_item(engine, items_dir, standards, RECORD | {"options": RECORD["options"] | {"B": "贈品的數量上限"}}, "writer")
    assert (revised.revision, revised.status) == (2, "draft")
    revised = authoring.submit(engine, items_dir, revised, "writer")
    authoring.record_review(engine, revised, "both", ["A"], "approve", checklist=dict.fromkeys(authoring.CHECKLIST, True))
    active = authoring.activate(engine, items_dir, revised, "reviewer")
    assert active.status == "active" and active.revision == 2
    assert [h["action"] for h in authoring.history_of(engine, item.id)] == ["create", "submit", "edit", "submit", "activate"]
    assert "+  B: 贈品的數量上限" in authoring.history_of(engine, item.id)[2]["diff"]
    # the file is a bank item the validator accepts, with no problem
    from questionbank.checks.runner import validate

    result = validate([items_dir], standards_dir=ROOT / "standards", items_dir=items_dir)
    assert [(p.code, p.line) for p in result.problems] == []


def test_writers_cannot_review_or_activate_their_own_items(setup):
    engine, items_dir, standards = setup
    item = authoring.submit(engine, items_dir, authoring.save_item(engine, items_dir, standards, RECORD, "both"), "both")
    with pytest.raises(AccessDenied) as err:
        authoring.record_review(engine, item, "both", ["A"], "approve")
    assert err.value.code == "review-own-item"
    with pytest.raises(AccessDenied) as err:
        authoring.activate(engine, items_dir, item, "both")
    assert err.value.code == "review-own-item"
    with pytest.raises(AccessDenied) as err:
        authoring.record_review(engine, item, "writer", ["A"], "approve")  # no reviewer role
    assert err.value.code == "role-required"


def test_an_item_with_problems_is_not_written(setup):
    engine, items_dir, standards = setup
    with pytest.raises(QbankError) as err:
        authoring.save_item(engine, items_dir, standards, RECORD | {"answer": "E", "competencies": ["K99"]}, "writer")
    assert {p.code for p in err.value.problems} == {"answer-not-an-option", "competency-not-in-duty"}
    assert not list(items_dir.rglob("*.yaml"))


def test_the_existing_review_logs_are_imported(setup, tmp_path):
    engine, items_dir, _ = setup
    bank = load_bank(ROOT / "standards", ROOT / "items")[1]
    items = {item.id: item for _, item in bank.items}
    count = authoring.import_review_logs(engine, ROOT / "docs" / "reviews", items)
    assert count >= len([i for i in items.values() if i.status == "active"])
    assert authoring.import_review_logs(engine, ROOT / "docs" / "reviews", items) == 0  # once only
    some = next(i for i in items.values() if i.status == "active")
    assert any(r["verdict"] == "approve" for r in authoring.reviews_of(engine, some.id))
    shutil.rmtree(items_dir)
