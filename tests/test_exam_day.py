"""Exam-day rules: access codes listed with their status, formula cells neutralised in every CSV,
past-deadline attempts read as submitted on every path."""

from __future__ import annotations

import csv
import io

import pytest

from questionbank.cli import main
from questionbank.delivery import attempts, database, publishing, results
from questionbank.interchange.scores_csv import codes_csv, scores_csv
from questionbank.interchange.spreadsheet import safe_cell
from tests.test_delivery import START, publish, shipped  # noqa: F401  (shipped is a fixture)


@pytest.fixture
def engine(database_url):
    engine = database.connect(database_url)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1", " =1", "＝1"])
def test_formula_cells_are_neutralised(text):
    assert safe_cell(text).startswith("'")
    row = next(
        csv.reader(io.StringIO(scores_csv([{"candidate_id": text, "raw": 1, "max": 1, "percent": 100, "passed": True, "duties": {}}], []).splitlines()[1]))
    )
    assert row[0] == "'" + text
    listed = codes_csv([{"code": text, "candidate_id": text, "status": "unused"}]).splitlines()[1]
    assert next(csv.reader([listed]))[:2] == ["'" + text, "'" + text]


@pytest.mark.parametrize("text", ["A123", "考生甲", "3.5", "", "a=b"])
def test_plain_cells_pass_unchanged(text):
    assert safe_cell(text) == text
    assert safe_cell(-3) == -3


def test_codes_are_listed_with_their_status_and_survive_any_rerun(engine, shipped, database_url, monkeypatch, capsys):  # noqa: F811
    publish(engine, shipped, kind="official", form_id="hall", minutes=30)
    issued = publishing.issue_access_codes(engine, "hall", ["A001", None, None], now=START)
    started = attempts.start_official(engine, issued[0], "A001", now=START)
    done = attempts.start_official(engine, issued[1], "B002", now=START)
    attempts.submit(engine, done, now=START + 60)
    listed = publishing.list_codes(engine, "hall", now=START + 120)
    assert sorted((c["code"], c["candidate_id"]) for c in listed) == sorted([(issued[0], "A001"), (issued[1], "B002"), (issued[2], "")])
    assert {c["code"]: c["status"] for c in listed} == {issued[0]: "in-progress", issued[1]: "submitted", issued[2]: "unused"}
    # the time runs out: the in-progress attempt is listed as submitted without anyone opening it
    later = publishing.list_codes(engine, "hall", now=START + 31 * 60)
    assert {c["code"]: c["status"] for c in later}[issued[0]] == "submitted"
    assert attempts.state(engine, started, now=START + 31 * 60).submitted_by == "deadline"
    monkeypatch.setenv("QBANK_DATABASE_URL", database_url)
    assert main(["codes", "list", "hall", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["准考碼", "考生編號", "狀態"] and len(rows) == 4
    assert main(["codes", "issue", "hall", "2"]) == 0
    assert len(capsys.readouterr().out.split()) == 2
    assert main(["codes", "list", "nope"]) == 1
    assert "[form-unknown]" in capsys.readouterr().err


def test_a_past_deadline_attempt_reads_as_submitted_on_every_path(engine, shipped):  # noqa: F811
    import time

    past = time.time() - 3600  # read paths use the real clock: this one-minute attempt ended an hour ago
    publish(engine, shipped, kind="official", form_id="late", minutes=1)
    (code,) = publishing.issue_access_codes(engine, "late", ["L1"], now=past)
    token = attempts.start_official(engine, code, "L1", now=past)
    attempts.save_answer(engine, token, 0, ["A"], now=past + 10)
    # nobody swept and nobody opened the exam page; the deadline passed on the real clock long ago
    assert results.result(engine, token)["max"] > 0
    row, matrix = results.submitted_responses(engine, token)
    assert row["submitted_by"] == "deadline" and matrix.shape[0] == 1
    candidates, _, _ = results.form_responses(engine, "late")
    assert candidates == ["L1"]
