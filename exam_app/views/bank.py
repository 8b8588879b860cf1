"""Examiners: bank overview — a duty × task heatmap of active items and every validation problem."""

import altair as alt
import pandas as pd
import streamlit as st

from exam_app.common import choose_standard, get_bank, require_examiner
from questionbank.coverage import coverage

require_examiner()
st.title("題庫總覽")
result, loaded = get_bank()
standard = choose_standard("bank_standard")
standard_id = standard.id
items = [item for _, item in loaded.items if item.standard == standard_id and item.status == "active"]
report = coverage(standard, items)
cells = [{"職責": duty.code, "任務": task, "題數": count} for duty in report.duties for task, count in duty.tasks.items()]
frame = pd.DataFrame(cells)
frame["任務序"] = frame["任務"].str.split(".").str[1].astype(int)
heat = (
    alt.Chart(frame)
    .mark_rect()
    .encode(
        x=alt.X("任務序:O", title="任務"),
        y=alt.Y("職責:N", sort=[d.code for d in standard.duties]),
        color=alt.Color("題數:Q", scale=alt.Scale(scheme="blues")),
        tooltip=["任務", "題數"],
    )
)
text = alt.Chart(frame).mark_text().encode(x="任務序:O", y=alt.Y("職責:N", sort=[d.code for d in standard.duties]), text="題數:Q")
st.altair_chart(heat + text, width="stretch")
st.caption(f"有效試題 {len(items)} 題；沒有試題的任務：{'、'.join(report.tasks_without_items) or '無'}")

st.subheader("驗證問題")
if not result.problems:
    st.success("題庫驗證沒有任何錯誤或警告。")
else:
    st.dataframe(
        pd.DataFrame([{"檔案": p.file, "行": p.line, "欄": p.column, "等級": p.severity.value, "代碼": p.code, "說明": p.message} for p in result.problems]),
        hide_index=True,
        width="stretch",
    )
