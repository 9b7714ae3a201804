"""Sections of the Filter Playground that show whole photos: feature maps,
their shape arithmetic, two kernels side by side, and the noise lab."""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core import conv, conv_block, image_quality, images, kernels
from cnn_core.conv_block import SOBEL_MAGNITUDE, Filter
from ui import figures
from ui.map_view import map_view
from ui.playground import state_keys as keys
from ui.playground.controls import CUSTOM, KERNEL_LABELS, LayerSettings, build_filter
from ui.process_cache import ProcessCache

NOISE_LAB_SIZES = (3, 5, 7, 9, 11, 15)
#: The kernels' grids lately drawn, by their numbers: building a Plotly figure took a quarter of the server's
#: time for a slider move, and the kernel rarely changes with it.
_KERNEL_GRIDS = ProcessCache(max_entries=64)


def shape_text(array: np.ndarray) -> str:
    """'H × W × C', with C = 1 for a grayscale (H, W) array."""
    channels = array.shape[2] if array.ndim == 3 else 1
    return f"{array.shape[0]} × {array.shape[1]} × {channels}"


def feature_map_section(image: np.ndarray, layer_filter: Filter, settings: LayerSettings) -> None:
    output = settings.run(image, layer_filter)
    stages = [("Input", image), ("Feature map", output.feature_map)]
    if output.pooled is not None:
        stages.append((f"After {settings.pool_mode} pooling", output.pooled))
    for column, (title, array) in zip(st.columns(len(stages)), stages):
        with column:
            st.markdown(f"**{title}**: {shape_text(array)}")
            map_view(array, keys.map_chart(title))
    _explain_colours(output.feature_map)
    _shape_arithmetic(image, layer_filter, settings, output)
    _downloads(output)


def kernel_numbers(settings: LayerSettings) -> None:
    """The chosen preset kernel's numbers, in an expander; a custom kernel's are in its editor.

    Drawn above the Playground's fragment (:mod:`ui.playground.chosen_section`): the kernel is the sidebar's
    choice, so a layer control's move need not redraw its grid.
    """
    if settings.kernel_name == CUSTOM:
        return
    kernel = build_filter(settings).kernel
    with st.expander("The kernel's numbers"):
        if settings.kernel_name == SOBEL_MAGNITUDE:
            st.caption("Sobel x and its transpose, Sobel y; the map is sqrt(x² + y²) of their two outputs.")
        grid = _KERNEL_GRIDS.get((kernel.tobytes(), kernel.shape), lambda: figures.grid_figure(kernel, decimals=3))
        st.plotly_chart(grid, key=keys.KERNEL_GRID)


def _explain_colours(feature_map: np.ndarray) -> None:
    if feature_map.min() < 0:
        st.caption("This map has negative values: blue is negative, mid-grey is zero, red is positive. "
                   "Point at any picture, or touch it on a phone, to read the exact value under it.")
    else:
        st.caption("Point at any picture, or touch it on a phone, to read the exact value of a pixel.")


def _shape_arithmetic(image: np.ndarray, layer_filter: Filter, settings: LayerSettings,
                      output: conv_block.LayerOutput) -> None:
    kernel_rows, kernel_cols = layer_filter.kernel.shape
    with st.expander("Shape arithmetic", expanded=True):
        st.markdown("Each output side follows **⌊(n + padding − k) / s⌋ + 1**, with n the input side, "
                    "k the window side, s the stride, and padding the zeros added on both ends.")
        formulas = []
        for axis, n, k in (("height", image.shape[0], kernel_rows), ("width", image.shape[1], kernel_cols)):
            before, after = conv.padding_amounts(n, k, settings.stride, settings.padding)
            result = conv.output_size(n, k, settings.stride, settings.padding)
            formulas.append(_formula(f"\\text{{conv {axis}}}", n, before + after, k, settings.stride, result))
        if output.pooled is not None:
            for axis, n in (("height", output.feature_map.shape[0]), ("width", output.feature_map.shape[1])):
                result = conv.output_size(n, settings.pool_size, settings.pool_stride)
                formulas.append(_formula(f"\\text{{pool {axis}}}", n, 0, settings.pool_size, settings.pool_stride,
                                         result))
        # One formula element: each one the browser draws costs a slider move its time.
        st.latex("\\begin{gathered} " + " \\\\[0.6em] ".join(formulas) + " \\end{gathered}")
        if settings.padding == "same":
            st.caption("'same' pads just enough that the output is ⌈n / s⌉; an odd total puts the extra zero "
                       "at the bottom or right, as Keras does.")


def _formula(label: str, n: int, padding: int, k: int, s: int, result: int) -> str:
    """The formula with the visitor's numbers, on two lines so that it fits a phone's width."""
    return (f"\\begin{{aligned}} {label} &= \\left\\lfloor \\frac{{{n} + {padding} - {k}}}{{{s}}} \\right\\rfloor + 1 "
            f"\\\\ &= \\lfloor {(n + padding - k) / s:.4g} \\rfloor + 1 = {result} \\end{{aligned}}")


def _downloads(output: conv_block.LayerOutput) -> None:
    # The PNGs are encoded only when a button is pressed: encoding them on every slider move cost tens of ms.
    columns = st.columns(2)
    columns[0].download_button("Download the feature map (PNG)", lambda: _png(output.feature_map),
                               "feature_map.png", "image/png", key=keys.DOWNLOAD_FEATURE_MAP,
                               help="Saved as shown: zero at mid-grey when the map has negative values.")
    if output.pooled is not None:
        columns[1].download_button("Download the pooled map (PNG)", lambda: _png(output.pooled), "pooled_map.png",
                                   "image/png", key=keys.DOWNLOAD_POOLED)


def _png(feature_map: np.ndarray) -> bytes:
    return images.encode_png(images.to_display(feature_map))


def compare_section(image: np.ndarray, first: Filter, settings: LayerSettings) -> None:
    st.markdown("The same photo, stride, padding and pooling, through two kernels side by side.")
    presets = [name for name in KERNEL_LABELS if name in kernels.KERNELS]
    second_name = st.selectbox("Second kernel", presets, format_func=KERNEL_LABELS.get,
                               index=presets.index("gaussian"), key=keys.COMPARE_KERNEL,
                               help="The kernel chosen in the sidebar is on the left; this one on the right.")
    sizes = kernels.KERNELS[second_name].sizes
    second_size = st.select_slider("Second kernel size", sizes, 3 if 3 in sizes else sizes[0],
                                   key=keys.compare_size(second_name),
                                   help="Side of the second kernel.") if len(sizes) > 1 else sizes[0]
    second = Filter(second_name, kernels.make_kernel(second_name, second_size))
    for index, (column, layer_filter) in enumerate(zip(st.columns(2), (first, second))):
        with column:
            output = settings.run(image, layer_filter)
            final = output.pooled if output.pooled is not None else output.feature_map
            st.markdown(f"**{KERNEL_LABELS[layer_filter.name]}**: {shape_text(final)}")
            map_view(final, keys.compare_chart(index))


def noise_lab_section(clean: np.ndarray, noisy: np.ndarray, settings: LayerSettings) -> None:
    st.markdown("A classic test: blur a noisy photo with a **mean** filter and with a **Gaussian** filter of the "
                "same size. Which removes more noise, and which keeps the edges sharper? The numbers below are "
                "measured on this photo, in grayscale.")
    if settings.noise_kind is None:
        st.info("The photo has no noise yet: choose a noise type in the sidebar (Input → Noise).")
    size = st.select_slider("Filter size", NOISE_LAB_SIZES, 5, key=keys.NOISE_LAB_SIZE,
                            help="Both filters use this size; the Gaussian uses OpenCV's automatic sigma.")
    if clean.ndim == 3:
        clean, noisy = images.to_grayscale(clean), images.to_grayscale(noisy)
    margin = size // 2
    reference = clean[margin:-margin, margin:-margin]  # the part a "valid" filter output covers
    results = [("Clean photo", reference), ("Noisy", noisy[margin:-margin, margin:-margin])]
    for name in ("mean", "gaussian"):
        results.append((KERNEL_LABELS[name], np.clip(conv.conv2d(noisy, kernels.make_kernel(name, size)), 0, 255)))
    scores = {title: (image_quality.psnr(reference, picture), image_quality.edge_retention(reference, picture))
              for title, picture in results[1:]}
    for column, (title, picture) in zip(st.columns(4), results):
        with column:
            st.markdown(f"**{title}**")
            map_view(picture, keys.noise_lab_chart(title), height=220, show_scale=False)
            if title in scores:
                peak_snr, edges_kept = scores[title]
                st.metric("PSNR vs clean", "identical" if np.isinf(peak_snr) else f"{peak_snr:.2f} dB",
                          help="Peak signal-to-noise ratio: higher means closer to the clean photo.")
                st.metric("Edge strength kept", f"{100 * edges_kept:.0f} %",
                          help="Gradient strength at the clean photo's strongest 10% edges, relative to the clean "
                               "photo: lower means blurrier edges.")
    mean_psnr, mean_edges = scores[KERNEL_LABELS["mean"]]
    gauss_psnr, gauss_edges = scores[KERNEL_LABELS["gaussian"]]
    gain = gauss_psnr - mean_psnr
    st.markdown(f"On this photo the Gaussian filter keeps **{100 * gauss_edges:.0f} %** of the edge strength "
                f"against **{100 * mean_edges:.0f} %** for the mean filter, and its PSNR is "
                f"**{abs(gain):.2f} dB {'higher' if gain >= 0 else 'lower'}** than the mean filter's "
                f"({'less' if gain >= 0 else 'more'} error overall).")
