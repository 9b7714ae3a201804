"""Which number is explained: chosen with controls (kept in the page link) or by a click on a layer's picture."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from cnn_core import inside
from cnn_core.inside import LayerTrace
from ui import clickable_maps
from ui.inside_cnn import state_keys as keys
from ui.url_settings import UrlSettings

INDEX_KEYS = (keys.ROW, keys.COLUMN, keys.CHANNEL)


@dataclass(frozen=True)
class Selection:
    """A layer and the index of one number in its output."""

    layer: str
    index: tuple[int, ...]
    receptive_field: tuple[tuple[int, int], tuple[int, int]] | None = None


def select_clicked(layer_name: str, chart_key: str) -> None:
    """Callback of a layer's picture: make the clicked cell the selected number."""
    data = clickable_maps.clicked(st.session_state.get(chart_key))
    if data is None:
        return
    st.session_state[keys.LAYER] = layer_name
    if len(data) == 3:  # row, column, channel
        for key, value in zip(INDEX_KEYS, data):
            st.session_state[key] = value
    else:  # the position in a vector
        st.session_state[keys.UNIT] = data[0]


def default_layer(traced: list[LayerTrace]) -> str:
    """The first conv layer, else the first layer."""
    return next((step.name for step in traced if step.kind == "Conv2D"), traced[0].name)


def selection_controls(link: UrlSettings, model, traced: list[LayerTrace]) -> Selection:
    """Layer, then row, column and channel (or position) of the number to explain; clamped to the layer's shape."""
    names = [step.name for step in traced]
    start = link.choice("layer", keys.LAYER, names, default_layer(traced))
    name = st.selectbox("Layer", names, **start.as_index(names),
                        help="The layer whose number is explained. Clicking a number in a layer's picture "
                             "below chooses it too.")
    step = traced[names.index(name)]
    if step.output.ndim == 3:
        columns = st.columns(3)
        index = []
        for column, key, label, size in zip(columns, INDEX_KEYS, ("Row", "Column", "Channel"), step.shape):
            _clamp(key, size)
            default = size // 2 if key != keys.CHANNEL else 0  # the middle of the map, where the picture is
            setting = label.lower()
            index.append(column.number_input(label, 0, size - 1, step=1,
                                             **link.whole_number(setting, key, 0, size - 1, default).as_value()))
        index = tuple(int(value) for value in index)
        field = inside.receptive_field(model, name, index[0], index[1])
        return Selection(name, index, field)
    _clamp(keys.UNIT, step.shape[0])
    unit = st.number_input("Position in the vector", 0, step.shape[0] - 1, step=1,
                           **link.whole_number("unit", keys.UNIT, 0, step.shape[0] - 1, 0).as_value(),
                           help="Counting from 0.")
    return Selection(name, (int(unit),))


def _clamp(key: str, size: int) -> None:
    """Bring a stored index inside a smaller layer chosen since."""
    if key in st.session_state and st.session_state[key] > size - 1:
        st.session_state[key] = size - 1
