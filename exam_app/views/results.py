"""Results: total, pass/fail, a per-duty chart with the cut and bands; in practice mode a review of each question."""

import altair as alt
import pandas as pd
import streamlit as st

from exam_app.common import get_engine, get_standards, show_error
from questionbank import reports
from questionbank.delivery import attempts, challenges, results, verdicts
from questionbank.delivery.publishing import load_form
from questionbank.errors import QbankError
from questionbank.labels import RULINGS
from questionbank.scoring import BAND_TITLES, cut_percent

token = st.query_params.get("token", "")
engine = get_engine()
if not token:
    st.info("請從首頁開始一次測驗。")
    st.stop()
try:
    state = attempts.state(engine, token)
    if not state.submitted:
        st.info("這次作答尚未交卷。")
        st.page_link("views/exam.py", label="回到作答", query_params={"token": token})
        st.stop()
    result = results.result(engine, token)
    form, snapshots = load_form(engine, state.form_id)
except QbankError as error:
    show_error(error)
    st.stop()

cut = cut_percent(form["rules"], result["max"])
st.title("測驗成績")
who = f"考生：{state.candidate_id}　" if state.mode == "official" else ""
st.text(f"{state.title}　{who}")  # st.text: a candidate id is shown as typed, never as Markdown
cols = st.columns(3)
cols[0].metric("總分", f"{result['raw']:g} / {result['max']:g}")
cols[1].metric("百分比", f"{result['percent']:.1f}%")
cols[2].metric("結果", "通過" if result["passed"] else "未通過")
st.caption(f"及格標準：{cut:g}%")


# an official form's duty verdicts decide which duties show numbers (docs/item-analysis.md)
verdict = verdicts.duty_verdicts(engine, state.form_id) if state.mode == "official" else None
shown = verdict.numbers_shown(list(result["duties"]), form["rules"]) if verdict else dict.fromkeys(result["duties"], True)


@st.cache_data(show_spinner=False, max_entries=200)
def report_pdf(token: str, revision: int, decided_at: float | None) -> bytes:
    # a submitted attempt changes only by rescoring or by its form's duty verdicts being decided,
    # so its report is cached by token, score revision and the time of the verdict
    return reports.candidate_report(results.candidate_report_data(get_engine(), token, get_standards()))


revision = len(challenges.revisions_of(engine, token))
decided_at = verdict.decided_at if verdict else None
# The PDF is made when the candidate presses the button (a callable: Streamlit runs it on the
# download request), not on every showing of this page: a hall submits together, and making
# every report at once was 13 % of the server's CPU under load (docs/load-testing.md).
st.download_button(
    "下載成績報告（PDF）",
    data=lambda: report_pdf(token, revision, decided_at),
    file_name=f"成績報告-{state.form_id}.pdf",
    mime="application/pdf",
    key="report_pdf",
    on_click="ignore",  # downloading needs no run of this page
)
if state.submitted_by == "deadline":
    st.info("作答時間到，系統已自動交卷。")

names = {s["duty"]: s.get("duty_name", "") for s in snapshots}
CAUTION = "此職責題數較少，分數僅供參考"
rows = [
    {
        "職責": f"{duty} {names.get(duty, '')}",
        "百分比": round(d["percent"], 1) if shown[duty] else None,
        "得分": f"{d['raw']:g}" if shown[duty] else "—",
        "滿分": f"{d['max']:g}",
        "等級": BAND_TITLES[d["band"]],
        "說明": "" if shown[duty] else CAUTION,
    }
    for duty, d in result["duties"].items()
]
frame = pd.DataFrame(rows)
charted = frame[frame["百分比"].notna()]
bars = (
    alt.Chart(charted)
    .mark_bar()
    .encode(
        x=alt.X("百分比:Q", scale=alt.Scale(domain=[0, 100]), title="得分百分比"),
        y=alt.Y("職責:N", sort=None, title=None, axis=alt.Axis(labelLimit=420)),
        color=alt.Color(
            "等級:N",
            scale=alt.Scale(domain=list(BAND_TITLES.values()), range=["#d62728", "#ff9f0e", "#2ca02c"]),
            legend=alt.Legend(title="等級", orient="bottom"),
        ),
        tooltip=["職責", "得分", "滿分", "百分比", "等級"],
    )
)
rule = alt.Chart(pd.DataFrame({"及格標準": [cut]})).mark_rule(color="black", strokeDash=[4, 4]).encode(x=alt.X("及格標準:Q", title="得分百分比"))
if len(charted):
    st.altair_chart(bars + rule, width="stretch")
table = frame.assign(百分比=frame["百分比"].map(lambda v: "—" if pd.isna(v) else f"{v:.1f}%"))
st.table((table if any(not v for v in shown.values()) else table.drop(columns="說明")).set_index("職責"))
if verdict is None:
    st.caption("各職責題數較少，職責分數的精確度低於總分；「接近」表示與及格標準的差距在測量誤差之內。")
elif not verdict.decided:
    st.caption(
        f"本試卷目前有 {verdict.candidates} 位考生交卷，須達 {verdict.minimum} 位才能判斷各職責分數是否比總分更能反映該職責的能力；"
        "在此之前，職責分數僅供參考，是否通過以總分為準。「接近」表示與及格標準的差距在測量誤差之內。"
    )
elif all(shown.values()):
    st.caption(f"依 {verdict.candidates} 位考生的作答資料，各職責分數都比總分更能反映該職責的能力。「接近」表示與及格標準的差距在測量誤差之內。")
else:
    st.caption(
        f"標示「{CAUTION}」的職責，依 {verdict.candidates} 位考生的作答資料，單獨的分數並不比總分更能反映您在該職責的能力，"
        "因此只顯示等級，等級也僅供參考；是否通過以總分為準。「接近」表示與及格標準的差距在測量誤差之內。"
    )

if state.mode == "official":
    revisions = challenges.revisions_of(engine, token)
    if revisions:
        first, latest = revisions[0], revisions[-1]
        st.info(f"成績已依試題疑義的裁定重新計算（第 {latest['revision']} 版）；原始成績 {first['raw']:g} / {first['max']:g} 分。")
    st.subheader("試題疑義")
    mine = challenges.challenges_of(engine, token)
    if mine:
        st.table(
            pd.DataFrame(
                [
                    {
                        "題號": c["number"],
                        "理由": c["reason"],
                        "裁定": RULINGS.get(c["kind"], "審理中") if c["kind"] else "審理中",
                        "說明": c["ruling_reason"] or "",
                    }
                    for c in mine
                ]
            ).set_index("題號")
        )
    standard = get_standards().get(state.standard_id)
    codes = {t.code: f"{t.code} {t.name}" for d in standard.duties for t in d.tasks} if standard else {}
    if standard:
        codes |= {p.code: f"{p.code} {p.text}" for d in standard.duties for t in d.tasks for p in t.indicators}
    with st.form("challenge_form", clear_on_submit=True):
        number = st.number_input("題號（您作答時看到的題號）", min_value=1, max_value=len(state.questions), step=1, key="challenge_number")
        cites = st.selectbox("依據的工作任務或行為指標（選填）", ["", *codes], format_func=lambda c: codes.get(c, "（不指定）"), key="challenge_cites")
        reason = st.text_area("理由", max_chars=2000, key="challenge_reason")
        if st.form_submit_button("提出試題疑義"):
            try:
                challenges.file_challenge(engine, token, int(number), reason, cites, set(codes) or None)
            except QbankError as error:
                show_error(error)
            else:
                st.success(f"已收到第 {int(number)} 題的疑義；考官裁定後會顯示在這裡。")
                st.rerun()

if state.mode == "practice":
    st.subheader("題目檢討")
    st.caption("選項依您作答時看到的順序與代號排列；解析中的代號是方括號內的原始代號。")

    def shown(labels) -> str:
        return "、".join({"T": "正確", "F": "錯誤"}.get(x, x) for x in labels) or "未作答"

    for entry in results.review(engine, token):
        mark = "✓" if entry["earned"] == entry["points"] else ("△" if entry["earned"] > 0 else "✗")
        with st.expander(f"{mark} 第 {entry['position'] + 1} 題（{entry['task']} {entry['task_name']}）"):
            st.text(entry["stem"])
            for seen, text, original in entry["options"]:
                st.text(f"({seen}) {text}　〔解析代號 {original}〕")
            st.markdown(f"你的答案：**{shown(entry['answer'])}**　正確答案：**{shown(entry['key'])}**　得分 {entry['earned']:g} / {entry['points']:g}")
            st.text(f"解析：{entry['rationale']}")
            for code, text in entry["indicators"]:
                st.caption(f"行為指標 {code}：{text}")
    st.page_link("views/home.py", label="回首頁再練習一次", query_params={"me": st.query_params.get("me", ""), "std": state.standard_id})
else:
    st.page_link("views/home.py", label="回首頁", query_params={"me": st.query_params.get("me", "")})
