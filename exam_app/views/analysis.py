"""Examiners: item analysis of an official form — items sortable by flag, the distractor table,
reliability and decision consistency, which duty subscores are worth reporting (and what the
form's candidates are shown), and the technical report as PDF."""

import pandas as pd
import streamlit as st

from exam_app.common import choose_official_form, get_bank, get_engine, require_examiner
from questionbank import reports
from questionbank.delivery import results, verdicts
from questionbank.delivery.publishing import load_form
from questionbank.labels import DECISION_METHODS, ITEM_TYPES
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


@st.cache_data(show_spinner="產生技術報告…", max_entries=20)
def technical_pdf(form_id: str, candidates: int, decided_at: float | None) -> bytes:
    # the report changes only with more submitted attempts or a new duty verdict
    _, loaded = get_bank()
    return reports.technical_report(results.published_technical_report_data(get_engine(), form_id, loaded.standards))


verdict = verdicts.duty_verdicts(get_engine(), form_id)
cols = st.columns(4)
cols[0].metric("交卷人數", form.candidates)
cols[1].metric("信度（α）", number(form.alpha))
cols[2].metric("測量標準誤", number(form.sem))
cols[3].metric("及格標準處的條件標準誤", number(form.csem_at_cut))
if analysis.decisions:
    d = analysis.decisions
    st.caption(
        f"通過與否的一致性 {d.consistency:.1%}、正確性 {d.accuracy:.1%}（{DECISION_METHODS[d.model.parameters]}；誤判通過 {d.false_pass:.1%}，誤判不通過 {d.false_fail:.1%}）"
    )
st.download_button(
    "下載技術報告（PDF）",
    data=technical_pdf(form_id, form.candidates, verdict.decided_at),
    file_name=f"技術報告-{form_id}.pdf",
    mime="application/pdf",
    key="technical_pdf",
)

st.subheader("試題")
rows = [
    {
        "題號": n,
        "試題": i.id,
        "警示": "、".join(CATALOG[f.code].title_zh for f in i.flags),
        "答對率 p": i.p,
        "修正後題總相關": i.corrected_r,
        "未作答": i.omit_rate,
        "職責": i.duty,
        "題型": ITEM_TYPES.get(i.type, i.type),
        "flags": len(i.flags),
    }
    for n, i in enumerate(analysis.items, start=1)
]
frame = pd.DataFrame(rows)
orders = {
    "題號": (["題號"], [True]),
    "警示優先": (["flags", "答對率 p"], [False, True]),  # most flags first, then the hardest
    "答對率（低到高）": (["答對率 p"], [True]),
    "鑑別度（低到高）": (["修正後題總相關"], [True]),
}
left, right = st.columns([3, 2])
order = left.radio("排序", list(orders), horizontal=True, key="analysis_sort")
if right.toggle("只看有警示的試題", key="analysis_flagged"):
    frame = frame[frame["flags"] > 0]
by, ascending = orders[order]
st.dataframe(
    frame.sort_values(by, ascending=ascending, kind="stable").drop(columns="flags"),
    hide_index=True,
    width="stretch",
    column_config={
        "警示": st.column_config.TextColumn(width="large"),
        "答對率 p": st.column_config.NumberColumn(format="%.2f"),
        "修正後題總相關": st.column_config.NumberColumn(format="%.2f"),
        "未作答": st.column_config.NumberColumn(format="percent"),
    },
)

st.subheader("誘答分析")
item_id = st.selectbox("選擇試題", [i.id for i in analysis.items], key="analysis_item")
chosen = next(i for i in analysis.items if i.id == item_id)
for found in chosen.flags:
    st.warning(f"{CATALOG[found.code].title_zh}：{CATALOG[found.code].hint_zh}")
st.table(
    pd.DataFrame(
        [
            {"選項": o.label + ("（答案）" if o.key else ""), "人數": o.count, "比例": f"{o.share:.1%}", "選擇者平均總分": number(o.mean_total, 1)}
            for o in chosen.options
        ]
    ).set_index("選項")
)

st.subheader("職責分數是否值得報告")
st.caption("依 Haberman（2008）的 PRMSE 比較：職責分數比總分更能預測該職責的真分數，才單獨報告；否則考生只看到等級。職責分數的 PRMSE 即該職責的信度（α）。")
shown = verdict.numbers_shown([s.duty for s in analysis.subscores], load_form(get_engine(), form_id)[0]["rules"]) if verdict.decided else None
st.table(
    pd.DataFrame(
        [
            {
                "職責": s.duty,
                "題數": s.items,
                "PRMSE（職責分數）": number(s.prmse_subscore),
                "PRMSE（總分）": number(s.prmse_total),
                "依目前資料": "可報告" if s.reportable else "不單獨報告",
                "考生成績單": "尚未決定" if shown is None else ("列出分數" if shown[s.duty] else "只列等級"),
            }
            for s in analysis.subscores
        ]
    ).set_index("職責")
)
if verdict.decided:
    st.caption(
        f"考生成績單採用的結論：依 {verdict.candidates} 位正式考生的作答決定；要依目前資料重新決定，請執行 qbank analyze --published {form_id} --store。"
    )
else:
    st.caption(
        f"考生成績單尚未採用結論：目前 {verdict.candidates} 位正式考生，滿 {verdict.minimum} 位時自動決定；在此之前考生看到所有職責分數與「僅供參考」的說明。"
    )
