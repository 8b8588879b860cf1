"""PDF score reports: the numbers and the study plan, and text that comes back intact from the PDF in both font paths."""

from __future__ import annotations

import ast
import io
import itertools
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from questionbank import reports
from questionbank.checks.runner import validate_bank
from questionbank.delivery import attempts, database, publishing, results
from questionbank.errors import QbankError
from questionbank.scoring import Rules, item_credit, mask
from questionbank.snapshots import answer_key, form_hash, labels_of, snapshot
from questionbank.standards import natural_order
from tests.conftest import ROOT, need

START = 1_800_000_000.0  # 2027-01-15 in Taiwan
RULES = Rules(70.0, None, "partial")
RESOLUTION = 150  # dpi of the PNGs the ink check reads


@pytest.fixture(scope="module")
def bank():
    _, bank = validate_bank([ROOT / "standards", ROOT / "items"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    return bank


@pytest.fixture(scope="module")
def shipped(bank):
    """Two single-choice items per duty of BAS2421-002v4, two multiple-response and one true/false, in task order."""
    standard = bank.standards["BAS2421-002v4"]
    active = sorted((i for _, i in bank.items if i.standard == standard.id and i.status == "active"), key=lambda i: i.id)
    chosen = []
    for duty in standard.duties:
        chosen += [i for i in active if i.type == "single" and i.task.split(".")[0] == duty.code][:2]
    chosen += [i for i in active if i.type == "multiple"][:2] + [i for i in active if i.type == "true_false"][:1]
    snaps = sorted((snapshot(i, standard) for i in chosen), key=lambda s: (natural_order(s["task"]), s["id"]))
    return standard, snaps


@pytest.fixture
def engine(tmp_path):
    engine = database.connect(f"sqlite:///{tmp_path}/q.sqlite3")
    yield engine
    engine.dispose()


@pytest.fixture(params=["truetype", "cid"])
def font(request):
    if request.param == "cid":
        return reports.CID_FONT
    found = reports.find_cjk_font()
    need(found.embedded, "no TrueType font with Traditional Chinese (apt-get install fonts-arphic-uming fonts-wqy-zenhei, or set QBANK_REPORT_FONT)")
    return found


# ---------------------------------------------------------------------------------------------
# helpers


def plan_for(snaps):
    """What the candidate does per question: right, wrong, partial (one key of a multiple) or nothing."""
    plan = []
    multiples = 0
    for n, snap in enumerate(snaps):
        if snap["type"] == "multiple":
            multiples += 1
            plan.append("partial" if multiples == 1 else "right")
        else:
            plan.append(("right", "right", "wrong", None)[n % 4])
    return plan


def chosen_labels(snap, how):
    """Original labels the candidate picks."""
    labels = labels_of(snap)
    keys = list(snap["keys"])
    if how == "right":
        return keys
    if how == "partial":
        return keys[:1]
    if how == "wrong":
        return [next(label for label in labels if label not in keys)]
    return []


def to_display(question, snap, original):
    if snap["type"] == "true_false":
        return original[0] == "T" if original else None
    texts = dict(snap["options"])
    wanted = {texts[label] for label in original}
    return [label for label, text in question.options if text in wanted]


def take(engine, snaps, plan, candidate="A123", form_id="off"):
    code = publishing.issue_access_codes(engine, form_id, [candidate], now=START)[0]
    token = attempts.start_official(engine, code, candidate, now=START)
    state = attempts.state(engine, token, now=START)
    for question, snap, how in zip(state.questions, snaps, plan, strict=True):
        if how:
            attempts.save_answer(engine, token, question.position, to_display(question, snap, chosen_labels(snap, how)), now=START + 10)
    attempts.submit(engine, token, now=START + 60)
    return token


def publish(engine, shipped, form_id="off", rules=RULES):
    standard, snaps = shipped
    publishing.publish(engine, form_id, snaps, rules, kind="official", standard=standard, title="會議專案執行人員 模擬測驗", now=START)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> tuple[str, int]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages), len(doc.pages)


def assert_round_trip(pdf: bytes, expected: list[str]) -> str:
    """Every expected text comes back from the PDF, with no replacement character or unmapped glyph."""
    text, _ = pdf_text(pdf)
    assert "\ufffd" not in text and "(cid:" not in text
    body = flat(text)
    missing = [e for e in expected if flat(e) not in body]
    assert not missing, missing
    return text


def glyphs_missing(text: str, font: reports.ReportFont) -> list[str]:
    """Characters the font has no glyph for (TrueType cmap, or CID 0 in the CNS CMap)."""
    chars = sorted({c for c in text if not c.isspace()})
    if font.embedded:
        from reportlab.pdfbase.ttfonts import TTFont

        face = TTFont("probe", font.path, subfontIndex=font.subfont_index).face
        return [c for c in chars if ord(c) not in face.charToGlyph]
    from pdfminer.cmapdb import CMapDB

    cmap = CMapDB.get_cmap(reports.fonts.CID_ENCODING)
    return [c for c in chars if next(iter(cmap.decode(c.encode("utf-16-be"))), 0) == 0]


def blank_glyphs(pdf: bytes, tmp_path: Path) -> tuple[list[str], int]:
    """Render with poppler and return the characters whose box holds no ink (and how many were checked)."""
    need(shutil.which("pdftoppm") is not None, "pdftoppm is not installed (apt-get install poppler-utils)")
    import pdfplumber
    from PIL import Image

    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(RESOLUTION), "-gray", "-png", str(source), str(tmp_path / "page")], check=True, capture_output=True)
    images = sorted(tmp_path.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    scale = RESOLUTION / 72.0
    blank, checked = [], 0
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(images) == len(doc.pages)
        for page, image in zip(doc.pages, images, strict=True):
            pixels = np.asarray(Image.open(image).convert("L"))
            for ch in page.chars:
                if ch["text"].isspace():
                    continue
                box = pixels[int(ch["top"] * scale) : math.ceil(ch["bottom"] * scale), int(ch["x0"] * scale) : math.ceil(ch["x1"] * scale)]
                checked += 1
                # backgrounds are white or pale (luminance >= 230); any stroke is darker than 200
                if box.size == 0 or box.min() > 200:
                    blank.append(ch["text"])
    return blank, checked


def candidate_expected(data):
    plan = data["study_plan"]
    out = [data["candidate_id"], data["form_sha256"], data["standard"]["name"], data["standard"]["code"], data["date"]]
    out += [f"{d['code']} {d['name']}" for d in data["duties"]]
    out += [f"{t['code']} {t['name']}（{t['items']} 題未得滿分）" for t in plan["tasks"]]
    out += [f"{code} {text}" for t in plan["tasks"] for code, text in t["indicators"]]
    out += [f"{k['code']} {k['name']}" for k in plan["knowledge"]]
    return out


# ---------------------------------------------------------------------------------------------
# data


def test_candidate_data_has_the_scores_and_the_study_plan(engine, shipped, bank):
    standard, snaps = shipped
    publish(engine, shipped)
    plan = plan_for(snaps)
    token = take(engine, snaps, plan)
    data = results.candidate_report_data(engine, token, bank.standards)

    key = answer_key(snaps, RULES)
    earned = [item_credit(item, tuple(chosen_labels(s, how)), RULES) for item, s, how in zip(key.items, snaps, plan, strict=True)]
    maximum = sum(s["points"] for s in snaps)
    assert data["total"]["raw"] == pytest.approx(sum(earned)) and data["total"]["max"] == maximum
    assert data["total"]["percent"] == pytest.approx(round(100 * sum(earned) / maximum, 2))
    assert data["passed"] is (sum(earned) >= 0.7 * maximum)
    assert data["cut"]["percent"] == 70.0 and data["cut"]["raw"] == pytest.approx(0.7 * maximum)
    assert sum(earned) % 1 > 0  # the partial-credit item earned a fraction
    assert (data["candidate_id"], data["form_id"], data["mode"], data["date"], data["date_kind"]) == ("A123", "off", "official", "2027-01-15", "submitted")
    assert data["form_sha256"] == form_hash(snaps)
    assert data["standard"] == {"id": "BAS2421-002v4", "name": "會議專案執行人員", "code": "BAS2421-002v4", "version": "V4"}

    assert [d["code"] for d in data["duties"]] == [d.code for d in standard.duties]
    for duty in data["duties"]:
        members = [n for n, s in enumerate(snaps) if s["duty"] == duty["code"]]
        assert duty["name"] == next(d.name for d in standard.duties if d.code == duty["code"])
        assert duty["items"] == len(members)
        assert duty["raw"] == pytest.approx(sum(earned[n] for n in members))
        assert duty["band"] in ("below", "near", "above") and duty["near"][0] <= 70.0 <= duty["near"][1]

    missed = [(s, e) for s, e in zip(snaps, earned, strict=True) if e < s["points"]]
    tasks = data["study_plan"]["tasks"]
    assert [t["code"] for t in tasks] == sorted({s["task"] for s, _ in missed}, key=natural_order)
    for task in tasks:
        snaps_of = [s for s, _ in missed if s["task"] == task["code"]]
        assert task["items"] == len(snaps_of) and task["name"] == snaps_of[0]["task_name"]
        assert {c for c, _ in task["indicators"]} == {c for s in snaps_of for c, _ in s["indicators"]}
        assert all(text for _, text in task["indicators"])
    k_codes = {c for s, _ in missed for c in s["competencies"] if c.startswith("K")}
    assert {k["code"] for k in data["study_plan"]["knowledge"]} == k_codes
    for k in data["study_plan"]["knowledge"]:
        assert k["name"] and k["name"] == standard.competency_name(k["code"])
    # nothing the candidate got fully right is in the plan
    right_only = {s["task"] for s, how in zip(snaps, plan, strict=True) if how == "right"} - {s["task"] for s, _ in missed}
    assert right_only and not right_only & {t["code"] for t in tasks}


def test_without_the_standard_the_report_shows_codes(engine, shipped):
    _, snaps = shipped
    publish(engine, shipped)
    token = take(engine, snaps, plan_for(snaps))
    data = results.candidate_report_data(engine, token)
    assert data["standard"] == {"id": "BAS2421-002v4", "name": "", "code": "BAS2421-002v4", "version": None}
    assert data["study_plan"]["knowledge"] and all(k["name"] is None for k in data["study_plan"]["knowledge"])
    text = assert_round_trip(reports.candidate_report(data, reports.CID_FONT), [k["code"] for k in data["study_plan"]["knowledge"]])
    assert "BAS2421-002v4" in text


def test_no_report_before_submission(engine, shipped):
    publish(engine, shipped)
    code = publishing.issue_access_codes(engine, "off", ["B1"], now=START)[0]
    token = attempts.start_official(engine, code, "B1", now=START)
    with pytest.raises(QbankError) as err:
        results.candidate_report_data(engine, token)
    assert err.value.code == "review-not-available"
    with pytest.raises(QbankError) as err:
        results.candidate_report_data(engine, "no-such-token")
    assert err.value.code == "attempt-unknown"


def test_practice_attempts_get_reports_too(engine, shipped):
    standard, snaps = shipped
    publishing.publish(engine, "p1", snaps, RULES, kind="practice", standard=standard, title="練習", now=START)
    token = attempts.start_practice(engine, "p1", "learner", now=START)
    attempts.submit(engine, token, now=START + 5)
    data = results.candidate_report_data(engine, token)
    assert data["mode"] == "practice" and data["total"]["raw"] == 0 and data["passed"] is False
    # nothing answered: every task is in the plan
    assert {t["code"] for t in data["study_plan"]["tasks"]} == {s["task"] for s in snaps}


def test_cohort_from_the_database_equals_the_cohort_from_a_matrix(engine, shipped):
    standard, snaps = shipped
    publish(engine, shipped)
    plans = [plan_for(snaps), ["right"] * len(snaps), [None] * len(snaps), ["wrong" if s["type"] != "multiple" else "partial" for s in snaps]]
    for n, plan in enumerate(plans):
        take(engine, snaps, plan, candidate=f"c{n}")
    from_db = results.published_cohort_report_data(engine, "off", now=START)

    key = answer_key(snaps, RULES)
    matrix = np.array(
        [[mask(item.labels, chosen_labels(s, how)) for item, s, how in zip(key.items, snaps, plan, strict=True)] for plan in plans], dtype=np.uint32
    )
    header = reports.form_header("off", snaps, title="會議專案執行人員 模擬測驗", standard_id=standard.id, standard_code=standard.code)
    from_matrix = reports.cohort_report_data(header, snaps, RULES, matrix, now=START)
    assert from_db == from_matrix

    totals = np.array([[item_credit(i, tuple(chosen_labels(s, how)), RULES) for i, s, how in zip(key.items, snaps, plan, strict=True)] for plan in plans])
    percent = 100 * totals.sum(axis=1) / totals.shape[1]
    assert from_db["candidates"] == 4 and from_db["passed"] == int((percent >= 70).sum())
    assert from_db["pass_rate"] == pytest.approx(100 * from_db["passed"] / 4)
    assert from_db["percent"]["mean"] == pytest.approx(percent.mean(), abs=0.01)
    assert from_db["percent"]["sd"] == pytest.approx(percent.std(), abs=0.01)
    edges = from_db["histogram"]["edges"]
    assert edges == list(range(0, 101, 10))
    # bins include their lower edge (a float sum of partial credits a hair below it counts as on it);
    # the last one also includes 100
    exact = [round(p, 6) for p in percent]
    assert from_db["histogram"]["counts"] == [sum(lo <= p < hi or p == hi == 100 for p in exact) for lo, hi in itertools.pairwise(edges)]
    assert any(p != q for p, q in zip(percent, exact, strict=True))  # the case is really here
    assert from_db["histogram"]["counts"][-1] == 1
    for duty in from_db["duties"]:
        members = [n for n, s in enumerate(snaps) if s["duty"] == duty["code"]]
        duty_pct = 100 * totals[:, members].sum(axis=1) / len(members)
        assert duty["percent"]["mean"] == pytest.approx(duty_pct.mean(), abs=0.01)
        assert duty["percent"]["sd"] == pytest.approx(duty_pct.std(), abs=0.01)
        assert sum(duty["bands"].values()) == 4


# ---------------------------------------------------------------------------------------------
# PDFs


def test_candidate_report_text_comes_back_intact(engine, shipped, bank, font, tmp_path):
    _, snaps = shipped
    publish(engine, shipped)
    token = take(engine, snaps, plan_for(snaps))
    data = results.candidate_report_data(engine, token, bank.standards)
    pdf = reports.candidate_report(data, font)
    assert pdf.startswith(b"%PDF-")
    expected = candidate_expected(data)
    total = data["total"]
    expected += [
        f"{reports.layout._fmt(total['raw'], 2)} / {total['max']} 分（{total['percent']:.1f}%）",
        "通過" if data["passed"] else "未通過",
        "學習建議",
        "職責分數的精確度遠低於總分",
    ]
    expected += [f"{d['percent']:.1f}% {reports.data.BAND_LABELS[d['band']]}" for d in data["duties"]]
    text = assert_round_trip(pdf, expected)
    assert 1 <= pdf_text(pdf)[1] <= 2
    assert glyphs_missing(text, font) == []


def test_candidate_report_renders_every_glyph(engine, shipped, bank, font, tmp_path):
    if not font.embedded:
        # poppler draws the non-embedded MSung-Light with a Chinese system font found by fontconfig
        listed = subprocess.run(["fc-list", ":lang=zh-tw"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
        need(bool(listed.strip()), "no Traditional Chinese system font for poppler to substitute for MSung-Light (apt-get install fonts-arphic-uming)")
    _, snaps = shipped
    publish(engine, shipped)
    token = take(engine, snaps, plan_for(snaps))
    pdf = reports.candidate_report(results.candidate_report_data(engine, token, bank.standards), font)
    blank, checked = blank_glyphs(pdf, tmp_path)
    assert checked > 500 and blank == []


def test_the_cid_font_uses_the_cns_cmap(engine, shipped):
    _, snaps = shipped
    publish(engine, shipped)
    pdf = reports.candidate_report(results.candidate_report_data(engine, take(engine, snaps, plan_for(snaps))), reports.CID_FONT)
    assert b"/BaseFont /MSung-Light" in pdf and b"/Encoding /UniCNS-UCS2-H" in pdf and b"UniGB" not in pdf
    assert b"/FontFile2" not in pdf  # nothing embedded


def test_a_weak_candidate_on_a_long_form_still_gets_two_pages(bank, font):
    standard = bank.standards["BAS2421-002v4"]
    every = sorted((i for _, i in bank.items if i.standard == standard.id and i.status == "active"), key=lambda i: i.id)
    # at most three items per task, so that a 100-item form spans most tasks (the bank holds six a task)
    active = [i for i in every if sum(1 for j in every if j.task == i.task and j.id < i.id) < 3][:100]
    snaps = sorted((snapshot(i, standard) for i in active), key=lambda s: (natural_order(s["task"]), s["id"]))
    header = reports.form_header("long", snaps, title="長卷", standard=standard)
    (data,) = reports.candidates_report_data(header, snaps, RULES, ["nobody"], np.zeros((1, len(snaps)), dtype=np.uint32), standard=standard, now=START)
    assert len(data["study_plan"]["tasks"]) > 25
    pdf = reports.candidate_report(data, font)
    text, pages = pdf_text(pdf)
    assert pages == 2
    body = flat(text)
    assert all(flat(f"{t['code']} {t['name']}") in body for t in data["study_plan"]["tasks"])
    assert all(c in body for t in data["study_plan"]["tasks"] for c, _ in t["indicators"])
    assert all(flat(f"{k['code']} {k['name']}") in body for k in data["study_plan"]["knowledge"])
    assert data["date"] == "2027-01-15" and "計分日期" in body


def test_a_perfect_candidate_has_nothing_to_study(shipped):
    standard, snaps = shipped
    key = answer_key(snaps, RULES)
    header = reports.form_header("off", snaps, standard=standard)
    (data,) = reports.candidates_report_data(header, snaps, RULES, ["top"], key.key_mask.reshape(1, -1), standard=standard, now=START)
    assert data["passed"] and data["total"]["percent"] == 100.0 and data["study_plan"] == {"tasks": [], "knowledge": []}
    assert all(d["band"] == "above" for d in data["duties"])
    text = assert_round_trip(reports.candidate_report(data, reports.CID_FONT), ["所有題目皆得滿分", "通過", *[reports.data.BAND_LABELS["above"]] * 2])
    assert "未通過" not in text


def test_same_data_same_bytes(shipped):
    standard, snaps = shipped
    header = reports.form_header("off", snaps, standard=standard)
    (data,) = reports.candidates_report_data(header, snaps, RULES, ["x"], np.zeros((1, len(snaps)), dtype=np.uint32), standard=standard, now=START)
    assert reports.candidate_report(data, reports.CID_FONT) == reports.candidate_report(data, reports.CID_FONT)


def test_cohort_report_text_comes_back_intact(shipped, font, tmp_path):
    standard, snaps = shipped
    key = answer_key(snaps, RULES)
    rng = np.random.default_rng(7)
    right = rng.random((40, len(snaps))) < rng.uniform(0.3, 1.0, size=(40, 1))
    matrix = np.where(right, key.key_mask, 0).astype(np.uint32)
    header = reports.form_header("off", snaps, title="模擬測驗", standard=standard)
    data = reports.cohort_report_data(header, snaps, RULES, matrix, now=START)
    pdf = reports.cohort_report(data, font)
    expected = [f"{d['code']} {d['name']}" for d in data["duties"]]
    expected += [data["form_sha256"], "通過率", f"{data['pass_rate']:.1f}%", f"{data['percent']['mean']:.1f}%", "總分分布", "各職責平均與標準差"]
    expected += [f"平均 {d['percent']['mean']:.1f}%，標準差 {d['percent']['sd']:.1f}" for d in data["duties"]]
    expected += [f"{d['bands']['below']} / {d['bands']['near']} / {d['bands']['above']}" for d in data["duties"]]
    text = assert_round_trip(pdf, expected)
    assert glyphs_missing(text, font) == []
    assert 1 <= pdf_text(pdf)[1] <= 2


def test_an_empty_cohort_says_so(shipped):
    standard, snaps = shipped
    header = reports.form_header("off", snaps, standard=standard)
    data = reports.cohort_report_data(header, snaps, RULES, np.zeros((0, len(snaps)), dtype=np.uint32), now=START)
    assert data["candidates"] == 0 and data["pass_rate"] is None and data["percent"]["mean"] is None
    assert_round_trip(reports.cohort_report(data, reports.CID_FONT), ["還沒有已交卷的作答"])


# ---------------------------------------------------------------------------------------------
# fonts


def test_fallback_when_no_truetype_font_is_found(tmp_path):
    cff = tmp_path / "NotoSansCJK-Regular.otf"
    cff.write_bytes(b"OTTO" + bytes(200))  # the signature of CFF-flavoured OpenType
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"not a font at all")
    font = reports.find_cjk_font(str(cff), candidates=[(str(junk), 0), (str(tmp_path / "absent.ttc"), 0)], environ={})
    assert font == reports.CID_FONT and not font.embedded
    assert [path for path, _ in font.skipped] == [str(cff), str(junk)]
    assert "CFF" in font.skipped[0][1]
    # a CFF collection, as Noto Sans CJK ships (.ttc): ttcf header, one font at offset 16
    collection = tmp_path / "NotoSansCJK-Regular.ttc"
    collection.write_bytes(b"ttcf" + (0x00010000).to_bytes(4, "big") + (1).to_bytes(4, "big") + (16).to_bytes(4, "big") + b"OTTO" + bytes(200))
    refused = reports.find_cjk_font(str(collection), candidates=(), environ={})
    assert not refused.embedded and refused.skipped == ((str(collection), "CFF (PostScript) outlines, which ReportLab cannot embed"),)
    missing = reports.find_cjk_font(candidates=(), environ={reports.fonts.FONT_ENV: str(tmp_path / "nope.ttf")})
    assert missing == reports.CID_FONT and missing.skipped == ((str(tmp_path / "nope.ttf"), "no such file"),)


def test_a_font_without_chinese_is_skipped():
    latin = next((p for p in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",) if Path(p).is_file()), None)
    if latin is None:
        pytest.skip("DejaVu Sans is not installed; nothing to test against")
    font = reports.find_cjk_font(latin, candidates=(), environ={})
    assert not font.embedded and "no Traditional Chinese glyphs" in font.skipped[0][1]


def test_configured_font_comes_first():
    usable = [(p, i) for p, i in reports.fonts.SYSTEM_FONTS if reports.find_cjk_font(f"{p}#{i}", candidates=(), environ={}).embedded]
    need(bool(usable), "no CJK TrueType font from SYSTEM_FONTS is installed (apt-get install fonts-arphic-uming fonts-wqy-zenhei)")
    last_path, last_index = usable[-1]
    font = reports.find_cjk_font(environ={reports.fonts.FONT_ENV: f"{last_path}#{last_index}"})
    assert (font.path, font.subfont_index) == (last_path, last_index) and font.skipped == ()
    assert reports.find_cjk_font(environ={}).path == usable[0][0]


def test_noto_cjk_is_refused_as_cff():
    noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    if not Path(noto).is_file():
        pytest.skip("fonts-noto-cjk is not installed; the CFF refusal is tested with a synthetic file above")
    font = reports.find_cjk_font(noto, candidates=(), environ={})
    assert not font.embedded and font.skipped == ((noto, "CFF (PostScript) outlines, which ReportLab cannot embed"),)


# ---------------------------------------------------------------------------------------------
# batch


def test_write_reports_on_several_processes(shipped, tmp_path):
    standard, snaps = shipped
    key = answer_key(snaps, RULES)
    ids = ["甲-001", "a/b", "A/B", "..", "c 4", "c_4"]
    matrix = np.array([[key.key_mask[i] if (c + i) % (c + 2) else 0 for i in range(len(snaps))] for c in range(len(ids))], dtype=np.uint32)
    header = reports.form_header("off", snaps, standard=standard)
    datas = reports.candidates_report_data(header, snaps, RULES, ids, matrix, standard=standard, now=START)
    progress = list(reports.write_reports(datas, tmp_path / "out", font=reports.CID_FONT, workers=2))
    assert [p.done for p in progress] == list(range(1, 7)) and {p.total for p in progress} == {6}
    names = reports.report_filenames(ids)
    assert names == ["甲-001.pdf", "a_b.pdf", "A_B-2.pdf", "candidate.pdf", "c_4.pdf", "c_4-2.pdf"]
    assert sorted(p.path.name for p in progress) == sorted(names)
    assert not list((tmp_path / "out").glob("*.partial"))
    for name, data in zip(names, datas, strict=True):
        text, _ = pdf_text((tmp_path / "out" / name).read_bytes())
        assert flat(f"考生編號{data['candidate_id']}") in flat(text)
        assert flat(f"{data['total']['raw']} / {data['total']['max']} 分") in flat(text)


def test_write_reports_in_one_process(shipped, tmp_path):
    standard, snaps = shipped
    header = reports.form_header("off", snaps, standard=standard)
    datas = reports.candidates_report_data(header, snaps, RULES, ["x", "y"], np.zeros((2, len(snaps)), dtype=np.uint32), now=START)
    progress = list(reports.write_reports(datas, tmp_path, font=reports.CID_FONT, workers=1))
    assert [(p.done, p.total, p.path.name) for p in progress] == [(1, 2, "x.pdf"), (2, 2, "y.pdf")]


# ---------------------------------------------------------------------------------------------
# language


def test_report_texts_are_traditional_chinese_with_glyphs_in_both_fonts():
    from questionbank.checks.text import _simplified_pattern

    sources = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "questionbank" / "reports").glob("*.py"))]
    texts = [
        node.value
        for source in sources
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(r"[\u3000-\u9fff\uff00-\uffef]", node.value)
    ]
    assert len(texts) > 40
    pattern = _simplified_pattern()
    assert [t for t in texts if pattern.search(t)] == []
    chars = "".join(texts)
    fonts = [reports.CID_FONT] + [f for f in [reports.find_cjk_font()] if f.embedded]
    for font in fonts:
        assert glyphs_missing(chars, font) == [], font
        # and each text comes back unchanged (a glyph can map back to a look-alike: U+FF0F to U+2215 in CNS)
        assert pdf_lines(texts, font) == [" ".join(t.split()) for t in texts], font


def pdf_lines(texts: list[str], font: reports.ReportFont) -> list[str]:
    """Draw each text on a line of its own and read the lines back."""
    from reportlab.pdfgen import canvas

    name = reports.fonts._register(font)
    out = []
    for start in range(0, len(texts), 30):
        buffer = io.BytesIO()
        page = canvas.Canvas(buffer, invariant=1)
        page.setFont(name, 8)
        for n, text in enumerate(texts[start : start + 30]):
            page.drawString(20, 800 - 25 * n, " ".join(text.split()))
        page.save()
        lines, _ = pdf_text(buffer.getvalue())
        out += lines.splitlines()
    return out


def test_cli_report_batch_and_attempt(tmp_path, monkeypatch, capsys):
    import json

    from questionbank.cli import main

    monkeypatch.setenv("QBANK_DATABASE_URL", f"sqlite:///{tmp_path / 'q.sqlite3'}")
    bank_args = ["--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")]
    assert (
        main(["assemble", str(ROOT / "blueprints" / "KMC3332-002v1.yaml"), "--forms", "1", "-o", str(tmp_path / "forms"), "--format", "json", *bank_args]) == 0
    )
    form = json.loads(capsys.readouterr().out)["forms"][0]
    ids = [e["id"] for s in form["sections"] for e in s["items"]]
    rows = ["candidate_id,item_id,answer"] + [f"{c},{i}," for c in ("甲001", "乙002", "丙003") for i in ids]
    responses = tmp_path / "r.csv"
    responses.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "reports"
    assert main(["report", "--form", form["path"], "--responses", str(responses), "-o", str(out), "--workers", "2", *bank_args]) == 0
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert len(pdfs) == 4 and pdfs[0].startswith("_cohort-") and all(p.read_bytes().startswith(b"%PDF") for p in out.glob("*.pdf"))
    bad = tmp_path / "bad.csv"
    bad.write_text("candidate_id,item_id,answer\nc1,nope,A\n", encoding="utf-8")
    assert main(["report", "--form", form["path"], "--responses", str(bad), "-o", str(tmp_path / "x"), *bank_args]) == 1
    assert f"{bad}:2:2: error [responses-unknown-item]" in capsys.readouterr().out
    assert main(["report", "--form", form["path"], "-o", str(tmp_path / "x"), *bank_args]) == 2
    assert main(["publish", form["path"], "--codes", "1", *bank_args]) == 0
    code = capsys.readouterr().out.split()[-1]
    engine = database.connect(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    token = attempts.start_official(engine, code, "丁004")
    assert main(["report", "--attempt", token, "-o", str(tmp_path / "one.pdf")]) == 1
    assert "review-not-available" in capsys.readouterr().err
    attempts.submit(engine, token)
    assert main(["report", "--attempt", token, "-o", str(tmp_path / "one.pdf"), "--standards", str(ROOT / "standards")]) == 0
    assert (tmp_path / "one.pdf").read_bytes().startswith(b"%PDF")
    engine.dispose()


def test_killing_the_report_parent_leaves_no_worker_and_no_partial(tmp_path, capsys):
    """kill -9 of `qbank report` mid-batch: its workers follow it, and no .partial file stays."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    from questionbank.cli import main

    bank_args = ["--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")]
    assert (
        main(["assemble", str(ROOT / "blueprints" / "KMC3332-002v1.yaml"), "--forms", "1", "-o", str(tmp_path / "forms"), "--format", "json", *bank_args]) == 0
    )
    form = json.loads(capsys.readouterr().out)["forms"][0]
    ids = [e["id"] for s in form["sections"] for e in s["items"]]
    responses = tmp_path / "r.csv"
    responses.write_text("candidate_id,item_id,answer\n" + "".join(f"c{c:04d},{i},\n" for c in range(2000) for i in ids), encoding="utf-8")
    out = tmp_path / "reports"
    parent = subprocess.Popen(
        [sys.executable, "-m", "questionbank", "report", "--form", form["path"], "--responses", str(responses), "-o", str(out), "--workers", "2", *bank_args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def children() -> list[int]:
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == parent.pid:
                    found.append(int(entry))
        return found

    try:
        deadline = time.time() + 60
        while time.time() < deadline and len(list(out.glob("c*.pdf"))) < 5:
            time.sleep(0.1)
        workers = children()
        assert len(list(out.glob("c*.pdf"))) >= 5 and workers, "the batch did not get going"
    finally:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()

    def alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"

    deadline = time.time() + 20
    while time.time() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.1)
    survivors = {pid: Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")[:200] for pid in workers if alive(pid)}
    assert survivors == {}
    assert sorted(p.name for p in out.glob("*.partial")) == []
