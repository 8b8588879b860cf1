"""Examiners: edit a blueprint with a live feasibility check, assemble and preview forms, publish, issue access codes."""

from pathlib import Path

import pandas as pd
import streamlit as st

from exam_app.common import choose_standard, get_bank, get_engine, paths, require_examiner, show_error
from questionbank.assembly import assemble, shortfalls
from questionbank.checks.runner import load_blueprint, parse_blueprint
from questionbank.delivery import publishing
from questionbank.errors import QbankError
from questionbank.forms import form_documents, form_summary
from questionbank.interchange.scores_csv import codes_csv
from questionbank.labels import CODE_STATUS
from questionbank.problems import describe_zh
from questionbank.scoring import Rules

examiner = require_examiner("blueprints")
st.title("藍圖與組卷")
_, loaded = get_bank()
standard = choose_standard("bp_standard")
standard_id = standard.id
items = [item for _, item in loaded.items]
saved = Path("var") / "blueprints" / f"{standard_id}.yaml"
default = paths().blueprints / f"{standard_id}.yaml"
source = saved if saved.exists() else default
text = st.text_area(
    "藍圖（YAML，格式見 docs/blueprint-format.md）",
    value=source.read_text(encoding="utf-8") if source.exists() else "",
    height=420,
    key=f"bp_text_{standard_id}",
)

# Live feasibility: parse what is in the editor and count every requirement against the bank.
blueprint, problems = parse_blueprint(str(saved), text.encode("utf-8"), loaded.standards)
mismatch = blueprint is not None and blueprint.standard != standard_id
found = problems + (shortfalls(blueprint, standard, items) if blueprint is not None and not mismatch else [])
errors = [p for p in found if p.severity.value == "error"] or ([True] if mismatch else [])
if mismatch:
    st.error(f"藍圖的 standard 是 {blueprint.standard}，與所選職能基準 {standard_id} 不同。")
elif errors:
    st.error(f"藍圖有 {len(errors)} 個問題，無法組卷：")
    st.dataframe(pd.DataFrame([{"行": p.line, "欄": p.column, "代碼": p.code, "說明": describe_zh(p)} for p in found]), hide_index=True, width="stretch")
else:
    st.success(f"可行：題庫足以組成 {blueprint.forms} 份 {blueprint.length} 題的試卷。")

if st.button("組卷", key="assemble", type="primary", disabled=bool(errors) or blueprint is None):
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(text, encoding="utf-8")
    blueprint, _ = load_blueprint(saved, loaded.standards)
    result = assemble(blueprint, standard, items, seed=int(st.session_state.get("seed", 0)))
    if not result.ok:
        for p in result.problems:
            st.error(f"{describe_zh(p)}（{p.code}）")
    else:
        st.session_state["assembled"] = form_documents(result, blueprint, standard, items)
        st.session_state["assembled_blueprint"] = blueprint
        st.session_state["assembled_rules"] = Rules(
            blueprint.cut_percent, blueprint.cut_raw, blueprint.multiple_scoring, dict(blueprint.duty_minimum_percent)
        ).to_dict()
st.number_input("亂數種子（換一個種子可得到另一份合格試卷）", min_value=0, value=0, key="seed")

by_id = {item.id: item for item in items}
for document in st.session_state.get("assembled", []):
    if document["standard"]["id"] != standard_id:
        continue
    summary = form_summary(document, standard, items)
    with st.expander(f"試卷 {document['form_id']}（{document['length']} 題，求解 {document['solver']['status']}）", expanded=True):
        st.dataframe(pd.DataFrame(summary.duty_levels).T.fillna(0).astype(int), width="stretch")
        kinds = summary.types
        st.write(
            f"題型：單選 {kinds.get('single', 0)}、複選 {kinds.get('multiple', 0)}、是非 {kinds.get('true_false', 0)}；平均難度 {summary.mean_difficulty or 0:.2f}（1 易 – 3 難）"
        )
        if st.button("發布為正式試卷（發布後不可修改）", key=f"publish-{document['form_id']}"):
            try:
                publishing.publish_form(
                    get_engine(),
                    document,
                    f"{document['form_id']}.json",
                    loaded,
                    st.session_state.get("assembled_blueprint"),
                    kind="official",
                    title=f"{standard.name} 正式考試",
                    published_by=examiner,
                )
                st.success(f"已發布試卷 {document['form_id']}。")
            except QbankError as error:
                show_error(error)

st.subheader("核發准考碼")
official = [f for f in publishing.list_forms(get_engine(), kind="official", standard_id=standard_id)]
if not official:
    st.caption("尚未發布任何正式試卷。")
else:
    form_id = st.selectbox("正式試卷", [f["id"] for f in official], key="codes_form")
    candidates = st.text_area("考生編號（每行一位；留空則依數量產生不綁定考生的准考碼）", key="codes_candidates")
    count = st.number_input("數量", min_value=1, max_value=500, value=10, key="codes_count")
    if st.button("產生准考碼", key="issue_codes"):
        ids = [line.strip() for line in candidates.splitlines() if line.strip()] or [None] * int(count)
        try:
            issued = publishing.issue_access_codes(get_engine(), form_id, ids)
        except QbankError as error:
            show_error(error)
        else:
            st.success(f"已核發 {len(issued)} 組准考碼；下方清單隨時可再下載。")
    # the list comes from the database: it survives reruns, reloads and the download button
    codes = publishing.list_codes(get_engine(), form_id)
    if codes:
        st.dataframe(
            pd.DataFrame([{"准考碼": c["code"], "考生編號": c["candidate_id"], "狀態": CODE_STATUS[c["status"]]} for c in codes]),
            hide_index=True,
            width="stretch",
        )
        st.download_button("下載准考碼 CSV", codes_csv(codes).encode("utf-8-sig"), file_name=f"{form_id}-codes.csv", key="codes_csv")
