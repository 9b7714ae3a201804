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
