"""Reading YAML safely: positions, limits, and no exception whatever the bytes."""

from __future__ import annotations

import json
from pathlib import Path

import fastjsonschema
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from questionbank import documents
from questionbank.checks.runner import validate, validate_bank
from questionbank.documents import parse_document, read_document
from questionbank.problems import CATALOG
from questionbank.schemas import load_schema, schema_problems

ROOT = Path(__file__).resolve().parent.parent
VALID = (Path(__file__).parent / "cases" / "valid" / "valid-single" / "valid-single.yaml").read_text(encoding="utf-8")


def test_locate_points_at_values_and_keys():
    doc, problems = parse_document("x.yaml", VALID.encode())
    assert problems == []
    assert doc.locate(("options", "C")) == (13, 6)
    assert doc.locate(("options", "C"), key=True) == (13, 3)
    assert doc.locate(("competencies", 1)) == (4, 21)
    # a missing key falls back to the mapping that lacks it
    assert doc.locate(("options", "Z")) == (11, 3)


def test_missing_key_points_at_the_mapping(tmp_path):
    text = VALID.replace("  A: 實體與線上共用一張報名表\n", "")
    doc, _ = parse_document("x.yaml", text.encode())
    assert doc.data["options"].keys() == {"B", "C", "D"}


def test_file_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text("tags: [" + ", ".join(["x"] * 100) + "]\n", encoding="utf-8")
    doc, problems = read_document(str(path))
    assert doc is None
    assert [(p.code, p.line) for p in problems] == [("file-too-large", 1)]


def test_directory_given_as_file(tmp_path):
    _, problems = read_document(str(tmp_path))
    assert [p.code for p in problems] == ["file-unreadable"]


def test_huge_flat_file_is_read(tmp_path):
    # a large but harmless file: one problem per bad line, not a crash
    path = tmp_path / "items" / "BAS2421-002v4" / "huge.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("tags:\n" + "".join(f"  - 標籤{i}\n" for i in range(50_000)), encoding="utf-8")
    result = validate([path], standards_dir=ROOT / "standards", items_dir=tmp_path / "items")
    assert {p.code for p in result.problems} == {"schema-required"}


def test_item_folder_mismatch(tmp_path):
    folder = tmp_path / "items" / "BAS2421-001"
    folder.mkdir(parents=True)
    (folder / "valid-single.yaml").write_text(VALID, encoding="utf-8")
    result = validate([folder], standards_dir=ROOT / "standards", items_dir=tmp_path / "items")
    assert [(p.code, p.line, p.column) for p in result.problems] == [("item-folder-mismatch", 2, 11)]


def test_every_code_used_in_the_source_is_in_the_catalog():
    import re

    used = set()
    for path in (ROOT / "questionbank").rglob("*.py"):
        used.update(re.findall(r'problem\(\s*"([a-z0-9-]+)"', path.read_text(encoding="utf-8")))
        used.update(re.findall(r'add\(\s*"([a-z0-9-]+)"', path.read_text(encoding="utf-8")))
    used.update(re.findall(r'"(schema-[a-z-]+)"', (ROOT / "questionbank" / "schemas" / "__init__.py").read_text(encoding="utf-8")))
    assert used, "the pattern found no codes"
    assert used <= set(CATALOG), used - set(CATALOG)


_text = st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\n\t 會議%@`,?")), max_size=200)


@settings(max_examples=300, deadline=None)
@given(_text)
def test_parse_never_raises(text):
    doc, problems = parse_document("fuzz.yaml", text.encode("utf-8"))
    for p in problems:
        assert p.code in CATALOG and p.line >= 1 and p.column >= 1
    if doc is not None:
        schema_problems(doc, "item")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_bytes_never_raise(raw):
    parse_document("fuzz.yaml", raw)


_mutation = st.sampled_from(
    [
        ("answer: B", "answer: [B]"),
        ("answer: B", "answer: 2"),
        ("type: single", "type: multiple"),
        ("type: single", "type: true_false"),
        ("status: active", "status: ACTIVE"),
        ("competencies: [K52, S19]", "competencies: []"),
        ("competencies: [K52, S19]", "competencies: [K52, K52]"),
        ("  A: 實體與線上共用一張報名表\n", ""),
        ("  A: 實體與線上共用一張報名表", "  A: ''"),
        ("  A: 實體與線上共用一張報名表", "  AA: x"),
        ("stem:", "stme:"),
        ("difficulty: medium", "difficulty: 3"),
        ("indicators: [P2.2.1]", "indicators: P2.2.1"),
        ("id: valid-single", "id: 'has space'"),
        ("", ""),
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_mutation, max_size=4))
def test_fast_and_full_schema_validators_agree(mutations):
    """The compiled fast path must call a document valid exactly when jsonschema does."""
    text = VALID
    for old, new in mutations:
        text = text.replace(old, new, 1) if old else text
    data = yaml.safe_load(text)
    schema = load_schema("item")
    full = Draft202012Validator(schema).is_valid(data)
    try:
        fastjsonschema.compile(schema)(data)
        fast = True
    except fastjsonschema.JsonSchemaException:
        fast = False
    assert fast == full, json.dumps(data, ensure_ascii=False)


def test_parallel_and_serial_runs_agree(tmp_path, monkeypatch):
    """The process pool used for large banks reports exactly what the serial path reports."""
    from questionbank.checks import runner as validation

    folder = tmp_path / "items" / "BAS2421-002v4"
    folder.mkdir(parents=True)
    for n in range(12):
        text = VALID.replace("id: valid-single", f"id: p{n}")
        if n % 3 == 0:
            text = text.replace("answer: B", "answer: E")
        if n % 4 == 0:
            text = text.replace("stem: 混合型會議", f"stem: 第{n}題，混合型會議")
        (folder / f"p{n}.yaml").write_text(text, encoding="utf-8")
    args = ([folder], ROOT / "standards", tmp_path / "items")
    serial = validation.validate(*args)
    monkeypatch.setattr(validation, "PARALLEL_THRESHOLD", 2)
    parallel = validation.validate(*args)
    assert serial.problems == parallel.problems
    # stems with a prefix added are near-duplicates of the plain one (checks/similarity.py)
    assert {p.code for p in serial.problems} == {"answer-not-an-option", "duplicate-stem", "item-near-duplicate"}
    assert sum(p.code == "duplicate-stem" for p in serial.problems) == 8
    # the app's server asks for no workers (no fork from its threads): no pool, the same findings
    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", None)
    in_process, bank = validation.validate_bank(*args, parallel=False)
    assert in_process.problems == serial.problems and len(bank.items) == 12


def test_the_standards_alone_are_the_banks_standards():
    from questionbank.checks.runner import read_standards

    _, bank = validate_bank([ROOT / "standards", ROOT / "items"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    alone = read_standards(ROOT / "standards")
    assert alone == bank.standards and len(alone) == 10
