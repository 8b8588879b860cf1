"""The technical report (試卷技術報告) of one form: what the item analysis found, for examiners.

The form and its candidates, the score distribution, reliability (alpha, SEM, Lord's CSEM at the
cut), decision consistency and accuracy (Livingston & Lewis), the item table with flags and their
reasons, the distractor table, and the duty verdicts (Haberman's PRMSE) with what candidates are
shown. Every figure is the library's (``stats.analysis``); this module only lays it out.
"""

from __future__ import annotations

from typing import Any

from questionbank.labels import DECISION_METHODS, ITEM_TYPES
from questionbank.problems import CATALOG
from questionbank.reports.cohort import _histogram
from questionbank.reports.data import SOURCE_LABELS
from questionbank.reports.fonts import ReportFont, _register, find_cjk_font
from questionbank.reports.layout import _build, _fmt, _form_line, _grid_table, _info_table, _p, _page_width, _pct, _standard_line, _Styles
from questionbank.stats.items import ItemStats, Thresholds, miskey_evidence

TRUE_FALSE_WORDS = {"T": "是", "F": "非"}


def _n(value: float | None, places: int = 2) -> str:
    """A figure with a fixed number of places (– when there is none)."""
    return "–" if value is None else f"{value:.{places}f}"


def flag_reason(code: str, item: ItemStats, thresholds: Thresholds) -> str:
    """Why the flag ``code`` was raised on ``item``, with its figures, in Chinese."""
    if code == "stat-too-hard":
        return f"答對率 {_n(item.p)}，低於 {thresholds.too_hard:g}"
    if code == "stat-too-easy":
        return f"答對率 {_n(item.p)}，高於 {thresholds.too_easy:g}"
    if code == "stat-negative-discrimination":
        return f"修正後題總相關 {_n(item.corrected_r)}，小於 0"
    if code == "stat-low-discrimination":
        return f"修正後題總相關 {_n(item.corrected_r)}，低於 {thresholds.low_discrimination:g}"
    if code == "stat-possible-miskey":
        evidence = miskey_evidence(item, thresholds)
        if evidence is None:
            return ""
        best, bar = evidence
        label = TRUE_FALSE_WORDS.get(best.label, best.label)
        versus = f"高於選答案者的 {bar:.1f}" if bar is not None else f"而選答案者不到 {thresholds.miskey_min_count} 人"
        return f"選項 {label}（{best.count} 人選）的選擇者平均總分 {best.mean_total:.1f}，{versus}"
    if code == "stat-high-omit":
        return f"{_pct(100 * (item.omit_rate or 0.0))} 的考生未作答，超過 {100 * thresholds.high_omit:g}%"
    return ""


def _summary_rows(data: dict[str, Any]) -> list[list[str]]:
    form = data["analysis"].form
    cut = data["cut"]
    return [
        ["項目", "數值", "說明"],
        ["考生人數", str(form.candidates), SOURCE_LABELS.get(data["source"], data["source"])],
        ["題數與滿分", f"{form.items} 題，滿分 {_fmt(form.max, 2)}", ""],
        ["平均（標準差）", f"{_n(form.mean)}（{_n(form.sd)}）", "原始分數；標準差以全體考生計"],
        ["信度 alpha（KR-20）", _n(form.alpha, 3), "Cronbach（1951）；全為 0/1 計分時即 KR-20"],
        ["測量標準誤 SEM", _n(form.sem), "標準差乘以根號（1 - alpha）"],
        ["及格標準", f"{_fmt(cut['raw'], 2)} 分（{_fmt(cut['percent'])}%）", ""],
        ["及格標準處的條件標準誤", _n(form.csem_at_cut), "Lord（1955、1957）二項誤差模式"],
        ["通過率", _pct(100 * form.pass_rate) if form.pass_rate is not None else "–", ""],
    ]


def _decision_story(data: dict[str, Any], styles: _Styles, width: float) -> list[Any]:
    d = data["analysis"].decisions
    story: list[Any] = [_p("通過與否的一致性與正確性", styles.heading)]
    if d is None:
        story.append(_p("無法估計：分數沒有變異，或信度不在 0 與 1 之間。", styles.body))
        return story
    story.append(_p(f"方法：{DECISION_METHODS[d.model.parameters]}；有效題數 {d.effective_length}。", styles.body))
    rows = [
        ["指標", "數值", "意義"],
        ["分類正確性", _n(d.accuracy, 3), "觀察到的通過與否和真分數的通過與否相同的機率"],
        ["誤判通過", _n(d.false_pass, 3), "觀察通過、真分數未達及格標準"],
        ["誤判不通過", _n(d.false_fail, 3), "觀察未通過、真分數已達及格標準"],
        ["分類一致性", _n(d.consistency, 3), "兩次平行施測結果相同的機率"],
        ["Cohen kappa", _n(d.kappa, 3), "扣除機遇一致後的一致性（Cohen 1960）"],
        ["預期通過率", _n(d.expected_pass_rate, 3), "依配適的真分數分布"],
    ]
    story.append(_grid_table(rows, [width * 0.22, width * 0.13, width * 0.65], styles, "LRL"))
    from reportlab.platypus import KeepTogether

    return [KeepTogether(story)]


def _duty_story(data: dict[str, Any], styles: _Styles, width: float) -> list[Any]:
    analysis, names = data["analysis"], data["duty_names"]
    verdicts, shown = data.get("verdicts"), data.get("numbers_shown")
    from reportlab.platypus import KeepTogether

    story: list[Any] = [_p("職責分數是否值得報告", styles.heading)]
    story.append(
        _p(
            "方法：Haberman（2008）的 PRMSE 比較。職責分數本身（PRMSE 職責）比總分（PRMSE 總分）更能預測該職責的真分數時，職責分數才有附加價值，可以單獨報告。",
            styles.body,
        )
    )
    rows = [["職責", "題數", "信度", "PRMSE 職責", "PRMSE 總分", "依目前資料", "考生成績單"]]
    for s in analysis.subscores:
        verdict = "值得報告" if s.reportable else "不單獨報告"
        shown_text = "尚未決定" if shown is None else ("列出分數" if shown.get(s.duty) else "只列等級")
        rows.append([f"{s.duty} {names.get(s.duty, '')}", str(s.items), _n(s.reliability), _n(s.prmse_subscore), _n(s.prmse_total), verdict, shown_text])
    story.append(_grid_table(rows, [width * 0.28, width * 0.07, width * 0.08, width * 0.13, width * 0.13, width * 0.15, width * 0.16], styles, "LRRRRLL"))
    if verdicts is None:
        note = "這些作答不在資料庫中，考生成績單不依此結論調整。"
    elif verdicts["decided"]:
        note = f"考生成績單採用的結論：依 {verdicts['candidates']} 位正式考生的作答決定（至少需 {verdicts['minimum']} 位）。"
    else:
        note = (
            f"考生成績單尚未採用結論：目前 {verdicts['candidates']} 位正式考生，需滿 {verdicts['minimum']} 位；在此之前成績單列出所有職責分數並註明僅供參考。"
        )
    story.append(_p(note + "設有最低百分比的職責一律列出分數。", styles.note))
    return [KeepTogether(story)]


def _item_rows(analysis: Any) -> list[list[str]]:
    rows = [["序", "試題", "職責", "題型", "答對率", "鑑別度 r", "未作答", "警示"]]
    for n, item in enumerate(analysis.items, start=1):
        flags = "、".join(CATALOG[f.code].title_zh for f in item.flags)
        rows.append(
            [str(n), item.id, item.duty, ITEM_TYPES.get(item.type, item.type), _n(item.p), _n(item.corrected_r), _pct(100 * (item.omit_rate or 0.0)), flags]
        )
    return rows


def _flag_rows(analysis: Any) -> list[list[str]]:
    rows = [["序", "試題", "警示", "原因", "建議"]]
    for n, item in enumerate(analysis.items, start=1):
        for found in item.flags:
            info = CATALOG[found.code]
            rows.append([str(n), item.id, info.title_zh, flag_reason(found.code, item, analysis.thresholds), info.hint_zh])
    return rows


def _distractor_table(analysis: Any, styles: _Styles, width: float) -> Any:
    from reportlab.lib import colors

    most = max((len(i.options) for i in analysis.items), default=0)
    rows = [["序", "試題", *[f"選項 {k + 1}" for k in range(most)]]]
    keys = []
    for n, item in enumerate(analysis.items, start=1):
        cells = []
        for k, option in enumerate(item.options):
            label = TRUE_FALSE_WORDS.get(option.label, option.label)
            cells.append(f"{label}{'*' if option.key else ''} {100 * option.share:.0f}%（{_n(option.mean_total, 1)}）")
            if option.key:
                keys.append(("BACKGROUND", (2 + k, n), (2 + k, n), colors.HexColor("#e3f1e3")))
        rows.append([str(n), item.id, *cells, *[""] * (most - len(cells))])
    rest = width * 0.66
    widths = [width * 0.05, width * 0.29, *[rest / max(most, 1)] * most]
    return _grid_table(rows, widths, styles, "LL" + "L" * most, keys)


def technical_report(data: dict[str, Any], font: ReportFont | None = None) -> bytes:
    """A form's technical report as PDF bytes (A4, as many pages as the items need).

    ``data`` comes from :func:`questionbank.reports.data.technical_report_data`.
    """
    from reportlab.platypus import Spacer

    name = _register(font or find_cjk_font())
    styles = _Styles(name)
    _, _, width = _page_width()
    analysis = data["analysis"]
    form = analysis.form
    story: list[Any] = [_p("會展職能評量　試卷技術報告", styles.title)]
    story.append(
        _info_table(
            [
                ("試卷", _form_line(data), "分析日期", data["date"]),
                ("職能基準", _standard_line(data), "", ""),
                ("資料", f"{SOURCE_LABELS.get(data['source'], data['source'])}，共 {form.candidates} 位考生", "", ""),
            ],
            styles,
            width,
        )
    )
    story.append(Spacer(1, 6))
    if form.candidates < 2:
        story.append(_p(f"這份試卷目前只有 {form.candidates} 位考生的作答，至少需要兩位才能分析。", styles.body))
        return _build(story, data, name, f"技術報告 {data['form_id']}")[0]
    story += [_p("總分與信度", styles.heading), _grid_table(_summary_rows(data), [width * 0.3, width * 0.22, width * 0.48], styles, "LRL")]
    story += [
        _p("分數分布", styles.heading),
        _histogram({"histogram": form.distribution["percent"], "cut": data["cut"]}, name, width),
        _p("各組距含下限、不含上限；最後一組含 100%。", styles.note),
    ]
    story += _decision_story(data, styles, width)
    story += _duty_story(data, styles, width)
    story.append(_p("試題分析", styles.heading))
    story.append(
        _p(
            "答對率 p：平均得分除以配分；鑑別度 r：修正後題總相關，即本題得分與其餘試題總分的相關（Henrysson 1963）。警示門檻與理由見 docs/item-analysis.md。",
            styles.note,
        )
    )
    widths = [width * 0.05, width * 0.30, width * 0.07, width * 0.07, width * 0.09, width * 0.11, width * 0.09, width * 0.22]
    story.append(_grid_table(_item_rows(analysis), widths, styles, "RLLLRRRL"))
    flagged = _flag_rows(analysis)
    story.append(_p("警示與原因", styles.heading))
    if len(flagged) == 1:
        story.append(_p("沒有試題被標示警示。", styles.body))
    else:
        story.append(_grid_table(flagged, [width * 0.05, width * 0.25, width * 0.13, width * 0.27, width * 0.30], styles, "RLLLL"))
        story.append(_p("警示是請審題者檢查的提示，不是定論；答案有誤的試題常同時出現多個警示。", styles.note))
    story.append(_p("誘答分析", styles.heading))
    story.append(_p("每格為選項代號、選擇比例與選擇者的平均總分；* 與底色為正確答案。複選題一位考生可選多個選項，比例合計可超過 100%。", styles.note))
    story.append(_distractor_table(analysis, styles, width))
    story += [
        _p("方法與文獻", styles.heading),
        _p(
            "Cronbach, L. J. (1951). Psychometrika 16, 297-334；Kuder, G. F. & Richardson, M. W. (1937). Psychometrika 2, 151-160；"
            "Lord, F. M. (1955, 1957)；Livingston, S. A. & Lewis, C. (1995). Journal of Educational Measurement 32, 179-197；"
            "Cohen, J. (1960)；Haberman, S. J. (2008). Journal of Educational and Behavioral Statistics 33, 204-229；"
            "Henrysson, S. (1963). Psychometrika 28, 211-218。公式與門檻的說明見 docs/item-analysis.md。",
            styles.note,
        ),
    ]
    return _build(story, data, name, f"技術報告 {data['form_id']}")[0]
