"""Keeping a trained model: save it on the server, download it, or load one saved before."""

from __future__ import annotations

import time

import streamlit as st

from cnn_core import model_store
from ui.saved_models import SavedModels, visitor_models
from ui.text import plain
from ui.trainer import handover, session
from ui.trainer import state_keys as keys
from ui.trainer.session import Trained


def save_section(trained: Trained) -> None:
    saved = visitor_models()
    if saved.is_private:
        st.markdown("Save the model in this tab to come back to it on this page and on Inside a CNN. This server "
                    "is shared, so only you see the models you save, and they are deleted when you close the tab: "
                    "download the `.keras` file to keep one, and load it with `keras.models.load_model` in a "
                    "notebook.")
    else:
        st.markdown("Save the model on this server to come back to it, or download it as a `.keras` file to load "
                    "with `keras.models.load_model` in a notebook.")
    seen_by = ("Only you see them." if saved.is_private
               else "Everyone on this server sees the saved models' names.")
    name = st.text_input("Model name", trained.label or f"{trained.data_name}_model", key=keys.SAVE_NAME,
                         max_chars=model_store.MAX_NAME_LENGTH,
                         help=f"1 to 64 letters (A to Z), digits, - and _, starting with a letter or digit. {seen_by}")
    try:
        model_store.check_model_name(name)
    except ValueError as error:
        st.error(str(error))
        return
    taken = saved.is_saved(name)
    replace = taken and trained.label == name  # this very model, saved or loaded under that name
    if replace:
        st.caption(f"This model is saved as “{plain(name)}”; saving again replaces that file with its weights "
                   "as they are now.")
    elif taken:
        st.warning(f"A model called “{plain(name)}” is already saved {saved.where}. Choose another name, or "
                   "tick the box to replace that model with this one.")
        replace = st.checkbox(f"Replace the saved model “{plain(name)}”", key=keys.save_replace(name))
    place = "in this tab" if saved.is_private else "on the server"
    columns = st.columns(2)
    columns[0].button(f"Replace {place}" if taken else f"Save {place}", key=keys.SAVE_MODEL,
                      icon=":material/save:", disabled=taken and not replace, on_click=_save,
                      args=(saved, trained, name, replace))
    columns[1].download_button("Download .keras", lambda: model_store.model_bytes(trained.model),
                               file_name=f"{name}.keras", mime="application/octet-stream", key=keys.DOWNLOAD_MODEL,
                               icon=":material/download:", on_click="ignore")
    if keys.SAVED_MESSAGE in st.session_state:
        kind, text = st.session_state.pop(keys.SAVED_MESSAGE)
        (st.success if kind == "success" else st.warning)(text)


def _save(saved: SavedModels, trained: Trained, name: str, replace: bool) -> None:
    metadata = model_store.ModelMetadata(trained.data_name, trained.class_names, trained.spec,
                                         time.strftime("%Y-%m-%d %H:%M"))
    try:
        place = saved.save(trained.model, name, metadata, replace=replace)
    except model_store.ModelNameTakenError:
        st.session_state[keys.SAVED_MESSAGE] = (
            "warning", f"Someone saved a model called “{plain(name)}” a moment ago, so this one was not saved. "
                       "Choose another name.")
        return
    except OSError as error:
        reason = error.strerror or type(error).__name__
        st.session_state[keys.SAVED_MESSAGE] = (
            "warning", f"The server could not write the model ({reason}), so it was not saved. Download it instead.")
        return
    trained.label = name
    done = "Replaced the saved model with this one" if replace else "Saved"
    kept = " in this tab, until you close it" if saved.is_private else ""
    st.session_state[keys.SAVED_MESSAGE] = ("success", f"{done}: {plain(place)}{kept}.")


def saved_models_section(active: bool) -> None:
    """The models this visitor can load (saved on this server, or in this tab), and a button to load one."""
    saved = visitor_models()
    with st.expander("Saved models"):
        if keys.LOAD_ERROR in st.session_state:
            st.error(st.session_state.pop(keys.LOAD_ERROR))
        names = saved.names()
        if names:
            chosen = st.selectbox("Saved model", names, key=keys.SAVED_MODEL, help=f"Models saved {saved.where}.")
            st.button("Load to inspect", disabled=active, key=keys.LOAD_SAVED, on_click=load_into_session,
                      args=(saved, chosen))
        else:
            st.caption("None yet: train a model, then save it under Save and code.")


def load_into_session(saved: SavedModels, name: str) -> None:
    """Make a model this app saved the session's current model; a bad file becomes a message."""
    handover.forget_note()
    try:
        model, metadata = saved.load(name)
    except model_store.SavedModelError as error:
        st.session_state[keys.LOAD_ERROR] = plain(str(error))
        return
    session.keep(Trained(model, metadata.spec, metadata.dataset, metadata.class_names, label=name))
