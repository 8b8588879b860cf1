"""Assembly: every requirement type, explanations of infeasibility, reproducibility, form check."""

from __future__ import annotations

import dataclasses
import json
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionbank.assembly import assemble, shortfalls
from questionbank.blueprint import Blueprint, Range, largest_remainder
from questionbank.checks.runner import validate_bank
from questionbank.cli import main
from questionbank.feasibility import count_gaps
from questionbank.forms import check_form, check_parallel, form_documents
from tests.synthetic_items import synthetic_item

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def standard():
    _, bank = validate_bank([ROOT / "standards"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    return bank.standards["BAS2421-002v4"]


def synthetic(standard, per_task=4, seed=1, **overrides):
    rng = random.Random(seed)
    items = []
    for duty in standard.duties:
        for task in duty.tasks:
            for n in range(per_task):
                items.append(synthetic_item(rng, standard.id, task.code, n, ["single"] * 7 + ["multiple"] * 2 + ["true_false"], **overrides))
    return items


def blueprint_for(standard, length=20, **changes):
    total = sum(len(d.tasks) for d in standard.duties)
    counts = largest_remainder({d.code: 100 * len(d.tasks) / total for d in standard.duties}, length)
    base = Blueprint(standard=standard.id, length=length, duty_ranges={d: Range(max(c, 1), max(c, 1)) for d, c in counts.items()}, file="bp.yaml")
    return dataclasses.replace(base, **changes)


def independent_counts(ids, items):
    by_id = {i.id: i for i in items}
    chosen = [by_id[i] for i in ids]
    return chosen, Counter(i.task.split(".")[0] for i in chosen)


def test_largest_remainder_rule():
    assert largest_remainder({"T1": 50, "T2": 25, "T3": 25}, 10) == {"T1": 5, "T2": 3, "T3": 2}  # tie goes to the first listed
    assert sum(largest_remainder({"a": 33.3, "b": 33.3, "c": 33.4}, 40).values()) == 40


def test_every_requirement_type_is_met(standard):
    items = synthetic(standard)
    items[0] = dataclasses.replace(items[0], enemies=(items[1].id,))
    items[4] = dataclasses.replace(items[4], set="s1")
    items[5] = dataclasses.replace(items[5], set="s1")
    bp = blueprint_for(
        standard,
        length=50,
        task_minimum=1,
        levels={"T2": {"apply_or_analyze": Range(4, None)}},
        types={"multiple": Range(5, 10), "true_false": Range(0, 5)},
        difficulty_mean=(1.8, 2.2),
        forms=2,
        max_overlap=10,
    )
    result = assemble(bp, standard, items, seed=3)
    assert result.ok, result.problems
    assert result.solver.status == "optimal"
    for ids in result.forms:
        chosen, per_duty = independent_counts(ids, items)
        assert len(ids) == 50
        assert {d: per_duty[d] for d in bp.duty_ranges} == {d: r.min for d, r in bp.duty_ranges.items()}
        assert set(standard.tasks) <= {i.task for i in chosen}
        assert sum(1 for i in chosen if i.task.startswith("T2.") and i.cognitive_level in ("apply", "analyze")) >= 4
        types = Counter(i.type for i in chosen)
        assert 5 <= types["multiple"] <= 10 and types["true_false"] <= 5
        mean = sum({"easy": 1, "medium": 2, "hard": 3}[i.difficulty] for i in chosen) / len(chosen)
        assert 1.8 - 1e-9 <= mean <= 2.2 + 1e-9
        assert not ({items[0].id, items[1].id} <= set(ids))
        assert (items[4].id in ids) == (items[5].id in ids)
    assert len(set(result.forms[0]) & set(result.forms[1])) <= 10


def test_same_seed_same_forms_different_seed_different_forms(standard):
    items = synthetic(standard)
    bp = blueprint_for(standard, length=20)
    a = assemble(bp, standard, items, seed=1)
    b = assemble(bp, standard, items, seed=1)
    c = assemble(bp, standard, items, seed=2)
    assert a.forms == b.forms
    assert a.forms != c.forms
    assert check_form({"sections": [{"items": [{"id": i} for i in c.forms[0]]}], "blueprint": {}}, "f", bp, standard, items).problems  # sha missing -> flagged


def test_shortfalls_are_counted_and_named(standard):
    items = [i for i in synthetic(standard, per_task=2) if not i.task.startswith("T6.")] + [i for i in synthetic(standard, per_task=2) if i.task == "T6.1"]
    bp = blueprint_for(standard, length=30, task_minimum=1)
    bp = dataclasses.replace(bp, duty_ranges={**bp.duty_ranges, "T6": Range(3, 3)})
    problems = shortfalls(bp, standard, items)
    codes = [(p.code, p.path) for p in problems]
    assert ("blueprint-task-short", "task_minimum") in codes
    messages = " | ".join(p.message for p in problems)
    assert "task T6.2" in messages and "task T6.3" in messages
    short = [p for p in problems if p.code == "blueprint-duty-short" and p.path == "duties.T6"]
    assert short and "needs 3 eligible item(s), 2 exist" in short[0].message
    gap = next(g for g in count_gaps(bp, standard, items) if g.code == "blueprint-duty-short" and g.subject == "T6")
    assert (gap.need, gap.have, gap.bank) == (3, 2, True)


def test_parallel_shortfall_counts_distinct_items(standard):
    items = synthetic(standard, per_task=2)
    t2 = sum(1 for i in items if i.task.startswith("T2."))
    bp = blueprint_for(standard, length=40, forms=2, max_overlap=5)
    bp = dataclasses.replace(bp, duty_ranges={**bp.duty_ranges, "T2": Range(t2 - 2, t2 - 2)})
    problems = [p for p in shortfalls(bp, standard, items) if p.code == "blueprint-parallel-short" and p.path == "duties.T2"]
    need = 2 * (t2 - 2) - 5
    assert problems and f"need {need} distinct items, {t2} exist" in problems[0].message


def test_level_type_and_difficulty_shortfalls(standard):
    items = [dataclasses.replace(i, difficulty="easy", type="single", cognitive_level="remember") for i in synthetic(standard)]
    bp = blueprint_for(standard, length=20, levels={"T1": {"analyze": Range(1, None)}}, types={"multiple": Range(2, None)}, difficulty_mean=(2.0, 3.0))
    codes = {p.code for p in shortfalls(bp, standard, items)}
    assert codes == {"blueprint-level-short", "blueprint-type-short", "blueprint-difficulty-unreachable"}


def test_solver_infeasibility_names_a_minimal_conflict(standard):
    items = synthetic(standard)
    t7 = [i for i in items if i.task.startswith("T7.")]
    # every T7 item is the enemy of every other: at most one fits, yet the duty needs two
    items = [dataclasses.replace(i, enemies=tuple(o.id for o in t7 if o.id != i.id)) if i in t7 else i for i in items]
    bp = blueprint_for(standard, length=20)
    bp = dataclasses.replace(bp, duty_ranges={**bp.duty_ranges, "T7": Range(2, 2)})
    result = assemble(bp, standard, items, seed=0)
    assert not result.ok
    assert [p.code for p in result.problems] == ["assembly-infeasible", "assembly-requirement-short"]
    assert result.verdict == "infeasible"
    # the elastic solve measures the gap: T7 gets one item where it needs two
    assert [(g.requirement, g.subject, g.direction, g.amount) for g in result.gaps] == [("duty", "T7", "short", 1.0)]
    assert [(r.kind, dict(r.values).get("count")) for r in result.repairs] == [("write-items", 1), ("lower-duty", 1)]
    message = result.problems[0].message
    assert "duty T7" in message and "28 enemy pair(s)" in message
    assert "duty T1" not in message and "length" not in message


def test_form_check_reports_changed_and_missing_items(tmp_path, standard):
    items = []
    for item in synthetic(standard, per_task=2):
        path = tmp_path / f"{item.id}.yaml"
        path.write_text(f"id: {item.id}\n", encoding="utf-8")
        items.append(dataclasses.replace(item, file=str(path)))
    bp_file = tmp_path / "bp.yaml"
    bp_file.write_text("standard: x\n", encoding="utf-8")
    bp = blueprint_for(standard, length=20, file=str(bp_file))
    result = assemble(bp, standard, items, seed=5)
    form = form_documents(result, bp, standard, items)[0]
    assert check_form(form, "f.json", bp, standard, items).ok
    first = form["sections"][0]["items"][0]["id"]
    second = form["sections"][1]["items"][0]["id"]
    Path(next(i.file for i in items if i.id == first)).write_text("id: changed\n", encoding="utf-8")
    remaining = [i for i in items if i.id != second]
    problems = check_form(form, "f.json", bp, standard, remaining).problems
    assert sorted((p.code, p.path) for p in problems) == sorted(
        [("form-item-changed", first), ("form-item-missing", second), ("form-violates-blueprint", f"duties.{second.split('.')[0]}")]
    )


def test_cli_assemble_and_form_check_on_the_shipped_bank(tmp_path, capsys):
    out = tmp_path / "forms"
    code = main(
        [
            "assemble",
            str(ROOT / "blueprints" / "BAS2421-002v4.yaml"),
            "--forms",
            "2",
            "--seed",
            "4",
            "-o",
            str(out),
            "--format",
            "json",
            "--standards",
            str(ROOT / "standards"),
            "--items",
            str(ROOT / "items"),
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    forms = data["forms"]
    assert len(forms) == 2
    ids = [[e["id"] for s in f["sections"] for e in s["items"]] for f in forms]
    length = forms[0]["length"]
    assert all(len(x) == length for x in ids)
    assert len(set(ids[0]) & set(ids[1])) <= int(0.2 * length)  # the blueprint's 20%
    assert [s["duty"] for s in forms[0]["sections"]] == ["T1", "T2", "T3", "T4", "T5", "T6", "T7"]
    assert forms[0]["solver"]["status"] in ("optimal", "feasible")
    code = main(["form", "check", forms[0]["path"], "--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")])
    assert code == 0


def test_cli_assemble_infeasible_exit_1(tmp_path, capsys):
    bp = tmp_path / "blueprints" / "big.yaml"
    bp.parent.mkdir()
    bp.write_text((ROOT / "blueprints" / "BAS2421-002v4.yaml").read_text(encoding="utf-8").replace("length: 50", "length: 400"), encoding="utf-8")
    code = main(["assemble", str(bp), "--format", "json", "-o", str(tmp_path / "f"), "--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {p["code"] for p in data["problems"]} >= {"blueprint-duty-short"}


def test_shortfalls_point_at_the_blueprint_line_to_edit(tmp_path, capsys):
    source = (ROOT / "blueprints" / "BAS2421-002v4.yaml").read_text(encoding="utf-8")
    text = source.replace("  T7: {percent: 5}", "  T7: {count: 30}").replace("T6: {percent: 7.5}", "T6: {percent: 12.5}")
    text = text.replace("length: 50", "length: 90").replace("  multiple: {min: 5, max: 10}", "  multiple: {min: 85}")
    bp = tmp_path / "blueprints" / "short.yaml"
    bp.parent.mkdir()
    bp.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    code = main(["assemble", str(bp), "--format", "json", "-o", str(tmp_path / "f"), "--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    found = {(p["code"], p["path"]): (p["line"], p["column"]) for p in data["problems"]}
    assert found[("blueprint-duty-short", "duties.T7")] == (lines.index("  T7: {count: 30}") + 1, 3)
    assert found[("blueprint-type-short", "types.multiple")] == (lines.index("  multiple: {min: 85}") + 1, 3)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    length=st.integers(min_value=8, max_value=40),
    forms=st.integers(min_value=1, max_value=3),
    seed=st.integers(0, 1000),
    overlap=st.integers(0, 10),
    multiple=st.integers(0, 4),
)
def test_random_feasible_blueprints_give_forms_an_independent_checker_accepts(standard, length, forms, seed, overlap, multiple):
    items = synthetic(standard, per_task=5, seed=seed)
    bp = blueprint_for(standard, length=length, forms=forms, max_overlap=overlap, types={"multiple": Range(multiple, None)})
    result = assemble(bp, standard, items, seed=seed, time_limit=5, gap=0.02)
    if not result.ok:
        # only a proven, explained infeasibility is acceptable
        assert all(p.code.startswith(("blueprint-", "assembly-infeasible", "assembly-requirement-")) for p in result.problems)
        return
    for ids in result.forms:
        form = {"sections": [{"items": [{"id": i, "sha256": None} for i in ids]}], "blueprint": {}}
        problems = [p for p in check_form(form, "f", bp, standard, items).problems if p.code not in ("form-item-changed", "form-blueprint-changed")]
        assert problems == []
    assert check_parallel([list(f) for f in result.forms], bp) == []


@pytest.mark.parametrize("blueprint", sorted(p.name for p in (ROOT / "blueprints").glob("*.yaml")))
def test_every_default_blueprint_gives_two_forms_covering_every_duty(tmp_path, capsys, blueprint):
    args = ["assemble", str(ROOT / "blueprints" / blueprint), "--forms", "2", "--seed", "1", "-o", str(tmp_path), "--format", "json"]
    code = main([*args, "--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")])
    data = json.loads(capsys.readouterr().out)
    assert code == 0, data.get("problems")
    forms = data["forms"]
    ids = [[e["id"] for s in f["sections"] for e in s["items"]] for f in forms]
    length = forms[0]["length"]
    assert len(ids) == 2 and all(len(x) == length for x in ids)
    assert len(set(ids[0]) & set(ids[1])) <= int(0.2 * length)
    standard_id = forms[0]["standard"]["id"]
    _, bank = validate_bank([ROOT / "standards"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    every_duty = [d.code for d in bank.standards[standard_id].duties]
    assert all([s["duty"] for s in f["sections"]] == every_duty for f in forms)


def test_a_raw_cut_above_the_best_possible_score_is_refused_before_solving(standard):
    items = synthetic(standard, per_task=4)
    bp = blueprint_for(standard, length=20)
    assert not [p for p in shortfalls(dataclasses.replace(bp, cut_percent=None, cut_raw=20), standard, items) if p.code == "blueprint-cut-too-high"]
    problems = [p for p in shortfalls(dataclasses.replace(bp, cut_percent=None, cut_raw=400), standard, items) if p.code == "blueprint-cut-too-high"]
    assert [(p.path, "400" in p.message, "20" in p.message) for p in problems] == [("cut_score.raw", True, True)]


def test_a_duty_smaller_than_its_tasks_is_caught_by_arithmetic_with_the_repair(tmp_path, capsys):
    """BAS2421-002v4 at 30 items: every duty's share is fewer items than its tasks (task_minimum 1).
    Said at each duty's line in about a second, with the numbers to write, before any solver."""
    text = (ROOT / "blueprints" / "BAS2421-002v4.yaml").read_text(encoding="utf-8").replace("length: 50", "length: 30")
    bp = tmp_path / "blueprints" / "thirty.yaml"
    bp.parent.mkdir()
    bp.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    code = main(["assemble", str(bp), "--format", "json", "-o", str(tmp_path / "f"), "--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["solver"] is None  # refused before solving
    found = {p["path"]: p for p in data["problems"] if p["code"] == "blueprint-duty-below-tasks"}
    assert found["duties.T2"]["line"] == lines.index("  T2: {percent: 27.5}") + 1
    assert "its 11 tasks need 11" in found["duties.T2"]["message"]
    assert "duties.T7" not in found  # 2 items for its 2 tasks
    repairs = {(r["kind"], r["path"]): r for r in data["repairs"]}
    # 11 of 30 items is 36.67%: the share to write is rounded up so that it gives 11 again
    assert (repairs["raise-duty", "duties.T2"]["count"], repairs["raise-duty", "duties.T2"]["percent"]) == (11, 36.7)
    assert repairs["raise-duty", "duties.T2"]["line"] == found["duties.T2"]["line"]
    # every duty too small at once: the first repair is the shortest length whose shares fit
    # (at 40 items the shares give T1..T7 4, 11, 8, 4, 8, 3, 2: exactly their task counts)
    assert data["repairs"][0]["kind"] == "raise-length" and data["repairs"][0]["length"] == 40
    assert ("task-minimum-zero", "task_minimum") in repairs
