"""Writers: write or revise an item with live validation, then send it to blind review."""

import streamlit as st

from exam_app.common import choose_standard, get_bank, get_engine, paths, refresh_bank, require_examiner, show_error
from questionbank.delivery import authoring
from questionbank.errors import QbankError
from questionbank.labels import COGNITIVE_LEVELS, DIFFICULTIES, ITEM_TYPES
from questionbank.problems import describe_zh

writer = require_examiner("write", roles=("writer", "examiner"))
st.title("撰寫試題")
_, loaded = get_bank()
standard = choose_standard("write_standard")
mine = sorted(
    (i for _, i in loaded.items if i.standard == standard.id and i.status in ("draft", "review") and (i.author or "").casefold() == writer.casefold()),
    key=lambda i: i.id,
)
choices = {"": "新的試題"} | {i.id: f"{i.id}（{'草稿' if i.status == 'draft' else '審查中'}）" for i in mine}
chosen = st.selectbox("試題", list(choices), format_func=choices.get, key="write_item")
current = next((i for i in mine if i.id == chosen), None)
tasks = {t.code: f"{t.code} {t.name}" for d in standard.duties for t in d.tasks}
task = st.selectbox("工作任務", list(tasks), format_func=tasks.get, index=list(tasks).index(current.task) if current else 0, key=f"write_task_{chosen}")
duty = standard.duty_of(task)
taken = {i.id for _, i in loaded.items}
number = 1
while f"{standard.id}-{task}-{number:02d}" in taken and not current:
    number += 1
item_id = current.id if current else f"{standard.id}-{task}-{number:02d}"
st.caption(f"試題代碼：{item_id}")
cols = st.columns(3)
kind = cols[0].selectbox(
    "題型", list(ITEM_TYPES), format_func=ITEM_TYPES.get, index=list(ITEM_TYPES).index(current.type) if current else 0, key=f"write_type_{chosen}"
)
level = cols[1].selectbox(
    "認知層次",
    list(COGNITIVE_LEVELS),
    format_func=COGNITIVE_LEVELS.get,
    index=list(COGNITIVE_LEVELS).index(current.cognitive_level) if current and current.cognitive_level else 2,
    key=f"write_level_{chosen}",
)
difficulty = cols[2].selectbox(
    "難度",
    list(DIFFICULTIES),
    format_func=DIFFICULTIES.get,
    index=list(DIFFICULTIES).index(current.difficulty) if current and current.difficulty else 1,
    key=f"write_difficulty_{chosen}",
)
codes = {c.code: f"{c.code} {c.name}" for c in (*duty.knowledge, *duty.skills)} | {a.code: f"{a.code} {a.name}" for a in standard.attitudes}
competencies = st.multiselect(
    "知識、技能、態度（K/S/A）",
    list(codes),
    default=list(current.competencies) if current else [],
    format_func=lambda c: codes[c][:60],
    key=f"write_codes_{chosen}",
    placeholder="請選擇",
)
task_node = standard.tasks[task]
indicator_names = {p.code: f"{p.code} {p.text}" for p in task_node.indicators}
indicators = st.multiselect(
    "行為指標",
    list(indicator_names),
    default=[c for c in (current.indicators if current else []) if c in indicator_names],
    format_func=lambda c: indicator_names[c][:60],
    key=f"write_indicators_{chosen}",
    placeholder="請選擇",
)
stem = st.text_area("題幹", value=current.stem if current else "", key=f"write_stem_{chosen}")
options: dict[str, str] = {}
answer: object = None
if kind == "true_false":
    answer = st.radio(
        "答案",
        [True, False],
        format_func=lambda v: "正確" if v else "錯誤",
        index=0 if not current or current.answer is True else 1,
        key=f"write_tf_{chosen}",
        horizontal=True,
    )
else:
    labels = "ABCDE" if kind == "multiple" else "ABCD"
    existing = dict(current.options) if current else {}
    for label in labels:
        text = st.text_input(f"選項 {label}", value=existing.get(label, ""), key=f"write_option_{chosen}_{label}")
        if text.strip():
            options[label] = text.strip()
    keys = list(current.keys) if current and current.type == kind else []
    if kind == "single":
        answer = st.radio(
            "答案",
            list(options) or ["A"],
            index=(list(options).index(keys[0]) if keys and keys[0] in options else 0),
            key=f"write_key_{chosen}",
            horizontal=True,
        )
    else:
        answer = st.multiselect("答案（兩個以上）", list(options), default=[k for k in keys if k in options], key=f"write_keys_{chosen}", placeholder="請選擇")
rationale = st.text_area(
    "解析（為什麼答案對、每個錯誤選項為什麼錯，並引用行為指標）", value=current.rationale if current else "", key=f"write_rationale_{chosen}"
)
record = {
    "id": item_id,
    "standard": standard.id,
    "task": task,
    "competencies": competencies,
    "indicators": indicators,
    "type": kind,
    "cognitive_level": level,
    "difficulty": difficulty,
    "stem": stem.strip(),
    "options": options if kind != "true_false" else None,
    "answer": answer,
    "rationale": rationale.strip(),
    "status": "draft",
    "points": 1,
    "author": writer,
    "revision": 1,
}
_, problems = authoring.check_record(record, loaded.standards)
if problems:
    st.warning(f"還有 {len(problems)} 個問題：")
    for found in problems:
        st.text(f"・{describe_zh(found)}（{found.path or found.code}）")
else:
    st.success("格式與標記都正確。")
row = st.columns(2)
if row[0].button("儲存", key="write_save", type="primary", disabled=bool([p for p in problems if p.severity.value == "error"])):
    try:
        saved = authoring.save_item(get_engine(), paths().items, loaded.standards, record, writer)
    except QbankError as error:
        show_error(error)
    else:
        refresh_bank()
        st.session_state["write_flash"] = f"已儲存 {saved.id}（第 {saved.revision} 版，草稿）。"
        st.rerun()
if current is not None and current.status == "draft" and row[1].button("送交審查", key="write_submit"):
    try:
        authoring.submit(get_engine(), paths().items, current, writer)
    except QbankError as error:
        show_error(error)
    else:
        refresh_bank()
        st.session_state["write_flash"] = f"{current.id} 已送交審查。"
        st.rerun()
flash = st.session_state.pop("write_flash", None)
if flash:
    st.success(flash)
if current is not None:
    with st.expander("修改紀錄"):
        for entry in reversed(authoring.history_of(get_engine(), current.id)):
            st.text(f"第 {entry['revision']} 版　{entry['action']}　{entry['by']}")
            if entry["diff"]:
                st.code(entry["diff"], language="diff")
    for review in authoring.reviews_of(get_engine(), current.id):
        st.info(
            f"第 {review['revision']} 版的審查（{review['reviewer']}）：{'盲答相符' if review['matched'] else '盲答不同'}，{review['verdict']}。{review['comments']}"
        )
