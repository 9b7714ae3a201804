"""The uint8 pictures the pages show with ``st.image``: small samples enlarged and outlined, kernels on the
signed colour scale of :mod:`ui.figures`, and Grad-CAM heat maps over photos. No Streamlit here."""

from __future__ import annotations

import cv2
import numpy as np

from cnn_core import images
from ui.figures import DIVERGING, GRID_HIGHLIGHT, colour_pixels


def enlarged(image: np.ndarray, side: int = 112) -> np.ndarray:
    """A small picture (a 28 × 28 sample) blown up to (side, side) with visible pixels."""
    return cv2.resize(image, (side, side), interpolation=cv2.INTER_NEAREST)


def outlined(image: np.ndarray, rows: tuple[int, int], columns: tuple[int, int], side: int = 168) -> np.ndarray:
    """A small grey picture enlarged to (side, side, 3) with the inclusive block ``rows`` × ``columns`` outlined."""
    scale = side / image.shape[0]
    picture = cv2.cvtColor(enlarged(image, side), cv2.COLOR_GRAY2RGB) if image.ndim == 2 else enlarged(image, side)
    colour = tuple(int(GRID_HIGHLIGHT[i : i + 2], 16) for i in (1, 3, 5))
    top_left = (round(max(columns[0], 0) * scale), round(max(rows[0], 0) * scale))
    bottom_right = (round(min(columns[1] + 1, image.shape[1]) * scale) - 1,
                    round(min(rows[1] + 1, image.shape[0]) * scale) - 1)
    return cv2.rectangle(picture, top_left, bottom_right, colour, 2)


def kernel_picture(kernel: np.ndarray, side: int = 96) -> np.ndarray:
    """A kernel as an RGB uint8 picture (side, side, 3) on the signed scale of every map: blue negative, grey
    zero, red positive, scaled to its largest magnitude."""
    largest = float(np.abs(kernel).max()) or 1.0
    colours = colour_pixels(kernel, dict(colorscale=DIVERGING, zmin=-largest, zmax=largest))
    return cv2.resize(colours, (side, side), interpolation=cv2.INTER_NEAREST)


def heatmap_overlay(photo: np.ndarray, heatmap: np.ndarray, opacity: float = 0.45) -> np.ndarray:
    """A Grad-CAM heat map painted over a photo: red where the evidence is, blue where there is none.

    Parameters
    ----------
    photo : ndarray of uint8, shape (H, W, 3) or (H, W)
    heatmap : ndarray of float, shape (h, w), values in [0, 1]
        Resized to the photo's size.
    opacity : float
        0 shows only the photo, 1 only the heat map.

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)
    """
    rgb = cv2.cvtColor(photo, cv2.COLOR_GRAY2RGB) if photo.ndim == 2 else photo
    resized = cv2.resize(np.asarray(heatmap, np.float32), (rgb.shape[1], rgb.shape[0]))
    coloured = cv2.cvtColor(cv2.applyColorMap(images.round_to_uint8(255 * resized), cv2.COLORMAP_JET),
                            cv2.COLOR_BGR2RGB)
    return cv2.addWeighted(coloured, opacity, rgb, 1 - opacity, 0)
