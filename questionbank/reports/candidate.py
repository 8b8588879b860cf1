"""The candidate report (成績報告): total, pass/fail, per-duty chart and table, a study plan."""

from __future__ import annotations

import math
import re
from typing import Any

from questionbank.reports.data import BAND_LABELS, DATE_LABELS, MODE_LABELS
from questionbank.reports.fonts import ReportFont, _register, find_cjk_font
from questionbank.reports.layout import (
    BAND_COLORS,
    FRAME_PADDING,
    MAX_PAGES,
    _build,
    _flowables_height,
    _fmt,
    _form_line,
    _frame_height,
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
    if data.get("revision", 1) > 1:
        rows.append(("成績版本", f"第 {data['revision']} 版（依試題疑義裁定重新計分）", "", ""))
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
        shown = duty.get("numbers", True)
        rows.append(
            [
                f"{duty['code']} {duty['name']}",
                str(duty["items"]),
                f"{_fmt(duty['raw'], 2)} / {_fmt(duty['max'], 2)}" if shown else f"– / {_fmt(duty['max'], 2)}",
                _pct(duty["percent"]) if shown else "–",
                BAND_LABELS[duty["band"]] + ("" if shown else "（僅供參考）"),
            ]
        )
        extra.append(("TEXTCOLOR", (4, n), (4, n), colors.HexColor(BAND_COLORS[duty["band"]])))
    story.append(_grid_table(rows, [width * 0.42, width * 0.07, width * 0.13, width * 0.11, width * 0.27], styles, "LRRRL", extra))
    story += [Spacer(1, 4), _p(_duty_note(data, bool(minimum)), styles.note)]
    return story


def _duty_note(data: dict[str, Any], minimum: bool) -> str:
    """What the duty results are worth: by the form's duty verdicts when there are any (official
    forms), else the general caution (docs/item-analysis.md)."""
    counts = sorted({d["items"] for d in data["duties"]})
    few = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]} 至 {counts[-1]}"
    basis = "是否通過以總分為準" + ("（及上列各職責最低標準）" if minimum else "") + "。"
    near = "「接近及格標準」表示該職責的百分比與及格標準的差距在 1 個標準誤之內（淺色區間），題數越少區間越寬，無法據以判斷高於或低於及格標準。"
    verdicts = data.get("subscores")
    if verdicts is None:
        return f"說明：每個職責只有 {few} 題，職責分數的精確度遠低於總分，宜視為學習參考；{basis}{near}"
    if not verdicts["decided"]:
        return (
            f"說明：本試卷目前有 {verdicts['candidates']} 位考生交卷，須達 {verdicts['minimum']} 位才能判斷各職責分數是否比總分更能反映該職責的能力。"
            f"在此之前，每個職責只有 {few} 題，職責分數的精確度遠低於總分，僅供參考；{basis}{near}"
        )
    hidden = [d["code"] for d in data["duties"] if not d.get("numbers", True)]
    if not hidden:
        return f"說明：依 {verdicts['candidates']} 位考生的作答資料，各職責分數都比總分更能反映該職責的能力，因此列出分數；{basis}{near}"
    return (
        f"說明：標示「僅供參考」的職責（{'、'.join(hidden)}）題數較少；依 {verdicts['candidates']} 位考生的作答資料，"
        "這些職責單獨的分數並不比總分更能反映您在該職責的能力，因此只列出等級，不列出分數，等級也僅供參考。"
        f"{basis}{near}"
    )


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
