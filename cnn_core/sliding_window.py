"""One stop of the sliding window at a time: what the step-through lab shows of conv2d and pool2d.

Each function returns the :class:`Window` behind one output cell: where it
sits, the input values under it, and how they became that cell's value. They
share :mod:`cnn_core.conv`'s geometry, so a window is always where ``conv2d``
and ``pool2d`` put it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_core import checks, kernels
from cnn_core.checks import Padding, SizeLike
from cnn_core.conv import conv_geometry, pad, pool2d


@dataclass(frozen=True)
class Window:
    """One stop of a sliding window, for step-by-step teaching.

    Attributes
    ----------
    top, left : int
        Position of the window's top-left cell in the padded input.
    values : ndarray of shape (kh, kw)
        The input values under the window.
    products : ndarray of shape (kh, kw) or None
        Element-wise products with the kernel (convolution only).
    result : float
        What lands in the output cell: the sum of ``products``, or the max or
        mean of ``values`` for pooling.
    """

    top: int
    left: int
    values: np.ndarray
    products: np.ndarray | None
    result: float


def conv_window(image: np.ndarray, kernel: np.ndarray, row: int, col: int,
                stride: SizeLike = 1, padding: Padding = "valid") -> Window:
    """The window behind output cell (row, col) of ``conv.conv2d`` on a 2-D image.

    Parameters
    ----------
    image : ndarray of shape (H, W)
    kernel : array_like of shape (kh, kw)
    row, col : int
        Output cell, within the shape ``conv.conv2d`` returns.
    stride, padding
        As in :func:`cnn_core.conv.conv2d`.
    """
    image = checks.image_array(image, "image")
    if image.ndim != 2:
        raise ValueError(f"conv_window needs a 2-D image. Received: image.shape={image.shape}")
    kernel = kernels.validate_kernel(kernel)
    *_, output_shape = conv_geometry(image.shape, kernel.shape, stride, padding)
    top, left = _window_corner(row, col, output_shape, stride)
    padded = pad(image, kernel.shape, stride, padding).astype(np.float32)
    values = padded[top : top + kernel.shape[0], left : left + kernel.shape[1]]
    products = values * kernel
    return Window(top, left, values, products, float(products.sum()))


def pool_window(feature_map: np.ndarray, row: int, col: int, size: SizeLike = 2,
                stride: SizeLike | None = None, mode: str = "max") -> Window:
    """The window behind output cell (row, col) of ``conv.pool2d`` on a 2-D map.

    Parameters are as in :func:`cnn_core.conv.pool2d`; ``row`` and ``col`` must lie within
    the shape it returns.
    """
    output_shape = pool2d(feature_map, size, stride, mode).shape
    if np.ndim(feature_map) != 2:
        raise ValueError(f"pool_window needs a 2-D map. Received: feature_map.shape={np.shape(feature_map)}")
    size_y, size_x = checks.size_pair(size, "size")
    top, left = _window_corner(row, col, output_shape, size if stride is None else stride)
    values = np.asarray(feature_map, dtype=np.float32)[top : top + size_y, left : left + size_x]
    result = values.max() if mode == "max" else values.mean()
    return Window(top, left, values, None, float(result))


def _window_corner(row: int, col: int, output_shape: tuple[int, ...], stride: SizeLike) -> tuple[int, int]:
    rows, cols = output_shape[:2]
    if not (0 <= row < rows and 0 <= col < cols):
        raise ValueError(
            f"The output cell must lie inside the {rows}x{cols} output. Received: row={row}, col={col}"
        )
    stride_y, stride_x = checks.size_pair(stride, "stride")
    return row * stride_y, col * stride_x
