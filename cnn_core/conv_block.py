"""One convolutional block, as the Filter Playground and the home page run it: a filter, ReLU, pooling.

A :class:`Filter` is a kernel with a name; the Sobel magnitude is the one
filter that is two kernels (Sobel x and y) combined. :func:`run_layer` slides it
over an image, then applies ReLU and pooling when asked, exactly as
:func:`cnn_core.conv.conv2d`, :func:`~cnn_core.conv.relu` and
:func:`~cnn_core.conv.pool2d` do one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_core import conv, kernels
from cnn_core.checks import Padding, SizeLike

#: The filter that combines Sobel x and y into the edge strength in every direction.
SOBEL_MAGNITUDE = "sobel_magnitude"


@dataclass(frozen=True)
class Filter:
    """A kernel, or the Sobel pair combined into one edge-strength map."""

    name: str
    kernel: np.ndarray  # (kh, kw); for the Sobel magnitude, its x kernel

    def apply(self, image: np.ndarray, stride: SizeLike = 1, padding: Padding = "valid") -> np.ndarray:
        """The feature map of ``image`` (H, W) or (H, W, C): float32, the shape :func:`cnn_core.conv.conv2d` gives."""
        if self.name == SOBEL_MAGNITUDE:
            return conv.gradient_magnitude(image, self.kernel.shape[0], stride, padding)
        return conv.conv2d(image, self.kernel, stride, padding)


def preset_of(name: str) -> str:
    """The :data:`cnn_core.kernels.KERNELS` preset behind a filter name (the Sobel magnitude's is Sobel x)."""
    return "sobel_x" if name == SOBEL_MAGNITUDE else name


def filter_for(name: str, size: int = 3, sigma: float | None = None) -> Filter:
    """The named preset of :func:`cnn_core.kernels.make_kernel`, or :data:`SOBEL_MAGNITUDE`, as a Filter."""
    return Filter(name, kernels.make_kernel(preset_of(name), size, sigma))


@dataclass(frozen=True)
class LayerOutput:
    """The stages of one convolutional block, each (H, W) or (H, W, C) float32."""

    feature_map: np.ndarray  # after the convolution and, if chosen, ReLU
    pooled: np.ndarray | None  # after pooling, or None without it


def run_layer(image: np.ndarray, layer_filter: Filter, stride: SizeLike = 1, padding: Padding = "valid",
              relu: bool = False, pool_mode: str | None = None, pool_size: SizeLike = 2,
              pool_stride: SizeLike | None = None) -> LayerOutput:
    """Convolution, then ReLU if ``relu``, then ``pool_mode`` pooling ("max" or "average") if given.

    Raises
    ------
    ValueError
        For settings that do not fit the image, from :mod:`cnn_core.conv`.
    """
    feature_map = layer_filter.apply(image, stride, padding)
    if relu:
        feature_map = conv.relu(feature_map)
    pooled = conv.pool2d(feature_map, pool_size, pool_stride, pool_mode) if pool_mode else None
    return LayerOutput(feature_map, pooled)
