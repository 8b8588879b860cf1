"""Examiners: results per published form — score distribution, pass rate, per-duty means, CSV export."""

import altair as alt
import pandas as pd
import streamlit as st

from exam_app.common import get_engine, require_examiner
from questionbank.delivery import publishing, results
from questionbank.interchange.scores_csv import cohort_csv
from questionbank.stats.cohort import cohort_summary

require_examiner("cohort")
st.title("成績統計")
forms = publishing.list_forms(get_engine())
if not forms:
    st.info("尚未發布任何試卷。")
    st.stop()
labels = {f["id"]: f"{f['title']}（{f['id']}，{'正式' if f['kind'] == 'official' else '練習'}）" for f in forms}
form_id = st.selectbox("試卷", list(labels), format_func=labels.get, key="cohort_form")
candidates, matrix, key = results.form_responses(get_engine(), form_id)
if not candidates:
    st.info("這份試卷還沒有人交卷。")
    st.stop()
summary = cohort_summary(key, matrix)
cols = st.columns(3)
cols[0].metric("交卷人數", summary["candidates"])
cols[1].metric("通過率", f"{summary['pass_rate']:.1f}%")
cols[2].metric("平均分數", f"{summary['percent']['mean']:.1f}%")
hist = summary["histogram"]
bins = pd.DataFrame({"百分比": [f"{a}–{b}" for a, b in zip(hist["edges"], hist["edges"][1:], strict=False)], "人數": hist["counts"]})
st.altair_chart(alt.Chart(bins).mark_bar().encode(x=alt.X("百分比:N", sort=None), y=alt.Y("人數:Q", axis=alt.Axis(tickMinStep=1))), width="stretch")
st.dataframe(
    pd.DataFrame([{"職責": d["code"], "平均百分比": d["percent"]["mean"], "標準差": d["percent"]["sd"]} for d in summary["duties"]]),
    hide_index=True,
)
st.download_button("下載成績 CSV", cohort_csv(candidates, key, matrix).encode("utf-8-sig"), file_name=f"{form_id}-scores.csv", key="cohort_csv")
