"""Examiners: item analysis of an official form — items sortable by flag, the distractor table,
reliability and decision consistency, and which duty subscores are worth reporting."""

import pandas as pd
import streamlit as st

from exam_app.common import choose_official_form, get_engine, require_examiner
from questionbank.delivery import results
from questionbank.labels import ITEM_TYPES
from questionbank.problems import CATALOG

require_examiner("analysis")
st.title("試題分析")
form_id = choose_official_form("analysis_form")
analysis = results.published_analysis(get_engine(), form_id)
form = analysis.form
if form.candidates < 2:
    st.info("交卷人數不足，至少需要兩位考生才能分析。")
    st.stop()


def number(value, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


cols = st.columns(4)
cols[0].metric("交卷人數", form.candidates)
cols[1].metric("信度（α）", number(form.alpha))
cols[2].metric("測量標準誤", number(form.sem))
cols[3].metric("及格標準處的條件標準誤", number(form.csem_at_cut))
if analysis.decisions:
    d = analysis.decisions
    st.caption(f"通過與否的一致性 {d.consistency:.1%}、正確性 {d.accuracy:.1%}（{d.method}；誤判通過 {d.false_pass:.1%}，誤判不通過 {d.false_fail:.1%}）")
rows = [
    {
        "試題": i.id,
        "題型": ITEM_TYPES.get(i.type, i.type),
        "職責": i.duty,
        "答對率 p": i.p,
        "修正後題總相關": i.corrected_r,
        "未作答": i.omit_rate,
        "警示": "、".join(CATALOG[f.code].title_zh for f in i.flags),
    }
    for i in analysis.items
]
frame = pd.DataFrame(rows)
only_flagged = st.toggle("只看有警示的試題", key="analysis_flagged")
if only_flagged:
    frame = frame[frame["警示"] != ""]
st.dataframe(frame.sort_values(["警示", "答對率 p"], ascending=[False, True]), hide_index=True, width="stretch")
item_id = st.selectbox("誘答分析", [i.id for i in analysis.items], key="analysis_item")
chosen = next(i for i in analysis.items if i.id == item_id)
st.table(
    pd.DataFrame(
        [
            {"選項": o.label + ("（答案）" if o.key else ""), "人數": o.count, "比例": f"{o.share:.1%}", "選擇者平均總分": number(o.mean_total, 1)}
            for o in chosen.options
        ]
    ).set_index("選項")
)
st.subheader("職責分數是否值得報告")
st.caption("依 Haberman（2008）的 PRMSE 比較：職責分數比總分更能預測該職責的真分數，才單獨報告；否則只報告總分與等級。")
st.table(
    pd.DataFrame(
        [
            {
                "職責": s.duty,
                "題數": s.items,
                "信度": number(s.reliability),
                "PRMSE（職責分數）": number(s.prmse_subscore),
                "PRMSE（總分）": number(s.prmse_total),
                "結論": "可報告" if s.reportable else "不單獨報告",
            }
            for s in analysis.subscores
        ]
    ).set_index("職責")
)
