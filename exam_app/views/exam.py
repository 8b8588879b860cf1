"""The exam screen: one question at a time, saved the moment it is answered, resumable by URL."""

import time

import streamlit as st
from streamlit.components.v1 import html

from exam_app.common import get_engine, show_error
from questionbank.delivery import attempts
from questionbank.errors import QbankError

token = st.query_params.get("token", "")
engine = get_engine()
if not token:
    st.info("請從首頁開始一次測驗。")
    st.page_link("views/home.py", label="回首頁")
    st.stop()
try:
    state = attempts.state(engine, token)
except QbankError as error:
    show_error(error)
    st.stop()
if state.submitted:
    st.switch_page("views/results.py", query_params={"token": token, "me": st.query_params.get("me", "")})

questions = state.questions
total = len(questions)
current = questions[state.current_position]
answered = total - len(state.unanswered)


def save(position: int, value) -> None:
    try:
        attempts.save_answer(engine, token, position, value)
    except QbankError as error:
        st.session_state["exam_error"] = error


def on_single(position: int, key: str) -> None:
    value = st.session_state[key]
    if value is not None:
        save(position, value)


def on_true_false(position: int, key: str) -> None:
    value = st.session_state[key]
    if value is not None:
        save(position, value == "○ 正確")


def on_multiple(position: int, labels: list[str]) -> None:
    chosen = [label for label in labels if st.session_state.get(f"{token}-{position}-{label}")]
    save(position, chosen)


def on_flag(position: int, key: str) -> None:
    try:
        attempts.set_flag(engine, token, position, bool(st.session_state[key]))
    except QbankError as error:
        st.session_state["exam_error"] = error


def keep_shown(write) -> None:
    """Save a choice the page shows but the database lacks, then draw the page again.

    It happens after a failover: the browser reconnects to another replica, whose new session
    has never seen this question's widgets, so the next click brings the widget's new value but
    calls no on_change (found by benchmarks/load_bench.py, replica killed mid-exam). A refused
    save (attempt closed, deadline) shows its error once and is not retried in a loop."""
    if error is not None:
        return
    write()
    if "exam_error" not in st.session_state:
        st.rerun()


def follow(position: int) -> None:
    """Go where a click the callbacks missed asked to go (after a failover the new session has
    no on_change or on_click registered for the page the browser still shows); a refused move
    shows its error once and is not retried in a loop."""
    if error is None:
        go_to(position)
        st.rerun()


def go_to(position: int) -> None:
    try:
        attempts.set_position(engine, token, position)
    except QbankError as error:
        st.session_state["exam_error"] = error
    else:
        st.session_state["nav_sync"] = True  # the next run's navigator shows where the candidate is
        st.session_state["moved"] = True  # a button's on_click ran (see the buttons below)
    st.session_state.pop("confirm_submit", None)


error = st.session_state.pop("exam_error", None)
moved = st.session_state.pop("moved", False)
nav_key = f"nav-{token}"
if st.session_state.pop("nav_sync", False):
    st.session_state[nav_key] = current.position  # before the navigator exists in this run
if error is not None:
    show_error(error)

st.subheader(state.title)
top = st.columns([3, 1])
top[0].progress(answered / total, text=f"已作答 {answered} / {total} 題")


def countdown() -> None:
    """The remaining time ticks in the browser (no server work per second per candidate); at zero
    the page reloads, and the server, which enforces the deadline, submits the attempt."""
    remaining = state.remaining_seconds()
    if remaining is None:
        st.metric("剩餘時間", "不限時")
        return
    html(
        f"""<div role="timer" aria-live="off" aria-label="剩餘時間" style="font-family:sans-serif">
<div style="font-size:14px;color:#555">剩餘時間</div>
<div id="left" style="font-size:32px;font-variant-numeric:tabular-nums">--:--</div></div>
<script>
const end = Date.now() + {max(0.0, remaining) * 1000:.0f};
function tick() {{
  const left = Math.max(0, Math.round((end - Date.now()) / 1000));
  document.getElementById("left").textContent =
    String(Math.floor(left / 60)).padStart(2, "0") + ":" + String(left % 60).padStart(2, "0");
  if (left <= 0) {{ window.parent.location.reload(); return; }}
  setTimeout(tick, 500);
}}
tick();
</script>""",
        height=80,
    )


with top[1]:
    countdown()


def on_nav() -> None:
    picked = st.session_state[nav_key]
    if picked is None:
        # the browser dropped its selection (the chosen number's mark changed under it): show
        # where the candidate is again rather than moving
        st.session_state["nav_sync"] = True
    else:
        go_to(picked)


def marks(position: int) -> str:
    q = questions[position]
    return f"{position + 1}{'✓' if q.answered else '·'}{'⚑' if q.flagged else ''}"


with st.sidebar:
    # One element for the whole navigator (it was 25 buttons in 4 columns, 30 of the exam
    # page's ~80 messages a run; every message costs the server an event-loop wake-up, found
    # by profiling the load benchmark, docs/load-testing.md). Its identity is its key, so the
    # marks may change between runs without resetting it.
    picked = st.pills(
        "題號導覽　✓ 已作答　⚑ 待檢查　· 未作答",
        list(range(total)),
        format_func=marks,
        default=None if nav_key in st.session_state else current.position,
        key=nav_key,
        on_change=on_nav,
        required=True,
    )
    if picked is None:
        st.session_state["nav_sync"] = True  # shown without a selection: select it next run
    elif picked != current.position:
        follow(picked)  # a click on another replica after a failover: no on_change ran

kind = {"single": "單選題", "multiple": "複選題", "true_false": "是非題"}[current.type]
st.markdown(f"**第 {current.position + 1} 題**（{kind}，{current.duty} {current.duty_name}）")
st.markdown(current.stem)
key = f"{token}-{current.position}"
if current.type == "single":
    labels = [label for label, _ in current.options]
    texts = dict(current.options)
    chosen = current.answer[0] if current.answer else None
    shown = st.radio(
        "選項",
        labels,
        index=labels.index(chosen) if chosen in labels else None,
        format_func=lambda label: f"({label}) {texts[label]}",
        key=key,
        on_change=on_single,
        args=(current.position, key),
        label_visibility="collapsed",
    )
    if shown is not None and (shown,) != current.answer:
        keep_shown(lambda: save(current.position, shown))
elif current.type == "true_false":
    choices = ["○ 正確", "✕ 錯誤"]
    index = None if not current.answer else (0 if current.answer[0] == "T" else 1)
    shown = st.radio("選項", choices, index=index, key=key, on_change=on_true_false, args=(current.position, key), label_visibility="collapsed")
    if shown is not None and ("T" if shown == "○ 正確" else "F",) != current.answer:
        keep_shown(lambda: save(current.position, shown == "○ 正確"))
else:
    labels = [label for label, _ in current.options]
    ticked = [
        label
        for label, text in current.options
        if st.checkbox(f"({label}) {text}", value=label in current.answer, key=f"{key}-{label}", on_change=on_multiple, args=(current.position, labels))
    ]
    if sorted(ticked) != sorted(current.answer):
        keep_shown(lambda: save(current.position, ticked))
flag_key = f"{key}-flag"
if st.checkbox("⚑ 標記待檢查", value=current.flagged, key=flag_key, on_change=on_flag, args=(current.position, flag_key)) != current.flagged:
    keep_shown(lambda: on_flag(current.position, flag_key))

nav = st.columns([1, 1, 2])
for column, button_key, label, target, disabled in (
    (nav[0], "prev", "← 上一題", max(0, current.position - 1), current.position == 0),
    (nav[1], "next", "下一題 →", min(total - 1, current.position + 1), current.position == total - 1),
):
    if column.button(label, key=button_key, on_click=go_to, args=(target,), disabled=disabled) and not moved:
        follow(target)  # clicked on another replica after a failover: no on_click ran
if nav[2].button("交卷", key="submit", type="primary"):
    st.session_state["confirm_submit"] = True

if st.session_state.get("confirm_submit"):
    unanswered = [str(p + 1) for p in state.unanswered]
    flagged = [str(p + 1) for p in state.flagged]
    lines = ["確定要交卷嗎？交卷後答案不能再修改。"]
    lines.append(f"未作答：第 {'、'.join(unanswered)} 題" if unanswered else "所有題目都已作答。")
    if flagged:
        lines.append(f"標記待檢查：第 {'、'.join(flagged)} 題")
    st.warning("\n\n".join(lines))
    confirm = st.columns(2)
    if confirm[0].button("確認交卷", key="confirm", type="primary"):
        st.session_state.pop("confirm_submit", None)
        try:
            attempts.submit(engine, token)
        except QbankError as error:
            if error.code != "attempt-submitted":
                show_error(error)
                st.stop()
        st.switch_page("views/results.py", query_params={"token": token, "me": st.query_params.get("me", "")})
    if confirm[1].button("返回作答", key="cancel"):
        st.session_state.pop("confirm_submit", None)
        st.rerun()
st.caption(f"每次作答都會立即儲存；重新整理或關閉分頁後，用同一個網址即可回到這裡。（{time.strftime('%H:%M:%S')} 已同步）")
