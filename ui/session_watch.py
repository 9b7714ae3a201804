"""Trainings and the browser tabs that watch them: stopped when the tab goes away, found again after a reload.

A training runs in a thread of its own, so closing the tab does not end it:
without a watcher, a closed tab would keep a core busy and hold a place in the
server's training cap until its last epoch, while the next person waits.

Reloading a page makes a new Streamlit session that knows nothing of the old
one. So each watched training gets a random token, which the page keeps in its
address (``run=...``); the session that a reload makes reads it there and
:func:`claim` hands it the training, still running if the reload came within
:data:`GRACE_SECONDS`, else stopped with the weights trained so far. A token is
useless to anyone else: while its own tab is open, another tab that opens the
same address (a shared link) gets nothing.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from cnn_core import training

#: How long a session may stay disconnected before its training is stopped: long enough for the
#: browser to reconnect after a network blip, which keeps the session and its training.
GRACE_SECONDS = 5.0
POLL_SECONDS = 0.5
#: How long a training stays claimable after its tab went away, and how many are kept at most.
KEEP_SECONDS = 15 * 60
MAX_KEPT = 64
#: How long a claim waits for the tab it comes from to be seen as gone (a reload's old connection
#: may close just after the new page asks).
CLAIM_WAIT_SECONDS = 2.0


@dataclass
class Handover:
    """A training found again by its token: what the page kept for it, and what became of the run."""

    kept: object
    run: training.TrainingRun
    stopped_by_closing: bool  # the tab went away for longer than the grace time while it trained


@dataclass
class _Entry:
    owner: str  # the session id of the tab the training belongs to now
    kept: object
    run: training.TrainingRun
    stopped_by_closing: bool = False
    gone_since: float | None = None  # when the owner was first seen disconnected


class TrainingHandovers:
    """Trainings by token, each belonging to one session at a time; thread-safe.

    ``is_active`` tells whether a session id has a connected tab; ``clock``
    gives seconds (both are parameters so that tests can drive them).
    """

    def __init__(self, is_active: Callable[[str], bool], clock: Callable[[], float] = time.monotonic) -> None:
        self._is_active = is_active
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}

    def register(self, run: training.TrainingRun, kept: object, owner: str) -> str:
        """A new token for ``run``, owned by session ``owner``; its earlier trainings are forgotten."""
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._forget_expired()
            for other in [key for key, entry in self._entries.items() if entry.owner == owner]:
                del self._entries[other]
            self._entries[token] = _Entry(owner, kept, run)
        return token

    def claim(self, token: str, session: str) -> Handover | str:
        """Hand the training of ``token`` to ``session`` when its own tab has gone.

        Returns the :class:`Handover`, "elsewhere" while the training's tab is
        still open, or "unknown" for a token that names no kept training.
        """
        deadline = self._clock() + CLAIM_WAIT_SECONDS
        while True:
            with self._lock:
                self._forget_expired()
                entry = self._entries.get(token)
                if entry is None:
                    return "unknown"
                if entry.owner == session or not self._is_active(entry.owner):
                    entry.owner, entry.gone_since = session, None
                    return Handover(entry.kept, entry.run, entry.stopped_by_closing)
            if self._clock() >= deadline:
                return "elsewhere"
            time.sleep(0.1)

    def watch(self, token: str) -> None:
        """Stop the training of ``token`` once its owner has been disconnected for GRACE_SECONDS.

        Blocks until the run is no longer active; the owner may change meanwhile (a claim).
        """
        disconnected_since: float | None = None
        while True:
            with self._lock:
                entry = self._entries.get(token)
            if entry is None or not entry.run.is_active:
                return
            if self._is_active(entry.owner):
                disconnected_since = None
            elif disconnected_since is None:
                disconnected_since = self._clock()
            elif self._clock() - disconnected_since >= GRACE_SECONDS:
                with self._lock:
                    entry.stopped_by_closing = True
                entry.run.stop()
                return
            time.sleep(POLL_SECONDS)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _forget_expired(self) -> None:
        """Drop trainings whose tab has been gone for KEEP_SECONDS (the oldest first beyond MAX_KEPT)."""
        now = self._clock()
        for entry in self._entries.values():
            if self._is_active(entry.owner):
                entry.gone_since = None
            elif entry.gone_since is None:
                entry.gone_since = now
        gone = sorted((entry.gone_since, token) for token, entry in self._entries.items()
                      if entry.gone_since is not None and not entry.run.is_active)
        for since, token in gone:
            if now - since >= KEEP_SECONDS or len(self._entries) > MAX_KEPT:
                del self._entries[token]


@st.cache_resource(show_spinner=False)
def _handovers() -> TrainingHandovers:
    """One registry for the whole server process."""
    return TrainingHandovers(runtime.get_instance().is_active_session)


def watch(run: training.TrainingRun, kept: object, token: str | None = None) -> str | None:
    """Watch ``run`` for the calling session; returns its token for the page's address.

    Call it right after starting or continuing ``run``, with what the page
    keeps for it (given back by :func:`claim`) and, when continuing, the token
    it already has. Outside a served app (AppTest, a bare script) there is no
    tab to watch: it does nothing and returns None.
    """
    context = get_script_run_ctx()
    if context is None or not runtime.exists():
        return None
    handovers = _handovers()
    if token is None or handovers.claim(token, context.session_id) == "unknown":
        token = handovers.register(run, kept, context.session_id)
    threading.Thread(target=handovers.watch, args=(token,), name=f"tab-watch-{context.session_id[:8]}",
                     daemon=True).start()
    return token


def claim(token: str) -> Handover | str | None:
    """The training that ``token`` names, for the calling session (see :meth:`TrainingHandovers.claim`).

    None outside a served app.
    """
    context = get_script_run_ctx()
    if context is None or not runtime.exists():
        return None
    return _handovers().claim(token, context.session_id)
