"""`qbank score`: responses CSV parsing with located errors, and the JSON/CSV results."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questionbank.cli import main
from questionbank.interchange.responses_csv import _careful_table, _fast_table, read_responses
from questionbank.scoring import AnswerKey, Rules, ScoredItem
from tests.conftest import ROOT

ITEMS = [
    ScoredItem("s1", "single", ("A", "B", "C", "D"), ("B",), 1.0, "T1", "T1.1"),
    ScoredItem("m1", "multiple", ("A", "B", "C", "D", "E"), ("A", "C"), 1.0, "T1", "T1.2"),
    ScoredItem("t1", "true_false", ("T", "F"), ("F",), 1.0, "T2", "T2.1"),
]
KEY = AnswerKey(ITEMS, Rules(multiple="partial"))


def parse(text, encoding="utf-8"):
    return read_responses(text.encode(encoding), "r.csv", KEY)


def test_answers_in_every_accepted_spelling():
    table, problems = parse('candidate_id,item_id,answer\nc1,s1,b\nc1,m1,"A, C"\nc1,t1,X\nc2,t1,Ｏ\nc2,m1,ＣＡ\nc2,s1,\n')
    assert problems == []
    assert table.candidates == ("c1", "c2")
    assert table.matrix.tolist() == [[0b10, 0b101, 0b10], [0, 0b101, 0b01]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("candidate_id,item_id,answer\nc1,s1,E\n", [("responses-bad-answer", 2, 3)]),
        ("candidate_id,item_id,answer\nc1,s1,AB\n", [("responses-bad-answer", 2, 3)]),
        ("candidate_id,item_id,answer\nc1,t1,Y\nc1,m1,AA\n", [("responses-bad-answer", 2, 3), ("responses-bad-answer", 3, 3)]),
        ("candidate_id,item_id,answer\nc1,zz,A\n", [("responses-unknown-item", 2, 2)]),
        ("candidate_id,item_id,answer\nc1,s1,A\nc1,s1,B\n", [("responses-duplicate", 3, 2)]),
        ("candidate_id,item_id,answer\n,s1,A\n", [("responses-row", 2, 1)]),
        ("candidate_id,item_id,answer\nc1,s1\n", [("responses-row", 2, 3)]),
        ("cand,item_id,answer\nc1,s1,A\n", [("responses-header", 1, 1)]),
        ("", [("responses-header", 1, 1)]),
        ('candidate_id,item_id,answer\nc1,s1,A\nc2,s1,"B\n', [("responses-csv-syntax", 3, 1)]),
        ("candidate_id,item_id,answer\nc1,s1,A\x00\n", [("responses-unreadable", 2, 1)]),
    ],
)
def test_bad_rows_are_located(text, expected):
    table, problems = parse(text)
    assert table is None
    assert [(p.code, p.line, p.column) for p in problems] == expected


def test_mis_encoded_file_names_row_and_column():
    data = "candidate_id,item_id,answer\nc1,s1,A\n王小明,s1,B\n".encode("big5")
    table, problems = read_responses(data, "r.csv", KEY)
    assert table is None
    assert [(p.code, p.line, p.column) for p in problems] == [("responses-not-utf8", 3, 1)]
    assert "UTF-8" in problems[0].message


def test_bom_and_crlf_from_excel_are_fine():
    table, problems = read_responses("\ufeffcandidate_id,item_id,answer\r\nc1,s1,B\r\n".encode(), "r.csv", KEY)
    assert problems == [] and table.matrix.tolist() == [[0b10, 0, 0]]


@pytest.fixture
def assembled(tmp_path, capsys):
    code = main(
        [
            "assemble",
            str(ROOT / "blueprints" / "KMC3332-002v1.yaml"),
            "--forms",
            "1",
            "-o",
            str(tmp_path / "forms"),
            "--format",
            "json",
            "--standards",
            str(ROOT / "standards"),
            "--items",
            str(ROOT / "items"),
        ]
    )
    assert code == 0
    form = json.loads(capsys.readouterr().out)["forms"][0]
    import yaml

    items = {}
    for section in form["sections"]:
        for entry in section["items"]:
            items[entry["id"]] = yaml.safe_load((ROOT / "items" / "KMC3332-002v1" / f"{entry['id']}.yaml").read_text(encoding="utf-8"))
    return form, items


def right_answer(data):
    if data["type"] == "true_false":
        return "O" if data["answer"] else "X"
    return "".join(data["answer"]) if isinstance(data["answer"], list) else data["answer"]


def test_cli_scores_by_duty(tmp_path, capsys, assembled):
    form, items = assembled
    ids = list(items)
    rows = ["candidate_id,item_id,answer"]
    rows += [f"全對,{i},{right_answer(items[i])}" for i in ids]
    rows += [f"半對,{i},{right_answer(items[i]) if n % 2 == 0 else ''}" for n, i in enumerate(ids)]
    responses = tmp_path / "responses.csv"
    responses.write_text("\n".join(rows) + "\n", encoding="utf-8")
    args = [form["path"], str(responses), "--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")]
    assert main(["score", *args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    full, half = data["candidates"]
    assert full["candidate_id"] == "全對" and full["raw"] == full["max"] == len(ids) and full["percent"] == 100.0 and full["passed"] is True
    assert set(full["duties"]) == {s["duty"] for s in form["sections"]}
    assert all(d["band"] == "above" for d in full["duties"].values())
    assert half["raw"] == len(ids[::2]) and half["passed"] is False
    for section in form["sections"]:
        members = [e["id"] for e in section["items"]]
        assert half["duties"][section["duty"]]["raw"] == sum(1 for i in members if ids.index(i) % 2 == 0)
        assert half["duties"][section["duty"]]["max"] == len(members)
    out = tmp_path / "scores.csv"
    assert main(["score", *args, "--format", "csv", "-o", str(out)]) == 0
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["candidate_id"] for r in table] == ["全對", "半對"] and table[0]["passed"] == "true"


def test_cli_refuses_bad_csv_and_writes_nothing(tmp_path, capsys, assembled):
    form, items = assembled
    first = next(iter(items))
    responses = tmp_path / "bad.csv"
    responses.write_bytes(f"candidate_id,item_id,answer\nc1,{first},Z\nc1,nope,A\n".encode())
    out = tmp_path / "scores.json"
    code = main(["score", form["path"], str(responses), "-o", str(out), "--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")])
    printed = capsys.readouterr().out
    assert code == 1 and not out.exists()
    assert f"{responses}:2:3: error [responses-bad-answer]" in printed and f"{responses}:3:2: error [responses-unknown-item]" in printed
    assert main(["score", form["path"], str(tmp_path / "missing.csv")]) == 1
    assert f"{tmp_path / 'missing.csv'}:1:1: error [responses-unreadable]" in capsys.readouterr().out
    assert main(["score", str(tmp_path / "nope.json"), str(responses)]) == 1
    assert "form-unreadable" in capsys.readouterr().out


def test_more_fields_than_the_header_a_repeated_column_and_no_rows_are_refused():
    assert [(p.code, p.line, p.column) for p in parse("candidate_id,item_id,answer\nc1,s1,A,B\n")[1]] == [("responses-row", 2, 4)]
    assert [(p.code, p.line, p.column) for p in parse("candidate_id,item_id,answer,answer\nc1,s1,A,B\n")[1]] == [("responses-header", 1, 4)]
    assert [(p.code, p.line) for p in parse("candidate_id,item_id,answer\n")[1]] == [("responses-empty", 2)]
    assert [(p.code, p.line) for p in parse("candidate_id,item_id,answer\n\n\n")[1]] == [("responses-empty", 2)]


_CELLS = st.sampled_from(
    ["007", "1.5", "c1", "c2", " c3 ", "", "s1", "m1", "t1", "zz", "A", "b", "AC", "A, C", "X", "O", "Ｏ", "E", '"', '""', 'a"b', ",", "\n", "候選人"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CELLS, min_size=1, max_size=4), max_size=8), st.booleans())
def test_the_fast_reader_agrees_with_the_careful_one(rows, quote_all):
    """Whatever the CSV, the fast path either declines or returns exactly the careful result."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(["candidate_id", "item_id", "answer"])
    writer.writerows(rows)
    for data in (out.getvalue().encode(), out.getvalue().replace('"', "", 1).encode()):
        fast = _fast_table(io.BytesIO(data), KEY)
        careful, problems = _careful_table(data, "r.csv", KEY)
        if fast is not None:
            assert problems == [] and careful is not None
            assert fast.candidates == careful.candidates and fast.matrix.tolist() == careful.matrix.tolist()
