"""Reviewers: answer an item blind, then see the key and the guide's checklist, record a verdict;
activate items whose current revision was approved by someone other than their writer."""

import streamlit as st

from exam_app.common import get_bank, get_engine, paths, refresh_bank, require_examiner, show_error
from questionbank.checks.similarity import suspects
from questionbank.delivery import accounts, authoring
from questionbank.errors import QbankError

CHECKS = {
    "one-key": "只有一個可辯護的答案",
    "rationale": "解析正確",
    "tags": "標記（任務、K/S、行為指標）正確",
    "no-cue": "沒有提示線索",
    "no-duplicate": "與其他題不重複",
    "taiwan-usage": "臺灣用語、正體字",
}
VERDICTS = {"approve": "核可", "revise": "請撰寫者修改", "reject": "不採用"}

reviewer = require_examiner("review", roles=("reviewer", "examiner"))
st.title("審題")
_, loaded = get_bank()
queue = sorted((i for _, i in loaded.items if i.status == "review" and (i.author or "").casefold() != reviewer.casefold()), key=lambda i: i.id)
if not queue:
    st.info("目前沒有待審的試題。")
    st.stop()
labels = {i.id: f"{i.id}（第 {i.revision or 1} 版，撰寫者 {i.author}）" for i in queue}
item_id = st.selectbox("待審試題", list(labels), format_func=labels.get, key="review_item")
item = next(i for i in queue if i.id == item_id)
blind_key = f"blind-{item.id}-{item.revision}"
view = authoring.blind_view(item)
st.text(view["stem"])
if blind_key not in st.session_state:
    st.caption("先作答（看不到答案與解析），送出後才會顯示答案。")
    if item.type == "true_false":
        guess = st.radio("您的答案", [True, False], format_func=lambda v: "正確" if v else "錯誤", index=None, key=f"guess-{item.id}")
    elif item.type == "single":
        guess = st.radio(
            "您的答案",
            [label for label, _ in view["options"]],
            format_func=lambda label: f"({label}) {dict(view['options'])[label]}",
            index=None,
            key=f"guess-{item.id}",
        )
    else:
        guess = [label for label, text in view["options"] if st.checkbox(f"({label}) {text}", key=f"guess-{item.id}-{label}")]
    if st.button("送出盲答", key="blind_submit", disabled=guess is None or guess == []):
        st.session_state[blind_key] = guess
        st.rerun()
    st.stop()
blind = st.session_state[blind_key]
for label, text in view["options"]:
    st.text(f"({label}) {text}")
shown = ("正確" if blind else "錯誤") if isinstance(blind, bool) else "、".join(blind if isinstance(blind, list) else [blind])
key = ("正確" if item.answer else "錯誤") if item.type == "true_false" else "、".join(item.keys)
st.markdown(f"您的盲答：**{shown}**　答案：**{key}**")
st.text(f"解析：{item.rationale}")
st.caption(f"標記：{item.task}；{'、'.join(item.competencies)}；{'、'.join(item.indicators)}")
near = [s for s in suspects(i for _, i in loaded.items if i.standard == item.standard) if item.id in (s.first, s.second)]
for s in near:
    other = s.second if s.first == item.id else s.first
    st.warning(f"可能相關的試題：{other}（{'提示' if s.kind == 'cue' else '近似'}，{s.score:.0%}）")
with st.form(f"review-{item.id}"):
    checklist = {code: st.checkbox(text, key=f"check-{item.id}-{code}") for code, text in CHECKS.items()}
    verdict = st.radio("結論", list(VERDICTS), format_func=VERDICTS.get, key=f"verdict-{item.id}", horizontal=True)
    comments = st.text_area("意見（盲答與答案不同時，請說明如何解決）", key=f"comments-{item.id}")
    if st.form_submit_button("送出審查"):
        answer = blind if isinstance(blind, (bool, list)) else [blind]
        try:
            review = authoring.record_review(get_engine(), item, reviewer, answer, verdict, comments, checklist)
        except QbankError as error:
            show_error(error)
        else:
            st.success(f"已記錄審查：{'盲答相符' if review['matched'] else '盲答與答案不同'}，{VERDICTS[verdict]}。")
allowed, why = authoring.may_activate(get_engine(), item)
roles = accounts.roles_of(get_engine(), reviewer)
may = allowed and bool(roles & {"examiner", "reviewer"}) and (item.author or "").casefold() != reviewer.casefold()
if may and st.button("啟用這一題", key="activate", type="primary"):
    try:
        authoring.activate(get_engine(), paths().items, item, reviewer)
    except QbankError as error:
        show_error(error)
    else:
        refresh_bank()
        st.success(f"{item.id} 已啟用，會出現在練習與組卷中。")
