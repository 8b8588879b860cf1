"""Consequences of the PRMSE verdict: an official form's duty verdicts are decided once it has
enough official attempts, stored, and followed by the candidate's results page and PDF."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from questionbank import reports
from questionbank.checks.runner import validate_bank
from questionbank.delivery import database, results, verdicts
from questionbank.scoring import Rules
from questionbank.stats.subscores import MIN_VERDICT_CANDIDATES, numbers_shown
from tests.conftest import ROOT
from tests.simulated import START, simulate_official_form


@pytest.fixture(scope="module")
def bank():
    _, loaded = validate_bank([ROOT / "standards", ROOT / "items"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    return loaded


def stored_rows(engine, form_id: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(database.duty_verdicts).where(database.duty_verdicts.c.form_id == form_id)).scalar())


def test_the_policy_shows_numbers_for_reportable_duties_and_duties_with_a_minimum():
    assert numbers_shown(["T1", "T2"], None, {}) == {"T1": True, "T2": True}  # not decided: everything, with a caution
    assert numbers_shown(["T1", "T2"], {"T1": False, "T2": True}, {}) == {"T1": False, "T2": True}
    # a duty minimum decides pass or fail: its figure is always shown
    assert numbers_shown(["T1", "T2"], {"T1": False, "T2": True}, {"T1": 50.0}) == {"T1": True, "T2": True}
    assert MIN_VERDICT_CANDIDATES == 100


def test_verdicts_wait_for_the_minimum_then_are_decided_once_from_official_attempts(database_url, bank):
    engine = database.connect(database_url)
    simulate_official_form(engine, bank, candidates=120)
    waiting = verdicts.duty_verdicts(engine, "sim", minimum=121)
    assert (waiting.decided, waiting.candidates, waiting.minimum, waiting.reportable) == (False, 120, 121, None)
    assert stored_rows(engine, "sim") == 0
    assert waiting.numbers_shown(["T1", "T2", "T3"], Rules()) == {"T1": True, "T2": True, "T3": True}

    decided = verdicts.duty_verdicts(engine, "sim", now=START + 100)
    analysis = results.published_analysis(engine, "sim")
    assert decided.decided and decided.candidates == 120 and decided.decided_at == START + 100
    assert decided.reportable == {s.duty: s.reportable for s in analysis.subscores} == {"T1": False, "T2": True, "T3": True}
    t1 = decided.duties[0]
    assert (t1["duty"], t1["items"]) == ("T1", 4)
    assert t1["reliability"] == pytest.approx(analysis.subscores[0].reliability)
    assert t1["prmse_total"] == pytest.approx(analysis.subscores[0].prmse_total)
    assert t1["prmse_subscore"] < t1["prmse_total"]  # the total predicts T1's true score better than T1 does
    assert stored_rows(engine, "sim") == 3
    assert decided.numbers_shown(["T1", "T2", "T3"], Rules()) == {"T1": False, "T2": True, "T3": True}
    assert decided.numbers_shown(["T1", "T2", "T3"], Rules(duty_minimum_percent={"T1": 50.0}))["T1"] is True

    # decided once: a later look returns the stored verdict, not a new one
    again = verdicts.duty_verdicts(engine, "sim", now=START + 999)
    assert again.decided_at == START + 100 and again.reportable == decided.reportable
    # an examiner decides again deliberately
    redone = verdicts.decide_duty_verdicts(engine, "sim", now=START + 500)
    assert redone.decided_at == START + 500 and stored_rows(engine, "sim") == 3
    engine.dispose()


def pdf_lines(pdf: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [line for page in doc.pages for line in (page.extract_text() or "").splitlines()]


def test_the_candidate_report_follows_the_verdict(tmp_path, bank):
    engine = database.connect(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    _, tokens = simulate_official_form(engine, bank, candidates=120)
    data = results.candidate_report_data(engine, tokens[0], bank.standards)
    assert data["subscores"] == {"decided": True, "candidates": 120, "minimum": 100}
    shown = {d["code"]: d["numbers"] for d in data["duties"]}
    assert shown == {"T1": False, "T2": True, "T3": True}
    t2 = next(d for d in data["duties"] if d["code"] == "T2")
    lines = pdf_lines(reports.candidate_report(data))
    chart = next(line for line in lines if line.startswith("T1 "))  # the chart comes before the table
    assert "只列等級" in chart and "%" not in chart
    row = {code: next(line for line in lines if line.startswith(code + " ") and " / " in line) for code in ("T1", "T2")}
    assert "– / 4" in row["T1"] and "僅供參考" in row["T1"] and "%" not in row["T1"]
    assert f"{t2['raw']:g} / 16" in row["T2"] and "僅供參考" not in row["T2"]
    text = re.sub(r"\s+", "", "".join(lines))
    assert "依120位考生的作答資料" in text and "（T1）" in text

    # a form with fewer official attempts than the minimum: numbers as before, with the caution
    _, few = simulate_official_form(engine, bank, form_id="few", candidates=30, title="少數考生")
    data = results.candidate_report_data(engine, few[0], bank.standards)
    assert data["subscores"] == {"decided": False, "candidates": 30, "minimum": 100}
    assert all(d["numbers"] for d in data["duties"])
    text = re.sub(r"\s+", "", "".join(pdf_lines(reports.candidate_report(data))))
    assert "本試卷目前有30位考生交卷，須達100位" in text
    assert stored_rows(engine, "few") == 0
    engine.dispose()


def test_the_results_page_shows_bands_only_for_duties_without_added_value(db_url, bank):
    engine = database.connect(db_url)
    _, tokens = simulate_official_form(engine, bank, candidates=120)
    _, few = simulate_official_form(engine, bank, form_id="few", candidates=30, title="少數考生")
    result = results.result(engine, tokens[0])
    engine.dispose()

    at = AppTest.from_file(str(ROOT / "exam_app" / "app.py"), default_timeout=60)
    at.query_params["token"] = tokens[0]
    at.switch_page("views/results.py").run()
    assert not at.exception
    table = at.table[0].value
    t1 = table.loc[next(i for i in table.index if i.startswith("T1 "))]
    t2 = table.loc[next(i for i in table.index if i.startswith("T2 "))]
    assert (t1["得分"], t1["百分比"], t1["說明"]) == ("—", "—", "此職責題數較少，分數僅供參考")
    assert (t2["得分"], t2["百分比"], t2["說明"]) == (f"{result['duties']['T2']['raw']:g}", f"{result['duties']['T2']['percent']:.1f}%", "")
    captions = " ".join(c.value for c in at.caption)
    assert "依 120 位考生的作答資料" in captions

    at = AppTest.from_file(str(ROOT / "exam_app" / "app.py"), default_timeout=60)
    at.query_params["token"] = few[0]
    at.switch_page("views/results.py").run()
    assert not at.exception
    table = at.table[0].value
    assert "說明" not in table.columns and all(v != "—" for v in table["得分"])
    assert "本試卷目前有 30 位考生交卷，須達 100 位" in " ".join(c.value for c in at.caption)


def test_cli_store_decides_the_verdicts_again(tmp_path, monkeypatch, capsys, bank):
    from questionbank.cli import main

    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    monkeypatch.setenv("QBANK_DATABASE_URL", url)
    engine = database.connect(url)
    simulate_official_form(engine, bank, candidates=120)
    simulate_official_form(engine, bank, form_id="few", candidates=30, title="少數考生")
    assert main(["analyze", "--published", "sim", "--store", "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert "duty verdicts decided on 120 official attempt(s); candidates are shown: T1 band only, T2 numbers, T3 numbers" in err
    assert main(["analyze", "--published", "few", "--store", "--format", "json"]) == 0
    assert "duty verdicts not decided: 30 of the 100 official attempts needed" in capsys.readouterr().err
    assert stored_rows(engine, "sim") == 3 and stored_rows(engine, "few") == 0
    engine.dispose()
