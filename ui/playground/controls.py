"""The Filter Playground's controls, read into one frozen settings object."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core import conv, conv_block, image_quality, images, kernels
from cnn_core.conv_block import SOBEL_MAGNITUDE, Filter
from ui.image_picker import PickedImage
from ui.playground import state_keys as keys
from ui.process_cache import ProcessCache
from ui.url_settings import UrlSettings

CUSTOM = "custom"


def _kernel_menu() -> dict[str, str]:
    """Every preset under its plain name, the Sobel magnitude right after the Sobel pair, then custom."""
    menu = {}
    for name, info in kernels.KERNELS.items():
        menu[name] = info.label
        if name == "sobel_y":
            menu[SOBEL_MAGNITUDE] = "Sobel magnitude (edges in every direction)"
    return {**menu, CUSTOM: "Custom (edit the numbers yourself)"}


KERNEL_LABELS = _kernel_menu()
CHANNEL_TOKENS = {"Grayscale": "gray", "RGB": "rgb"}
NOISE_LABELS = {"none": "None", "gaussian": "Gaussian (grain)", "salt_and_pepper": "Salt and pepper (specks)"}
POOL_LABELS = {"none": "None", "max": "Max", "average": "Average"}
MAX_STRIDE = 8
MAX_POOL_SIZE = 8
#: The controls' settings a link can hold; several show only with some choices (sigma without automatic sigma).
LINKED_SETTINGS = ("channels", "noise", "noise_level", "kernel", "kernel_size", "auto_sigma", "sigma", "stride",
                   "padding", "padding_amount", "relu", "pool", "pool_size", "pool_stride")
#: The photos lately prepared (channels and noise), by content id and settings.
_PREPARED = ProcessCache(max_entries=8)


@dataclass(frozen=True)
class LayerSettings:
    """Everything the Playground's controls set: input preparation and the filter (the sidebar), then stride,
    padding, ReLU and pooling (the layer's controls above the pictures)."""

    grayscale: bool = True
    noise_kind: str | None = None
    noise_level: float = 0.1
    kernel_name: str = "sobel_x"
    kernel_size: int = 3
    sigma: float | None = None
    stride: int = 1
    padding: conv.Padding = "valid"
    relu: bool = False
    pool_mode: str | None = None
    pool_size: int = 2
    pool_stride: int = 2

    def run(self, image: np.ndarray, layer_filter: Filter) -> conv_block.LayerOutput:
        """:func:`cnn_core.conv_block.run_layer` with these settings. Raises ValueError for impossible ones."""
        return conv_block.run_layer(image, layer_filter, self.stride, self.padding, self.relu, self.pool_mode,
                                    self.pool_size, self.pool_stride)


def sidebar_settings(link: UrlSettings) -> LayerSettings:
    """Draw the sidebar's controls (the input and the kernel), starting from the page link's values, and return
    what they are set to, with the layer's defaults: :func:`layer_controls` sets those."""
    st.header("Input")
    start = link.choice("channels", keys.CHANNELS, list(CHANNEL_TOKENS), "Grayscale", CHANNEL_TOKENS)
    channels = st.radio("Channels", list(CHANNEL_TOKENS), horizontal=True, **start.as_index(CHANNEL_TOKENS),
                        help="Grayscale: one channel of brightness. RGB: the kernel slides over the red, "
                             "green and blue channels one at a time.")
    grayscale = channels == "Grayscale"
    start = link.choice("noise", keys.NOISE, list(NOISE_LABELS), "none")
    noise_choice = st.selectbox("Noise", list(NOISE_LABELS), format_func=NOISE_LABELS.get,
                                **start.as_index(NOISE_LABELS),
                                help="Spoil the photo on purpose, to see which filters clean it up.")
    noise_kind = None if noise_choice == "none" else noise_choice
    noise_level = 0.1
    if noise_kind:
        start = link.number("noise_level", keys.NOISE_LEVEL, 0.01, 0.5, 0.01, 0.1)
        noise_level = st.slider("Noise level", 0.01, 0.5, step=0.01, **start.as_value(),
                                help="Gaussian: spread of the grain as a fraction of full brightness. "
                                     "Salt and pepper: fraction of pixels turned black or white.")

    st.header("Kernel")
    start = link.choice("kernel", keys.KERNEL, list(KERNEL_LABELS), "sobel_x")
    kernel_name = st.selectbox("Kernel", list(KERNEL_LABELS), format_func=KERNEL_LABELS.get,
                               **start.as_index(KERNEL_LABELS),
                               help="The small grid of weights that slides over the image.")
    kernel_size, sigma = _kernel_size_and_sigma(kernel_name, link)
    return LayerSettings(grayscale, noise_kind, noise_level, kernel_name, kernel_size, sigma)


def layer_controls(link: UrlSettings, settings: LayerSettings) -> LayerSettings:
    """Draw the layer's controls, convolution then pooling side by side, and return ``settings`` with their values.

    They sit above the pictures they change, in the fragment of :mod:`ui.playground.chosen_section`.
    """
    convolution, pooling = st.columns(2, border=True)
    with convolution:
        stride, padding, relu = _convolution_controls(link)
    with pooling:
        pool_mode, pool_size, pool_stride = _pooling_controls(link)
    return dataclasses.replace(settings, stride=stride, padding=padding, relu=relu, pool_mode=pool_mode,
                               pool_size=pool_size, pool_stride=pool_stride)


def _convolution_controls(link: UrlSettings) -> tuple[int, conv.Padding, bool]:
    stride = st.slider("Stride", 1, MAX_STRIDE, **link.whole_number("stride", keys.STRIDE, 1, MAX_STRIDE, 1).as_value(),
                       help="How many pixels the kernel jumps between stops. Stride 2 keeps every second "
                            "position, so the output is about half as wide and half as high.")
    padding_modes = ["valid", "same", "number"]
    padding_mode = st.radio("Padding", padding_modes, horizontal=True,
                            **link.choice("padding", keys.PADDING, padding_modes, "valid").as_index(padding_modes),
                            help="valid: no border, the output shrinks. same: just enough zeros that the output is "
                                 "input ÷ stride, rounded up (as Keras does). number: that many rows and "
                                 "columns of zeros on every side.")
    padding = padding_mode
    if padding_mode == "number":
        padding = int(st.number_input("Zero rows and columns on each side", 0, 20,
                                      **link.whole_number("padding_amount", keys.PADDING_AMOUNT, 0, 20, 1).as_value(),
                                      help="Each side gets this many zeros, so the input grows by twice it."))
    relu = st.checkbox("ReLU after convolution", **link.flag("relu", keys.RELU, False).as_value(),
                       help="Rectified linear unit: negative values become 0, as after most CNN layers.")
    return stride, padding, relu


def _pooling_controls(link: UrlSettings) -> tuple[str | None, int, int]:
    start = link.choice("pool", keys.POOLING, list(POOL_LABELS), "none")
    pool_choice = st.radio("Pooling", list(POOL_LABELS), format_func=POOL_LABELS.get, horizontal=True,
                           **start.as_index(POOL_LABELS),
                           help="Shrink the feature map: keep the largest (max) or the mean (average) value of "
                                "each window.")
    pool_mode = None if pool_choice == "none" else pool_choice
    pool_size = pool_stride = 2
    if pool_mode:
        pool_size = st.slider("Pool size", 1, MAX_POOL_SIZE,
                              **link.whole_number("pool_size", keys.POOL_SIZE, 1, MAX_POOL_SIZE, 2).as_value(),
                              help="Side of the square window.")
        pool_stride = st.slider("Pool stride", 1, MAX_POOL_SIZE,
                                **link.whole_number("pool_stride", keys.pool_stride(pool_size), 1, MAX_POOL_SIZE,
                                                    pool_size).as_value(),
                                help="Step between windows; equal to the size by default, so windows don't overlap.")
    return pool_mode, pool_size, pool_stride


def _kernel_size_and_sigma(kernel_name: str, link: UrlSettings) -> tuple[int, float | None]:
    if kernel_name == CUSTOM:
        st.caption("Edit the grid above the pictures.")
        return 0, None
    preset = conv_block.preset_of(kernel_name)
    info = kernels.KERNELS[preset]
    st.caption("sqrt(Sobel x² + Sobel y²): how strongly the brightness changes, whatever the direction."
               if kernel_name == SOBEL_MAGNITUDE else info.description)
    size = info.sizes[0]
    if len(info.sizes) > 1:
        default = 3 if 3 in info.sizes else info.sizes[0]
        size = st.select_slider("Kernel size", info.sizes,
                                **link.choice("kernel_size", keys.kernel_size(preset), info.sizes, default).as_value(),
                                help="Side of the square kernel: bigger kernels see more of the image at once.")
    if not info.uses_sigma:
        return size, None
    if st.checkbox("Automatic sigma", **link.flag("auto_sigma", keys.AUTO_SIGMA, True).as_value(),
                   help="OpenCV's rule: sigma = 0.3 × ((size − 1) × 0.5 − 1) + 0.8."):
        return size, None
    start = link.number("sigma", keys.SIGMA, 0.1, 8.0, 0.1, round(kernels.default_sigma(size), 1))
    sigma = st.slider("Sigma", 0.1, 8.0, step=0.1, **start.as_value(),
                      help="How fast the weights fall off from the centre: larger means blurrier.")
    return size, sigma


def build_filter(settings: LayerSettings) -> Filter:
    """The chosen filter; for a custom kernel, also draws the grid editor.

    Raises ValueError with a readable message for an invalid custom grid.
    """
    if settings.kernel_name == CUSTOM:
        return Filter(CUSTOM, _custom_kernel_editor())
    return conv_block.filter_for(settings.kernel_name, settings.kernel_size, settings.sigma)


def _custom_kernel_editor() -> np.ndarray:
    with st.expander("Custom kernel", expanded=True):
        st.caption(f"Type any numbers, up to {kernels.MAX_KERNEL_SIZE}×{kernels.MAX_KERNEL_SIZE}. "
                   "Try a row of −1, 0, 1 for an edge detector, or all 1/9 for a blur.")
        columns = st.columns(2)
        rows = int(columns[0].number_input("Rows", 1, kernels.MAX_KERNEL_SIZE, 3, key=keys.CUSTOM_ROWS,
                                           help="Height of the kernel. Changing it starts a fresh grid."))
        cols = int(columns[1].number_input("Columns", 1, kernels.MAX_KERNEL_SIZE, 3, key=keys.CUSTOM_COLUMNS,
                                           help="Width of the kernel. Changing it starts a fresh grid."))
        start = np.full((rows, cols), "0", dtype=object)
        start[rows // 2, cols // 2] = "1"
        grid = pd.DataFrame(start, columns=[str(c + 1) for c in range(cols)])
        # Text cells: a number cell dropped the caption's minus sign (−, not -) and refused fractions like 1/9.
        edited = st.data_editor(grid, key=keys.custom_grid(rows, cols), hide_index=True, column_config={
            name: st.column_config.TextColumn(name, required=True, help="A number: -1, 0.5, 1/9, …")
            for name in grid.columns})
    return kernels.kernel_from_text(edited.to_numpy().tolist(), kernels.MAX_KERNEL_SIZE)


def prepare_input(picked: PickedImage, grayscale: bool, noise_kind: str | None,
                  noise_level: float) -> tuple[np.ndarray, np.ndarray]:
    """(clean, noisy) photo in the chosen channels, read-only; without noise both are the same array.

    Kept by the photo's content id: hashing a 1024-pixel photo for ``st.cache_data`` and copying the result
    back cost more on every slider move than the conversion itself.
    """
    def make() -> tuple[np.ndarray, np.ndarray]:
        clean = images.to_grayscale(picked.pixels) if grayscale else picked.pixels
        noisy = clean if noise_kind is None else image_quality.add_noise(clean, noise_kind, noise_level, seed=0)
        for array in (clean, noisy):
            array.flags.writeable = False
        return clean, noisy

    return _PREPARED.get((picked.content_id, grayscale, noise_kind, noise_level), make)
