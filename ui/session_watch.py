"""Stop a session's training when its browser tab goes away.

A training runs in a thread of its own, so closing the tab does not end it:
without this, a closed tab would keep a core busy and hold a place in the
server's training cap until its last epoch, while the next person waits.
"""

from __future__ import annotations

import threading
import time

from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from cnn_core import training

#: How long a session may stay disconnected before its training is stopped: long enough for the
#: browser to reconnect after a network blip, which keeps the session and its training.
GRACE_SECONDS = 5.0
POLL_SECONDS = 0.5


def stop_when_tab_closes(run: training.TrainingRun) -> None:
    """Stop ``run`` once the calling session has been disconnected for :data:`GRACE_SECONDS`.

    Call it from the page right after starting or continuing ``run``. The
    watcher thread ends with the run. Outside a served app (AppTest, a bare
    script) there is no connection to watch and it does nothing.
    """
    context = get_script_run_ctx()
    if context is None or not runtime.exists():
        return
    watcher = threading.Thread(target=_watch, args=(runtime.get_instance(), context.session_id, run),
                               name=f"tab-watch-{context.session_id[:8]}", daemon=True)
    watcher.start()


def _watch(server: runtime.Runtime, session_id: str, run: training.TrainingRun) -> None:
    disconnected_since: float | None = None
    while run.is_active:
        if server.is_active_session(session_id):
            disconnected_since = None
        elif disconnected_since is None:
            disconnected_since = time.monotonic()
        elif time.monotonic() - disconnected_since >= GRACE_SECONDS:
            run.stop()
            return
        time.sleep(POLL_SECONDS)
