"""What each filter of a conv layer looks for: the input pattern that excites it most, beside its weights."""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core import explain, images
from cnn_core.inside import LayerTrace
from ui import pictures
from ui.inside_cnn import state_keys as keys
from ui.inside_cnn.model_choice import ChosenModel
from ui.shipped_models import shipped_model

#: Filters searched and drawn at a time, and the ascent steps of each search.
FILTERS_SHOWN, STEPS = 8, 64


@st.cache_data(show_spinner=False, max_entries=512)
def shipped_pattern(name: str, layer_name: str, filter_index: int) -> np.ndarray:
    """A shipped model's pattern, found once per server for every visitor."""
    return explain.filter_pattern(shipped_model(name), layer_name, filter_index, steps=STEPS)


def _pattern(chosen: ChosenModel, layer_name: str, filter_index: int) -> np.ndarray:
    if chosen.shipped_name:
        return shipped_pattern(chosen.shipped_name, layer_name, filter_index)
    found = st.session_state.setdefault(keys.PATTERNS, {})
    key = (chosen.token, layer_name, filter_index)
    if key not in found:
        found[key] = explain.filter_pattern(chosen.model, layer_name, filter_index, steps=STEPS)
    return found[key]


def filter_patterns_section(chosen: ChosenModel, traced: list[LayerTrace]) -> None:
    conv_layers = [step.name for step in traced if step.kind == "Conv2D"]
    if not conv_layers:
        st.info("This model has no conv layer.")
        return
    st.markdown(
        "Each filter of a conv layer answers some pattern in its window. To see which, the page starts from a grey "
        f"picture and changes it, step by step, in the direction that raises the filter's mean answer over its map "
        f"(**gradient ascent**, {STEPS} steps), shifting the picture by a pixel at random, blurring it lightly and "
        "pulling it back towards grey a little on the way, so that it stays a picture and not noise. Deeper "
        "layers' filters combine the ones before them, so their patterns grow larger and more complex.")
    columns = st.columns(2)
    layer_name = columns[0].selectbox("Conv layer", conv_layers, key=keys.PATTERN_LAYER)
    layer = chosen.model.get_layer(layer_name)
    first = columns[1].number_input("First filter", 0, layer.filters - 1, 0, step=FILTERS_SHOWN,
                                    key=keys.pattern_first(layer_name),
                                    help=f"{FILTERS_SHOWN} of its {layer.filters} filters at a time.")
    indices = list(range(int(first), min(int(first) + FILTERS_SHOWN, layer.filters)))
    bar = st.progress(0.0, text=f"Finding what filters {indices[0]} to {indices[-1]} of {layer_name} look for…")
    patterns = []
    for done, index in enumerate(indices):
        patterns.append(_pattern(chosen, layer_name, index))
        bar.progress((done + 1) / len(indices), text=f"Filter {index}: done ({done + 1} of {len(indices)})")
    bar.empty()
    kernel = layer.get_weights()[0]  # (kh, kw, channels in, filters)
    tiles = st.columns(4)
    for position, (index, pattern) in enumerate(zip(indices, patterns)):
        with tiles[position % 4]:
            picture = images.round_to_uint8(255 * pattern[..., 0])
            flat = float(pattern.std()) < 1e-3  # the ascent never moved: no answer from a grey start
            caption = (f"Filter {index}: no answer to grey, so no direction to climb (a filter that stays at 0 "
                       "here)" if flat else f"Filter {index}: the pattern")
            st.image(pictures.enlarged(picture, 112), caption=caption, width=112)
            if kernel.shape[2] == 1:
                st.image(pictures.kernel_picture(kernel[..., 0, index], 112), width=112,
                         caption=f"Its {kernel.shape[0]} × {kernel.shape[1]} weights (blue −, red +)")
    if kernel.shape[2] > 1:
        st.caption(f"The weights of {layer_name}'s filters span {kernel.shape[2]} input channels each, so they are "
                   "not drawn here; the patterns show what they add up to.")
