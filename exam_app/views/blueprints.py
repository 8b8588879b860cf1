"""Examiners: edit a blueprint with a live feasibility check, assemble and preview forms, publish, issue access codes."""

import time

import pandas as pd
import streamlit as st

from exam_app.common import choose_standard, get_bank, get_engine, paths, require_examiner, show_error
from questionbank.assembly import assemble, check_blueprint
from questionbank.blueprint import difficulty_values
from questionbank.checks.runner import parse_blueprint
from questionbank.delivery import drafts, item_statistics, publishing
from questionbank.errors import QbankError
from questionbank.forms import form_documents, form_preview, form_summary
from questionbank.interchange.scores_csv import codes_csv
from questionbank.labels import CODE_STATUS, COGNITIVE_LEVELS, ITEM_TYPES
from questionbank.problems import describe_zh

examiner = require_examiner("blueprints")
st.title("藍圖與組卷")
_, loaded = get_bank()
standard = choose_standard("bp_standard")
standard_id = standard.id
items = [item for _, item in loaded.items]
flash = st.session_state.pop("bp_flash", None)
if flash:
    st.success(flash)
shipped = paths().blueprints / f"{standard_id}.yaml"
record = drafts.default_draft(get_engine(), standard_id)
history = drafts.drafts(get_engine(), standard_id)
st.caption(f"目前的預設藍圖：{'草稿 #' + str(record.id) + '（' + record.saved_by + '）' if record else '出廠藍圖 ' + shipped.name}")
versions = {0: "預設藍圖"} | {d.id: f"草稿 #{d.id}　{time.strftime('%Y-%m-%d %H:%M', time.localtime(d.saved_at))}　{d.saved_by}　{d.note}" for d in history}
chosen = st.selectbox("載入到編輯器", list(versions), format_func=versions.get, key=f"bp_version_{standard_id}")
if chosen:
    start_text = next(d.text for d in history if d.id == chosen)
else:
    start_text = record.text if record else (shipped.read_text(encoding="utf-8") if shipped.exists() else "")
text = st.text_area("藍圖（YAML，格式見 docs/blueprint-format.md）", value=start_text, height=420, key=f"bp_text_{standard_id}_{chosen}")

# Live feasibility: parse what is in the editor, count every requirement against the bank, then
# let the solver look for one form within a few seconds: 可行 only with a form in hand, the same
# analysis 組卷 runs. Nothing is saved by checking or assembling; saving a draft is its own step.
CHECK_SECONDS = 5.0
blueprint, problems = parse_blueprint("編輯器", text.encode("utf-8"), loaded.standards)
mismatch = blueprint is not None and blueprint.standard != standard_id
errors = [p for p in problems if p.severity.value == "error"] or ([True] if mismatch else [])
# difficulty_from_data: observed p of items with enough stored responses replaces their labels
observed = item_statistics.data_difficulty(get_engine(), blueprint, items) if blueprint is not None and not errors else {}
check = None
if blueprint is not None and not errors:
    # one analysis per text, bank and observed difficulties: other buttons rerun it without a new solve
    memo_key = ("bp_check", standard_id, blueprint.sha256 or hash(text), id(items), tuple(sorted(difficulty_values(observed).items())))
    check = st.session_state.get("bp_check_memo", {}).get(memo_key)
    if check is None:
        check = check_blueprint(blueprint, standard, items, budget=CHECK_SECONDS, difficulty=difficulty_values(observed))
        st.session_state["bp_check_memo"] = {memo_key: check}
found = problems + list(check.problems if check else [])
if mismatch:
    st.error(f"藍圖的 standard 是 {blueprint.standard}，與所選職能基準 {standard_id} 不同。")
elif errors or (check and check.verdict == "infeasible"):
    errors = errors or list(check.problems)
    st.error(f"藍圖有 {len([p for p in found if p.severity.value == 'error'])} 個問題，無法組卷：")
    st.dataframe(pd.DataFrame([{"行": p.line, "欄": p.column, "說明": describe_zh(p), "代碼": p.code} for p in found]), hide_index=True, width="stretch")
    if check and check.gaps:
        st.markdown("**差距：**\n" + "\n".join(f"- 第 {blueprint.position(g.path)[0]} 行：{g.text_zh()}" for g in check.gaps))
    if check and check.repairs:
        lines = (f"- 第 {r['line']} 行：{r['text_zh']}" for r in (repair.to_dict(blueprint) for repair in check.repairs))
        st.markdown("**建議修改（每個問題擇一即可）：**\n" + "\n".join(lines))
elif check and check.verdict == "unknown":
    st.warning(f"在 {CHECK_SECONDS:g} 秒內未能確認是否可行：可能需要更長的組卷時間。請按「組卷」（最多 60 秒），或放寬藍圖條件。")
    errors = []
else:
    st.success(f"可行：已找到 {blueprint.forms} 份 {blueprint.length} 題、符合所有條件的試卷。")

row = st.columns([2, 1, 1, 1])
note = row[0].text_input("草稿說明（選填）", key="draft_note", max_chars=200)
if row[1].button("儲存草稿", key="save_draft", disabled=not text.strip()):
    try:
        saved_id = drafts.save_draft(get_engine(), standard_id, text, examiner, note)
    except QbankError as error:
        show_error(error)
    else:
        st.session_state["bp_flash"] = f"已儲存草稿 #{saved_id}。"
        st.rerun()
if row[2].button("設為預設藍圖", key="make_default", disabled=bool(errors) or blueprint is None or not chosen):
    drafts.make_default(get_engine(), standard_id, chosen, examiner)
    st.session_state["bp_flash"] = f"草稿 #{chosen} 已成為預設藍圖；考生的模擬測驗從現在起使用它。"
    st.rerun()
if row[3].button("還原為出廠藍圖", key="reset_default", disabled=record is None):
    drafts.make_default(get_engine(), standard_id, None, examiner)
    st.session_state["bp_flash"] = "已還原為出廠藍圖。"
    st.rerun()

if st.button("組卷", key="assemble", type="primary", disabled=bool(errors) or blueprint is None):
    result = assemble(blueprint, standard, items, seed=int(st.session_state.get("seed", 0)), difficulty=difficulty_values(observed))
    if not result.ok:
        for p in result.problems:
            st.error(f"{describe_zh(p)}（{p.code}）")
        for repair in result.repairs:
            st.info(f"建議：{repair.text_zh()}")
    else:
        st.session_state["assembled"] = form_documents(result, blueprint, standard, items, observed)
        st.session_state["assembled_blueprint"] = blueprint
st.number_input("亂數種子（換一個種子可得到另一份合格試卷）", min_value=0, value=0, key="seed")

by_id = {item.id: item for item in items}
for document in st.session_state.get("assembled", []):
    if document["standard"]["id"] != standard_id:
        continue
    summary = form_summary(document, standard, items)
    published = publishing.is_published(get_engine(), document["form_id"])
    with st.expander(f"試卷 {document['form_id']}（{document['length']} 題）{'　已發布' if published else ''}", expanded=not published):
        table = pd.DataFrame(summary.duty_levels).T.fillna(0).astype(int).rename(columns=COGNITIVE_LEVELS)
        st.dataframe(table, width="stretch")
        kinds = summary.types
        st.write(
            f"題型：單選 {kinds.get('single', 0)}、複選 {kinds.get('multiple', 0)}、是非 {kinds.get('true_false', 0)}；平均難度 {summary.mean_difficulty or 0:.2f}（1 易 – 3 難）"
            + (f"，其中 {summary.observed} 題依作答資料的答對率" if summary.observed else "")
        )
        if st.toggle("逐題預覽（含答案，僅考官可見）", key=f"preview-{document['form_id']}"):
            for number, entry in enumerate(form_preview(document, items), start=1):
                st.markdown(f"**{number}.** （{ITEM_TYPES[entry['type']]}，{entry['task']}）")
                st.text(entry["stem"])
                for label, option in entry["options"]:
                    st.text(f"({label}) {option}")
                st.text(f"答案：{entry['key']}　｜　{entry['id']}")
        if published:
            st.info("這份試卷已發布；已發布的試卷不會改變。要另一份試卷，請換一個亂數種子再組卷。")
        elif st.button("發布為正式試卷（發布後不可修改）", key=f"publish-{document['form_id']}"):
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
