"""What a visitor's session keeps that must go when their tab closes: their own photos and what is made of them.

Streamlit keeps a closed tab's session, and its ``st.session_state``, for a while in case the browser reconnects
(``server.disconnectedSessionTTL``). A person's photos should not outlive their tab by minutes, so they live
here instead: in memory only, one dictionary per session, dropped by one watcher thread per server within
about :data:`~ui.session_watch.GRACE_SECONDS` of the tab going away (the grace a network blip gets, as for
trainings). Outside a served app (AppTest, a bare script) the dictionary lives in ``st.session_state``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import streamlit as st
from streamlit import runtime
from streamlit.logger import get_logger
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.session_watch import GRACE_SECONDS, POLL_SECONDS

_LOG = get_logger(__name__)
_FALLBACK_KEY = "session_memory"


class SessionMemory:
    """One dictionary per session id, forgotten once its session has been disconnected for GRACE_SECONDS.

    Values with a ``close`` method (a visitor's private folder of saved models) are closed when forgotten.
    ``is_active`` tells whether a session id has a connected tab; ``clock`` gives seconds (both parameters so
    that tests can drive them). Thread-safe.
    """

    def __init__(self, is_active: Callable[[str], bool], clock: Callable[[], float] = time.monotonic) -> None:
        self._is_active = is_active
        self._clock = clock
        self._lock = threading.Lock()
        self._memories: dict[str, dict] = {}
        self._gone_since: dict[str, float] = {}

    def of(self, session_id: str) -> dict:
        """The dictionary of ``session_id``, made empty the first time."""
        with self._lock:
            self._gone_since.pop(session_id, None)
            return self._memories.setdefault(session_id, {})

    def sweep(self) -> dict[str, list[str]]:
        """Forget the sessions disconnected for GRACE_SECONDS or more; returns their ids, each with the names of
        what it kept."""
        now, forgotten = self._clock(), {}
        with self._lock:
            for session_id in list(self._memories):
                if self._is_active(session_id):
                    self._gone_since.pop(session_id, None)
                elif now - self._gone_since.setdefault(session_id, now) >= GRACE_SECONDS:
                    forgotten[session_id] = self._memories.pop(session_id)
                    del self._gone_since[session_id]
        for memory in forgotten.values():
            for value in memory.values():
                if callable(getattr(value, "close", None)):
                    value.close()
        return {session_id: sorted(memory) for session_id, memory in forgotten.items()}

    def __len__(self) -> int:
        with self._lock:
            return len(self._memories)


@st.cache_resource(show_spinner=False)
def server_memory() -> SessionMemory:
    """The server's one store, and the thread that sweeps it."""
    memory = SessionMemory(runtime.get_instance().is_active_session)

    def sweep_forever() -> None:
        while True:
            time.sleep(POLL_SECONDS)
            for session_id, names in memory.sweep().items():
                _LOG.info("Forgot what the closed session %s… kept: %s", session_id[:8], ", ".join(names) or "nothing")

    threading.Thread(target=sweep_forever, name="session-memory-sweeper", daemon=True).start()
    return memory


def own_memory() -> dict:
    """The calling session's dictionary: put a visitor's photos, codes and models in it."""
    context = get_script_run_ctx()
    served = runtime.exists() and context is not None and runtime.get_instance().is_active_session(
        context.session_id) is True  # AppTest's stand-in runtime answers with a mock
    if not served:
        return st.session_state.setdefault(_FALLBACK_KEY, {})
    return server_memory().of(context.session_id)
