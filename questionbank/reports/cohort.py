"""The cohort report: a form's score distribution, pass rate and per-duty spread."""

from __future__ import annotations

from typing import Any

import numpy as np

from questionbank.reports.fonts import ReportFont, _register, find_cjk_font
from questionbank.reports.layout import (
    _build,
    _fmt,
    _form_line,
    _grid_table,
    _info_table,
    _legend,
    _p,
    _page_width,
    _pct,
    _score_chart,
    _standard_line,
    _Styles,
)


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
