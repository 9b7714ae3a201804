"""Any training of the server, seen from the page that started it: the cap every page shares, the status line,
and the live loss and accuracy curves, redrawn while it runs."""

from __future__ import annotations

import os

import streamlit as st

from cnn_core import training
from cnn_core.training_progress import Snapshot
from cnn_core.training_slots import TrainingSlots
from ui import figures
from ui.session_memory import own_memory

#: Trainings that may run at once in this server process unless CNN_MAX_TRAININGS says otherwise;
#: the others queue. Each default training takes about one core.
MAX_CONCURRENT_TRAININGS = 2


@st.cache_resource(show_spinner=False)
def training_slots() -> TrainingSlots:
    """One cap for the whole server process and every page: CNN_MAX_TRAININGS, or MAX_CONCURRENT_TRAININGS."""
    setting = os.environ.get("CNN_MAX_TRAININGS", "")
    given = setting.isascii() and setting.isdigit() and int(setting) >= 1
    capacity = int(setting) if given else MAX_CONCURRENT_TRAININGS
    return TrainingSlots(capacity)


def keep_track(page: str, run: training.TrainingRun) -> None:
    """Remember ``run`` as the visitor's training on ``page`` (one training at a time each: see elsewhere)."""
    own_memory().setdefault("trainings", {})[page] = run


def training_elsewhere(page: str) -> str | None:
    """The page where this visitor has a training queued or running, other than ``page``; None if none.

    A shared server trains for everyone in turn, so each visitor trains one model at a time: a page shows
    :func:`one_at_a_time` and disables its Train button while this names another page.
    """
    return next((other for other, run in own_memory().get("trainings", {}).items()
                 if other != page and run.is_active), None)


def one_at_a_time(elsewhere: str) -> None:
    st.caption(f"Your training on the {elsewhere} page is still queued or running. Each visitor trains one model at a "
               "time, so that everyone sharing this server gets a turn: stop it there, or wait for it to finish.")


def live_progress(run: training.TrainingRun, chart_key: str, redraw_seconds: float) -> None:
    """Status and curves of ``run``, redrawn every ``redraw_seconds`` while it is active; the whole page reruns
    when it ends (to show the results and re-enable the buttons)."""
    snapshot = run.snapshot()

    @st.fragment(run_every=redraw_seconds if snapshot.is_active else None)
    def live() -> None:
        current = run.snapshot()
        show_status(current)
        if current.batch_loss:
            st.plotly_chart(figures.curves_figure(current, run.config.patience), key=chart_key)
        if snapshot.is_active and not current.is_active:
            st.rerun()

    live()


def show_status(snapshot: Snapshot) -> None:
    """Queued with the place in line, a progress bar with the speed and time left, or how it ended."""
    if snapshot.state == "queued":
        capacity = training_slots().capacity
        places = "one training" if capacity == 1 else f"{capacity} trainings"
        wait = ("the wait is estimated once the trainings ahead have measured their speed"
                if snapshot.seconds_to_start is None else f"about {duration(snapshot.seconds_to_start)} to wait")
        st.info(f"Queued: this server runs {places} at once, and all places are taken. Yours starts when one "
                f"frees up (you are number {snapshot.queue_position} in line; {wait}).", icon="⏳")
        return
    done = ((snapshot.epoch - 1) * snapshot.batches_per_epoch + snapshot.batch) / max(
        1, snapshot.total_epochs * snapshot.batches_per_epoch)
    left = "" if snapshot.seconds_left is None else f", about {duration(snapshot.seconds_left)} left"
    text = (f"Epoch {snapshot.epoch}/{snapshot.total_epochs}, batch {snapshot.batch}/{snapshot.batches_per_epoch}"
            f", {snapshot.samples_per_second:,.0f} examples per second{left}"
            f" · learning rate {snapshot.learning_rate:.2g}")
    if snapshot.is_active:
        st.progress(min(max(done, 0.0), 1.0), text=text)
    elif snapshot.state == "failed":
        st.error(snapshot.message)
    elif snapshot.message:
        st.success(snapshot.message) if snapshot.state == "finished" else st.warning(snapshot.message)


def duration(seconds: float) -> str:
    """``12 s``, or ``3 min`` from 90 s on."""
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"
