"""The Trainer after a reload: take over the training the old tab left, and say what became of it."""

from __future__ import annotations

import streamlit as st

from ui import session_watch
from ui.trainer import session
from ui.trainer import state_keys as keys

#: The page-address parameter that holds the session's training token.
RUN_PARAMETER = "run"


def take_over(token: str | None) -> None:
    """Make the training that ``token`` names this session's, once per session, and note what happened.

    Does nothing when the session already has a model, the address has no
    token, or the token's training belongs to a tab still open (a shared link).
    """
    if token is None or session.current() is not None or st.session_state.get(keys.HANDOVER_CHECKED):
        return
    st.session_state[keys.HANDOVER_CHECKED] = True
    handed = session_watch.claim(token)
    if isinstance(handed, session_watch.Handover):
        session.keep(handed.kept)
        st.session_state[keys.HANDOVER_NOTE] = _what_became_of(handed)
    elif handed == "unknown":
        st.session_state[keys.HANDOVER_NOTE] = (
            "info", "This address names a training that is no longer on this server (its page was closed more "
                    f"than {session_watch.KEEP_SECONDS // 60} minutes ago, or the server restarted), so nothing of "
                    "it was kept. Models saved on the server are listed under Saved models.")


def _what_became_of(handed: session_watch.Handover) -> tuple[str, str]:
    snapshot = handed.run.snapshot()
    if snapshot.is_active:
        return "info", "The page was reloaded while this model was training; the training carried on, and here it is."
    if handed.stopped_by_closing:
        complete = sum(result.complete for result in snapshot.epochs)
        epochs = "epoch" if complete == 1 else "epochs"
        return "warning", (f"The page was reloaded or closed while this model was training, so the training stopped "
                           f"after {complete} complete {epochs} of {snapshot.total_epochs}. The model keeps the "
                           "weights trained until then: look inside it below, or press Continue.")
    return "info", "Here is the model trained before the page was reloaded."


def show_note() -> None:
    """What became of the training taken over, until the person starts or loads another model."""
    if keys.HANDOVER_NOTE in st.session_state:
        kind, text = st.session_state[keys.HANDOVER_NOTE]
        (st.warning if kind == "warning" else st.info)(text, icon=":material/history:")


def forget_note() -> None:
    st.session_state.pop(keys.HANDOVER_NOTE, None)
