"""The Trainer's session: its current model (``Trained``), and what the server shares (the data, the cap)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import streamlit as st

from cnn_core import familiarity, models, training, training_data
from cnn_core.evaluation import Evaluation, evaluate
from cnn_core.training_data import PreparedData
from ui.session_memory import own_memory
from ui.trainer import state_keys as keys

if TYPE_CHECKING:
    import keras

T = TypeVar("T")


@dataclass
class Trained:
    """The session's current model: being trained, trained, or loaded from disk."""

    model: keras.Model
    spec: models.Architecture
    data_name: str
    class_names: tuple[str, ...]
    run: training.TrainingRun | None = None
    label: str = ""
    run_token: str | None = None  # names the run in the page address, so that a reload finds it again
    evaluation_cache: dict = field(default_factory=dict)  # weights version -> Evaluation
    familiarity_cache: dict = field(default_factory=dict)  # weights version -> familiarity.Reference
    shipped: str | None = None  # the name of a shipped model (cnn_core.pretrained), shared and never trained

    @property
    def is_training(self) -> bool:
        """Queued or running: the buttons wait and the inspection sections stay hidden."""
        return bool(self.run and self.run.is_active)

    def weights_version(self) -> int:
        """Changes whenever the weights may have changed (each finished epoch)."""
        return len(self.run.snapshot().epochs) if self.run else 0


def current() -> Trained | None:
    """This visitor's model on the Trainer, if any. It lives in their session memory, not ``st.session_state``,
    so that it is freed seconds after their tab closes rather than when Streamlit drops the session (minutes)."""
    return own_memory().get(keys.SESSION)


def keep(trained: Trained) -> None:
    """Make ``trained`` this visitor's current model (see :func:`current`)."""
    own_memory()[keys.SESSION] = trained


@st.cache_resource(max_entries=4, show_spinner=False)
def load_data(name: str, train_size: int | None, data_dir: str | None) -> PreparedData:
    """The dataset ready for training, read once for every session of the server."""
    return training_data.prepare_dataset(name, train_size, data_dir)


def evaluation_of(trained: Trained, data: PreparedData) -> Evaluation:
    """The test-set evaluation, computed once per version of the weights."""
    def compute() -> Evaluation:
        bar = st.progress(0.0, text="Evaluating on the test set…")
        shown = evaluate(trained.model, data.test_inputs, data.test_labels, progress=lambda done, total: bar.progress(
            done / total, text=f"Evaluating on the test set: {done:,} of {total:,} pictures"))
        bar.empty()
        return shown

    return _once_per_weights(trained, trained.evaluation_cache, compute)


def familiarity_reference_of(trained: Trained, data: PreparedData) -> familiarity.Reference:
    """What a person's photo is compared with, computed once per version of the weights."""
    return _once_per_weights(trained, trained.familiarity_cache,
                             lambda: familiarity.make_reference(trained.model, data.train_inputs, data.test_inputs))


def _once_per_weights(trained: Trained, cache: dict, compute: Callable[[], T]) -> T:
    version = trained.weights_version()
    if version not in cache:
        cache.clear()
        cache[version] = compute()
    return cache[version]
