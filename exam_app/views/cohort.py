"""Examiners: results per published form — score distribution, pass rate, per-duty means, CSV export."""

import altair as alt
import pandas as pd
import streamlit as st

from exam_app.common import get_engine, require_examiner
from questionbank.delivery import publishing, results
from questionbank.scoring import score

require_examiner()
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
result = score(key, matrix)
cols = st.columns(3)
cols[0].metric("交卷人數", len(candidates))
cols[1].metric("通過率", f"{100 * result.passed.mean():.1f}%")
cols[2].metric("平均分數", f"{result.percent.mean():.1f}%")
hist = (
    alt.Chart(pd.DataFrame({"百分比": result.percent}))
    .mark_bar()
    .encode(x=alt.X("百分比:Q", bin=alt.Bin(step=10), scale=alt.Scale(domain=[0, 100])), y="count()")
)
st.altair_chart(hist, width="stretch")
duty_percent = result.duty_percent
st.dataframe(
    pd.DataFrame({"職責": key.duties, "平均百分比": duty_percent.mean(axis=0).round(1), "標準差": duty_percent.std(axis=0).round(1)}),
    hide_index=True,
)
rows = [
    {"candidate_id": c, "raw": result.raw[n], "max": result.max, "percent": round(float(result.percent[n]), 2), "passed": bool(result.passed[n])}
    for n, c in enumerate(candidates)
]
for n, row in enumerate(rows):
    for d, duty in enumerate(key.duties):
        row[f"{duty}_percent"] = round(float(duty_percent[n, d]), 2)
export = pd.DataFrame(rows)
st.download_button("下載成績 CSV", export.to_csv(index=False).encode("utf-8-sig"), file_name=f"{form_id}-scores.csv", key="cohort_csv")
