"""What VGG16's filters look for: the photo that excites one filter most, found by gradient ascent."""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core import explain
from ui.classifier import state_keys as keys
from ui.process_cache import ProcessCache
from ui.shared_vgg16 import load_classifier

#: Side of the pattern: smaller than VGG16's 224, so one filter takes seconds, not minutes.
PATTERN_SIDE = 128
STEPS = 64


_PATTERNS = ProcessCache(max_entries=256)


def vgg16_pattern(layer_name: str, filter_index: int, progress=None) -> np.ndarray:
    """One filter's pattern, found once per server (VGG16 is shared) and only read; ``progress`` hears each step."""
    return _PATTERNS.get((layer_name, filter_index), lambda: explain.vgg16_pattern(
        load_classifier().model, layer_name, filter_index, steps=STEPS, size=PATTERN_SIDE, progress=progress))


def filter_patterns_section() -> None:
    model = load_classifier().model
    conv_layers = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    st.markdown(
        "Each of VGG16's filters answers some pattern. To see which, the page starts from a grey photo and "
        f"changes it, step by step ({STEPS} steps), in the direction that raises the filter's mean answer over "
        "its map (**gradient ascent**), shifting it by a pixel at random, blurring it lightly and pulling it "
        f"back towards grey a little on the way. The photo is {PATTERN_SIDE} × {PATTERN_SIDE} (VGG16's "
        "convolutions take any size) so that one filter takes seconds. Early layers answer colours and edges; "
        "deeper ones textures and parts of objects.")
    columns = st.columns(2)
    names = [layer.name for layer in conv_layers]
    layer_name = columns[0].selectbox("Conv layer", names, index=names.index("block3_conv3"), key=keys.PATTERN_LAYER)
    filters = model.get_layer(layer_name).filters
    filter_index = int(columns[1].number_input("Filter", 0, filters - 1, 0, key=keys.PATTERN_FILTER,
                                               help=f"One of the layer's {filters} filters."))
    bar = st.progress(0.0, text=f"Gradient ascent on filter {filter_index} of {layer_name}…")
    pattern = vgg16_pattern(layer_name, filter_index, progress=lambda done, total: bar.progress(
        done / total, text=f"Gradient ascent on filter {filter_index} of {layer_name}: step {done} of {total}"))
    bar.empty()
    st.image(pattern, width=256, caption=f"What filter {filter_index} of {layer_name} answers most "
                                         f"({PATTERN_SIDE} × {PATTERN_SIDE}, shown larger)")
