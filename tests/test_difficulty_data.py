"""Blueprint setting ``difficulty_from_data``: observed p replaces the writer's difficulty label in
the difficulty window, matched by item id and content hash, recorded in the form, and the form
check uses the recorded values."""

from __future__ import annotations

import dataclasses
import json

import pytest
import yaml

from questionbank.assembly import assemble, shortfalls
from questionbank.blueprint import difficulty_from_p, difficulty_values, item_difficulty
from questionbank.checks.runner import validate_bank
from questionbank.cli import main
from questionbank.forms import check_form, form_documents, form_summary, recorded_difficulty
from tests.conftest import ROOT
from tests.test_assembly import blueprint_for, synthetic


@pytest.fixture(scope="module")
def standard():
    _, bank = validate_bank([ROOT / "standards"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    return bank.standards["BAS2421-002v4"]


def test_p_on_the_difficulty_scale():
    # 3 − 2p: the usual easy and hard boundaries (p 0.70, 0.30) land on 1.6 and 2.4
    assert [difficulty_from_p(p) for p in (1.0, 0.7, 0.5, 0.3, 0.25, 0.0)] == pytest.approx([1.0, 1.6, 2.0, 2.4, 2.5, 3.0])
    assert difficulty_from_p(1.2) == 1.0 and difficulty_from_p(-0.1) == 3.0
    assert difficulty_values({"a": {"p": 0.8, "responses": 90}}) == pytest.approx({"a": 1.4})


def test_observed_p_replaces_the_label_in_assembly_and_the_form_records_it(standard):
    items = [dataclasses.replace(i, difficulty="medium") for i in synthetic(standard, per_task=4)]
    bp = blueprint_for(standard, length=20, difficulty_mean=(2.2, 3.0), difficulty_from_data=50)
    # labels only: every item is medium (2), so no form reaches a mean of 2.2
    unreachable = [p for p in shortfalls(bp, standard, items) if p.code == "blueprint-difficulty-unreachable"]
    assert [(p.path, "2.00" in p.message) for p in unreachable] == [("difficulty.mean_min", True)]
    # half the items were hard in practice: p 0.25 is 2.5 on the scale
    observed = {item.id: {"p": 0.25, "responses": 60} for item in items[::2]}
    difficulty = difficulty_values(observed)
    assert not [p for p in shortfalls(bp, standard, items, difficulty) if p.code == "blueprint-difficulty-unreachable"]
    result = assemble(bp, standard, items, seed=1, difficulty=difficulty)
    assert result.ok, result.problems
    chosen = [i for i in items if i.id in result.forms[0]]
    hard = sum(1 for i in chosen if i.id in observed)
    mean = (2.5 * hard + 2.0 * (20 - hard)) / 20
    assert hard >= 8 and mean >= 2.2 - 1e-9  # at least 8 of 20 at 2.5 to reach 2.2
    assert sum(item_difficulty(i, difficulty) for i in chosen) / 20 == pytest.approx(mean)

    form = form_documents(result, bp, standard, items, observed)[0]
    entries = [e for s in form["sections"] for e in s["items"]]
    assert sorted(e["id"] for e in entries if "p" in e) == sorted(i.id for i in chosen if i.id in observed)
    assert all(e["p"] == 0.25 and e["responses"] == 60 for e in entries if "p" in e)
    assert form["difficulty_from_data"]["min_responses"] == 50 and form["difficulty_from_data"]["items"] == len(observed)
    assert "-p" in form["form_id"] and form["form_id"] != form_documents(result, bp, standard, items)[0]["form_id"]
    assert recorded_difficulty(form) == pytest.approx({e["id"]: 2.5 for e in entries if "p" in e})
    assert form_summary(form, standard, items).mean_difficulty == pytest.approx(mean)
    assert form_summary(form, standard, items).observed == hard
    # the check uses the recorded values: the form passes
    assert check_form(form, "f.json", bp, standard, items).ok
    # without them it falls back to the labels, and the same items miss the window
    bare = json.loads(json.dumps(form))
    for section in bare["sections"]:
        for entry in section["items"]:
            entry.pop("p", None)
            entry.pop("responses", None)
    problems = check_form(bare, "f.json", bp, standard, items).problems
    assert [(p.code, p.path, "2.00" in p.message) for p in problems] == [("form-violates-blueprint", "difficulty", True)]
    # an observed p resting on fewer responses than the blueprint asks is refused
    thin = json.loads(json.dumps(form))
    first = next(e for s in thin["sections"] for e in s["items"] if "p" in e)
    first["responses"] = 10
    problems = check_form(thin, "f.json", bp, standard, items).problems
    assert [(p.code, p.path, first["id"] in p.message) for p in problems] == [("form-violates-blueprint", "difficulty_from_data", True)]


def test_a_blueprint_without_the_setting_ignores_stored_statistics(standard):
    from questionbank.delivery.item_statistics import data_difficulty

    items = synthetic(standard, per_task=2)
    bp = blueprint_for(standard, length=20)
    assert bp.difficulty_from_data is None
    assert data_difficulty(None, bp, items) == {}  # no database is even opened
    result = assemble(bp, standard, items, seed=0)
    assert result.ok, result.problems
    form = form_documents(result, bp, standard, items)[0]
    assert "difficulty_from_data" not in form and all("p" not in e for s in form["sections"] for e in s["items"])


def test_cli_assembles_with_stored_p_matched_by_id_and_hash_and_form_check_keeps_the_recorded_values(tmp_path, monkeypatch, capsys):
    from sqlalchemy import insert, update

    from questionbank.delivery import database, publishing
    from questionbank.scoring import Rules
    from questionbank.snapshots import item_sha256, snapshot

    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    monkeypatch.setenv("QBANK_DATABASE_URL", url)
    engine = database.connect(url)
    _, bank = validate_bank([ROOT / "standards", ROOT / "items"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    standard = bank.standards["KMC3332-002v1"]
    active = sorted((i for _, i in bank.items if i.standard == standard.id and i.status == "active"), key=lambda i: i.id)
    publishing.publish(engine, "history", [snapshot(active[0], standard)], Rules(), kind="official", standard=standard, title="過去的試卷")
    # every easy or medium item turned out hard (p 0.05 → 2.9); one of them was stored for older content
    # (another hash), one with too few responses; the hard ones have no data and keep their label (3)
    stale, thin = [i for i in active if i.difficulty != "hard"][:2]
    rows = []
    for item in active:
        if item.difficulty == "hard":
            continue
        sha = "0" * 64 if item is stale else item_sha256(item)
        rows.append({"form_id": "history", "item_id": item.id, "item_sha256": sha, "modes": "official", "responses": 20 if item is thin else 60})
    with database.writing(engine) as conn:
        conn.execute(insert(database.item_statistics), [r | {"p": 0.05, "corrected_r": 0.3, "omit_rate": 0.0, "flags": "[]", "computed_at": 1.0} for r in rows])

    text = (ROOT / "blueprints" / "KMC3332-002v1.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    blueprints = tmp_path / "blueprints"
    blueprints.mkdir()
    plain = data | {"forms": 1, "difficulty": {"mean_min": 2.6, "mean_max": 3.0}}
    (blueprints / "labels.yaml").write_text(yaml.safe_dump(plain, allow_unicode=True), encoding="utf-8")
    (blueprints / "data.yaml").write_text(yaml.safe_dump(plain | {"difficulty_from_data": {"min_responses": 50}}, allow_unicode=True), encoding="utf-8")
    bank_args = ["--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")]

    # the writer's labels cannot reach a mean of 2.6 (12 hard and 13 medium items: 2.48 at best)
    assert main(["assemble", str(blueprints / "labels.yaml"), "-o", str(tmp_path / "forms"), "--format", "json", *bank_args]) == 1
    found = json.loads(capsys.readouterr().out)["problems"]
    assert [(p["code"], "2.48" in p["message"]) for p in found] == [("blueprint-difficulty-unreachable", True)]

    assert main(["assemble", str(blueprints / "data.yaml"), "-o", str(tmp_path / "forms"), "--format", "json", *bank_args]) == 0
    form = json.loads(capsys.readouterr().out)["forms"][0]
    entries = {e["id"]: e for s in form["sections"] for e in s["items"]}
    by_id = {i.id: i for i in active}
    with_p = {i for i, e in entries.items() if "p" in e}
    assert with_p == {i for i in entries if by_id[i].difficulty != "hard" and by_id[i] not in (stale, thin)}
    assert all(entries[i]["p"] == 0.05 and entries[i]["responses"] == 60 for i in with_p)
    assert form["difficulty_from_data"] == {"min_responses": 50, "items": len(rows) - 2, "sha256": form["difficulty_from_data"]["sha256"]}
    values = [2.9 if i in with_p else {"easy": 1, "medium": 2, "hard": 3}[by_id[i].difficulty] for i in entries]
    assert sum(values) / len(values) >= 2.6 - 1e-9

    check = ["form", "check", form["path"], "--blueprints", str(blueprints), "--format", "json", *bank_args]
    assert main(check) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    # later statistics do not change what the form was built with: the check still passes
    with database.writing(engine) as conn:
        conn.execute(update(database.item_statistics).values(p=0.95))
    assert main(check) == 0
    capsys.readouterr()
    engine.dispose()
