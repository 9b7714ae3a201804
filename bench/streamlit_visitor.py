"""A visitor of a Streamlit app without a browser: the websocket protocol the browser speaks, for bench_classroom.

The server cannot tell it from a browser tab. It gets the same cookies first (Streamlit's XSRF cookie, and the
balancer's affinity cookie when there is one), opens ``/_stcore/stream`` with the XSRF token as the browser
does, asks for a page with the values of the widgets it has set, uploads files over HTTP the way the file
uploader does, reruns only a widget's fragment when the widget is in one (the Playground's layer controls) and a
fragment when the server asks for it (live training status), and tells the server
which large messages it already holds, so that it is sent references to them as a browser is. It draws
nothing: what a script run costs the server is the same, what a browser spends drawing is not measured.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import DoubleArray, FileUploaderState, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

_TEXT_FIELDS = {"markdown": "body", "alert": "body", "heading": "body", "text": "body", "code": "code_text",
                "exception": "message", "progress": "text", "metric": "label"}


@dataclass
class RunResult:
    """One script run as the visitor saw it: seconds from the request to the server's "finished"."""

    seconds: float
    texts: list[str]
    exceptions: list[str]


@dataclass
class Visitor:
    """One tab. ``await visitor.open("filter_playground")``, then set widgets and ``await visitor.run()``."""

    url: str
    cookies: dict[str, str] = field(default_factory=dict)
    session_id: str = ""
    page: str = ""
    query_string: str = ""  # the address bar's, which the app keeps its settings in (ui/url_settings.py)
    elements: dict[tuple, object] = field(default_factory=dict)
    widget_states: dict[str, WidgetState] = field(default_factory=dict)
    _cache: dict[str, ForwardMsg] = field(default_factory=dict)
    _finished: asyncio.Event = field(default_factory=asyncio.Event)
    _fragments: dict[str, float] = field(default_factory=dict)
    _file_urls: dict[str, asyncio.Future] = field(default_factory=dict)
    _running: asyncio.Lock = field(default_factory=asyncio.Lock)
    _in_fragment: bool = False
    _fragment_of: dict[tuple, str] = field(default_factory=dict)  # an element's fragment id, "" outside any
    _changed_in: set[str] = field(default_factory=set)  # the fragments of the widgets set since the last run

    async def connect(self) -> None:
        await asyncio.to_thread(self._http, "GET", "/_stcore/health")
        headers = {"Cookie": self._cookie_header()}
        self._socket = await websockets.connect(
            "ws" + self.url.removeprefix("http") + "/_stcore/stream", additional_headers=headers,
            subprotocols=["streamlit", self.cookies.get("_streamlit_xsrf", "")], max_size=None, open_timeout=60)
        self._reader = asyncio.create_task(self._read())
        self._rerunner = asyncio.create_task(self._rerun_fragments())

    @property
    def is_connected(self) -> bool:
        return not self._reader.done()

    async def close(self) -> None:
        self._rerunner.cancel()
        await self._socket.close()
        self._reader.cancel()

    async def open(self, page: str, timeout: float = 300) -> RunResult:
        """Open ``page`` (its URL path, "" for the home page), as following a link to it does."""
        self.page, self.widget_states, self.query_string = page, {}, ""
        return await self.run(timeout)

    async def run(self, timeout: float = 300, fragment_id: str = "") -> RunResult:
        """Rerun the page with the widget values set so far, or only their fragment when they are all in one, as
        the browser does; waits until the server says the run finished. ``fragment_id``: an auto-rerun."""
        async with self._running:
            changed_in, self._changed_in = self._changed_in, set()
            if fragment_id:
                return await self._run(timeout, fragment_id, is_auto_rerun=True)
            return await self._run(timeout, changed_in.pop() if len(changed_in) == 1 else "", is_auto_rerun=False)

    async def _run(self, timeout: float, fragment_id: str, is_auto_rerun: bool) -> RunResult:
        message = BackMsg()
        state = message.rerun_script
        state.page_name, state.query_string = self.page, self.query_string
        state.widget_states.widgets.extend(self.widget_states.values())
        state.cached_message_hashes.extend(self._cache)
        if fragment_id:
            state.fragment_id, state.is_auto_rerun = fragment_id, is_auto_rerun
        self._in_fragment = bool(fragment_id)
        self._finished.clear()
        started = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        finished = asyncio.ensure_future(self._finished.wait())
        done, _ = await asyncio.wait({finished, self._reader}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if finished not in done:
            finished.cancel()
            if self._reader in done:  # the connection closed, or a message could not be read
                raise ConnectionError(f"the connection ended: {self._reader.exception()!r}")
            raise TimeoutError(f"no answer within {timeout:.0f} s")
        seconds = time.perf_counter() - started
        for widget_id, widget in list(self.widget_states.items()):  # a click is sent once
            if widget.WhichOneof("value") == "trigger_value":
                del self.widget_states[widget_id]
        return RunResult(seconds, self.texts(), self.texts("exception"))

    # ----- what is on the page -----

    def texts(self, kind: str | None = None) -> list[str]:
        found = []
        for element in self.elements.values():
            element_kind = element.WhichOneof("type")
            if element_kind in _TEXT_FIELDS and (kind is None or element_kind == kind):
                found.append(getattr(getattr(element, element_kind), _TEXT_FIELDS[element_kind]))
        return found

    def widget(self, kind: str, label: str):
        """The widget proto of ``kind`` ("slider", "button", ...) labelled ``label``."""
        return self._widget(kind, label)[1]

    def _widget(self, kind: str, label: str) -> tuple[tuple, object]:
        for path, element in self.elements.items():
            if element.WhichOneof("type") == kind and getattr(element, kind).label == label:
                return path, getattr(element, kind)
        raise LookupError(f"No {kind} labelled {label!r} on the page {self.page!r}")

    def _changing(self, kind: str, label: str):
        """The widget proto that is about to be set; its fragment is the one the next run reruns."""
        path, widget = self._widget(kind, label)
        self._changed_in.add(self._fragment_of.get(path, ""))
        return widget

    def set_slider(self, label: str, value: float) -> None:
        widget = self._changing("slider", label)
        self.widget_states[widget.id] = WidgetState(id=widget.id, double_array_value=DoubleArray(data=[value]))

    def set_number(self, label: str, value: int) -> None:
        widget = self._changing("number_input", label)
        self.widget_states[widget.id] = WidgetState(id=widget.id, int_value=value)

    def set_choice(self, kind: str, label: str, option: str) -> None:
        """Choose ``option`` of a selectbox or radio by its text."""
        widget = self._changing(kind, label)
        self.widget_states[widget.id] = WidgetState(id=widget.id, string_value=option)

    def click(self, label: str) -> None:
        widget = self._changing("button", label)
        self.widget_states[widget.id] = WidgetState(id=widget.id, trigger_value=True)

    async def upload(self, label: str, name: str, data: bytes) -> None:
        """Send ``data`` to the file uploader labelled ``label`` as the browser does (the next run sees it)."""
        widget = self._changing("file_uploader", label)
        request_id = uuid.uuid4().hex
        answer = self._file_urls[request_id] = asyncio.get_running_loop().create_future()
        message = BackMsg()
        message.file_urls_request.request_id = request_id
        message.file_urls_request.session_id = self.session_id
        message.file_urls_request.file_names.append(name)
        await self._socket.send(message.SerializeToString())
        try:
            urls = (await asyncio.wait_for(answer, 60)).file_urls[0]
        finally:
            del self._file_urls[request_id]
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        await asyncio.to_thread(self._http, "PUT", urls.upload_url, body,
                                {"Content-Type": f"multipart/form-data; boundary={boundary}",
                                 "X-Xsrftoken": self.cookies.get("_streamlit_xsrf", "")})
        info = UploadedFileInfo(name=name, size=len(data), file_id=urls.file_id, file_urls=urls)
        self.widget_states[widget.id] = WidgetState(
            id=widget.id, file_uploader_state_value=FileUploaderState(uploaded_file_info=[info]))

    # ----- the connection -----

    async def _read(self) -> None:
        async for payload in self._socket:
            message = ForwardMsg()
            message.ParseFromString(payload)
            self._receive(message)

    def _receive(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache[message.ref_hash]
            cached.metadata.CopyFrom(message.metadata)
            message, kind = cached, cached.WhichOneof("type")
        elif message.metadata.cacheable:
            self._cache[message.hash] = message
        if kind == "new_session":  # a script run begins: the whole page, unless a fragment's rerun asked for it
            self.session_id = message.new_session.initialize.session_id or self.session_id
            if not self._in_fragment:
                self.elements, self._fragments, self._fragment_of = {}, {}, {}
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            path = tuple(message.metadata.delta_path)
            self.elements[path], self._fragment_of[path] = message.delta.new_element, message.delta.fragment_id
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self._finished.set()  # a run that ended early for a rerun (app.py may ask for one) is followed by it
        elif kind == "auto_rerun":
            self._fragments[message.auto_rerun.fragment_id] = message.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            self._fragments.clear()
        elif kind == "file_urls_response":
            future = self._file_urls.get(message.file_urls_response.response_id)
            if future and not future.done():
                future.set_result(message.file_urls_response)

    async def _rerun_fragments(self) -> None:
        """Rerun each auto-rerun fragment at its interval, as the browser's timers do, between full runs."""
        while True:
            await asyncio.sleep(min(self._fragments.values(), default=0.5))
            for fragment_id in list(self._fragments):
                if not self._running.locked():
                    await self.run(fragment_id=fragment_id)

    def _http(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> bytes:
        address = path if path.startswith("http") else self.url + path
        request = urllib.request.Request(address, data=body, method=method,
                                         headers={"Cookie": self._cookie_header(), **(headers or {})})
        with urllib.request.urlopen(request, timeout=120) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.read()

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())
