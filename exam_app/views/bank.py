"""Examiners: bank overview — a duty × task heatmap of active items and every validation problem."""

from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from exam_app.common import choose_standard, get_bank, require_examiner
from questionbank.checks.runner import problems_for
from questionbank.coverage import coverage
from questionbank.problems import describe_zh
from questionbank.standards import natural_order

require_examiner("bank")
st.title("題庫總覽")
result, loaded = get_bank()
standard = choose_standard("bank_standard")
standard_id = standard.id
items = [item for _, item in loaded.items if item.standard == standard_id and item.status == "active"]
report = coverage(standard, items)
cells = [{"職責": duty.code, "任務": task, "題數": count} for duty in report.duties for task, count in duty.tasks.items()]
frame = pd.DataFrame(cells)
frame["任務序"] = [natural_order(task)[0][-1] for task in frame["任務"]]
heat = (
    alt.Chart(frame)
    .mark_rect()
    .encode(
        x=alt.X("任務序:O", title="任務"),
        y=alt.Y("職責:N", sort=[d.code for d in standard.duties]),
        color=alt.Color("題數:Q", scale=alt.Scale(scheme="blues", domainMin=0), title="題數"),
        tooltip=["任務", "題數"],
    )
)
text = alt.Chart(frame).mark_text().encode(x="任務序:O", y=alt.Y("職責:N", sort=[d.code for d in standard.duties]), text="題數:Q")
st.altair_chart(heat + text, width="stretch")
st.caption(f"有效試題 {len(items)} 題；沒有試題的任務：{'、'.join(report.tasks_without_items) or '無'}")

st.subheader("驗證問題")
found = problems_for(result, loaded, standard_id)
if not found:
    st.success("這個職能基準的檔案沒有任何錯誤或警告。")
else:
    severity = {"error": "錯誤", "warning": "警告"}
    st.dataframe(
        pd.DataFrame(
            [
                {"檔案": Path(p.file).name, "行": p.line, "欄": p.column, "等級": severity[p.severity.value], "說明": describe_zh(p), "代碼": p.code}
                for p in found
            ]
        ),
        hide_index=True,
        width="stretch",
    )
