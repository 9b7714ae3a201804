"""Which trained network to look inside: a shipped one (the default), the one trained on the Trainer, or a saved one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from cnn_core import paths, pretrained
from cnn_core.keras_archive import ArchiveModel
from ui.inside_cnn import state_keys as keys
from ui.saved_models import SavedModels, visitor_models
from ui.session_memory import own_memory
from ui.shipped_models import shipped_archive
from ui.text import plain
from ui.trainer import session as trainer_session
from ui.trainer.controls import DATASET_LABELS
from ui.url_settings import UrlSettings

if TYPE_CHECKING:
    import keras

#: The option for the model this tab trained on the Trainer.
TRAINER_MODEL = "trainer"
_SAVED = "saved:"
_MEMORY_KEY = "inside_saved_model"  # ((name, version), (model, metadata)) of the private model last looked into


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
def gallery_model(name: str, version: int):
    """A model of the server's shared folder and its metadata, read again when its file changes."""
    return SavedModels(paths.TRAINED_MODELS_DIR, is_private=False).load(name)


def saved_model(saved: SavedModels, name: str):
    """A saved model and its metadata: shared by everyone for the server's folder; a private one is kept in the
    visitor's own memory (so it goes with their tab, and no one else is served it). Read again when saved again."""
    version = saved.version(name)
    if not saved.is_private:
        return gallery_model(name, version)
    memory = own_memory()
    kept = memory.get(_MEMORY_KEY)
    if kept is None or kept[0] != (name, version):
        kept = memory[_MEMORY_KEY] = ((name, version), saved.load(name))
    return kept[1]


def options() -> dict[str, str]:
    """Option token -> label: the shipped models, then the Trainer's (when this tab has one), then saved ones."""
    labels = {name: model.title for name, model in pretrained.PRETRAINED.items()}
    trained = trainer_session.current()
    if trained is not None:
        labels[TRAINER_MODEL] = f"Your model from the Trainer ({plain(trained.label or 'this tab')})"
    saved = visitor_models()
    for name in saved.names():
        labels[_SAVED + name] = f"Saved {saved.where}: {name}"
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
        trained = trainer_session.current()
        if trained.is_training:
            st.info("Your model is still training on the Trainer page; look inside it when it has finished.")
            return None
        return ChosenModel(trained.model, trained.data_name, tuple(trained.class_names),
                           f"The model you trained on the Trainer, on {DATASET_LABELS[trained.data_name]}.",
                           f"trainer:{id(trained.model)}:{trained.weights_version()}")
    name, saved = choice.removeprefix(_SAVED), visitor_models()
    model, metadata = saved_model(saved, name)
    return ChosenModel(model, metadata.dataset, tuple(metadata.class_names),
                       f"The model saved {saved.where} as “{plain(name)}”.",
                       f"{choice}:{saved.folder}:{saved.version(name)}")
