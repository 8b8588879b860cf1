"""Examiners: official forms one by one (distribution with the cut, pass rate, per duty, CSV), and
practice pooled per standard."""

import altair as alt
import pandas as pd
import streamlit as st

from exam_app.common import choose_official_form, choose_standard, get_engine, require_examiner
from questionbank.delivery import publishing, results
from questionbank.interchange.scores_csv import cohort_csv
from questionbank.scoring import cut_percent
from questionbank.stats.cohort import cohort_summary, results_summary

require_examiner("cohort")
st.title("成績統計")
view = st.radio(
    "範圍", ["official", "practice"], format_func={"official": "正式試卷", "practice": "練習（依職能基準彙整）"}.get, horizontal=True, key="cohort_view"
)


def histogram(hist: dict, cut: float | None) -> None:
    """Counts per 10-point band on a 0–100 axis, with the cut as a dashed line."""
    bins = pd.DataFrame({"起": hist["edges"][:-1], "迄": hist["edges"][1:], "人數": hist["counts"]})
    bars = (
        alt.Chart(bins)
        .mark_bar()
        .encode(
            x=alt.X("起:Q", scale=alt.Scale(domain=[0, 100]), title="得分百分比"),
            x2="迄:Q",
            y=alt.Y("人數:Q", axis=alt.Axis(tickMinStep=1, format="d"), title="人數"),
            tooltip=["起", "迄", "人數"],
        )
    )
    chart = bars
    if cut is not None:
        chart = bars + alt.Chart(pd.DataFrame({"及格標準": [cut]})).mark_rule(color="black", strokeDash=[4, 4]).encode(x="及格標準:Q")
    st.altair_chart(chart, width="stretch")


def duty_table(duties: list[dict], names: dict[str, str]) -> None:
    st.dataframe(
        pd.DataFrame([{"職責": f"{d['code']} {names.get(d['code'], '')}", "平均百分比": d["percent"]["mean"], "標準差": d["percent"]["sd"]} for d in duties]),
        hide_index=True,
        width="stretch",
    )


if view == "practice":
    standard = choose_standard("cohort_standard")
    pooled = results_summary(results.practice_details(get_engine(), standard.id))
    if not pooled["attempts"]:
        st.info("這個職能基準還沒有交卷的練習。")
        st.stop()
    cols = st.columns(3)
    cols[0].metric("練習次數", pooled["attempts"])
    cols[1].metric("達及格標準", f"{pooled['pass_rate']:.1f}%")
    cols[2].metric("平均分數", f"{pooled['percent']['mean']:.1f}%")
    histogram(pooled["histogram"], None)
    duty_table(pooled["duties"], {d.code: d.name for d in standard.duties})
    st.stop()

form_id = choose_official_form("cohort_form")
candidates, scores = results.form_scores(get_engine(), form_id)
if not candidates:
    st.info("這份試卷還沒有人交卷。")
    st.stop()
form, snapshots = publishing.load_form(get_engine(), form_id)
summary = cohort_summary(scores.key, None, scores=scores)
cols = st.columns(3)
cols[0].metric("交卷人數", summary["candidates"])
cols[1].metric("通過率", f"{summary['pass_rate']:.1f}%")
cols[2].metric("平均分數", f"{summary['percent']['mean']:.1f}%")
histogram(summary["histogram"], cut_percent(form["rules"], summary["max"]))
duty_table(summary["duties"], {s["duty"]: s.get("duty_name", "") for s in snapshots})
st.download_button("下載成績 CSV", cohort_csv(candidates, scores).encode("utf-8-sig"), file_name=f"{form_id}-scores.csv", key="cohort_csv")
