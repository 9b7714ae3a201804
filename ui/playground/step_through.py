"""The step-through lab: one sliding-window stop at a time, on a tiny matrix."""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core import conv, sliding_window
from cnn_core.conv_block import SOBEL_MAGNITUDE, Filter
from ui import figures
from ui.playground import state_keys as keys
from ui.playground.controls import LayerSettings


def step_through_section(layer_filter: Filter, settings: LayerSettings) -> None:
    st.markdown("A tiny grayscale image of digits, your kernel, and your stride and padding from the controls above. "
                "Pick an output cell to see the window it reads, the element-wise products, and their sum "
                "landing in the feature map.")
    if layer_filter.name == SOBEL_MAGNITUDE:
        st.caption("The magnitude combines two kernels; the lab steps through its first one, Sobel x.")
    columns = st.columns([1, 1, 2])
    size = columns[0].slider("Input size", 4, 9, 6, key=keys.LAB_SIZE, help="Side of the small input matrix.")
    if columns[1].button("New numbers", key=keys.LAB_SHUFFLE, help="Draw other random digits."):
        st.session_state[keys.LAB_SEED] = st.session_state.get(keys.LAB_SEED, 0) + 1
    matrix = np.random.default_rng(st.session_state.get(keys.LAB_SEED, 0)).integers(0, 10, (size, size))
    kernel = layer_filter.kernel
    try:
        feature_map = conv.conv2d(matrix, kernel, settings.stride, settings.padding)
    except ValueError as error:
        st.warning(f"The current kernel does not fit this small input: {error}")
        return
    _convolution_step(matrix, kernel, feature_map, settings)
    if settings.pool_mode:
        if settings.relu:
            feature_map = conv.relu(feature_map)
        _pooling_step(feature_map, settings)


def _convolution_step(matrix: np.ndarray, kernel: np.ndarray, feature_map: np.ndarray,
                      settings: LayerSettings) -> None:
    row, col = _pick_cell("Convolution step", feature_map.shape, keys.LAB_CONV_STEP)
    window = sliding_window.conv_window(matrix, kernel, row, col, settings.stride, settings.padding)
    padded = conv.pad(matrix, kernel.shape, settings.stride, settings.padding)
    is_padding = conv.pad(np.ones_like(matrix, dtype=bool), kernel.shape, settings.stride, settings.padding) == 0

    columns = st.columns(4)
    _grid(columns[0], "Input (faded cells are zero padding)", padded, keys.LAB_INPUT,
          highlight=(window.top, window.left, *kernel.shape), dim_mask=is_padding)
    _grid(columns[1], "Kernel", kernel, keys.LAB_KERNEL)
    _grid(columns[2], "Window × kernel, cell by cell", window.products, keys.LAB_PRODUCTS)
    _grid(columns[3], f"Feature map {feature_map.shape[0]}×{feature_map.shape[1]}",
          _filled_up_to(feature_map, row, col), "lab_feature_map", highlight=(row, col, 1, 1))
    terms = " + ".join(figures.format_number(v) for v in window.products.ravel())
    st.markdown(f"Output cell (row {row}, column {col}) reads the window whose top-left corner is at row "
                f"{window.top}, column {window.left} of the padded input:")
    st.code(f"{terms}\n= {figures.format_number(window.result)}", language=None, wrap_lines=True)


def _pooling_step(feature_map: np.ndarray, settings: LayerSettings) -> None:
    st.subheader(f"{settings.pool_mode.capitalize()} pooling of that feature map")
    try:
        pooled = conv.pool2d(feature_map, settings.pool_size, settings.pool_stride, settings.pool_mode)
    except ValueError as error:
        st.warning(f"The pooling window does not fit this feature map: {error}")
        return
    row, col = _pick_cell("Pooling step", pooled.shape, keys.LAB_POOL_STEP)
    window = sliding_window.pool_window(feature_map, row, col, settings.pool_size, settings.pool_stride,
                                        settings.pool_mode)
    columns = st.columns(3)
    _grid(columns[0], "Feature map" + (" after ReLU" if settings.relu else ""), feature_map, "lab_pool_input",
          highlight=(window.top, window.left, settings.pool_size, settings.pool_size))
    _grid(columns[1], "Window", window.values, keys.LAB_POOL_WINDOW)
    _grid(columns[2], f"Pooled {pooled.shape[0]}×{pooled.shape[1]}", _filled_up_to(pooled, row, col),
          "lab_pooled", highlight=(row, col, 1, 1))
    operation = "max" if settings.pool_mode == "max" else "mean"
    values = ", ".join(figures.format_number(v) for v in window.values.ravel())
    st.code(f"{operation}({values})\n= {figures.format_number(window.result)}", language=None, wrap_lines=True)


def _pick_cell(label: str, shape: tuple[int, ...], key: str) -> tuple[int, int]:
    """Previous / next buttons and a slider over the cells in reading order."""
    count = shape[0] * shape[1]
    st.session_state[key] = min(st.session_state.get(key, 1), count)
    columns = st.columns([1, 1, 6])
    columns[0].button("◀ Previous", key=f"{key}_previous", on_click=_step, args=(key, -1, count),
                      disabled=count == 1)
    columns[1].button("Next ▶", key=f"{key}_next", on_click=_step, args=(key, 1, count), disabled=count == 1)
    if count > 1:
        columns[2].slider(f"{label} (output cell, left to right, top to bottom)", 1, count, key=key)
    return divmod(st.session_state[key] - 1, shape[1])


def _step(key: str, delta: int, count: int) -> None:
    st.session_state[key] = (st.session_state[key] - 1 + delta) % count + 1


def _filled_up_to(output: np.ndarray, row: int, col: int) -> np.ndarray:
    """The output with cells after (row, col) in reading order blanked (NaN)."""
    shown = output.astype(np.float64).copy()
    flat = shown.reshape(-1)
    flat[row * output.shape[1] + col + 1 :] = np.nan
    return shown


def _grid(column, title: str, values: np.ndarray, key: str, **options) -> None:
    with column:
        st.markdown(f"**{title}**")
        st.plotly_chart(figures.grid_figure(values, **options), key=key)

