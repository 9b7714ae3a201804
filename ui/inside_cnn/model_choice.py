"""Which trained network to look inside: a shipped one (the default), the one trained on the Trainer, or a saved one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from cnn_core import model_store, paths, pretrained
from cnn_core.keras_archive import ArchiveModel
from ui.inside_cnn import state_keys as keys
from ui.shipped_models import shipped_archive
from ui.text import plain
from ui.trainer import state_keys as trainer_keys
from ui.trainer.controls import DATASET_LABELS
from ui.url_settings import UrlSettings

if TYPE_CHECKING:
    import keras

#: The option for the model this tab trained on the Trainer.
TRAINER_MODEL = "trainer"
_SAVED = "saved:"


@dataclass(frozen=True)
class ChosenModel:
    """A trained model and what the page says about it."""

    model: keras.Model | ArchiveModel  # a shipped model runs in NumPy, the others in Keras
    dataset: str
    class_names: tuple[str, ...]
    about: str  # how it was trained and what it measured, in words
    token: str  # names this model and its weights, for caches
    shipped_name: str | None = None  # for a shipped model, its name


@st.cache_resource(show_spinner=False, max_entries=4)
def saved_model(name: str, version: int):
    """A saved model and its metadata, read again when its file changes (``version``: its change time)."""
    return model_store.load_saved_model(name)


def options() -> dict[str, str]:
    """Option token -> label: the shipped models, then the Trainer's (when this tab has one), then saved ones."""
    labels = {name: model.title for name, model in pretrained.PRETRAINED.items()}
    trained = st.session_state.get(trainer_keys.SESSION)
    if trained is not None:
        labels[TRAINER_MODEL] = f"Your model from the Trainer ({plain(trained.label or 'this tab')})"
    for name in model_store.saved_models():
        labels[_SAVED + name] = f"Saved on this server: {name}"
    return labels


def choose_model(link: UrlSettings) -> ChosenModel | None:
    """The model picker; None (with the reason shown) when the chosen model cannot be used now."""
    labels = options()
    tokens = list(labels)
    choice = st.selectbox("Model", tokens, format_func=labels.get,
                          **link.choice("model", keys.MODEL, tokens, tokens[0]).as_index(tokens),
                          help="The shipped models were trained beforehand, so the page works at once. Train "
                               "your own on the Trainer page to look inside it here.")
    try:
        return _load(choice)
    except (OSError, ValueError) as error:
        st.error(f"This model cannot be opened: {plain(str(error))}")
        return None


def _load(choice: str) -> ChosenModel | None:
    if choice in pretrained.PRETRAINED:
        shipped = pretrained.PRETRAINED[choice]
        record = shipped.record()
        about = (f"{shipped.title}: the preset `{shipped.preset}` ({record['parameters']:,} parameters), "
                 f"{record['epochs_trained']} epochs on {record['training_examples']:,} training pictures. "
                 f"**{100 * shipped.test_accuracy:.2f} %** right on {record['test_examples']:,} test pictures "
                 "it never trained on.")
        # Read without Keras: the page shows the forward pass before TensorFlow would have finished importing.
        return ChosenModel(shipped_archive(choice), shipped.dataset, tuple(record["class_names"]), about, choice,
                           choice)
    if choice == TRAINER_MODEL:
        trained = st.session_state.get(trainer_keys.SESSION)
        if trained.is_training:
            st.info("Your model is still training on the Trainer page; look inside it when it has finished.")
            return None
        return ChosenModel(trained.model, trained.data_name, tuple(trained.class_names),
                           f"The model you trained on the Trainer, on {DATASET_LABELS[trained.data_name]}.",
                           f"trainer:{id(trained.model)}:{trained.weights_version()}")
    name = choice.removeprefix(_SAVED)
    path = paths.TRAINED_MODELS_DIR / f"{name}.keras"
    version = path.stat().st_mtime_ns if path.is_file() else 0
    model, metadata = saved_model(name, version)
    return ChosenModel(model, metadata.dataset, tuple(metadata.class_names),
                       f"The model saved on this server as “{plain(name)}”.", f"{choice}:{version}")
