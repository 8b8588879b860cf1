"""Examiners: bank overview — a duty × task heatmap of active items and every validation problem."""

import dataclasses
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from exam_app.common import choose_standard, get_bank, get_engine, paths, require_examiner
from questionbank.checks.runner import parse_blueprint, problems_for
from questionbank.coverage import coverage
from questionbank.delivery import drafts
from questionbank.feasibility import writing_plan
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

st.subheader("撰題計畫")
# What item writers work from: the distinct active items the default blueprint needs for N forms
# at the chosen overlap, per task, type and duty × level cell, against what the bank holds.
record = drafts.default_draft(get_engine(), standard_id)
shipped = paths().blueprints / f"{standard_id}.yaml"
source = record.text if record else (shipped.read_text(encoding="utf-8") if shipped.exists() else "")
plan_bp, _ = parse_blueprint(shipped.name, source.encode("utf-8"), loaded.standards) if source else (None, [])
if plan_bp is None:
    st.caption("這個職能基準沒有可用的預設藍圖，無法計算撰題計畫。")
else:
    cols = st.columns(2)
    forms = cols[0].number_input("複本試卷份數", min_value=1, max_value=20, value=plan_bp.forms, key="plan_forms")
    overlap = cols[1].number_input(
        "任兩份試卷最多共用題數",
        min_value=0,
        max_value=plan_bp.length,
        value=plan_bp.max_overlap if plan_bp.max_overlap is not None else plan_bp.length,
        key="plan_overlap",
    )
    plan_bp = dataclasses.replace(plan_bp, forms=int(forms), max_overlap=int(overlap))
    rows = writing_plan(plan_bp, standard, [item for _, item in loaded.items])
    scope = {"duty": "職責", "task": "工作任務", "type": "題型", "level": "職責×認知層次", "total": "全部"}
    st.dataframe(
        pd.DataFrame([{"範圍": scope[r.scope], "類別": r.subject, "需要": r.need, "現有": r.have, "需再撰寫": r.write} for r in rows]),
        hide_index=True,
        width="stretch",
    )
    st.caption(f"依{'草稿 #' + str(record.id) if record else '出廠藍圖'}（{plan_bp.length} 題）計算；「需要」是組成 {int(forms)} 份試卷所需的不同題目數。")

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
