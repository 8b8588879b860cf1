"""The examiner's item analysis in a real browser (playwright + Debian's chromium): an official
form with 120 submitted attempts, one item miskeyed; the examiner opens 試題分析, sorts by flag,
reads the distractor table and the duty verdicts, and downloads the technical PDF, whose numbers
are the library's; a candidate of the form sees T1 as a band only. Screenshots at 1400 and 390 px: tests/artifacts/screenshots/ux-analysis-{items,distractors,verdicts}-*.png, ux-results-verdict-*.png."""

from __future__ import annotations

import io
import re
from pathlib import Path

from questionbank.checks.runner import validate_bank
from questionbank.delivery import accounts, database, results
from tests.conftest import ROOT
from tests.simulated import simulate_official_form
from tests.test_browser import SHOTS, browser, server, wait_text  # noqa: F401  (browser is a fixture)
from tests.test_browser_ux import WIDTHS, _choose, _login, serious_violations, settled

MISKEYED = 5


def shots_at(page, name: str, anchor: str) -> None:
    """Screenshots at each width with ``anchor`` (a text) at the top of the view: Streamlit scrolls
    inside its main container, so a full-page screenshot shows only the part in view."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        settled(page)
        page.get_by_text(anchor, exact=True).first.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"ux-{name}-{label}.png"))
    page.set_viewport_size({"width": WIDTHS["wide"], "height": 1000})
    settled(page)


def test_an_examiner_sorts_by_flag_reads_distractors_and_verdicts_and_downloads_the_technical_report(browser, tmp_path):  # noqa: F811
    import pdfplumber

    url = f"sqlite:///{tmp_path / 'var' / 'qbank.sqlite3'}"
    engine = database.connect(url)
    accounts.add_examiner(engine, "考官辛", "right password 123")
    _, bank = validate_bank([ROOT / "standards", ROOT / "items"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    snaps, tokens = simulate_official_form(engine, bank, candidates=120, miskeyed=(MISKEYED,))
    analysis = results.published_analysis(engine, "sim")
    engine.dispose()
    bad = analysis.items[MISKEYED]
    assert bad.id == snaps[MISKEYED]["id"] and {f.code for f in bad.flags} >= {"stat-negative-discrimination", "stat-possible-miskey"}

    with server(url, tmp_path) as base:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW", accept_downloads=True).new_page()
        _login(page, base, "考官辛", "analysis")
        wait_text(page, "試題分析")
        wait_text(page, "交卷人數")
        settled(page)
        grid = page.locator("[data-testid='stDataFrame']").first
        # the grid's cells are in the DOM (drawn on a canvas); in form order the first row is item 1
        grid.locator("td", has_text=snaps[0]["id"]).first.wait_for(state="attached", timeout=30_000)

        page.get_by_text("警示優先", exact=True).click()
        settled(page)
        first_row = grid.locator("tbody tr").first
        first_row.locator("td", has_text=bad.id).wait_for(state="attached", timeout=30_000)
        assert "鑑別度為負" in first_row.inner_text()
        shots_at(page, "analysis-items", "試題分析")

        _choose(page, "選擇試題", bad.id)
        wait_text(page, "答案可能有誤：")  # the warning above the table (the grid cell reads 鑑別度為負、答案可能有誤)
        distractors = page.locator("[data-testid='stTable']").first
        assert distractors.get_by_text("（答案）").count() == 1
        best = max((o for o in bad.options if not o.key), key=lambda o: o.mean_total)
        assert f"{best.mean_total:.1f}" in distractors.inner_text()

        wait_text(page, "職責分數是否值得報告")
        verdict_table = page.locator("[data-testid='stTable']").nth(1)
        rows = verdict_table.locator("tbody tr")
        assert [rows.nth(n).locator("th").inner_text() for n in range(3)] == ["T1", "T2", "T3"]
        assert "只列等級" in rows.nth(0).inner_text() and "列出分數" in rows.nth(1).inner_text()
        wait_text(page, "依 120 位正式考生的作答決定")
        shots_at(page, "analysis-distractors", "誘答分析")
        shots_at(page, "analysis-verdicts", "職責分數是否值得報告")
        assert serious_violations(page) == []

        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="下載技術報告（PDF）").click()
        assert download.value.suggested_filename == "技術報告-sim.pdf"
        pdf = Path(download.value.path()).read_bytes()

        # a candidate of the form: T1 adds nothing to the total, so its band only, with the caution
        candidate = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW").new_page()
        candidate.goto(f"{base}/results?token={tokens[0]}")
        wait_text(candidate, "此職責題數較少，分數僅供參考")
        wait_text(candidate, "依 120 位考生的作答資料")
        row = candidate.locator("[data-testid='stTable'] tbody tr").first
        assert row.locator("th").inner_text().startswith("T1 ") and row.inner_text().count("—") == 2
        shots_at(candidate, "results-verdict", "測驗成績")
        assert serious_violations(candidate) == []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
    alpha_line = next(line for line in text.splitlines() if "信度 alpha（KR-20）" in line)
    assert f"{analysis.form.alpha:.3f}" in alpha_line
    assert f"{bad.p:.2f}" in next(line for line in text.splitlines() if line.startswith(f"{MISKEYED + 1} {bad.id}"))
    assert "依120位正式考生的作答決定" in re.sub(r"\s+", "", text)
