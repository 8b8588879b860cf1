"""Reports: PDF score reports (成績報告) for one candidate, and for the cohort of one form.

Data first, layout second. The ``*_data`` functions gather plain dicts (JSON-able and picklable,
so they travel to worker processes); :func:`candidate_report` and :func:`cohort_report` turn
such a dict into PDF bytes with ReportLab, which is imported only inside the functions that
draw. Every text in a PDF is Traditional Chinese as written in Taiwan.

Fonts: a TrueType font with Traditional Chinese glyphs is embedded as a subset
(:func:`find_cjk_font`). When none is found, the report falls back to ReportLab's built-in CID
font MSung-Light, which is not embedded: the PDF viewer supplies a font for it.
"""

from __future__ import annotations

import io
import math
import os
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from questionbank.delivery.publishing import answer_key, form_hash
from questionbank.scoring import BANDS, Rules, Scores, band_margins, cut_fraction, score
from questionbank.standards import Standard

FONT_ENV = "QBANK_REPORT_FONT"
# TrueType fonts with Traditional Chinese glyphs, tried in order: (path, subfont index in a .ttc).
# CFF-based OpenType fonts (Noto Sans CJK .ttc/.otf) are refused by ReportLab and skipped.
SYSTEM_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # AR PL UMing (fonts-arphic-uming)
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # WenQuanYi Zen Hei (fonts-wqy-zenhei)
    ("/usr/share/fonts/truetype/noto/NotoSansTC-Regular.ttf", 0),  # static Noto Sans TC (TrueType outlines)
    ("/usr/local/share/fonts/NotoSansTC-Regular.ttf", 0),
    ("/Library/Fonts/NotoSansTC-Regular.ttf", 0),
    ("C:/Windows/Fonts/msjh.ttc", 0),  # Microsoft JhengHei
    # Noto Sans CJK (fonts-noto-cjk) is CFF-based: tried last, so that when it is all there is,
    # the reason it cannot be used is reported
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
)
# A font is used only when it has every one of these characters.
FONT_PROBE = "資料品質網路職責通過未及格標準建議"
CID_FACE = "MSung-Light"
# ReportLab's default CMap for MSung-Light is UniGB-UCS2-H, a GB (Simplified) CMap that poppler
# cannot combine with the Adobe-CNS1 collection: the text then renders as nothing.
CID_ENCODING = "UniCNS-UCS2-H"

BAND_LABELS = {"below": "低於及格標準", "near": "接近及格標準", "above": "高於及格標準"}
BAND_COLORS = {"below": "#c0392b", "near": "#d68910", "above": "#1e8449"}
MODE_LABELS = {"official": "正式測驗", "practice": "練習"}
DATE_LABELS = {"submitted": "交卷日期", "scored": "計分日期"}
# Taiwan keeps UTC+8 all year (no daylight saving time), so no time zone database is needed.
TAIWAN_TIME = timezone(timedelta(hours=8))
MAX_PAGES = 2


# ---------------------------------------------------------------------------------------------
# Fonts


@dataclass(frozen=True)
class ReportFont:
    """The font a report is set in: a TrueType file embedded as a subset, or the CID fallback.

    ``path`` None means ReportLab's MSung-Light CID font (not embedded). ``skipped`` lists the
    fonts tried and refused before this one, as (path, reason), so a front end can say why.
    """

    path: str | None = None
    subfont_index: int = 0
    skipped: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def embedded(self) -> bool:
        return self.path is not None

    @property
    def label(self) -> str:
        if self.path is None:
            return f"{CID_FACE} ({CID_ENCODING}, not embedded)"
        return f"{self.path}#{self.subfont_index}" if self.subfont_index else self.path


CID_FONT = ReportFont()

# ReportLab font names registered in this process, and the fonts found unusable (with why), by
# (path, subfont index): a font file is parsed once per process.
_REGISTERED: dict[tuple[str | None, int], str] = {}
_UNUSABLE: dict[tuple[str, int], str] = {}


class _FontUnusable(Exception):
    pass


def _register(font: ReportFont) -> str:
    """Register ``font`` with ReportLab once per process; returns its ReportLab name."""
    known = _REGISTERED.get((font.path, font.subfont_index))
    if known:
        return known
    if font.path is not None and (font.path, font.subfont_index) in _UNUSABLE:
        raise _FontUnusable(_UNUSABLE[font.path, font.subfont_index])
    from reportlab.pdfbase import pdfmetrics

    if font.path is None:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        cid = UnicodeCIDFont(CID_FACE)
        cid.encodingName = CID_ENCODING  # the PDF's /Encoding; text is written as UTF-16 either way
        cid.name = cid.fontName = f"{CID_FACE}-{CID_ENCODING}"
        pdfmetrics.registerFont(cid)
        name = cid.name
    else:
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        name = f"qbank-cjk-{len(_REGISTERED)}"
        try:
            ttf = TTFont(name, font.path, subfontIndex=font.subfont_index)
            missing = [c for c in FONT_PROBE if ord(c) not in ttf.face.charToGlyph]
        except TTFError as exc:
            reason = "CFF (PostScript) outlines, which ReportLab cannot embed" if "postscript" in str(exc).lower() else str(exc)
        except OSError as exc:
            reason = exc.strerror or str(exc)
        except Exception as exc:  # a damaged or foreign file can fail anywhere in ReportLab's parser
            reason = f"not a TrueType font ReportLab can read ({type(exc).__name__}: {exc})"
        else:
            reason = f"no Traditional Chinese glyphs (lacks {''.join(missing[:5])})" if missing else ""
        if reason:
            _UNUSABLE[font.path, font.subfont_index] = reason
            raise _FontUnusable(reason)
        pdfmetrics.registerFont(ttf)
    _REGISTERED[font.path, font.subfont_index] = name
    return name


def _font_spec(text: str) -> tuple[str, int]:
    """``PATH`` or ``PATH#N`` (subfont N of a .ttc collection)."""
    match = re.fullmatch(r"(.+)#(\d+)", text)
    return (match.group(1), int(match.group(2))) if match else (text, 0)


def find_cjk_font(
    configured: str | None = None,
    *,
    candidates: Iterable[tuple[str, int]] = SYSTEM_FONTS,
    environ: dict[str, str] | None = None,
) -> ReportFont:
    """The first usable TrueType font with Traditional Chinese, else the MSung-Light CID fallback.

    Tried in order: ``configured`` (a path, ``PATH#N`` for subfont N of a .ttc), else the
    ``QBANK_REPORT_FONT`` environment variable, then ``candidates`` (common system fonts).
    Fonts that are missing, CFF-based (ReportLab refuses them) or lack Chinese glyphs are
    skipped and listed in the result's ``skipped``. Pass ``candidates=()`` (and no configured
    font) to force the fallback.
    """
    environ = os.environ if environ is None else environ
    configured = configured or environ.get(FONT_ENV) or None
    tried = ([_font_spec(configured)] if configured else []) + list(candidates)
    skipped: list[tuple[str, str]] = []
    for path, index in tried:
        if not os.path.isfile(path):
            if configured and (path, index) == tried[0]:
                skipped.append((path, "no such file"))
            continue
        font = ReportFont(path, index)
        try:
            _register(font)
        except _FontUnusable as exc:
            skipped.append((path, str(exc)))
            continue
        return ReportFont(path, index, tuple(skipped))
    _register(CID_FONT)
    return ReportFont(None, 0, tuple(skipped))


# ---------------------------------------------------------------------------------------------
# Report data


def _number(value: float) -> float | int:
    value = float(value)
    return int(value) if value.is_integer() else round(value, 2)


def _date(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, TAIWAN_TIME).strftime("%Y-%m-%d")


def _standard_info(standard_id: str, standard_code: str | None, standard: Standard | None) -> dict[str, Any]:
    version = None
    if standard is not None:
        for entry in standard.raw.get("versions") or []:
            if entry.get("code") == (standard_code or standard.code):
                version = entry.get("version")
                break
    return {
        "id": standard_id,
        "name": standard.name if standard is not None else "",
        "code": standard_code if standard_code is not None else (standard.code if standard is not None else None),
        "version": version,
    }


def form_header(
    form_id: str,
    snapshots: list[dict[str, Any]],
    *,
    title: str = "",
    standard: Standard | None = None,
    standard_id: str | None = None,
    standard_code: str | None = None,
    sha256: str | None = None,
) -> dict[str, Any]:
    """What every report names: the form (id, title, SHA-256 over its items) and its standard.

    ``sha256`` is the hash recorded when the form was published; by default it is computed from
    the snapshots (:func:`questionbank.delivery.publishing.form_hash`, the same value).
    """
    standard_id = standard_id or (standard.id if standard is not None else "")
    return {
        "form_id": form_id,
        "form_title": title,
        "form_sha256": sha256 or form_hash(snapshots),
        "standard": _standard_info(standard_id, standard_code, standard),
    }


def _cut(rules: Rules, maximum: float) -> dict[str, Any]:
    share = cut_fraction(rules, maximum)
    return {
        "percent": round(100.0 * share, 2),
        "raw": _number(rules.cut_raw if rules.cut_raw is not None else share * maximum),
        "duty_minimum_percent": dict(rules.duty_minimum_percent),
    }


def _near_ranges(scores: Scores) -> np.ndarray:
    """Per duty, the [lower, upper) percent range of the "near the passing standard" band."""
    cut = cut_fraction(scores.key.rules, scores.max)
    margin = band_margins(scores.key, cut)
    cut_pct = 100.0 * cut
    return np.stack([cut_pct - np.minimum(margin, cut_pct), cut_pct + np.minimum(margin, 100.0 - cut_pct)], axis=1)


def _duty_names(snapshots: list[dict[str, Any]]) -> dict[str, str]:
    return {s["duty"]: s.get("duty_name", "") for s in reversed(snapshots)}


def _candidate_data(
    header: dict[str, Any],
    snapshots: list[dict[str, Any]],
    scores: Scores,
    row: int,
    candidate_id: str,
    *,
    date: str,
    date_kind: str,
    mode: str | None,
    standard: Standard | None,
) -> dict[str, Any]:
    key = scores.key
    result = scores.candidate(row)
    counts = key.duty_matrix.sum(axis=0)
    near = _near_ranges(scores)
    names = _duty_names(snapshots)
    duties = [
        {
            "code": duty,
            "name": names.get(duty, ""),
            "items": int(counts[n]),
            "raw": result["duties"][duty]["raw"],
            "max": result["duties"][duty]["max"],
            "percent": result["duties"][duty]["percent"],
            "band": result["duties"][duty]["band"],
            "near": [round(float(near[n, 0]), 2), round(float(near[n, 1]), 2)],
        }
        for n, duty in enumerate(key.duties)
    ]
    return {
        **header,
        "kind": "candidate",
        "candidate_id": candidate_id,
        "mode": mode,
        "date": date,
        "date_kind": date_kind,
        "total": {"raw": result["raw"], "max": result["max"], "percent": result["percent"]},
        "cut": _cut(key.rules, scores.max),
        "passed": result["passed"],
        "duties": duties,
        "study_plan": _study_plan(snapshots, scores.earned[row], standard),
    }


def _study_plan(snapshots: list[dict[str, Any]], earned: np.ndarray, standard: Standard | None) -> dict[str, Any]:
    """The tasks, indicators and K codes of the items that did not earn full points."""
    tasks: dict[str, dict[str, Any]] = {}
    knowledge: dict[tuple[str, str | None], dict[str, Any]] = {}
    for snap, points in zip(snapshots, earned, strict=True):
        if float(points) >= float(snap["points"]) - 1e-9:
            continue
        task = tasks.setdefault(
            snap["task"],
            {"code": snap["task"], "name": snap.get("task_name", ""), "duty": snap["duty"], "items": 0, "points_lost": 0.0, "indicators": []},
        )
        task["items"] += 1
        task["points_lost"] = _number(float(task["points_lost"]) + float(snap["points"]) - float(points))
        for code, text in snap.get("indicators", []):
            if code not in (c for c, _ in task["indicators"]):
                task["indicators"].append([code, text])
        duty = next((d for d in standard.duties if d.code == snap["duty"]), None) if standard is not None else None
        for code in snap.get("competencies", []):
            if code.startswith("K"):
                name = standard.competency_name(code, duty) if standard is not None else None
                knowledge.setdefault((code, name), {"code": code, "name": name})
    for task in tasks.values():
        task["indicators"].sort(key=lambda entry: _natural(entry[0]))
    return {
        "tasks": sorted(tasks.values(), key=lambda t: _natural(t["code"])),
        "knowledge": sorted(knowledge.values(), key=lambda k: (*_natural(k["code"]), k["name"] or "")),
    }


def _natural(code: str) -> tuple[tuple[int, ...], str]:
    """Sort key putting T2.10 after T2.9 and K8 before K10 (irregular codes still sort)."""
    return tuple(int(n) for n in re.findall(r"\d+", code)), code


def _published_header(form: dict[str, Any], snapshots: list[dict[str, Any]], standard: Standard | None) -> dict[str, Any]:
    return form_header(
        form["id"],
        snapshots,
        title=form["title"],
        standard=standard,
        standard_id=form["standard_id"],
        standard_code=form["standard_version"],
        sha256=form["form_sha256"],
    )


def candidate_report_data(engine: Any, token: str, standards: dict[str, Standard] | None = None) -> dict[str, Any]:
    """Everything a candidate's report shows, for a submitted attempt (practice or official).

    ``standards`` (by id) supplies the standard's name, version and the names of K codes; without
    it the report shows codes only. Raises DeliveryError ``attempt-unknown`` for an unknown token
    and ``review-not-available`` before submission.
    """
    from questionbank.delivery import attempts
    from questionbank.delivery.publishing import load_form

    row, matrix = attempts.submitted_responses(engine, token)
    form, snapshots = load_form(engine, row["form_id"])
    scores = score(answer_key(snapshots, form["rules"]), matrix)
    standard = (standards or {}).get(form["standard_id"])
    header = _published_header(form, snapshots, standard)
    return _candidate_data(
        header,
        snapshots,
        scores,
        0,
        row["candidate_id"],
        date=_date(row["submitted_at"]),
        date_kind="submitted",
        mode=row["mode"],
        standard=standard,
    )


def candidates_report_data(
    header: dict[str, Any],
    snapshots: list[dict[str, Any]],
    rules: Rules,
    candidates: Sequence[str],
    responses: np.ndarray,
    *,
    standard: Standard | None = None,
    now: float | None = None,
) -> list[dict[str, Any]]:
    """Report data for every candidate of a response matrix (responses gathered elsewhere, e.g. a CSV).

    ``header`` comes from :func:`form_header`; the report's date is the scoring date.
    """
    scores = score(answer_key(snapshots, rules), responses)
    date = _date(time.time() if now is None else now)
    return [_candidate_data(header, snapshots, scores, n, cid, date=date, date_kind="scored", mode=None, standard=standard) for n, cid in enumerate(candidates)]


def _spread(values: np.ndarray) -> dict[str, Any]:
    if values.size == 0:
        return {"mean": None, "sd": None, "median": None, "min": None, "max": None}
    # the population SD: the cohort is the whole group the report describes, not a sample of one
    return {
        "mean": round(float(values.mean()), 2),
        "sd": round(float(values.std()), 2),
        "median": round(float(np.median(values)), 2),
        "min": round(float(values.min()), 2),
        "max": round(float(values.max()), 2),
    }


def cohort_report_data(
    header: dict[str, Any],
    snapshots: list[dict[str, Any]],
    rules: Rules,
    responses: np.ndarray,
    *,
    now: float | None = None,
    bin_width: int = 10,
) -> dict[str, Any]:
    """A form's cohort: score distribution (percent bins), pass rate, per-duty mean and SD."""
    key = answer_key(snapshots, rules)
    scores = score(key, np.asarray(responses, dtype=np.uint32).reshape(-1, len(key.items)))
    n = int(scores.raw.shape[0])
    edges = [*range(0, 100, bin_width), 100]
    # the last bin is closed on both sides, so 100% is counted; rounding first keeps a sum of
    # partial credits such as 69.99999999 in the bin of 70
    counts, _ = np.histogram(np.round(scores.percent, 6), bins=np.array(edges, dtype=np.float64))
    names = _duty_names(snapshots)
    items = key.duty_matrix.sum(axis=0)
    duty_percent = scores.duty_percent
    duties = []
    for d, duty in enumerate(key.duties):
        bands = {band: int((scores.bands[:, d] == b).sum()) for b, band in enumerate(BANDS)}
        duties.append(
            {
                "code": duty,
                "name": names.get(duty, ""),
                "items": int(items[d]),
                "max": _number(scores.duty_max[d]),
                "percent": _spread(duty_percent[:, d]),
                "raw": _spread(scores.duty_raw[:, d]),
                "bands": bands,
            }
        )
    passed = int(scores.passed.sum())
    return {
        **header,
        "kind": "cohort",
        "date": _date(time.time() if now is None else now),
        "candidates": n,
        "passed": passed,
        "pass_rate": round(100.0 * passed / n, 2) if n else None,
        "max": _number(scores.max),
        "cut": _cut(rules, scores.max),
        "percent": _spread(scores.percent),
        "raw": _spread(scores.raw),
        "histogram": {"edges": edges, "counts": [int(c) for c in counts]},
        "duties": duties,
    }


def published_cohort_report_data(engine: Any, form_id: str, standards: dict[str, Standard] | None = None, now: float | None = None) -> dict[str, Any]:
    """:func:`cohort_report_data` for a published form: every submitted attempt on it."""
    from questionbank.delivery.attempts import form_responses
    from questionbank.delivery.publishing import load_form

    form, snapshots = load_form(engine, form_id)
    _, matrix, _ = form_responses(engine, form_id)
    standard = (standards or {}).get(form["standard_id"])
    return cohort_report_data(_published_header(form, snapshots, standard), snapshots, form["rules"], matrix, now=now)


# ---------------------------------------------------------------------------------------------
# Layout helpers


def _fmt(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{float(value):.1f}%"


def _standard_line(data: dict[str, Any]) -> str:
    s = data["standard"]
    details = [s["code"] or f"{s['id']}，無代碼"]
    if s.get("version"):
        details.append(f"版本 {s['version']}")
    name = s["name"] or s["id"]
    return f"{name}（{'，'.join(details)}）"


def _form_line(data: dict[str, Any]) -> str:
    title, form_id = data.get("form_title") or "", data["form_id"]
    return title if form_id in title else f"{title}（{form_id}）" if title else form_id


@dataclass
class _Styles:
    font: str
    body: Any = None
    small: Any = None
    note: Any = None
    title: Any = None
    heading: Any = None
    cell: Any = None
    cell_right: Any = None
    label: Any = None

    def __post_init__(self) -> None:
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        base = ParagraphStyle("body", fontName=self.font, fontSize=9.5, leading=14, wordWrap="CJK")
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=12)
        self.note = ParagraphStyle("note", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#444444"))
        self.title = ParagraphStyle("title", parent=base, fontSize=17, leading=24, spaceAfter=6, textColor=colors.HexColor("#1a3c6e"))
        self.heading = ParagraphStyle("heading", parent=base, fontSize=12, leading=17, spaceBefore=10, spaceAfter=4, textColor=colors.HexColor("#1a3c6e"))
        self.cell = ParagraphStyle("cell", parent=base, fontSize=9, leading=12)
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.label = ParagraphStyle("label", parent=self.cell, textColor=colors.HexColor("#555555"))


def _p(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text), style)


def _fitted_size(text: str, font: str, size: float, width: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    natural = stringWidth(text, font, size)
    return size if natural <= width else max(5.0, size * width / natural)


def _page_width() -> tuple[float, float, float]:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    margin = 18 * mm
    return A4[0], margin, A4[0] - 2 * margin


TOP_MARGIN_MM, BOTTOM_MARGIN_MM = 16, 20
FRAME_PADDING = 12  # a platypus frame's own padding, 6 pt on each side


def _frame_height() -> float:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    return A4[1] - (TOP_MARGIN_MM + BOTTOM_MARGIN_MM) * mm - FRAME_PADDING


def _flowables_height(flowables: list[Any], width: float) -> float:
    return sum(f.wrap(width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)


def _build(story: list[Any], data: dict[str, Any], font: str, title: str) -> tuple[bytes, int]:
    """Lay the story out on A4 with a footer (form hash, page number); returns the PDF and its page count."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    _, margin, _ = _page_width()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=TOP_MARGIN_MM * mm,
        bottomMargin=BOTTOM_MARGIN_MM * mm,
        title=title,
        author="會展職能題庫",
        subject=f"{data['form_id']} {data['form_sha256']}",
        lang="zh-TW",
        invariant=1,  # no timestamp or random id: the same data gives the same bytes
    )

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#999999"))
        canvas.setLineWidth(0.4)
        canvas.line(margin, 14 * mm, A4[0] - margin, 14 * mm)
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(margin, 10 * mm, f"試卷雜湊值（SHA-256）：{data['form_sha256']}")
        canvas.drawRightString(A4[0] - margin, 10 * mm, f"第 {document.page} 頁")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue(), doc.page


def _info_table(rows: list[tuple[str, str, str, str]], styles: _Styles, width: float) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    label, date = 62, 80
    cells = []
    spans = []
    for n, (k1, v1, k2, v2) in enumerate(rows):
        cells.append([_p(k1, styles.label), _p(v1, styles.cell), _p(k2, styles.label), _p(v2, styles.cell)])
        if not k2:
            spans.append(("SPAN", (1, n), (3, n)))
    table = Table(cells, colWidths=[label, width - 2 * label - date, label, date])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, -1), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                *spans,
            ]
        )
    )
    return table


def _score_chart(rows: list[dict[str, Any]], cut: float, font: str, width: float, *, cohort: bool = False) -> Any:
    """Horizontal bars per duty (percent) and the cut as a dashed line.

    ``rows``: code, name, percent, band and near [lo, hi] (shaded) for a candidate; code, name,
    mean and sd (drawn as a whisker) for a cohort.
    """
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    row_height = 22
    top = 26
    bottom = 8
    label_width = 0.34 * width
    text_width = 0.25 * width
    x0 = label_width + 6
    span = width - x0 - text_width - 6
    height = top + row_height * len(rows) + bottom
    drawing = Drawing(width, height)

    def x_of(percent: float) -> float:
        return x0 + span * max(0.0, min(100.0, percent)) / 100.0

    grey = colors.HexColor("#888888")
    for tick in (0, 25, 50, 75, 100):
        drawing.add(Line(x_of(tick), bottom, x_of(tick), height - top + 4, strokeColor=colors.HexColor("#dddddd"), strokeWidth=0.5))
        drawing.add(String(x_of(tick), height - top + 7, f"{tick}%", fontName=font, fontSize=7, fillColor=grey, textAnchor="middle"))
    for n, row in enumerate(rows):
        y = height - top - row_height * (n + 1) + 5
        label = f"{row['code']} {row['name']}".strip()
        drawing.add(String(0, y + 3, label, fontName=font, fontSize=_fitted_size(label, font, 8.5, label_width), fillColor=colors.black))
        drawing.add(Rect(x0, y, span, 12, fillColor=colors.HexColor("#f2f2f2"), strokeColor=None))
        if not cohort:
            lo, hi = row["near"]
            drawing.add(Rect(x_of(lo), y - 2, x_of(hi) - x_of(lo), 16, fillColor=colors.HexColor("#fcefd2"), strokeColor=None))
        if cohort:
            mean, sd = row["mean"], row["sd"]
            if mean is None:
                continue
            drawing.add(Rect(x0, y + 2, x_of(mean) - x0, 8, fillColor=colors.HexColor("#2f6fad"), strokeColor=None))
            drawing.add(Line(x_of(mean - sd), y + 6, x_of(mean + sd), y + 6, strokeColor=colors.black, strokeWidth=0.8))
            for end in (mean - sd, mean + sd):
                drawing.add(Line(x_of(end), y + 3, x_of(end), y + 9, strokeColor=colors.black, strokeWidth=0.8))
            text = f"平均 {_pct(mean)}，標準差 {sd:.1f}"
        else:
            color = colors.HexColor(BAND_COLORS[row["band"]])
            drawing.add(Rect(x0, y + 2, x_of(row["percent"]) - x0, 8, fillColor=color, strokeColor=None))
            # the percent right-aligned in a column of its own, so the band labels line up
            drawing.add(String(x0 + span + 38, y + 3, _pct(row["percent"]), fontName=font, fontSize=8.5, fillColor=colors.black, textAnchor="end"))
            label = BAND_LABELS[row["band"]]
            drawing.add(String(x0 + span + 44, y + 3, label, fontName=font, fontSize=_fitted_size(label, font, 8.5, text_width - 38), fillColor=color))
            continue
        drawing.add(String(x0 + span + 6, y + 3, text, fontName=font, fontSize=_fitted_size(text, font, 8.5, text_width), fillColor=colors.black))
    cut_x = x_of(cut)
    drawing.add(Line(cut_x, bottom - 2, cut_x, height - top + 2, strokeColor=colors.HexColor("#1a3c6e"), strokeWidth=1.2, strokeDashArray=[3, 2]))
    drawing.add(String(cut_x, height - 9, f"及格標準 {_fmt(cut)}%", fontName=font, fontSize=7.5, fillColor=colors.HexColor("#1a3c6e"), textAnchor="middle"))
    return drawing


def _legend(font: str, width: float, cohort: bool = False) -> Any:
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    drawing = Drawing(width, 14)
    x = 0.0
    entries: list[tuple[str, str]] = [] if cohort else [(BAND_COLORS[b], BAND_LABELS[b]) for b in BANDS]
    for color, text in entries:
        drawing.add(Rect(x, 3, 9, 7, fillColor=colors.HexColor(color), strokeColor=None))
        drawing.add(String(x + 12, 3, text, fontName=font, fontSize=7.5))
        x += 20 + 7.5 * len(text)
    if not cohort:
        drawing.add(Rect(x, 1, 14, 11, fillColor=colors.HexColor("#fcefd2"), strokeColor=None))
        drawing.add(String(x + 17, 3, "接近及格標準的範圍（及格標準 ± 1 個標準誤）", fontName=font, fontSize=7.5))
        x += 17 + 7.5 * 22
    drawing.add(Line(x, 1, x, 12, strokeColor=colors.HexColor("#1a3c6e"), strokeWidth=1.2, strokeDashArray=[3, 2]))
    drawing.add(String(x + 4, 3, "及格標準", fontName=font, fontSize=7.5))
    if cohort:
        x += 40
        drawing.add(Line(x, 6.5, x + 14, 6.5, strokeColor=colors.black, strokeWidth=0.8))
        drawing.add(String(x + 17, 3, "平均 ± 1 個標準差", fontName=font, fontSize=7.5))
    return drawing


def _grid_table(rows: list[list[str]], widths: list[float], styles: _Styles, align: str, extra: list[tuple[Any, ...]] | None = None) -> Any:
    """A ruled table with a header row. Cells are plain text (cheap to lay out) unless one is too
    wide for its column, which then wraps as a paragraph. ``align``: one letter per column, L or R."""
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Table, TableStyle

    style = styles.cell
    padding = 12
    cells = [
        [
            text
            if stringWidth(text, style.fontName, style.fontSize) <= widths[c] - padding
            else _p(text, styles.cell if align[c] == "L" else styles.cell_right)
            for c, text in enumerate(row)
        ]
        for row in rows
    ]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), style.fontName, style.fontSize, style.leading),
                *[("ALIGN", (c, 0), (c, -1), "RIGHT") for c, a in enumerate(align) if a == "R"],
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("LINEABOVE", (0, 0), (-1, 0), 0.6, colors.HexColor("#1a3c6e")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.4, colors.HexColor("#1a3c6e")),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.HexColor("#1a3c6e")),
                ("LINEBELOW", (0, 1), (-1, -2), 0.25, colors.HexColor("#cccccc")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                *(extra or []),
            ]
        )
    )
    return table


# ---------------------------------------------------------------------------------------------
# Candidate report


def _result_box(data: dict[str, Any], styles: _Styles, width: float) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Table, TableStyle

    total, cut = data["total"], data["cut"]
    passed = data["passed"]
    big = ParagraphStyle("big", parent=styles.body, fontSize=13, leading=18)
    verdict = ParagraphStyle("verdict", parent=big, fontSize=16, leading=20, textColor=colors.HexColor("#1e8449" if passed else "#c0392b"))
    cut_text = f"{_fmt(cut['percent'])}%（{_fmt(cut['raw'], 2)} 分）"
    cells = [
        [_p("總分", styles.small), _p("及格標準", styles.small), _p("結果", styles.small)],
        [
            _p(f"{_fmt(total['raw'], 2)} / {_fmt(total['max'], 2)} 分（{_pct(total['percent'])}）", big),
            _p(cut_text, big),
            _p("通過" if passed else "未通過", verdict),
        ],
    ]
    table = Table(cells, colWidths=[width * 0.42, width * 0.33, width * 0.25])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#1a3c6e")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f5f8fc")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.HexColor("#555555")),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _minimum_line(data: dict[str, Any]) -> str | None:
    minimums = data["cut"].get("duty_minimum_percent") or {}
    if not minimums:
        return None
    names = {d["code"]: d["name"] for d in data["duties"]}
    parts = [f"{code} {names.get(code, '')} 至少 {_fmt(value)}%".replace("  ", " ") for code, value in minimums.items()]
    return "通過條件：總分達及格標準，且下列職責達最低百分比：" + "；".join(parts) + "。"


STUDY_LEVELS = 4
SHORT_NAME = 24  # characters of a K name kept at the compact levels; some standards' K "names" are paragraphs


def _study_blocks(plan: dict[str, Any], level: int) -> list[list[tuple[str, str]]]:
    """學習建議 as blocks of (style, text) lines, each block kept on one page.

    ``level`` 0: each task with its indicators' text; 1: one line per task with indicator codes;
    2: as 1, with long K names shortened; 3: as 2, all tasks in one paragraph.
    """
    tasks, knowledge = plan["tasks"], plan["knowledge"]
    blocks = [[("heading", "學習建議")]]
    if not tasks:
        return [[*blocks[0], ("body", "所有題目皆得滿分，目前沒有需要特別加強的工作任務。")]]
    blocks[0].append(("body", "以下工作任務有題目未得滿分。請對照各任務的行為指標，檢視自己在實務上能否做到："))
    for task in tasks if level < 3 else ():
        head = f"{task['code']} {task['name']}（{task['items']} 題未得滿分）"
        if level == 0:
            blocks.append([("task", head), *[("indicator", f"{code} {text}".strip()) for code, text in task["indicators"]]])
        else:
            codes = "、".join(code for code, _ in task["indicators"])
            blocks.append([("compact", head + (f"：行為指標 {codes}" if codes else ""))])
    if level >= 3:
        text = "；".join(f"{t['code']} {t['name']}（{t['items']} 題；行為指標 {'、'.join(c for c, _ in t['indicators'])}）" for t in tasks)
        blocks.append([("small", text + "。")])

    def named(k: dict[str, Any]) -> str:
        name = k["name"] or ""
        if level >= 2 and len(name) > SHORT_NAME:
            name = name[: SHORT_NAME - 1] + "…"
        return f"{k['code']} {name}".strip()

    # K names that are phrases of their own (with 、 or ，) are set apart with ；
    separator = "；" if any(re.search("[、，；]", k["name"] or "") for k in knowledge) else "、"
    k_text = separator.join(named(k) for k in knowledge) + "。" if knowledge else "未得滿分的題目沒有標示知識（K）代碼。"
    blocks.append([("h3", "建議複習的知識"), ("small", k_text)])
    return blocks


def _study_styles(styles: _Styles) -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    task = ParagraphStyle("task", parent=styles.body, fontSize=9.5, leading=13.5, spaceBefore=3, textColor=colors.HexColor("#1a3c6e"))
    return {
        "heading": styles.heading,
        "body": styles.body,
        "small": styles.small,
        "task": task,
        "indicator": ParagraphStyle("indicator", parent=styles.small, leftIndent=14),
        "compact": ParagraphStyle("compact", parent=styles.small, leftIndent=14, firstLineIndent=-14, spaceBefore=1),
        "h3": ParagraphStyle("h3", parent=task, fontSize=10.5, leading=15, spaceBefore=8, spaceAfter=2),
    }


def _study_story(blocks: list[list[tuple[str, str]]], styles: _Styles) -> list[Any]:
    from reportlab.platypus import KeepTogether

    by_name = _study_styles(styles)
    return [KeepTogether([_p(text, by_name[kind]) for kind, text in block]) for block in blocks]


def _study_height(blocks: list[list[tuple[str, str]]], styles: _Styles, width: float) -> float:
    """The height the blocks take, estimated from text widths (CJK lines break at any character),
    plus the largest block, which may not fit at the foot of a page."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    by_name = _study_styles(styles)
    heights = []
    for block in blocks:
        height = 0.0
        for kind, text in block:
            style = by_name[kind]
            lines = math.ceil(1.03 * stringWidth(text, style.fontName, style.fontSize) / (width - FRAME_PADDING - style.leftIndent))
            height += style.spaceBefore + style.spaceAfter + max(1, lines) * style.leading
        heights.append(height)
    return sum(heights) + max(heights)


def _candidate_head(data: dict[str, Any], styles: _Styles, width: float) -> list[Any]:
    """Everything above the study plan: header, result, duty chart and table, the precision note."""
    from reportlab.lib import colors
    from reportlab.platypus import Spacer

    font = styles.font
    story: list[Any] = [_p("會展職能評量　成績報告", styles.title)]
    mode = MODE_LABELS.get(data.get("mode") or "")
    rows = [
        ("考生編號", data["candidate_id"], DATE_LABELS[data["date_kind"]], data["date"]),
        ("試卷", _form_line(data) + (f"，{mode}" if mode else ""), "", ""),
        ("職能基準", _standard_line(data), "", ""),
    ]
    story += [_info_table(rows, styles, width), Spacer(1, 8), _result_box(data, styles, width)]
    minimum = _minimum_line(data)
    if minimum:
        story += [Spacer(1, 3), _p(minimum, styles.note)]

    story.append(_p("各職責表現", styles.heading))
    cut = data["cut"]["percent"]
    story += [_score_chart(data["duties"], cut, font, width), _legend(font, width), Spacer(1, 6)]
    rows = [["職責", "題數", "得分", "百分比", "等級"]]
    extra = []
    for n, duty in enumerate(data["duties"], start=1):
        rows.append(
            [
                f"{duty['code']} {duty['name']}",
                str(duty["items"]),
                f"{_fmt(duty['raw'], 2)} / {_fmt(duty['max'], 2)}",
                _pct(duty["percent"]),
                BAND_LABELS[duty["band"]],
            ]
        )
        extra.append(("TEXTCOLOR", (4, n), (4, n), colors.HexColor(BAND_COLORS[duty["band"]])))
    story.append(_grid_table(rows, [width * 0.46, width * 0.08, width * 0.15, width * 0.12, width * 0.19], styles, "LRRRL", extra))
    counts = sorted({d["items"] for d in data["duties"]})
    few = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]} 至 {counts[-1]}"
    story += [
        Spacer(1, 4),
        _p(
            f"說明：每個職責只有 {few} 題，職責分數的精確度遠低於總分，宜視為學習參考；是否通過以總分為準"
            + ("（及上列各職責最低標準）" if minimum else "")
            + "。「接近及格標準」表示該職責的百分比與及格標準的差距在 1 個標準誤之內（淺色區間），"
            "題數越少區間越寬，無法據以判斷高於或低於及格標準。",
            styles.note,
        ),
    ]
    return story


def candidate_report(data: dict[str, Any], font: ReportFont | None = None) -> bytes:
    """One candidate's score report as PDF bytes (A4, at most two pages).

    ``data`` comes from :func:`candidate_report_data` or :func:`candidates_report_data`; ``font``
    defaults to :func:`find_cjk_font`. A long study plan is set more compactly (indicator codes
    without their text, long K names shortened, then tasks in one paragraph) until the report
    fits on two pages.
    """
    name = _register(font or find_cjk_font())
    styles = _Styles(name)
    _, _, width = _page_width()
    title = f"成績報告 {data['candidate_id']} {data['form_id']}"
    # pick the first level the estimate says fits, so most reports are laid out once; the page
    # count of the real layout has the last word
    room = MAX_PAGES * _frame_height() - _flowables_height(_candidate_head(data, styles, width), width)
    plans = [_study_blocks(data["study_plan"], level) for level in range(STUDY_LEVELS)]
    first = next((level for level in range(STUDY_LEVELS - 1) if _study_height(plans[level], styles, width) <= room), STUDY_LEVELS - 1)
    for level in range(first, STUDY_LEVELS):
        pdf, pages = _build(_candidate_head(data, styles, width) + _study_story(plans[level], styles), data, name, title)
        if pages <= MAX_PAGES:
            break
    return pdf


# ---------------------------------------------------------------------------------------------
# Cohort report


def _histogram(data: dict[str, Any], font: str, width: float) -> Any:
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    edges, counts = data["histogram"]["edges"], data["histogram"]["counts"]
    height = 150.0
    left, bottom, top = 34.0, 30.0, 18.0
    plot_w, plot_h = width - left - 10, height - bottom - top
    drawing = Drawing(width, height)
    peak = max([*counts, 1])
    step = max(1, int(np.ceil(peak / 5)))
    y_max = step * int(np.ceil(peak / step))
    grey = colors.HexColor("#888888")

    def x_of(percent: float) -> float:
        return left + plot_w * percent / 100.0

    def y_of(count: float) -> float:
        return bottom + plot_h * count / y_max

    for value in range(0, y_max + 1, step):
        drawing.add(Line(left, y_of(value), left + plot_w, y_of(value), strokeColor=colors.HexColor("#e3e3e3"), strokeWidth=0.5))
        drawing.add(String(left - 4, y_of(value) - 2.5, str(value), fontName=font, fontSize=7, fillColor=grey, textAnchor="end"))
    for lo, hi, count in zip(edges[:-1], edges[1:], counts, strict=True):
        if count:
            drawing.add(Rect(x_of(lo) + 1, bottom, x_of(hi) - x_of(lo) - 2, y_of(count) - bottom, fillColor=colors.HexColor("#2f6fad"), strokeColor=None))
            drawing.add(String((x_of(lo) + x_of(hi)) / 2, y_of(count) + 2, str(count), fontName=font, fontSize=7, textAnchor="middle"))
    for edge in edges:
        drawing.add(String(x_of(edge), bottom - 10, f"{edge}", fontName=font, fontSize=7, fillColor=grey, textAnchor="middle"))
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=colors.black, strokeWidth=0.6))
    drawing.add(String(left + plot_w / 2, 2, "總分百分比（%）", fontName=font, fontSize=8, textAnchor="middle"))
    drawing.add(String(2, height - 10, "人數", fontName=font, fontSize=8))
    cut = data["cut"]["percent"]
    drawing.add(Line(x_of(cut), bottom, x_of(cut), height - top + 6, strokeColor=colors.HexColor("#c0392b"), strokeWidth=1.2, strokeDashArray=[3, 2]))
    drawing.add(String(x_of(cut) + 3, height - top + 2, f"及格標準 {_fmt(cut)}%", fontName=font, fontSize=7.5, fillColor=colors.HexColor("#c0392b")))
    return drawing


def _cohort_box(data: dict[str, Any], styles: _Styles, width: float) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Table, TableStyle

    cut = data["cut"]
    big = ParagraphStyle("big", parent=styles.body, fontSize=13, leading=18)
    cells = [
        [_p(t, styles.small) for t in ("人數", "通過人數", "通過率", "及格標準")],
        [
            _p(str(data["candidates"]), big),
            _p(str(data["passed"]), big),
            _p(_pct(data["pass_rate"]), big),
            _p(f"{_fmt(cut['percent'])}%（{_fmt(cut['raw'], 2)} 分）", big),
        ],
    ]
    table = Table(cells, colWidths=[width * 0.2, width * 0.2, width * 0.25, width * 0.35])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#1a3c6e")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f5f8fc")),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def cohort_report(data: dict[str, Any], font: ReportFont | None = None) -> bytes:
    """A form's cohort report as PDF bytes: distribution, pass rate, per-duty mean and SD."""
    from reportlab.platypus import Spacer

    name = _register(font or find_cjk_font())
    styles = _Styles(name)
    _, _, width = _page_width()
    story: list[Any] = [_p("會展職能評量　試卷成績統計", styles.title)]
    story.append(
        _info_table(
            [
                ("試卷", _form_line(data), "計分日期", data["date"]),
                ("職能基準", _standard_line(data), "", ""),
            ],
            styles,
            width,
        )
    )
    n = data["candidates"]
    story.append(Spacer(1, 6))
    if n == 0:
        story.append(_p("這份試卷還沒有已交卷的作答，沒有可統計的成績。", styles.body))
        return _build(story, data, name, f"成績統計 {data['form_id']}")[0]
    pct, raw, cut = data["percent"], data["raw"], data["cut"]
    story += [_cohort_box(data, styles, width), Spacer(1, 6)]
    stats = ("mean", "sd", "median", "min", "max")
    summary = [
        ["", "平均", "標準差", "中位數", "最低", "最高"],
        [f"總分（滿分 {_fmt(data['max'], 2)}）", *[_fmt(raw[k], 2) for k in stats]],
        ["百分比", *[_pct(pct[k]) if k != "sd" else _fmt(pct[k], 2) for k in stats]],
    ]
    story.append(_grid_table(summary, [width * 0.25] + [width * 0.15] * 5, styles, "LRRRRR"))
    story += [_p("總分分布", styles.heading), _histogram(data, name, width)]
    story.append(_p("各組距含下限、不含上限；最後一組含 100%。", styles.note))

    story.append(_p("各職責平均與標準差", styles.heading))
    rows = [{"code": d["code"], "name": d["name"], "mean": d["percent"]["mean"], "sd": d["percent"]["sd"]} for d in data["duties"]]
    story += [_score_chart(rows, cut["percent"], name, width, cohort=True), _legend(name, width, cohort=True), Spacer(1, 6)]
    rows = [["職責", "題數", "平均得分", "平均百分比", "標準差", "低於 / 接近 / 高於"]]
    for d in data["duties"]:
        bands = d["bands"]
        rows.append(
            [
                f"{d['code']} {d['name']}",
                str(d["items"]),
                f"{_fmt(d['raw']['mean'], 2)} / {_fmt(d['max'], 2)}",
                _pct(d["percent"]["mean"]),
                _fmt(d["percent"]["sd"], 2),
                f"{bands['below']} / {bands['near']} / {bands['above']}",
            ]
        )
    story.append(_grid_table(rows, [width * 0.41, width * 0.07, width * 0.12, width * 0.12, width * 0.09, width * 0.19], styles, "LRRRRR"))
    story.append(Spacer(1, 4))
    story.append(
        _p(
            "說明：標準差以百分點計（全體考生，不是抽樣估計）。「低於 / 接近 / 高於」是各職責落在低於、接近、高於及格標準的人數；"
            "每個職責題數少，職責結果的精確度低於總分，宜用來找出整體的弱項，不宜據以評斷個人。",
            styles.note,
        )
    )
    return _build(story, data, name, f"成績統計 {data['form_id']}")[0]


# ---------------------------------------------------------------------------------------------
# Batch


@dataclass(frozen=True)
class Progress:
    """One report written: how many of how many, and where."""

    done: int
    total: int
    path: Path


def report_filenames(candidate_ids: Sequence[str], reserved: Iterable[str] = ()) -> list[str]:
    """A safe, distinct ``.pdf`` file name per candidate id (case-insensitively distinct, for macOS and Windows)."""
    taken = {name.casefold() for name in reserved}
    out = []
    for cid in candidate_ids:
        stem = re.sub(r"[^\w.-]+", "_", unicodedata.normalize("NFC", cid)).strip("._")[:100] or "candidate"
        name, n = f"{stem}.pdf", 1
        while name.casefold() in taken:
            n += 1
            name = f"{stem}-{n}.pdf"
        taken.add(name.casefold())
        out.append(name)
    return out


def _write_atomic(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)


def _init_worker(font: ReportFont) -> None:
    from reportlab import rl_config

    _register(font)
    # ReportLab re-validates every attribute set on a chart shape; these processes draw only the
    # shapes of this module (checked by its tests), and skipping the checks saves about 5% of the time.
    rl_config.shapeChecking = 0


def _render_to_file(data: dict[str, Any], path: str, font: ReportFont) -> str:
    _write_atomic(Path(path), candidate_report(data, font))
    return path


def write_reports(
    reports: Sequence[dict[str, Any]], out_dir: str | os.PathLike[str], *, font: ReportFont | None = None, workers: int | None = None
) -> Iterator[Progress]:
    """Write one PDF per candidate into ``out_dir`` on all cores, yielding progress as each is written.

    File names come from :func:`report_filenames`. ``workers`` defaults to the number of cores;
    1 renders in this process. Stopping the iteration cancels the reports not yet started.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    font = font or find_cjk_font()
    names = report_filenames([d["candidate_id"] for d in reports])
    jobs = [(data, str(out / name)) for data, name in zip(reports, names, strict=True)]
    total = len(jobs)
    workers = min(workers or os.cpu_count() or 1, max(total, 1))
    if workers <= 1:
        for n, (data, path) in enumerate(jobs, start=1):
            yield Progress(n, total, Path(_render_to_file(data, path, font)))
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(font,))
    try:
        futures = [pool.submit(_render_to_file, data, path, font) for data, path in jobs]
        for n, future in enumerate(as_completed(futures), start=1):
            yield Progress(n, total, Path(future.result()))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
