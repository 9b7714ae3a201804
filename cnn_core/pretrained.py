"""Small trained models shipped in ``models/pretrained/``, so a trained CNN can be looked inside at once.

Each model is a ``.keras`` file (weights and architecture, no optimizer state)
and a ``.json`` record of how it was made and what it measured, both written by
``python -m cnn_core.make_pretrained``. Loading uses Keras' safe mode.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cnn_core import paths

if TYPE_CHECKING:
    import keras

PRETRAINED_DIR = paths.MODELS_DIR / "pretrained"
#: Test pictures the shipped models never trained on, 300 per dataset (see :func:`held_out_sample`).
SAMPLE_FILE = PRETRAINED_DIR / "held_out_sample.npz"


@dataclass(frozen=True)
class PretrainedModel:
    """One shipped model: the preset it was built from and the dataset it learned."""

    name: str
    title: str
    preset: str
    dataset: str

    @property
    def model_file(self) -> Path:
        return PRETRAINED_DIR / f"{self.name}.keras"

    @property
    def record_file(self) -> Path:
        return PRETRAINED_DIR / f"{self.name}.json"

    def record(self) -> dict:
        """How it was trained and what it measured (see ``models/README.md`` for the fields)."""
        return json.loads(self.record_file.read_text(encoding="utf-8"))

    @property
    def test_accuracy(self) -> float:
        """Accuracy on the held-out test pictures it never trained on, as measured when it was made."""
        return float(self.record()["test_accuracy"])


#: The shipped models by name; the first is the default wherever one is offered.
PRETRAINED: dict[str, PretrainedModel] = {model.name: model for model in (
    PretrainedModel("three_conv_fashion_mnist", "The article's three-conv model, trained on clothes",
                    "three_conv", "fashion_mnist"),
    PretrainedModel("one_conv_fashion_mnist", "The Trainer's default one-conv model, trained on clothes",
                    "one_conv", "fashion_mnist"),
    PretrainedModel("three_conv_mnist", "The article's three-conv model, trained on handwritten digits",
                    "three_conv", "mnist"),
)}


def held_out_sample(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    """The shipped test pictures of ``dataset``: uint8 (300, 28, 28) and labels uint8 (300,), read-only.

    They are the first 300 test pictures of the split the shipped models were
    measured on, which none of them trained on. The file is read once per process
    (pages ask on every rerun), so the arrays are shared and cannot be written to.
    """
    samples = _samples()
    if dataset not in samples:
        raise ValueError(f"dataset must be one of {', '.join(sorted(samples))}. Received: dataset={dataset!r}")
    return samples[dataset]


@functools.cache
def _samples() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    with np.load(SAMPLE_FILE) as arrays:
        names = sorted(name.removesuffix("_images") for name in arrays if name.endswith("_images"))
        samples = {name: (arrays[f"{name}_images"], arrays[f"{name}_labels"]) for name in names}
    for pair in samples.values():
        for array in pair:
            array.flags.writeable = False
    return samples


def load_pretrained(name: str) -> keras.Model:
    """The shipped model called ``name`` (one of :data:`PRETRAINED`), loaded in safe mode, not compiled.

    Raises
    ------
    ValueError
        For a name that is not one of :data:`PRETRAINED`.
    FileNotFoundError
        When its file is missing from ``models/pretrained/``, with the command that makes it.
    """
    if name not in PRETRAINED:
        raise ValueError(f"name must be one of {', '.join(PRETRAINED)}. Received: name={name!r}")
    path = PRETRAINED[name].model_file
    if not path.is_file():
        raise FileNotFoundError(f"The shipped model {path.name} is missing from {PRETRAINED_DIR}; make it with "
                                f"`python -m cnn_core.make_pretrained --data-dir DIR --only {name}`.")
    import keras

    return keras.saving.load_model(path, compile=False, safe_mode=True)
