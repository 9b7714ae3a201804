"""The uint8 pictures the pages show: photos and feature maps with the values a pointer reads
(:mod:`ui.map_view` draws them), small samples enlarged and outlined, kernels on the signed colour scale of
:mod:`ui.figures`, and Grad-CAM heat maps over photos. No Streamlit here."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from cnn_core import images
from ui.figures import DIVERGING, GREY, GRID_HIGHLIGHT, colour_pixels, colour_scale, grey_levels

#: Larger maps are drawn by sampling every n-th row and column; the pointer still reads true coordinates.
DISPLAY_MAX_SIDE = 480


@dataclass(frozen=True)
class MapPicture:
    """A photo or feature map as drawn: the true values of the drawn cells, and their colour scale.

    The browser colours the values itself (``ui/map_view/frontend/colours.js``), as :attr:`pixels` does here.

    Attributes
    ----------
    values : ndarray of shape (h, w) or (h, w, 3), in the type :func:`hover_values` chooses
        The map's own numbers at the drawn cells: cell (i, j) is the map's row ``i * step``, column ``j * step``.
    step : int
        Every ``step``-th row and column of the map is drawn, so that no side exceeds :data:`DISPLAY_MAX_SIDE`.
    scale : dict or None
        The colour scale of a one-channel map (:func:`ui.figures.colour_scale`); None for a colour picture.
    """

    values: np.ndarray
    step: int
    scale: dict | None

    @property
    def pixels(self) -> np.ndarray:
        """The picture, uint8 of shape (h, w) for a grey one or (h, w, 3): what the browser draws.

        One-channel maps are grey for non-negative values, or on the diverging scale with zero at mid-grey when
        any value is negative. Three channels are a colour picture: a uint8 photo as it is, other maps scaled
        as :func:`cnn_core.images.to_display` does.
        """
        if self.scale is None:
            return images.to_display(self.values)
        if self.scale["colorscale"] is GREY:  # one channel: a third of the pixels, and no colour interpolation
            return grey_levels(self.values, self.scale)
        return colour_pixels(self.values, self.scale)


def map_picture(feature_map: np.ndarray, photo_range: bool = True) -> MapPicture:
    """What the browser draws of ``feature_map`` (H, W) or (H, W, 3), and what the pointer reads on it.

    One-channel maps take the grey scale from 0 to at least 255 with ``photo_range``, as a photo does (else
    stretched to the map's largest value), or the diverging scale when any value is negative; see
    :attr:`MapPicture.pixels`.
    """
    step = max(1, math.ceil(max(feature_map.shape[:2]) / DISPLAY_MAX_SIDE))
    sampled = np.asarray(feature_map)[::step, ::step]
    scale = colour_scale(sampled, photo=photo_range) if sampled.ndim == 2 else None
    return MapPicture(hover_values(sampled), step, scale)


def hover_values(values: np.ndarray) -> np.ndarray:
    """``values`` in the smallest type that holds them exactly, for the pointer to read: what the browser receives.

    A photo's grey levels fit in uint8 and an integer kernel's map of them in int16: a quarter and half the
    bytes of float32, which every other map keeps.
    """
    values = np.asarray(values)
    for kind in (np.uint8, np.int16):
        limits = np.iinfo(kind)
        if values.size and np.all(np.isfinite(values)) and values.min() >= limits.min and values.max() <= limits.max:
            compact = values.astype(kind)
            if np.array_equal(compact, values):
                return compact
    return values.astype(np.float32)


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
