"""Which number is explained: chosen with controls (kept in the page link) or by a click on a layer's picture."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from cnn_core.inside import LayerTrace
from ui import clickable_maps, clickable_picture
from ui.inside_cnn import state_keys as keys
from ui.url_settings import UrlSettings

INDEX_KEYS = (keys.ROW, keys.COLUMN, keys.CHANNEL)


@dataclass(frozen=True)
class Selection:
    """A layer and the index of one number in its output."""

    layer: str
    index: tuple[int, ...]


def select_map_cell(layer_name: str, chart_key: str, tiling: clickable_maps.Tiling) -> None:
    """Callback of a layer's maps: make the clicked cell the selected number."""
    cell = clickable_picture.clicked_cell(st.session_state.get(chart_key))
    unit = tiling.unit(*cell) if cell is not None else None
    if unit is None:
        return
    st.session_state[keys.LAYER] = layer_name
    for key, value in zip(INDEX_KEYS, unit):
        st.session_state[key] = value


def select_vector_entry(layer_name: str, chart_key: str, count: int, columns: int) -> None:
    """Callback of a vector's strips (``columns`` numbers each): make the clicked number the selected one."""
    cell = clickable_picture.clicked_cell(st.session_state.get(chart_key))
    if cell is None or cell[0] * columns + cell[1] >= count:
        return
    st.session_state[keys.LAYER] = layer_name
    st.session_state[keys.UNIT] = cell[0] * columns + cell[1]


def default_layer(traced: list[LayerTrace]) -> str:
    """The first conv layer, else the first layer."""
    return next((step.name for step in traced if step.kind == "Conv2D"), traced[0].name)


def layer_choice(link: UrlSettings, traced: list[LayerTrace]) -> str:
    """The layer whose number is explained (a click on another layer's picture chooses it too)."""
    names = [step.name for step in traced]
    start = link.choice("layer", keys.LAYER, names, default_layer(traced))
    return st.selectbox("Layer", names, **start.as_index(names),
                        help="The layer whose number is explained. Its row, column and channel are set above its "
                             "picture below; clicking a number in any layer's picture chooses both.")


def index_controls(link: UrlSettings, step: LayerTrace) -> Selection:
    """Row, column and channel (or the position in a vector) of the number explained, within ``step``'s shape."""
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
        return Selection(step.name, index)
    _clamp(keys.UNIT, step.shape[0])
    unit = st.number_input("Position in the vector", 0, step.shape[0] - 1, step=1,
                           **link.whole_number("unit", keys.UNIT, 0, step.shape[0] - 1, 0).as_value(),
                           help="Counting from 0.")
    return Selection(step.name, (int(unit),))


def _clamp(key: str, size: int) -> None:
    """Bring a stored index inside a smaller layer chosen since."""
    if key in st.session_state and st.session_state[key] > size - 1:
        st.session_state[key] = size - 1
