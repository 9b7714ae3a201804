"""Inspect a model shipped with the app, so every section after training works before anything is trained."""

from __future__ import annotations

import streamlit as st

from cnn_core import models, pretrained, training_data
from cnn_core.training_data import PreparedData
from ui.shipped_models import shipped_model
from ui.trainer import handover, session
from ui.trainer import state_keys as keys
from ui.trainer.session import Trained


def _learned(dataset: str) -> list[str]:
    """The names of the shipped models that learned ``dataset``."""
    return [name for name, shipped in pretrained.PRETRAINED.items() if shipped.dataset == dataset]


def shipped_models_section(active: bool, dataset: str) -> None:
    """The shipped models of ``dataset``, and a button that makes one the session's model."""
    choices = _learned(dataset)
    if not choices:
        return
    with st.expander("Inspect a pretrained model"):
        st.caption("Models trained beforehand with the presets' recipes and shipped with the app: look at their "
                   "results, filters and feature maps without waiting for a training.")
        chosen = st.selectbox("Pretrained model", choices, key=keys.SHIPPED_MODEL,
                              format_func=lambda name: pretrained.PRETRAINED[name].title)
        shipped = pretrained.PRETRAINED[chosen]
        record = shipped.record()
        st.caption(f"The preset `{shipped.preset}`, {record['epochs_trained']} epochs on "
                   f"{record['training_examples']:,} pictures: {100 * shipped.test_accuracy:.2f} % on "
                   f"{record['test_examples']:,} pictures it never trained on.")
        st.button("Inspect it", disabled=active, key=keys.LOAD_SHIPPED, on_click=inspect_shipped, args=(chosen,))


def without_the_dataset(dataset: str) -> PreparedData | None:
    """When ``dataset`` cannot be read: its shipped test pictures, for inspecting a shipped model, with a note
    saying so; None when no shipped model learned it."""
    if not _learned(dataset):
        return None
    data = training_data.held_out_data(dataset)
    st.info(f"Training needs the dataset, but a pretrained model can still be inspected below, on the "
            f"{len(data.test_labels):,} test pictures shipped with the app, which it never trained on.",
            icon=":material/inventory_2:")
    return data


def inspect_shipped(name: str) -> None:
    """Make the shipped model ``name`` the session's current model (shared, only read: it cannot be trained on)."""
    handover.forget_note()
    shipped = pretrained.PRETRAINED[name]
    session.keep(Trained(shipped_model(name), models.PRESETS[shipped.preset], shipped.dataset,
                         tuple(shipped.record()["class_names"]), shipped=name))
