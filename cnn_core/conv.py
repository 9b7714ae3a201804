"""Convolution and pooling: the two operations of a CNN's feature extractor.

Images and feature maps are NumPy arrays laid out as (H, W) or (H, W, C).
Like Keras' ``Conv2D``, :func:`conv2d` computes a *cross-correlation*: the
kernel slides over the image unflipped, and each output value is the dot
product of the kernel with the window under it. (A textbook convolution flips
the kernel first; for kernels that look the same turned upside down, such as
the blurs, the two are identical.)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np

from cnn_core import checks, kernels
from cnn_core.checks import Padding, SizeLike

POOLING_MODES = ("max", "average")
_CV2_MAX_CHANNELS = 4


def output_size(n: int, kernel_size: int, stride: int = 1, padding: Padding = 0) -> int:
    """Length of a convolution or pooling output along one axis.

    This is the formula ``floor((n + 2p - k) / s) + 1``. With ``padding="same"``
    the padding is chosen as Keras does, so that the result is ``ceil(n / s)``;
    when that padding is odd the extra zero goes after the input.

    Parameters
    ----------
    n : int
        Input length (height or width), >= 1.
    kernel_size : int
        Window length k, >= 1.
    stride : int
        Step s between windows, >= 1.
    padding : int or {"valid", "same"}
        Zeros p added on each side, "valid" (p = 0) or "same".

    Returns
    -------
    int
        The output length, >= 1.

    Examples
    --------
    >>> output_size(6, 3)
    4
    >>> output_size(224, 3, stride=2, padding=1)
    112
    """
    before, after = padding_amounts(n, kernel_size, stride, padding)
    return _fitted_length(n, kernel_size, stride, before + after)


def padding_amounts(n: int, kernel_size: int, stride: int = 1, padding: Padding = 0) -> tuple[int, int]:
    """Zeros added before and after the input along one axis.

    Parameters
    ----------
    n, kernel_size, stride, padding
        As in :func:`output_size`.

    Returns
    -------
    (before, after) : tuple of int
        Equal for a number or "valid"; for "same", Keras' split, where
        ``after`` gets the extra zero when the total is odd.
    """
    checks.check_positive(n, "n")
    checks.check_positive(kernel_size, "kernel_size")
    checks.check_positive(stride, "stride")
    checks.check_padding(padding)
    if padding == "valid":
        return 0, 0
    if padding == "same":
        total = max((math.ceil(n / stride) - 1) * stride + kernel_size - n, 0)
        return total // 2, total - total // 2
    return padding, padding


def pad(image: np.ndarray, kernel_shape: tuple[int, int], stride: SizeLike = 1,
        padding: Padding = "valid") -> np.ndarray:
    """Add the zero border that :func:`conv2d` uses.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
    kernel_shape : (kh, kw)
    stride, padding
        As in :func:`conv2d`.

    Returns
    -------
    ndarray of shape (H + top + bottom, W + left + right[, C]), same dtype.
    """
    image = checks.image_array(image, "image")
    (top, bottom), (left, right), _ = conv_geometry(image.shape, kernel_shape, stride, padding)
    widths = [(top, bottom), (left, right)] + [(0, 0)] * (image.ndim - 2)
    return np.pad(image, widths)


def conv2d(image: np.ndarray, kernel: np.ndarray, stride: SizeLike = 1,
           padding: Padding = "valid") -> np.ndarray:
    """Slide ``kernel`` over ``image`` and take the dot product at each stop.

    This is the cross-correlation that a CNN layer computes (Keras ``Conv2D``),
    applied to each channel separately.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
        Any real dtype, for example uint8 in [0, 255]. Values must be finite.
    kernel : array_like of shape (kh, kw)
        Real, finite weights. Odd, even and non-square sizes are all valid.
    stride : int or (int, int)
        Step between windows, >= 1, for both axes or as (rows, columns).
    padding : {"valid", "same"} or int
        "valid" uses only full windows; "same" zero-pads as Keras does so the
        output has ``ceil(H / stride)`` rows; a number adds that many zero rows
        and columns on every side.

    Returns
    -------
    ndarray of float32, shape (H_out, W_out) or (H_out, W_out, C)
        ``H_out = output_size(H, kh, stride, padding)``, likewise ``W_out``.

    Examples
    --------
    >>> image = np.arange(36).reshape(6, 6)
    >>> conv2d(image, np.ones((3, 3))).shape
    (4, 4)
    >>> float(conv2d(image, np.ones((3, 3)))[0, 0])  # 0+1+2 + 6+7+8 + 12+13+14
    63.0
    """
    image = checks.image_array(image, "image")
    if image.dtype.kind == "f" and not np.isfinite(image).all():
        raise ValueError("The image contains NaN or infinite values; every pixel must be a finite number.")
    kernel = kernels.validate_kernel(kernel)
    stride_y, stride_x = checks.size_pair(stride, "stride")
    (top, bottom), (left, right), (rows, cols) = conv_geometry(image.shape, kernel.shape, stride, padding)

    source = _as_opencv_input(image)
    if top + bottom < kernel.shape[0] and left + right < kernel.shape[1]:
        # The zero border fits inside the kernel's reach: let OpenCV supply it
        # (BORDER_CONSTANT is zero) by anchoring the kernel at (left, top).
        # Output (i, j) then sits at (i * stride_y, j * stride_x) of the result.
        anchor = (left, top)
    else:
        bordered = cv2.copyMakeBorder(source, top, bottom, left, right, cv2.BORDER_CONSTANT, value=0)
        source = bordered.reshape(bordered.shape[:2] + image.shape[2:])  # OpenCV drops a channel axis of 1
        anchor = (0, 0)
    full = _per_channel(source, lambda plane: cv2.filter2D(  # (H, W[, C]): every stride-1 position
        plane, cv2.CV_32F, kernel, anchor=anchor, borderType=cv2.BORDER_CONSTANT))
    return _every_stride(full, rows, cols, stride_y, stride_x)


def pool2d(feature_map: np.ndarray, size: SizeLike = 2, stride: SizeLike | None = None,
           mode: str = "max") -> np.ndarray:
    """Downsample by the max or the mean of each window ("valid" pooling).

    Windows that do not fit entirely inside the map are dropped, as in Keras'
    ``MaxPooling2D`` and ``AveragePooling2D`` with ``padding="valid"``.

    Parameters
    ----------
    feature_map : ndarray of shape (H, W) or (H, W, C)
    size : int or (int, int)
        Window size, >= 1.
    stride : int or (int, int), optional
        Step between windows; defaults to ``size`` (no overlap).
    mode : {"max", "average"}

    Returns
    -------
    ndarray of float32, shape (H_out, W_out[, C])
        ``H_out = floor((H - size) / stride) + 1``, likewise ``W_out``.

    Examples
    --------
    >>> pool2d(np.arange(16).reshape(4, 4))
    array([[ 5.,  7.],
           [13., 15.]], dtype=float32)
    """
    feature_map = checks.image_array(feature_map, "feature_map")
    if mode not in POOLING_MODES:
        raise ValueError(f"mode must be one of {POOLING_MODES}. Received: mode={mode!r}")
    size_y, size_x = checks.size_pair(size, "size")
    stride_y, stride_x = checks.size_pair(size if stride is None else stride, "stride")
    rows = output_size(feature_map.shape[0], size_y, stride_y)
    cols = output_size(feature_map.shape[1], size_x, stride_x)

    source = _as_opencv_input(feature_map)
    if mode == "average" and (stride_y, stride_x) == (size_y, size_x):
        # Windows tile the map: an area resize computes exactly these block
        # means, about three times faster than the box filter below.
        tiled = source[: rows * size_y, : cols * size_x].astype(np.float32, copy=False)
        return _per_channel(tiled, lambda plane: cv2.resize(plane, (cols, rows), interpolation=cv2.INTER_AREA),
                            output_shape=(rows, cols))
    # Pool every stride-1 position with the window anchored at its top-left
    # cell, then keep each stride-th one. OpenCV's separable max and box
    # filters make this faster than gathering the windows in NumPy.
    if mode == "max":
        window = np.ones((size_y, size_x), np.uint8)
        full = _per_channel(source, lambda plane: cv2.dilate(plane, window, anchor=(0, 0)))
    else:
        full = _per_channel(source, lambda plane: cv2.boxFilter(
            plane, cv2.CV_32F, (size_x, size_y), anchor=(0, 0), borderType=cv2.BORDER_CONSTANT))
    return _every_stride(full, rows, cols, stride_y, stride_x).astype(np.float32)


def relu(feature_map: np.ndarray) -> np.ndarray:
    """Rectified linear unit: negative values become 0, others are kept.

    Returns a new float32 array of the same shape.
    """
    return np.maximum(np.asarray(feature_map, dtype=np.float32), 0)


def gradient_magnitude(image: np.ndarray, size: int = 3, stride: SizeLike = 1,
                       padding: Padding = "valid") -> np.ndarray:
    """Edge strength in every direction: sqrt(Gx**2 + Gy**2) of a Sobel pair.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
    size : {3, 5, 7}
        Sobel kernel size.
    stride, padding
        As in :func:`conv2d`.

    Returns
    -------
    ndarray of float32, the shape :func:`conv2d` gives; all values >= 0.
    """
    horizontal_change = conv2d(image, kernels.make_kernel("sobel_x", size), stride, padding)
    vertical_change = conv2d(image, kernels.make_kernel("sobel_y", size), stride, padding)
    return np.hypot(horizontal_change, vertical_change)


def _as_opencv_input(array: np.ndarray) -> np.ndarray:
    """uint8 and float32 go to OpenCV as they are; other dtypes become float32."""
    return array if array.dtype in (np.uint8, np.float32) else array.astype(np.float32)


def _every_stride(full: np.ndarray, rows: int, cols: int, stride_y: int, stride_x: int) -> np.ndarray:
    """The (rows, cols) outputs kept from a map of every stride-1 position (a view)."""
    return full[: (rows - 1) * stride_y + 1 : stride_y, : (cols - 1) * stride_x + 1 : stride_x]


def _per_channel(source: np.ndarray, filter_plane: Callable[[np.ndarray], np.ndarray],
                 output_shape: tuple[int, int] | None = None) -> np.ndarray:
    """Apply an OpenCV function to (H, W) or (H, W, C), keeping the channel axis.

    OpenCV handles up to four channels in one call; more go one at a time.
    ``output_shape`` is the (rows, cols) the function returns, if not (H, W).
    """
    if source.ndim == 2 or source.shape[2] <= _CV2_MAX_CHANNELS:
        # OpenCV drops a channel axis of length 1; reshape puts it back.
        return filter_plane(source).reshape((output_shape or source.shape[:2]) + source.shape[2:])
    return np.stack([filter_plane(source[:, :, c]) for c in range(source.shape[2])], axis=-1)


def conv_geometry(image_shape: tuple[int, ...], kernel_shape: tuple[int, ...], stride: SizeLike,
                   padding: Padding) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Zero padding ((top, bottom), (left, right)) and the (rows, cols) output of :func:`conv2d`."""
    stride_y, stride_x = checks.size_pair(stride, "stride")
    vertical = padding_amounts(image_shape[0], kernel_shape[0], stride_y, padding)
    horizontal = padding_amounts(image_shape[1], kernel_shape[1], stride_x, padding)
    rows = _fitted_length(image_shape[0], kernel_shape[0], stride_y, sum(vertical))
    cols = _fitted_length(image_shape[1], kernel_shape[1], stride_x, sum(horizontal))
    return vertical, horizontal, (rows, cols)


def _fitted_length(n: int, kernel_size: int, stride: int, total_padding: int) -> int:
    """floor((n + total_padding - k) / s) + 1, refusing a window that cannot fit."""
    padded = n + total_padding
    if kernel_size > padded:
        raise ValueError(
            f"The window does not fit: kernel_size={kernel_size} is larger than the padded input "
            f"({n} + {total_padding} padding = {padded}). Use a smaller kernel or more padding. "
            f"Received: n={n}, kernel_size={kernel_size}"
        )
    return (padded - kernel_size) // stride + 1
