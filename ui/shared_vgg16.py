"""The one VGG16 of the server process, shared by every page and session that needs it."""

from __future__ import annotations

import time

import streamlit as st
from streamlit.logger import get_logger

from cnn_core import downloads, vgg16
from ui.megabyte_bar import MegabyteBar
from ui.process_cache import ProcessCache

_LOG = get_logger(__name__)


_LOADED = ProcessCache()


def load_classifier(progress: downloads.Progress | None = None) -> vgg16.Classifier:
    """VGG16, loaded once per server process and shared by every session (the server log says when).

    ``progress`` hears the megabytes read, on the page of the visitor whose call loads it; other callers wait.
    """
    def load() -> vgg16.Classifier:
        start = time.perf_counter()
        classifier = vgg16.Classifier.load(progress=progress)
        _LOG.info("VGG16 loaded in %.1f s; every session shares it", time.perf_counter() - start)
        return classifier

    return _LOADED.get("vgg16", load)


def require_classifier() -> vgg16.Classifier:
    """The shared VGG16, with progress bars while its weights download and load; without the weights, what to do
    about it, and the page stops there."""
    try:
        download = MegabyteBar("Downloading VGG16's ImageNet weights")
        vgg16.weights_file(download.update)
        download.close()
        loading = MegabyteBar(f"Loading VGG16's {vgg16.TOTAL_PARAMETERS:,} weights into memory (once for everyone)")
        with st.spinner("Waiting for VGG16, which is being loaded once for everyone on this server…"):
            classifier = load_classifier(loading.update)
        loading.close()
    except vgg16.WeightsUnavailableError as error:
        st.error(str(error))
        st.stop()
    return classifier
