"""Infeasible blueprints explained: the corpus of necessary conditions (code, line, repair
numbers), the soundness of every counting condition, and the editor's check agreeing with assembly.

Each folder of tests/cases/infeasible/ holds a blueprint and an expected.yaml: the synthetic bank
it runs on (``bank``), the problems as [code, line], and repairs as [kind, path, values] that
must be among those offered. The expected numbers are worked out by hand in the case's comments
in tests/cases/infeasible/README.md.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionbank.assembly import assemble, build_model, check_blueprint, solve
from questionbank.blueprint import Blueprint, Range
from questionbank.checks.runner import parse_blueprint, validate_bank
from questionbank.feasibility import count_gaps, eligible_items, repairs, writing_plan
from questionbank.forms import check_form, check_parallel
from questionbank.items import Item
from questionbank.problems import REPAIR_TEXT
from tests.synthetic_items import synthetic_item

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted(p for p in (ROOT / "tests" / "cases" / "infeasible").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def standards():
    _, bank = validate_bank([ROOT / "standards"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    return bank.standards


def synthetic_bank(standard, spec: dict) -> list[Item]:
    """``per_task`` single-choice items per task, all medium and active; ``levels`` cycles the
    cognitive levels; every item of ``multiple_tasks`` is multiple response; ``empty_tasks`` have
    none; every item of duty ``clique`` is the enemy of every other."""
    levels = spec.get("levels", ["apply"])
    items = []
    for task in standard.tasks:
        if task in spec.get("empty_tasks", []):
            continue
        multiple = task in spec.get("multiple_tasks", [])
        for n in range(spec["per_task"]):
            items.append(
                Item(
                    id=f"{task}-{n}",
                    standard=standard.id,
                    task=task,
                    competencies=("K01",),
                    type="multiple" if multiple else "single",
                    stem=f"{task} {n}",
                    options=(("A", "a"), ("B", "b"), ("C", "c"), ("D", "d")),
                    answer=("A", "B") if multiple else "A",
                    rationale="r",
                    status="active",
                    cognitive_level=levels[n % len(levels)],
                    difficulty="medium",
                )
            )
    clique = spec.get("clique")
    if clique:
        members = [i.id for i in items if standard.duty_code(i.task) == clique]
        items = [dataclasses.replace(i, enemies=tuple(m for m in members if m != i.id)) if i.id in members else i for i in items]
    return items


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_infeasible_case_is_explained_at_its_line_with_the_repair(folder, standards):
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    blueprint, problems = parse_blueprint(str(folder / "bp.yaml"), (folder / "bp.yaml").read_bytes(), standards)
    assert blueprint is not None and problems == []
    standard = standards[blueprint.standard]
    result = assemble(blueprint, standard, synthetic_bank(standard, expected["bank"]), time_limit=20)
    assert result.verdict == "infeasible" and not result.forms
    assert sorted((p.code, p.line) for p in result.problems) == sorted(tuple(row) for row in expected["problems"])
    offered = [(r.kind, r.path, dict(r.values)) for r in result.repairs]
    for kind, path, values in expected["repairs"]:
        assert any(k == kind and p == path and all(v.get(key) == value for key, value in values.items()) for k, p, v in offered), (kind, path, values, offered)
    for repair in result.repairs:  # every sentence fills in both languages
        assert repair.text() and repair.text_zh()


def test_every_counting_condition_and_repair_kind_has_a_case():
    codes, kinds = set(), set()
    for folder in CASES:
        expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
        codes |= {row[0] for row in expected["problems"]}
        kinds |= {row[0] for row in expected["repairs"]}
    from questionbank.problems import CATALOG

    counting = {
        c
        for c in CATALOG
        if c.startswith("blueprint-")
        and c.endswith(("-short", "-capacity", "-impossible", "-unreachable", "-below-tasks", "-exceed-duty", "-too-high", "-items"))
    }
    counting -= {"blueprint-overlap-too-high"}  # a schema-level refusal, tested in the validation corpus
    counting -= {"blueprint-duty-short", "blueprint-level-short"}  # tests/test_assembly.py counts these on synthetic banks
    assert counting <= codes, counting - codes
    assert {
        "raise-duty",
        "lower-duty",
        "write-items",
        "task-minimum-zero",
        "lower-min",
        "fewer-forms",
        "fewer-enemies",
        "widen-difficulty",
        "lower-cut",
    } <= kinds


def random_blueprint(standard, rng: random.Random) -> Blueprint:
    duties = [d.code for d in standard.duties]
    counts = {d: rng.randint(1, 5) for d in duties}
    length = sum(counts.values())
    ranges = {d: Range(c, c) for d, c in counts.items()}
    if rng.random() < 0.3:
        d = rng.choice(duties)
        ranges[d] = Range(counts[d], counts[d] + rng.randint(0, 3))
    types = {}
    if rng.random() < 0.6:
        types["multiple"] = Range(rng.randint(0, 6), None)
    levels = {}
    if rng.random() < 0.5:
        levels[rng.choice(duties)] = {rng.choice(["apply", "analyze", "apply_or_analyze"]): Range(rng.randint(0, 4), None)}
    low = rng.choice([None, None, 1.6, 2.0, 2.3])
    forms = rng.choice([1, 1, 2, 3])
    return Blueprint(
        standard=standard.id,
        length=length,
        duty_ranges=ranges,
        task_minimum=rng.choice([0, 1]),
        levels=levels,
        types=types,
        difficulty_mean=(low, None),
        forms=forms,
        max_overlap=rng.randint(0, length // 2) if forms > 1 else None,
        file="bp.yaml",
    )


def random_bank(standard, rng: random.Random) -> list[Item]:
    items = []
    for task in standard.tasks:
        for n in range(rng.randint(1, 6)):
            items.append(synthetic_item(rng, standard.id, task, n, ["single"] * 6 + ["multiple"] * 3 + ["true_false"]))
    ids = [i.id for i in items]
    for _ in range(rng.randint(0, 6)):  # a few enemy pairs, declared on both sides
        a, b = rng.sample(ids, 2)
        items = [dataclasses.replace(i, enemies=(*i.enemies, b if i.id == a else a)) if i.id in (a, b) else i for i in items]
    return items


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6))
def test_counting_conditions_are_sound_and_the_editor_agrees_with_assembly(standards, seed):
    """On random blueprints and banks: (1) whenever counting reports a gap, the full model is
    infeasible too (no counting condition refuses a blueprint the solver could meet); (2) the
    editor's check and assembly give the same verdict, and a form is re-checked independently."""
    standard = standards["KMC3332-002v1"]
    rng = random.Random(seed)
    blueprint, items = random_blueprint(standard, rng), random_bank(standard, rng)
    gaps = count_gaps(blueprint, standard, items)
    pool = eligible_items(blueprint, standard, items)
    if gaps and pool:
        model, _ = build_model(blueprint, standard, pool, seed=0)
        assert solve(model, time_limit=30, gap=1.0).status == "infeasible", [g.message for g in gaps]
    check = check_blueprint(blueprint, standard, items, budget=30)
    full = assemble(blueprint, standard, items, seed=seed, time_limit=30, gap=0.05)
    assert check.verdict in ("feasible", "infeasible") and full.verdict == check.verdict
    if full.verdict == "feasible":
        for ids in full.forms:
            form = {"sections": [{"items": [{"id": i, "sha256": None} for i in ids]}], "blueprint": {}}
            found = [p for p in check_form(form, "f", blueprint, standard, items).problems if p.code not in ("form-item-changed", "form-blueprint-changed")]
            assert found == []
        assert check_parallel([list(f) for f in full.forms], blueprint) == []
    else:
        assert full.gaps and full.repairs  # never refused without a measured gap and a repair
        for repair in repairs(blueprint, standard, list(full.gaps)):
            assert repair.kind in REPAIR_TEXT and repair.text() and repair.text_zh()


def test_writing_plan_counts_by_hand(standards):
    """KMC3332-002v1, every task with 2 items; 3 disjoint forms of T2 4 items (4 tasks) need 12
    distinct T2 items: 8 exist, so 4 to write, one per task (the tasks are equal)."""
    standard = standards["KMC3332-002v1"]
    items = synthetic_bank(standard, {"per_task": 2})
    blueprint = Blueprint(
        standard=standard.id,
        length=4,
        duty_ranges={"T2": Range(4, 4)},
        excluded={d.code: "x" for d in standard.duties if d.code != "T2"},
        forms=3,
        max_overlap=0,
        file="bp.yaml",
    )
    rows = {(r.scope, r.subject): (r.need, r.have, r.write) for r in writing_plan(blueprint, standard, items)}
    assert rows["duty", "T2"] == (12, 8, 4)
    assert [rows["task", f"T2.{n}"] for n in range(1, 5)] == [(3, 2, 1)] * 4
    assert rows["total", standard.id] == (12, 8, 4)


def test_cli_explain_prints_the_library_analysis_as_json(tmp_path, capsys, standards):
    """``qbank assemble --explain``: the same verdict, gaps (with lines) and repairs (English and
    Chinese) as the library, for the BAS2421-002v4 blueprint at 30 items; exit 1 when infeasible."""
    import json

    from questionbank.checks.runner import load_bank
    from questionbank.cli import main

    text = (ROOT / "blueprints" / "BAS2421-002v4.yaml").read_text(encoding="utf-8").replace("length: 50", "length: 30")
    path = tmp_path / "thirty.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["assemble", str(path), "--explain", "--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")])
    printed = json.loads(capsys.readouterr().out)
    _, bank = load_bank(str(ROOT / "standards"), str(ROOT / "items"))
    blueprint, _ = parse_blueprint(str(path), path.read_bytes(), bank.standards)
    expected = assemble(blueprint, bank.standards[blueprint.standard], [i for _, i in bank.items]).explanation(blueprint)
    assert code == 1 and printed == json.loads(json.dumps(expected, ensure_ascii=False))
    assert printed["verdict"] == "infeasible" and printed["solver"] is None
    t6 = next(g for g in printed["gaps"] if g["subject"] == "T6")
    # 7.5% of 30 = 2.25 -> 2 items; T6 has 3 tasks at task_minimum 1
    assert (t6["need"], t6["have"], t6["amount"], t6["line"]) == (3, 2, 1, text.splitlines().index("  T6: {percent: 7.5}") + 1)
    raise_t6 = next(r for r in printed["repairs"] if r["kind"] == "raise-duty" and r["duty"] == "T6")
    assert (raise_t6["count"], raise_t6["percent"], raise_t6["text_zh"]) == (3, 10.0, "將 T6 提高到至少 3 題（30 題的 10.0%）")
