"""Examiners: standard setting (標準設定) — a modified-Angoff study in two rounds and Hofstee's
judgements on an official form, applied to its cut through the decision record.

Every number comes from questionbank.delivery.standard_setting; the page only asks and shows.
"""

import altair as alt
import pandas as pd
import streamlit as st

from exam_app.common import choose_official_form, get_engine, require_examiner, show_error
from questionbank.delivery import accounts, publishing
from questionbank.delivery import standard_setting as ss
from questionbank.errors import QbankError
from questionbank.problems import describe_zh

STATES = {1: "第 1 輪評分中", 2: "第 2 輪評分中"}
UNITS = {"probability": "機率（0–1）", "percent": "百分比（0–100%）"}
SCALE = {"probability": 1.0, "percent": 100.0}

me = require_examiner("standard_setting")
st.title("標準設定")
engine = get_engine()
studies = ss.studies_for(engine, me)

with st.expander("開啟新的標準設定研究", expanded=not studies):
    st.caption("選擇一份正式試卷，開啟修正式 Angoff 研究（兩輪）並邀請評審；Hofstee 判斷也在同一項研究中填寫。")
    form_id = choose_official_form("study_form")
    if st.button("開啟研究", key="open_study"):
        try:
            st.session_state["study"] = ss.open_study(engine, form_id, me)
        except QbankError as error:
            show_error(error)
        else:
            st.rerun()
if not studies:
    st.info("您目前沒有負責或受邀參加的標準設定研究。")
    st.stop()

titles = {f["id"]: f["title"] for f in publishing.list_forms(engine, kind="official")}


def state_of(study: ss.Study) -> str:
    return "已結束" if study.closed else STATES[study.round]


labels = {s.id: f"#{s.id} {titles.get(s.form_id, s.form_id)}（{state_of(s)}，負責人 {s.owner}）" for s in studies}
chosen = st.selectbox("標準設定研究", list(labels), format_func=labels.get, key="study")
study = next(s for s in studies if s.id == chosen)
owner, panelist = study.is_owner(me), study.on_panel(me)
st.caption(f"試卷：{study.form_id}　負責人：{study.owner}　評審：{'、'.join(study.panelists) or '尚未邀請'}　狀態：{state_of(study)}")


def number(value, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def rate_item(key: str, study_id: int, round_: int, position: int, item_id: str, scale: float) -> None:
    """Save one rating the moment it is given (a reload loses nothing); a refusal is kept to be
    shown beside the item."""
    value = st.session_state[key]
    try:
        ss.rate(get_engine(), study_id, me, round_, item_id, None if value is None else value / scale)
    except QbankError as error:
        st.session_state[f"error-{key}"] = f"第 {position + 1} 題（{item_id}）：{describe_zh(error.problem)}"
    else:
        st.session_state.pop(f"error-{key}", None)


def angoff_tab() -> None:
    try:
        view = ss.panel_view(engine, study.id, me)
    except QbankError as error:
        show_error(error)
        return
    if study.closed:
        st.info("研究已結束，評分不能再修改。")
    st.markdown("請估計**剛好達到及格水準**的考生答對每一題的機率。每填一題就會自動儲存，重新整理頁面也不會遺失。")
    if view.proposed is not None:
        cut = view.proposed
        cols = st.columns(3)
        cols[0].metric("第 1 輪小組建議及格分數", f"{cut.result.cut_raw:.2f} / {view.max_points:g}（{cut.result.cut_percent:.1f}%）")
        cols[1].metric("以此分數的通過率", "尚無成績" if cut.pass_rate is None else f"{cut.pass_rate:.1f}%")
        cols[2].metric("您目前的及格分數", "尚未評完" if view.own_cut_raw is None else f"{view.own_cut_raw:.2f}")
        st.caption(
            f"通過率依 {view.candidates} 位已交卷考生的正式成績計算"
            + ("" if view.own_pass_rate is None else f"；以您目前的分數，通過率為 {view.own_pass_rate:.1f}%")
            + "。第 2 輪請參考小組第 1 輪的分布與答對率，再決定是否修改。"
        )
    st.progress(view.rated / len(view.items), text=f"已評 {view.rated} / {len(view.items)} 題")
    unit = st.radio("評分方式", list(UNITS), format_func=UNITS.get, horizontal=True, key="rating_unit")
    scale = SCALE[unit]
    for item in view.items:
        with st.container(border=True):
            st.markdown(f"**第 {item.position + 1} 題**　{item.item_id}（{item.points:g} 分）")
            st.text(item.stem)
            for label, text in item.options:
                st.text(f"({label}) {text}")
            keys = "、".join({"T": "正確", "F": "錯誤"}.get(k, k) for k in item.keys)
            st.caption(f"答案：{keys}")
            if item.panel is not None:
                st.caption(
                    f"第 1 輪小組：平均 {item.panel['mean']:.2f}，標準差 {number(item.panel['sd'])}，最低 {item.panel['min']:.2f}，最高 {item.panel['max']:.2f}"
                    f"；您第 1 輪：{number(item.first_rating)}；答對率 p：{number(item.p) if item.p is not None else '尚無作答資料'}"
                )
            key = f"rate-{study.id}-{study.round}-{unit}-{item.item_id}"
            st.number_input(
                f"第 {item.position + 1} 題的評分（{UNITS[unit]}）",
                value=None if item.rating is None else round(item.rating * scale, 4),
                step=0.05 if unit == "probability" else 5.0,
                format="%.2f" if unit == "probability" else "%.1f",
                key=key,
                on_change=rate_item,
                args=(key, study.id, study.round, item.position, item.item_id, scale),
                disabled=study.closed,
            )
            if f"error-{key}" in st.session_state:
                st.error(st.session_state[f"error-{key}"])


def hofstee_tab() -> None:
    given = {j["name"]: j for j in ss.judgements(engine, study.id)}
    targets = list(study.panelists) if owner else [me]
    if not targets:
        st.info("尚未邀請評審。")
    else:
        st.markdown("Hofstee 法：每位評審給四個百分比，小組的平均值與考生成績的累積不及格率曲線決定及格分數。")
        who = st.selectbox("填寫誰的判斷", targets, key=f"judge-who-{study.id}") if owner else me
        before = given.get(who, {})
        with st.form(f"judge-{study.id}-{who}"):
            cols = st.columns(2)
            k_min = cols[0].number_input("最低可接受的及格分數（%）", value=before.get("k_min"), step=1.0, key=f"k_min-{study.id}-{who}")
            k_max = cols[1].number_input("最高可接受的及格分數（%）", value=before.get("k_max"), step=1.0, key=f"k_max-{study.id}-{who}")
            f_min = cols[0].number_input("最低可接受的不及格率（%）", value=before.get("f_min"), step=1.0, key=f"f_min-{study.id}-{who}")
            f_max = cols[1].number_input("最高可接受的不及格率（%）", value=before.get("f_max"), step=1.0, key=f"f_max-{study.id}-{who}")
            if st.form_submit_button("儲存判斷", disabled=study.closed):
                try:
                    ss.judge(engine, study.id, me, who, k_min, k_max, f_min, f_max)
                except QbankError as error:
                    show_error(error)
                else:
                    st.success(f"已儲存 {who} 的 Hofstee 判斷。")
    if owner:
        hofstee_result()


def hofstee_result() -> None:
    try:
        summary = ss.hofstee_summary(engine, study.id)
    except QbankError as error:
        show_error(error)
        return
    if summary is None:
        st.info("還沒有評審填寫 Hofstee 判斷。")
        return
    st.subheader("Hofstee 結果")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "評審": j["name"],
                    "最低及格分數": j["k_min"],
                    "最高及格分數": j["k_max"],
                    "最低不及格率": j["f_min"],
                    "最高不及格率": j["f_max"],
                    "填寫者": j["entered_by"],
                }
                for j in summary.judgements
            ]
            + [
                {
                    "評審": "平均",
                    "最低及格分數": summary.means["k_min"],
                    "最高及格分數": summary.means["k_max"],
                    "最低不及格率": summary.means["f_min"],
                    "最高不及格率": summary.means["f_max"],
                    "填寫者": "",
                }
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    curve = pd.DataFrame(summary.curve, columns=["及格分數（%）", "不及格率（%）"])
    line = pd.DataFrame(list(summary.line), columns=["及格分數（%）", "不及格率（%）"])
    point = pd.DataFrame([{"及格分數（%）": summary.result["cut_percent"], "不及格率（%）": summary.result["fail_rate"]}])
    x = alt.X("及格分數（%）:Q", scale=alt.Scale(domain=[0, 100]))
    y = alt.Y("不及格率（%）:Q", scale=alt.Scale(domain=[0, 100]))
    chart = (
        alt.Chart(curve).mark_line(interpolate="step-before").encode(x=x, y=y)
        + alt.Chart(line).mark_line(color="#b91c1c", strokeDash=[6, 4]).encode(x=x, y=y)
        + alt.Chart(point).mark_point(color="#b91c1c", size=120, filled=True).encode(x=x, y=y, tooltip=list(point.columns))
    )
    st.altair_chart(chart, width="stretch")
    st.caption(f"藍線：{summary.candidates} 位考生的累積不及格率；紅色虛線：Hofstee 線（平均判斷）；紅點：交點。")
    cols = st.columns(2)
    cols[0].metric("Hofstee 及格分數", f"{summary.result['cut_percent']:g}%")
    cols[1].metric("不及格率", f"{summary.result['fail_rate']:.1f}%")
    if study.closed:
        apply_button("套用 Hofstee 及格分數", "Hofstee", ss.apply_hofstee, f"apply-hofstee-{study.id}")


def cut_text(record: dict) -> str:
    return f"{record['cut_raw']:g} 分" if record["cut_raw"] is not None else f"{record['cut_percent']:g}%"


def apply_button(label: str, method: str, how, key: str) -> None:
    """套用, or (when the form's cut in force came from this study by this method) a note of it:
    a second press would rescore every result for nothing."""
    done = st.session_state.pop(f"{key}-done", None)
    if done:
        st.success(done)
    in_force = ss.applied(engine, study.id, method)
    if in_force is not None:
        st.button(label, key=key, disabled=True)
        st.caption(f"試卷目前的及格標準 {cut_text(in_force)} 即由本研究以此方法決定（決定 #{in_force['id']}）。")
        return
    if not st.button(label, key=key, type="primary"):
        return
    try:
        record = how(engine, study.id, me)
    except QbankError as error:
        show_error(error)
    else:
        # shown after the rerun that turns this button off
        st.session_state[f"{key}-done"] = (
            f"已套用及格標準 {cut_text(record)}（決定 #{record['id']}）：{record['changed']} 位考生的成績重新計算，其中 {record['flipped']} 位通過與否改變。"
        )
        st.rerun()


def manage_tab() -> None:
    if not study.closed and study.round == 1:
        others = [n for n in accounts.names_with_role(engine, "examiner") if not study.on_panel(n)]
        invited = st.multiselect("邀請評審（考官帳號）", others, key=f"invite-{study.id}", placeholder="選擇考官")
        if st.button("邀請", key=f"invite-button-{study.id}", disabled=not invited):
            try:
                ss.invite(engine, study.id, me, invited)
            except QbankError as error:
                show_error(error)
            else:
                st.rerun()
    rows = ss.progress(engine, study.id)
    if rows:
        st.dataframe(
            pd.DataFrame(
                [
                    {"評審": r["name"], f"第 {study.round} 輪已評": f"{r['rated']} / {r['items']}", "Hofstee 判斷": "已填" if r["judged"] else "未填"}
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    if study.withdrawn:
        st.caption(f"已移出評審小組：{'、'.join(study.withdrawn)}（其評分不計入結果）")
    if study.closed:
        angoff_result(study.round, final=True)
    else:
        if study.round == 2:
            angoff_result(1, final=False)
        step = "結束第 1 輪並開始第 2 輪" if study.round == 1 else "結束研究"
        if st.button(step, key=f"step-{study.id}", type="primary"):
            try:
                (ss.open_round_two if study.round == 1 else ss.close_study)(engine, study.id, me)
            except QbankError as error:
                show_error(error)
            else:
                st.rerun()
        if rows:
            with st.expander("移出評審"):
                gone = st.selectbox("評審", [r["name"] for r in rows], key=f"withdraw-who-{study.id}")
                st.caption("未能完成評分的評審可移出小組；其評分保留但不計入結果。")
                if st.button("移出評審小組", key=f"withdraw-{study.id}"):
                    try:
                        ss.withdraw(engine, study.id, me, gone)
                    except QbankError as error:
                        show_error(error)
                    else:
                        st.rerun()
    decisions = ss.decisions_of(engine, study.id)
    if decisions:
        st.subheader("由本研究做成的及格標準決定")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "決定": f"#{d['id']}",
                        "方法": d["method"],
                        "及格標準": cut_text(d),
                        "決定者": d["decided_by"],
                        "重新計分": d["rescored"],
                    }
                    for d in decisions
                ]
            ),
            hide_index=True,
            width="stretch",
        )


def angoff_result(round_: int, final: bool) -> None:
    try:
        cut = ss.round_cut(engine, study.id, round_)
    except QbankError as error:
        show_error(error)
        return
    st.subheader("修正式 Angoff 建議及格分數" if final else "第 1 輪結果")
    cols = st.columns(4)
    cols[0].metric("建議及格分數", f"{cut.result.cut_raw:.2f} / {cut.max_points:g}")
    cols[1].metric("百分比", f"{cut.result.cut_percent:.1f}%")
    cols[2].metric("標準誤", "—" if cut.standard_error is None else f"±{cut.standard_error:.2f}")
    cols[3].metric("通過率", "尚無成績" if cut.pass_rate is None else f"{cut.pass_rate:.1f}%")
    st.caption(f"建議及格分數 = 各題評分平均 × 配分的總和；標準誤 = {len(cut.panelists)} 位評審各自及格分數的標準差 ÷ √評審人數。")
    st.dataframe(
        pd.DataFrame({"評審": list(cut.panelists), "個人及格分數": [round(c, 2) for c in cut.result.panelist_cuts]}),
        hide_index=True,
        width="stretch",
    )
    if final:
        apply_button("套用 Angoff 及格分數", "modified Angoff", ss.apply_angoff, f"apply-angoff-{study.id}")


names = (["Angoff 評分"] if panelist else []) + (["Hofstee 判斷"] if panelist or owner else []) + (["研究管理與結果"] if owner else [])
for name, tab in zip(names, st.tabs(names), strict=True):
    with tab:
        {"Angoff 評分": angoff_tab, "Hofstee 判斷": hofstee_tab, "研究管理與結果": manage_tab}[name]()
