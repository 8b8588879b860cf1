"""The technical report (試卷技術報告): generated, read back with pdfplumber, and its numbers
compared with what the library computed; the CLI for a published form and for a responses CSV."""

from __future__ import annotations

import io
import json
import re

import pytest

from questionbank import reports
from questionbank.checks.runner import validate_bank
from questionbank.delivery import database, results
from questionbank.problems import CATALOG
from tests.conftest import ROOT, need
from tests.simulated import simulate_official_form

MISKEYED = 5  # the sixth item of the simulated form: its key is wrong


@pytest.fixture(scope="module")
def bank():
    _, loaded = validate_bank([ROOT / "standards", ROOT / "items"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    return loaded


@pytest.fixture(params=["truetype", "cid"])
def font(request):
    if request.param == "cid":
        return reports.CID_FONT
    found = reports.find_cjk_font()
    need(found.embedded, "no TrueType font with Traditional Chinese (apt-get install fonts-arphic-uming, or set QBANK_REPORT_FONT)")
    return found


def lines_of(pdf: bytes) -> tuple[list[str], int]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
        pages = len(doc.pages)
    assert "\ufffd" not in text and "(cid:" not in text
    return text.splitlines(), pages


def column_text(pdf: bytes, header: str, next_header: str | None) -> str:
    """The text of one table column, read from the page area between two header words (or the
    page's right edge; cells that wrap come back whole, in reading order), spaces removed."""
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            words = page.extract_words()
            left = [w for w in words if w["text"] == header]
            right = [w["x0"] - 1 for w in words if w["text"] == next_header and left and w["top"] == left[0]["top"]]
            if left and (right or next_header is None):
                out.append(page.crop((left[0]["x0"] - 1, left[0]["top"], right[0] if right else page.width, page.height)).extract_text() or "")
    return re.sub(r"\s+", "", "".join(out))


def line_with(lines: list[str], *parts: str) -> str:
    found = [line for line in lines if all(p in line for p in parts)]
    assert found, parts
    return found[0]


def test_the_technical_report_shows_the_numbers_the_library_computed(tmp_path, bank, font):
    engine = database.connect(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    snaps, _ = simulate_official_form(engine, bank, candidates=120, miskeyed=(MISKEYED,))
    data = results.published_technical_report_data(engine, "sim", bank.standards, now=1_800_000_000.0)
    analysis = data["analysis"]
    form, decisions = analysis.form, analysis.decisions
    pdf = reports.technical_report(data, font)
    assert pdf.startswith(b"%PDF-")
    lines, pages = lines_of(pdf)
    assert pages >= 3
    # every page says which of how many it is, in page order
    footers = [re.search(r"第 (\d+) 頁，共 (\d+) 頁", line) for line in lines]
    assert [m.groups() for m in footers if m] == [(str(n), str(pages)) for n in range(1, pages + 1)]

    assert "試卷技術報告" in lines[0]
    assert line_with(lines, "考生人數").split()[1] == "120"
    assert f"{form.alpha:.3f}" in line_with(lines, "信度 alpha（KR-20）")
    assert f"{form.sem:.2f}" in line_with(lines, "測量標準誤 SEM")
    assert f"{form.csem_at_cut:.2f}" in line_with(lines, "及格標準處的條件標準誤")
    assert "Livingston 與 Lewis（1995）" in "".join(lines)
    assert f"{decisions.accuracy:.3f}" in line_with(lines, "分類正確性")
    assert f"{decisions.consistency:.3f}" in line_with(lines, "分類一致性")
    assert f"{decisions.false_pass:.3f}" in line_with(lines, "誤判通過", "觀察通過")
    assert f"有效題數 {decisions.effective_length}" in "".join(lines).replace("\n", "")

    # the item table: the miskeyed item's p, r and its flags
    bad = analysis.items[MISKEYED]
    assert bad.id == snaps[MISKEYED]["id"]
    codes = {f.code for f in bad.flags}
    assert {"stat-negative-discrimination", "stat-possible-miskey"} <= codes
    row = line_with(lines, f"{MISKEYED + 1} {bad.id}", "單選")
    assert f"{bad.p:.2f}" in row and f"{bad.corrected_r:.2f}" in row
    at = lines.index(row)  # a long list of flags wraps around the row's line
    assert CATALOG["stat-negative-discrimination"].title_zh in "".join(lines[at - 1 : at + 2])
    good = analysis.items[0]
    assert not good.flags
    assert f"{good.p:.2f}" in line_with(lines, f"1 {good.id}", "單選")
    # the reasons, with their figures
    text = re.sub(r"\s+", "", "".join(lines))
    reasons = column_text(pdf, "原因", "建議")
    assert f"修正後題總相關{bad.corrected_r:.2f}，小於0" in reasons
    distractor = max((o for o in bad.options if not o.key), key=lambda o: o.mean_total)
    key = next(o for o in bad.options if o.key)
    assert f"選項{distractor.label}（{distractor.count}人選）的選擇者平均總分{distractor.mean_total:.1f}，高於選答案者的{key.mean_total:.1f}" in reasons
    assert CATALOG["stat-possible-miskey"].hint_zh in column_text(pdf, "建議", None)

    # the distractor table: each option's share and the mean total of its choosers; * marks the key
    cells = line_with(lines, f"{MISKEYED + 1} {bad.id}", "%（")
    assert f"{key.label}* {100 * key.share:.0f}%（{key.mean_total:.1f}）" in cells
    assert f"{distractor.label} {100 * distractor.share:.0f}%（{distractor.mean_total:.1f}）" in cells

    # the duty verdicts, and what candidates are shown
    t1, t2 = analysis.subscores[0], analysis.subscores[1]
    row = line_with(lines, "T1 ", "不單獨報告")
    assert f"{t1.prmse_subscore:.2f}" in row and f"{t1.prmse_total:.2f}" in row and "只列等級" in row
    assert (
        "列出分數" in line_with(lines, f"16 {t2.reliability:.2f} {t2.prmse_subscore:.2f} {t2.prmse_total:.2f} 值得報告") and not t1.reportable and t2.reportable
    )
    assert "依120位正式考生的作答決定" in text
    assert data["form_sha256"] in text
    engine.dispose()


def test_too_few_candidates_say_so(tmp_path, bank):
    engine = database.connect(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    simulate_official_form(engine, bank, candidates=1)
    lines, pages = lines_of(reports.technical_report(results.published_technical_report_data(engine, "sim", bank.standards)))
    assert pages == 1 and "這份試卷目前只有 1 位考生的作答，至少需要兩位才能分析。" in lines
    engine.dispose()


def test_cli_report_technical_from_the_database_and_from_a_responses_csv(tmp_path, monkeypatch, capsys, bank):
    from questionbank.cli import main

    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    monkeypatch.setenv("QBANK_DATABASE_URL", url)
    engine = database.connect(url)
    simulate_official_form(engine, bank, candidates=40)
    engine.dispose()
    assert main(["report", "technical", "sim", "-o", str(tmp_path / "out" / "sim.pdf"), "--standards", str(ROOT / "standards")]) == 0
    assert "technical report of form sim (40 candidate(s), 30 item(s))" in capsys.readouterr().err
    lines, _ = lines_of((tmp_path / "out" / "sim.pdf").read_bytes())
    assert "考生成績單尚未採用結論：目前40位正式考生，需滿100位" in re.sub(r"\s+", "", "".join(lines))
    assert main(["report", "technical", "nope", "-o", str(tmp_path / "nope.pdf")]) == 1
    assert "[form-unknown]" in capsys.readouterr().err

    bank_args = ["--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")]
    assert (
        main(["assemble", str(ROOT / "blueprints" / "KMC3332-002v1.yaml"), "--forms", "1", "-o", str(tmp_path / "forms"), "--format", "json", *bank_args]) == 0
    )
    form = json.loads(capsys.readouterr().out)["forms"][0]
    ids = [e["id"] for s in form["sections"] for e in s["items"]]
    by_id = {i.id: i for _, i in bank.items}
    rows = ["candidate_id,item_id,answer"]
    for n in range(30):  # candidate n answers right when k < n (a spread of totals), else the first option
        for k, item_id in enumerate(ids):
            item, right = by_id[item_id], k < n
            if item.type == "true_false":
                right = item.answer if right else not item.answer  # the truth value written
            rows.append(f"c{n},{item_id},{('T' if right else 'F') if item.type == 'true_false' else (''.join(item.keys) if right else 'A')}")
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["analyze", form["path"], str(tmp_path / "r.csv"), "--format", "json", *bank_args]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert main(["report", "technical", form["path"], "--responses", str(tmp_path / "r.csv"), "-o", str(tmp_path / "csv.pdf"), *bank_args]) == 0
    capsys.readouterr()
    lines, _ = lines_of((tmp_path / "csv.pdf").read_bytes())
    assert f"{expected['form']['alpha']:.3f}" in line_with(lines, "信度 alpha（KR-20）")
    assert "外部收集的作答（CSV）" in "".join(lines)
    first = expected["items"][0]
    assert f"{first['p']:.2f}" in line_with(lines, f"1 {first['id']}")

    # usage: FORM is required, and technical does not mix with --attempt or --form
    assert main(["report", "technical", "-o", str(tmp_path / "x.pdf")]) == 2
    assert main(["report", "technical", "sim", "--attempt", "t", "-o", str(tmp_path / "x.pdf")]) == 2
    assert main(["report", "technical", form["path"], "--responses", str(tmp_path / "r.csv"), "--practice", "-o", str(tmp_path / "x.pdf")]) == 2
    with pytest.raises(SystemExit) as refused:  # argparse: 'sim' is not a kind of report
        main(["report", "sim", "-o", str(tmp_path / "x.pdf")])
    assert refused.value.code == 2
    assert main(["report", "-o", str(tmp_path / "x.pdf")]) == 2


def test_the_analysis_page_sorts_by_flag_shows_distractors_and_what_candidates_see(db_url, bank):
    from questionbank.delivery import accounts
    from tests.test_app import app, login

    engine = database.connect(db_url)
    accounts.add_examiner(engine, "考官庚", "right password 123")
    snaps, _ = simulate_official_form(engine, bank, candidates=120, miskeyed=(MISKEYED,))
    engine.dispose()
    at = login(app(), "考官庚", "right password 123")
    at.switch_page("views/analysis.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["試題"]) == [s["id"] for s in snaps]  # form order first
    at.radio(key="analysis_sort").set_value("警示優先").run()
    table = at.dataframe[0].value
    assert table.iloc[0]["試題"] == snaps[MISKEYED]["id"]
    assert set(table.iloc[0]["警示"].split("、")) >= {"鑑別度為負", "答案可能有誤"}
    assert list(table.columns[:3]) == ["題號", "試題", "警示"]  # the flags stay in sight on a phone
    at.selectbox(key="analysis_item").set_value(snaps[MISKEYED]["id"]).run()
    options = at.table[0].value
    assert len(options) == 4 and sum(label.endswith("（答案）") for label in options.index) == 1
    assert any(w.value.startswith("答案可能有誤") for w in at.warning)
    duties = at.table[1].value
    assert list(duties["考生成績單"]) == ["只列等級", "列出分數", "列出分數"]
    assert any("依 120 位正式考生的作答決定" in c.value for c in at.caption)
