"""Layout helpers shared by the candidate and cohort reports: styles, tables, charts, page building."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from questionbank.reports.data import BAND_LABELS
from questionbank.scoring import BANDS

BAND_COLORS = {"below": "#c0392b", "near": "#d68910", "above": "#1e8449"}


MAX_PAGES = 2


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

    def footer(canvas: Any, total: int) -> None:
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#999999"))
        canvas.setLineWidth(0.4)
        canvas.line(margin, 14 * mm, A4[0] - margin, 14 * mm)
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(margin, 10 * mm, f"試卷雜湊值（SHA-256）：{data['form_sha256']}")
        canvas.drawRightString(A4[0] - margin, 10 * mm, f"第 {canvas.getPageNumber()} 頁，共 {total} 頁")
        canvas.restoreState()

    doc.build(story, canvasmaker=_canvas_with_page_total(footer))
    return buffer.getvalue(), doc.page


def _canvas_with_page_total(footer: Any) -> Any:
    """A canvas that holds every page until the document ends, then draws each page's footer
    with the page count ("第 2 頁，共 3 頁": a reader of a printed report sees a page missing)."""
    from reportlab.pdfgen.canvas import Canvas

    class PageTotalCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # ReportLab's name
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for state in self._held:
                self.__dict__.update(state)
                footer(self, len(self._held))
                super().showPage()
            super().save()

    return PageTotalCanvas


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
        if not cohort and row.get("numbers") is False:
            # a duty whose subscore adds nothing to the total: its band only, no bar and no percent
            label = BAND_LABELS[row["band"]]
            color = colors.HexColor(BAND_COLORS[row["band"]])
            drawing.add(String(x0 + 6, y + 3, "只列等級，分數僅供參考", fontName=font, fontSize=7.5, fillColor=colors.HexColor("#555555")))
            drawing.add(String(x0 + span + 38, y + 3, "–", fontName=font, fontSize=8.5, fillColor=colors.black, textAnchor="end"))
            drawing.add(String(x0 + span + 44, y + 3, label, fontName=font, fontSize=_fitted_size(label, font, 8.5, text_width - 38), fillColor=color))
            continue
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
