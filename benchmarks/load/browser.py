"""A browser tab as the Streamlit server sees it: the page load over HTTP, then one websocket
speaking Streamlit's protocol with the protobuf messages the streamlit package ships
(``BackMsg`` up, ``ForwardMsg`` down).

What the frontend does, and this class does the same (read from the installed streamlit
1.67 bundle, ``static/js/index.*.js``, and the frontend sources, ``App.tsx``,
``WebsocketConnection.tsx``, ``WidgetStateManager.ts``):

- the websocket offers the subprotocols ``streamlit``, then the ``_streamlit_xsrf`` cookie (or
  ``PLACEHOLDER_AUTH_TOKEN``), then the last session id when it reconnects; the Origin header is
  the page's origin;
- on the first connection it asks for a run: ``rerun_script`` with the URL's query string and
  the page name from the path (``exam`` for ``/exam``); later runs name the page by the
  ``page_script_hash`` the ``navigation`` message gave;
- every rerun carries the state of every widget on the page (a widget reports its value when
  it mounts, from the element's ``default`` or the server's ``set_value``), and a clicked
  button's ``trigger_value`` once; after a run finishes, the state of widgets no longer on the
  page is dropped;
- ``page_info_changed`` replaces the query string (``st.query_params``, ``st.switch_page``);
- large elements are cached by hash (``metadata.cacheable``); their hashes go up with each
  rerun and the server may answer with a ``ref_hash`` to one of them;
- when the socket drops it probes ``/_stcore/health`` and ``/_stcore/host-config`` with
  backoff (100 ms doubling to 4 s, 70-100 % jitter), reconnects with the last session id, and
  asks for a run only when the last one was interrupted (without the trigger: a trigger is
  sent once).

Widgets are found as a person finds them: by kind and label on the page; never by id.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from .pageload import USER_AGENT, BrowserHttp, HttpError

FINISHED = ForwardMsg.ScriptFinishedStatus
# runs that end a request: a run that finished early for a rerun (st.switch_page, st.rerun) is followed by another
FINAL = (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_WITH_COMPILE_ERROR, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
# the frontend's reconnect probe: 100 ms, doubling, at most 4 s (constants of the 1.67 bundle)
PROBE_FIRST, PROBE_MAX = 0.1, 4.0
WIDGETS = ("radio", "checkbox", "selectbox", "text_input", "text_area", "number_input", "button_group")


class PageError(Exception):
    """The page lacks what a person looks for (a button, a text): the flow cannot go on here."""


@dataclass(frozen=True)
class Shown:
    """One element on the page as a person sees it."""

    path: tuple[int, ...]
    kind: str
    label: str
    text: str
    widget_id: str = ""
    options: tuple[str, ...] = ()
    disabled: bool = False

    @property
    def in_sidebar(self) -> bool:
        return self.path[:1] == (1,)


@dataclass
class Page:
    elements: list[Shown] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(e.text or e.label for e in self.elements)

    def find(self, kind: str, label: str | None = None, *, sidebar: bool = False, starts: str | None = None) -> Shown | None:
        for element in self.elements:
            if element.kind != kind or element.in_sidebar != sidebar:
                continue
            if label is not None and element.label != label:
                continue
            if starts is not None and not (element.text or element.label).startswith(starts):
                continue
            return element
        return None

    def all(self, kind: str, *, sidebar: bool = False) -> list[Shown]:
        return [e for e in self.elements if e.kind == kind and e.in_sidebar == sidebar]

    def errors(self) -> list[str]:
        """Error boxes and exceptions on the page (what a person would read as "it failed")."""
        return [e.text for e in self.elements if e.kind in ("error", "exception")]


@dataclass
class Run:
    """One request answered: the status of the run that ended it, the round trip, the page."""

    status: int
    seconds: float
    page: Page
    reconnects: int


def _shown(path: tuple[int, ...], element: Any) -> Shown:
    kind = element.WhichOneof("type")
    proto = getattr(element, kind)
    text = ""
    if kind == "alert":
        kind = {Alert.ERROR: "error", Alert.WARNING: "warning", Alert.INFO: "info", Alert.SUCCESS: "success"}.get(proto.format, "alert")
        text = proto.body
    elif kind == "exception":
        text = f"{proto.type}: {proto.message}"
    elif kind in ("markdown", "heading", "text"):
        text = proto.body
    elif kind == "progress":
        text = proto.text
    elif kind == "metric":
        text = f"{proto.label} {proto.body}"
    return Shown(
        path=path,
        kind=kind,
        label=getattr(proto, "label", ""),
        text=text,
        widget_id=getattr(proto, "id", "") if kind in (*WIDGETS, "button", "download_button") else "",
        options=tuple(getattr(proto, "options", ()))
        if kind in ("radio", "selectbox")
        else tuple(o.content for o in proto.options)
        if kind == "button_group"
        else (),
        disabled=bool(getattr(proto, "disabled", False)),
    )


class StreamlitBrowser:
    """One tab of one candidate's browser against ``base`` (``http://host:port``)."""

    def __init__(self, base: str, *, assets: bool = True, timeout: float = 120.0, seed: int | None = None) -> None:
        self.base = base.rstrip("/")
        self.http = BrowserHttp(self.base)
        self.assets = assets
        self.timeout = timeout
        self.rng = random.Random(seed)
        self.path = "/"
        self.query = ""
        self.page = Page()
        self.session_id = ""
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # page script hash -> url path name
        self.states: dict[str, WidgetState] = {}
        self.cache: dict[str, ForwardMsg] = {}
        self.reconnects = 0
        self.protocol_errors: list[str] = []
        self._ws: ClientConnection | None = None
        self._receiver: asyncio.Task | None = None
        self._reconnecting: asyncio.Task | None = None
        self._finish: asyncio.Future | None = None
        self._run: dict[tuple[int, ...], Shown] = {}
        self._run_widgets: set[str] = set()
        self._closing = False

    # --- what a person does -------------------------------------------------------------

    async def open(self, target: str) -> Run:
        """Type ``target`` (path and query) in the address bar: load the page, connect, run."""
        parts = urlsplit(target)
        if self._reconnecting is not None:
            self._reconnecting.cancel()  # a new page load replaces the old page's reconnection
        await self._drop_socket()
        self.path, self.query = parts.path or "/", parts.query
        self.session_id = self.page_hash = ""
        self.states.clear()
        self.cache.clear()  # the message cache lives in the page's memory
        self.page = Page()
        started = time.monotonic()
        await self.http.load_document(target, self.assets)
        if not await self.http.probe():
            raise HttpError("the server's health or host-config probe failed")
        await self._connect()
        return await self._rerun(None, started)

    async def reload(self) -> Run:
        return await self.open(self.url_target)

    async def click(self, label: str, *, sidebar: bool = False) -> Run:
        button = self.page.find("button", label, sidebar=sidebar)
        if button is None or button.disabled:
            raise PageError(f"no button {label!r} to click")
        return await self._act(button.widget_id)

    async def set(self, widget: Shown | None, value: str | bool) -> Run:
        """Choose an option, tick a box or type a text (and leave the field), as a person does."""
        if widget is None or widget.disabled:
            raise PageError("the field to fill in is not on the page")
        state = WidgetState(id=widget.widget_id)
        if isinstance(value, bool):
            state.bool_value = value
        else:
            state.string_value = value
        self.states[widget.widget_id] = state
        return await self._act(None)

    def fill(self, widget: Shown | None, value: str) -> None:
        """Type into a field of a form: the frontend keeps the value until the form's submit
        button sends it, with every other widget's state (no run before that)."""
        if widget is None or widget.disabled:
            raise PageError("the field to fill in is not on the page")
        self.states[widget.widget_id] = WidgetState(id=widget.widget_id, string_value=value)

    async def pick(self, widget: Shown | None, option: str) -> Run:
        """Press one pill of a single-choice ``st.pills`` (the value sent is the option's text)."""
        if widget is None or widget.disabled or option not in widget.options:
            raise PageError(f"no option {option!r} to pick")
        state = WidgetState(id=widget.widget_id)
        state.string_array_value.data.append(option)
        self.states[widget.widget_id] = state
        return await self._act(None)

    def value(self, widget: Shown) -> Any:
        state = self.states.get(widget.widget_id)
        if state is None:
            return None
        return getattr(state, state.WhichOneof("value")) if state.WhichOneof("value") else None

    async def close(self) -> None:
        self._closing = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        await self._drop_socket()

    @property
    def url_target(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")

    # --- the protocol -------------------------------------------------------------------

    async def _act(self, trigger: str | None) -> Run:
        started = time.monotonic()
        if self._reconnecting is not None and not self._reconnecting.done():
            # the page is greyed out while the frontend reconnects: the click waits for it
            await asyncio.wait_for(asyncio.shield(self._reconnecting), self.timeout)
        return await self._rerun(trigger, started)

    async def _rerun(self, trigger: str | None, started: float) -> Run:
        reconnects = self.reconnects
        self._finish = asyncio.get_running_loop().create_future()
        await self._send_rerun(trigger)
        remaining = self.timeout - (time.monotonic() - started)
        status = await asyncio.wait_for(asyncio.shield(self._finish), max(0.1, remaining))
        return Run(status, time.monotonic() - started, self.page, self.reconnects - reconnects)

    async def _send_rerun(self, trigger: str | None) -> None:
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query
        if self.page_hash:
            rerun.page_script_hash = self.page_hash
        else:
            rerun.page_name = self.path.strip("/")
        rerun.widget_states.widgets.extend(self.states.values())
        if trigger:
            rerun.widget_states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        rerun.cached_message_hashes.extend(self.cache)
        context = rerun.context_info
        context.timezone, context.timezone_offset, context.locale = "Asia/Taipei", -480, "zh-TW"
        context.url, context.is_embedded, context.color_scheme = self.base + self.url_target, False, "light"
        if self._ws is None:
            return  # disconnected: the reconnect sends the rerun (the frontend's "interrupted run")
        # on a close the receiver reconnects, and the pending run is asked for again
        with contextlib.suppress(ConnectionClosed):
            await self._ws.send(message.SerializeToString())

    async def _connect(self) -> None:
        tokens = [self.http.jar.cookies.get("_streamlit_xsrf") or "PLACEHOLDER_AUTH_TOKEN"]
        if self.session_id:
            tokens.append(self.session_id)
        cookie = self.http.jar.header()
        ws = await connect(
            "ws" + self.base.removeprefix("http") + "/_stcore/stream",
            subprotocols=["streamlit", *tokens],
            origin=self.base,
            additional_headers=[("Cookie", cookie)] if cookie else None,
            user_agent_header=USER_AGENT,
            proxy=None,
            ping_interval=None,  # browsers answer the server's pings and send none of their own
            open_timeout=15,  # the frontend's websocket connection timeout
            max_size=None,
        )
        self.http.jar.take(ws.response.headers.get_all("Set-Cookie"))
        self._ws = ws
        self._receiver = asyncio.create_task(self._receive(ws))

    async def _drop_socket(self) -> None:
        ws, self._ws = self._ws, None
        if self._receiver is not None:
            self._receiver.cancel()
            self._receiver = None
        if ws is not None:
            await ws.close()

    async def _receive(self, ws: ClientConnection) -> None:
        try:
            async for data in ws:
                message = ForwardMsg()
                message.ParseFromString(data)
                self._handle(message)
        except ConnectionClosed:
            pass
        if self._ws is ws and not self._closing:
            self._ws = None
            self._reconnecting = asyncio.create_task(self._reconnect())

    async def _reconnect(self) -> None:
        attempt = 0
        while True:
            attempt += 1
            if await self.http.probe():
                try:
                    await self._connect()
                    break
                except (OSError, InvalidHandshake, InvalidStatus, TimeoutError):
                    pass
            delay = min(PROBE_MAX, PROBE_FIRST * 2 ** (attempt - 1))
            await asyncio.sleep(delay if attempt == 1 else delay * self.rng.uniform(0.7, 1.0))
        self.reconnects += 1
        if self._finish is not None and not self._finish.done():
            await self._send_rerun(None)

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "ref_hash":
            cached = self.cache.get(message.ref_hash)
            if cached is None:
                self.protocol_errors.append(f"ref_hash {message.ref_hash} not in the cache")
                return
            resolved = ForwardMsg()
            resolved.CopyFrom(cached)
            resolved.metadata.CopyFrom(message.metadata)
            message, kind = resolved, resolved.WhichOneof("type")
        elif message.metadata.cacheable and message.hash:
            kept = ForwardMsg()
            kept.CopyFrom(message)
            self.cache[message.hash] = kept
        if kind == "new_session":
            session = message.new_session
            if session.initialize.session_id:
                self.session_id = session.initialize.session_id
            self._run, self._run_widgets = {}, set()
        elif kind == "navigation":
            self.pages = {p.page_script_hash: p.url_pathname for p in message.navigation.app_pages}
            self.page_hash = message.navigation.page_script_hash
            self.path = "/" + self.pages.get(self.page_hash, "")
        elif kind == "page_info_changed":
            self.query = message.page_info_changed.query_string
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            path = tuple(message.metadata.delta_path)
            element = message.delta.new_element
            shown = _shown(path, element)
            self._run[path] = shown
            if shown.widget_id:
                self._run_widgets.add(shown.widget_id)
                self._mount(shown.kind, getattr(element, element.WhichOneof("type")))
        elif kind == "script_finished":
            status = message.script_finished
            if status not in FINAL:
                return
            self.page = Page([self._run[p] for p in sorted(self._run)])
            if status != FINISHED.FINISHED_WITH_COMPILE_ERROR:
                self.states = {k: v for k, v in self.states.items() if k in self._run_widgets}
            if self._finish is not None and not self._finish.done():
                self._finish.set_result(status)

    def _mount(self, kind: str, proto: Any) -> None:
        """The value a widget reports when it appears (or when the server sets it)."""
        wid = proto.id
        known = wid in self.states
        state = WidgetState(id=wid)
        if kind == "button_group":
            if proto.set_value:
                state.string_array_value.data.extend(proto.raw_values)
            elif known or not proto.default:
                return
            else:
                state.string_array_value.data.extend(proto.options[i].content for i in proto.default)
        elif kind in ("radio", "selectbox"):
            if proto.set_value:
                if not proto.HasField("raw_value"):
                    self.states.pop(wid, None)
                    return
                state.string_value = proto.raw_value
            elif known or not proto.HasField("default"):
                return
            else:
                state.string_value = proto.options[proto.default]
        elif kind == "checkbox":
            if not proto.set_value and known:
                return
            state.bool_value = proto.value if proto.set_value else proto.default
        elif kind in ("text_input", "text_area"):
            if proto.set_value and proto.HasField("value"):
                state.string_value = proto.value
            elif known or not proto.HasField("default"):
                return
            else:
                state.string_value = proto.default
        elif kind == "number_input":
            if not proto.set_value and (known or not proto.HasField("default")):
                return
            number = proto.value if proto.set_value else proto.default
            if proto.data_type == proto.INT:
                state.int_value = int(number)
            else:
                state.double_value = number
        else:
            return
        self.states[wid] = state
