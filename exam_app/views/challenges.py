"""Examiners: challenges (試題疑義) by item, rulings, and rescoring with the list of changed results."""

import pandas as pd
import streamlit as st

from exam_app.common import choose_official_form, get_engine, require_examiner, show_error
from questionbank.delivery import challenges
from questionbank.errors import QbankError
from questionbank.labels import RULINGS

examiner = require_examiner("challenges")
st.title("試題疑義")
form_id = choose_official_form("challenge_form")
grouped = challenges.challenges_by_item(get_engine(), form_id)
if not grouped:
    st.info("這份試卷沒有任何試題疑義。")
for entry in grouped:
    ruling = entry["ruling"]
    status = f"已裁定：{RULINGS[ruling['kind']]}" if ruling else "待裁定"
    with st.expander(f"{entry['item_id']}（{len(entry['challenges'])} 件疑義，{status}）", expanded=ruling is None):
        st.text(entry["stem"])
        for label, text in entry["options"]:
            st.text(f"({label}) {text}")
        st.text(f"答案：{'、'.join(entry['keys'])}")
        st.text(f"解析：{entry['rationale']}")
        st.table(pd.DataFrame([{"依據": c["cites"] or "—", "理由": c["reason"]} for c in entry["challenges"]]))
        with st.form(f"rule-{entry['item_id']}"):
            kind = st.selectbox("裁定", list(RULINGS), format_func=RULINGS.get, key=f"kind-{entry['item_id']}")
            options = [label for label, _ in entry["options"]] or ["T", "F"]
            keys = st.multiselect("增列或更正後的答案", options, key=f"keys-{entry['item_id']}", placeholder="增列或更正答案時選擇")
            reason = st.text_area("裁定理由（會告知提出疑義的考生）", key=f"reason-{entry['item_id']}")
            if st.form_submit_button("記錄裁定"):
                try:
                    challenges.rule(get_engine(), form_id, entry["item_id"], kind, reason, examiner, keys=keys)
                except QbankError as error:
                    show_error(error)
                else:
                    st.success("已記錄裁定；按「重新計分」後成績才會更新。")
if st.button("重新計分", key="rescore", type="primary"):
    flips = challenges.rescore(get_engine(), form_id, reason=f"依試題疑義裁定重新計分（{examiner}）")
    if not flips:
        st.info("沒有考生的成績改變。")
    else:
        st.success(f"{len(flips)} 位考生的成績改變，其中 {sum(f.flipped for f in flips)} 位通過與否改變。")
        st.table(
            pd.DataFrame(
                [
                    {
                        "考生編號": f.candidate_id,
                        "原分數": f"{f.before_raw:g}",
                        "新分數": f"{f.after_raw:g}",
                        "原結果": "通過" if f.before_passed else "未通過",
                        "新結果": "通過" if f.after_passed else "未通過",
                        "通過與否改變": "是" if f.flipped else "",
                    }
                    for f in flips
                ]
            )
        )
