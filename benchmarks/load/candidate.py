"""One simulated candidate: opens the home page, starts an attempt (official with an access code
and candidate id, or practice), answers with think time, reloads once mid-exam, and submits.

An answer is acknowledged when the run that saved it finished, the page shows no error, the
question is still the one answered, and its number in the question navigator carries the ✓
the page draws from the database. Every answer's round trip is recorded (the click to the end
of that run). When the page does not show what was expected (a timeout, an error box, a click
lost while a replica died), the candidate does what a person does: reload if the page seems
stuck, then look again and repeat the step; values sent but never acknowledged are kept, so the
check against the database can tell "not acknowledged" from "lost".
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field

from .browser import PageError, Run, StreamlitBrowser
from .pageload import HttpError

QUESTION = re.compile(r"^\*\*第 (\d+) 題\*\*（(單選題|複選題|是非題)")
PROGRESS = re.compile(r"已作答 (\d+) / (\d+) 題")
OPTION_LABEL = re.compile(r"^\((\w+)\)")
TRUE_FALSE = {"○ 正確": "T", "✕ 錯誤": "F"}
ATTEMPTS_PER_STEP = 4  # a person tries a step again a few times before calling the proctor
RELOADS = 8  # and presses F5 for about a minute while the page does not load
STEP_FAILED = (TimeoutError, PageError, HttpError, OSError)


@dataclass(frozen=True)
class Behaviour:
    mode: str = "official"  # official | practice
    think: tuple[float, float] = (30.0, 90.0)  # seconds before each answer
    glance: tuple[float, float] = (0.5, 2.0)  # seconds before "next" and "submit"
    questions: int | None = None  # answer this many (None: all), then submit
    reload: bool = True
    assets: bool = True  # fetch the static files a fresh browser fetches
    timeout: float = 120.0  # a run not finished by then counts as an error; the candidate reloads


@dataclass
class Outcome:
    index: int
    candidate_id: str
    token: str = ""
    began: float = 0.0  # wall clock of the first request
    attempt_seconds: float | None = None  # first request -> first question on screen
    answers: list[tuple[float, float]] = field(default_factory=list)  # (wall clock sent, round trip s)
    steps: list[tuple[str, float]] = field(default_factory=list)  # other actions: (what, round trip s)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail)
    acknowledged: dict[int, tuple[str, ...]] = field(default_factory=dict)
    unacknowledged: dict[int, list[tuple[str, ...]]] = field(default_factory=dict)  # sent after the last acknowledgement
    resumed_ok: bool | None = None  # after the reload: same question, same count of answers
    submitted: bool = False
    reconnects: int = 0
    requests: int = 0
    bytes_in: int = 0
    finished: float = 0.0


def current(run: Run) -> tuple[int, str] | None:
    """The question on screen: (position, kind) from its heading."""
    for element in run.page.all("markdown"):
        match = QUESTION.match(element.text)
        if match:
            return int(match.group(1)) - 1, match.group(2)
    return None


def progress(run: Run) -> tuple[int, int] | None:
    element = run.page.find("progress")
    match = PROGRESS.search(element.text) if element else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def navigator(run: Run):
    """The question navigator in the sidebar (one ``st.pills``: "1✓", "2·⚑", ...)."""
    return next((e for e in run.page.all("button_group", sidebar=True) if e.label.startswith("題號導覽")), None)


def shows_saved(run: Run, position: int) -> bool:
    """The navigator's number of ``position`` reads e.g. "7✓" (or "7✓⚑"): the page says it is saved."""
    shown = navigator(run)
    return shown is not None and any(option.startswith(f"{position + 1}✓") for option in shown.options)


class Candidate:
    def __init__(self, base: str, behaviour: Behaviour, outcome: Outcome, code: str = "", seed: int | None = None) -> None:
        self.behaviour = behaviour
        self.outcome = outcome
        self.code = code
        self.rng = random.Random(seed)
        self.browser = StreamlitBrowser(base, assets=behaviour.assets, timeout=behaviour.timeout, seed=seed)
        self.run: Run | None = None

    async def take_exam(self) -> None:
        out = self.outcome
        out.began = time.time()
        started = time.monotonic()
        try:
            # an official candidate opens the hall's link (README, running an exam hall)
            home = "/?mode=official" if self.behaviour.mode == "official" else "/"
            await self._step("home", lambda: self.browser.open(home), lambda run: run.page.find("text_input", "准考碼") is not None)
            await self._start()
            out.attempt_seconds = time.monotonic() - started
            out.token = dict(p.split("=", 1) for p in self.browser.query.split("&") if "=" in p).get("token", "")
            assert self.run is not None
            _answered, total = progress(self.run) or (0, 0)
            count = min(total, self.behaviour.questions or total)
            reload_after = self.rng.randint(1, count - 1) if self.behaviour.reload and count > 1 else -1
            for position in range(count):
                await asyncio.sleep(self.rng.uniform(*self.behaviour.think))
                await self._answer(position)
                if position + 1 == reload_after:
                    await self._reload_and_check(position)
                if position + 1 < total:
                    await asyncio.sleep(self.rng.uniform(*self.behaviour.glance))
                    await self._step("next", lambda: self.browser.click("下一題 →"), lambda run, p=position: (current(run) or (-1,))[0] == p + 1)
            await asyncio.sleep(self.rng.uniform(*self.behaviour.glance))
            await self._submit()
        except Exception as exc:  # the candidate gives up: recorded, never raised into the other candidates
            out.errors.append(("gave-up", f"{type(exc).__name__}: {exc}"))
        finally:
            out.reconnects = self.browser.reconnects
            out.requests, out.bytes_in = self.browser.http.requests, self.browser.http.bytes_in
            out.finished = time.time()
            await self.browser.close()

    async def _start(self) -> None:
        if self.behaviour.mode == "official":
            await self._step("start", self._start_official, lambda run: current(run) is not None)
        else:
            await self._step("start", lambda: self.browser.click("開始練習"), lambda run: current(run) is not None)

    async def _start_official(self) -> Run:
        """Type the code and the id (one form: no run while typing) and press 開始正式考試,
        which sends them."""
        assert self.run is not None
        self.browser.fill(self.run.page.find("text_input", "准考碼"), self.code)
        self.browser.fill(self.run.page.find("text_input", "考生編號"), self.outcome.candidate_id)
        return await self.browser.click("開始正式考試")

    async def _step(self, what: str, action, reached) -> Run:
        """Do ``action`` until the page shows ``reached``: a person repeats a click that did not
        take, and reloads a page that stopped answering."""
        for attempt in range(1, ATTEMPTS_PER_STEP + 1):
            try:
                if self.run is not None and attempt > 1 and reached(self.run):
                    return self.run  # the earlier try took effect after all
                run = await action()
                self.run = run
                errors = run.page.errors()
                if errors:
                    self.outcome.errors.append(("page-error", f"{what}: {errors[0][:200]}"))
                elif reached(run):
                    self.outcome.steps.append((what, run.seconds))
                    return run
                else:
                    # a click sent while the socket dropped goes with the dying server (the
                    # frontend does not resend a trigger): told apart from a click a live page ignored
                    kind = "not-reached-reconnecting" if run.reconnects else "not-reached"
                    self.outcome.errors.append((kind, f"{what}: try {attempt}"))
            except STEP_FAILED as exc:
                self.outcome.errors.append(("timeout" if isinstance(exc, TimeoutError) else "request-failed", f"{what}: {type(exc).__name__} {exc}"[:300]))
                await self._recover()
        raise PageError(f"step {what!r} did not succeed in {ATTEMPTS_PER_STEP} tries")

    async def _recover(self) -> None:
        """F5: reload the page the browser shows (the token is in its URL), again and again while
        the load fails (an error page from the balancer, a server that does not answer)."""
        for attempt in range(RELOADS):
            await asyncio.sleep(min(8.0, 2.0**attempt))
            try:
                self.run = await self.browser.reload()
                return
            except STEP_FAILED as exc:
                self.outcome.errors.append(("reload-failed", f"{type(exc).__name__} {exc}"[:300]))

    def _choose(self, run: Run, kind: str) -> list[tuple[object, str | bool, tuple[str, ...]]]:
        """The clicks of one answer: (widget, value, the answer the page should then hold)."""
        if kind == "複選題":
            boxes = [b for b in run.page.all("checkbox") if OPTION_LABEL.match(b.label)]
            chosen = sorted(self.rng.sample(boxes, k=min(2, len(boxes))), key=lambda b: b.label)
            labels: list[str] = []
            clicks = []
            for box in chosen:
                labels.append(OPTION_LABEL.match(box.label).group(1))
                clicks.append((box.label, True, tuple(sorted(labels))))
            return clicks
        radio = run.page.find("radio", "選項")
        if radio is None:
            raise PageError("no options on the page")
        option = self.rng.choice(radio.options)
        value = TRUE_FALSE[option] if kind == "是非題" else OPTION_LABEL.match(option).group(1)
        return [("選項", option, (value,))]

    async def _answer(self, position: int) -> None:
        out = self.outcome
        assert self.run is not None
        where = current(self.run)
        if where is None or where[0] != position:
            raise PageError(f"expected question {position + 1} on screen, found {where}")
        for label, value, expected in self._choose(self.run, where[1]):
            for _attempt in range(1, ATTEMPTS_PER_STEP + 1):
                kind = "checkbox" if isinstance(value, bool) else "radio"
                widget = self.run.page.find(kind, label) if self.run else None
                if widget is None:
                    await self._recover()
                    continue
                out.unacknowledged.setdefault(position, []).append(expected)
                sent = time.time()
                try:
                    run = await self.browser.set(widget, value)
                except STEP_FAILED as exc:
                    out.errors.append(("timeout" if isinstance(exc, TimeoutError) else "request-failed", f"answer {position + 1}: {type(exc).__name__}"))
                    await self._recover()
                    continue
                self.run = run
                out.answers.append((sent, run.seconds))
                errors = run.page.errors()
                if not errors and (current(run) or (-1,))[0] == position and shows_saved(run, position):
                    out.acknowledged[position] = expected
                    out.unacknowledged[position] = []
                    break
                out.errors.append(("page-error" if errors else "not-acknowledged", f"answer {position + 1}: {(errors or ['no ✓'])[0][:200]}"))
                await self._recover()  # the widget keeps the value it shows: only a fresh page lets the person choose again
            else:
                raise PageError(f"answer {position + 1} was never acknowledged")

    async def _reload_and_check(self, position: int) -> None:
        """Reload mid-exam: the same question comes back with every acknowledged answer."""
        run = await self._step("reload", self.browser.reload, lambda run: current(run) is not None)
        seen = progress(run)
        self.outcome.resumed_ok = (current(run) or (-1,))[0] == position and seen is not None and seen[0] >= len(self.outcome.acknowledged)
        if not self.outcome.resumed_ok:
            self.outcome.errors.append(("resume-mismatch", f"after reload: question {current(run)}, progress {seen}"))

    async def _submit(self) -> None:
        """交卷, then 確認交卷 on the confirmation; done when the results page is on screen."""
        for _ in range(2 * ATTEMPTS_PER_STEP):
            assert self.run is not None
            if _results(self.run):
                self.outcome.submitted = True
                return
            try:
                if self.run.page.find("button", "確認交卷"):
                    await self._step("confirm", lambda: self.browser.click("確認交卷"), _results)
                else:
                    await self._step("submit", lambda: self.browser.click("交卷"), lambda run: run.page.find("button", "確認交卷") is not None or _results(run))
            except PageError:
                continue  # e.g. a reload in between took the confirmation away: look at the page again
        raise PageError("the results page never came")


def _results(run: Run | None) -> bool:
    return run is not None and run.page.find("heading") is not None and any(e.text == "測驗成績" for e in run.page.all("heading"))
