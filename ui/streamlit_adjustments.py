"""Make sure every page runs through app.py, even on a fresh server."""

import streamlit as st


def require_app_entry_point() -> None:
    """Rerun through app.py when Streamlit ran this page file on its own.

    Until some script run in the server process has called ``st.navigation``,
    Streamlit treats a ``pages/`` folder as its older automatic multipage app:
    the first visitor of a fresh server who opens a page's link directly (say
    ``/filter_playground``) gets that file run without app.py, so without the
    page config and with the wrong navigation. Clearing the flag Streamlit keeps
    for that mode and rerunning sends the run through app.py, whose page for
    this URL has the same identity, so the visitor stays on the same page.
    The flag is internal to Streamlit: if it disappears, this does nothing.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


def navigate_from_the_first_run() -> None:
    """Tell Streamlit, before any visitor comes, that app.py's ``st.navigation`` decides the pages.

    Streamlit takes that from the first ``st.navigation`` call of the process; until then it treats
    ``pages/`` as its older automatic multipage app, and :func:`require_app_entry_point` has to rerun the
    first visitor's page through app.py (half a second of a fresh server's first page). The flag is
    internal to Streamlit: if it disappears, this does nothing, and that rerun still sets things right.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if hasattr(PagesManager, "uses_pages_directory"):
        PagesManager.uses_pages_directory = False


def keep_keras_state_between_runs() -> None:
    """Stop Streamlit from clearing Keras' global state after every script run.

    After each run Streamlit calls ``keras.backend.clear_session()``, meant for
    old apps that built a new TensorFlow graph on every rerun. With TensorFlow 2
    that clears the kernel cache of the whole process and runs a full garbage
    collection, on every rerun of every session: each Trainer redraw (every 2 s
    per training) slowed every other training and VGG16 prediction on the
    server. This app builds models only when a person asks for one, and caches
    VGG16 for all sessions, so nothing accumulates. Matplotlib figures are still
    closed, as Streamlit does. The hook is internal to Streamlit: if it
    disappears, this does nothing.
    """
    from streamlit.runtime.scriptrunner import script_runner

    if getattr(script_runner, "_clean_problem_modules", None) in (None, _close_matplotlib_figures):
        return
    script_runner._clean_problem_modules = _close_matplotlib_figures


def _close_matplotlib_figures() -> None:
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
