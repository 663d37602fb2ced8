"""A Streamlit session over its WebSocket, speaking the protocol the browser speaks.

Why not browsers: a 2-core machine cannot drive twenty Chromium contexts and the server at
once, and the browsers would then measure themselves. The server cannot tell this client from
a browser tab: it connects to ``/_stcore/stream`` with the ``streamlit`` subprotocol, asks for
a page run as the front end does on loading an address (a ``rerun_script`` back message with the
address's query string and its path as ``page_name``) and reads forward messages until the run
has finished (``script_finished``; a run that ends early for a rerun, as the first deep link of
a fresh server does, is followed by the real one). Drawing is not measured here: see
``benchmarks.browser_timing``.

A visit counts as an error when the page shows what a user would see as one: an exception
element (a traceback or Streamlit's "something went wrong"), an error notice (``st.error``: the
app's error-id message, "data temporarily unavailable"), Streamlit's "page not found", a script
that does not compile, a closed connection, or no finished run within the time allowed.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = ForwardMsg.ScriptFinishedStatus
DONE = {FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_WITH_COMPILE_ERROR}
STREAM = "/_stcore/stream"


@dataclass
class Visit:
    """One navigation as the server served it: from the request to the run's end."""

    page: str  # the address's path: "" is the default page
    query: str
    seconds: float = 0.0
    bytes: int = 0  # payload bytes of every message received (before WebSocket compression)
    messages: int = 0
    charts: int = 0
    finished: bool = False
    errors: list[str] = field(default_factory=list)
    address: str = ""  # the query string the app wrote back to the address (page_info_changed)
    texts: list[str] = field(default_factory=list)  # headings, captions, text (when asked for)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_in(msg: ForwardMsg) -> str | None:
    """What a user would see as an error in this message, or None."""
    kind = msg.WhichOneof("type")
    if kind == "page_not_found":
        return f"page not found: {msg.page_not_found.page_name!r}"
    if kind == "script_finished" and msg.script_finished == FINISHED.FINISHED_WITH_COMPILE_ERROR:
        return "the script did not compile"
    if kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
        exc = msg.session_event.script_compilation_exception
        return f"compile error: {exc.type}: {_short(exc.message)}"
    if kind != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    shown = element.WhichOneof("type")
    if shown == "exception":
        return f"exception: {element.exception.type}: {_short(element.exception.message)}"
    if shown == "alert" and element.alert.format == Alert.ERROR:
        return f"error notice: {_short(element.alert.body)}"
    return None


def _text_of(msg: ForwardMsg) -> str | None:
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    shown = element.WhichOneof("type")
    if shown in ("markdown", "heading", "text"):
        return getattr(element, shown).body
    if shown == "alert":
        return element.alert.body
    return None


def rerun_request(page: str, query: str) -> bytes:
    """The back message a browser sends on opening ``/<page>?<query>``."""
    msg = BackMsg()
    msg.rerun_script.query_string = query.lstrip("?")
    msg.rerun_script.page_name = page
    return msg.SerializeToString()


class Session:
    """One browser tab's session: ``async with Session(url) as s: await s.visit("compare", q)``."""

    def __init__(self, base_url: str, *, timeout: float = 300.0, keep_text: bool = False):
        self.url = base_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1).rstrip("/") + STREAM
        self.timeout = timeout
        self.keep_text = keep_text
        self.pages: list[tuple[str, str]] = []  # (url path, title) of every page the app registers
        self._ws = None

    async def __aenter__(self) -> Session:
        # No compression: the bytes counted are the payload a browser's parser receives.
        self._ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                            compression=None, open_timeout=60, ping_interval=None,
                                            close_timeout=2)
        return self

    async def __aexit__(self, *exc) -> None:
        await self._ws.close()

    async def visit(self, page: str, query: str = "") -> Visit:
        visit = Visit(page=page, query=query)
        start = time.perf_counter()
        try:
            await self._ws.send(rerun_request(page, query))
            await asyncio.wait_for(self._read_run(visit), self.timeout)
        except TimeoutError:
            visit.errors.append(f"no finished run within {self.timeout:.0f} s")
        except websockets.ConnectionClosed as exc:
            visit.errors.append(f"connection closed: {exc}")
        visit.seconds = time.perf_counter() - start
        return visit

    async def _read_run(self, visit: Visit) -> None:
        while True:
            data = await self._ws.recv()
            visit.bytes += len(data)
            visit.messages += 1
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if (error := error_in(msg)) is not None:
                visit.errors.append(error)
            self._note(msg, visit)
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished in DONE:
                visit.finished = msg.script_finished == FINISHED.FINISHED_SUCCESSFULLY
                return

    def _note(self, msg: ForwardMsg, visit: Visit) -> None:
        kind = msg.WhichOneof("type")
        if kind == "navigation":
            self.pages = [(p.url_pathname, p.page_name) for p in msg.navigation.app_pages]
        elif kind == "page_info_changed":
            visit.address = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            if msg.delta.new_element.WhichOneof("type") == "vega_lite_chart":
                visit.charts += 1
            elif self.keep_text and (text := _text_of(msg)) is not None:
                visit.texts.append(text)
