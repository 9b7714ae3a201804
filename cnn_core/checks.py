"""What counts as a whole number, a rate, a learning rate, a size and a padding: one definition each.

A count is an ``int`` or a NumPy integer, never a ``bool`` (``True`` is an
``int`` in Python, and ``stride=True`` is a mistake, not a stride of 1).
"""

from __future__ import annotations

import numbers

import numpy as np

#: "valid" (no padding), "same" (Keras: output length ceil(n / stride)), or a
#: number of zero rows and columns added on every side.
Padding = str | int
#: One number for both axes, or a (rows, columns) pair.
SizeLike = int | tuple[int, int]


def is_whole_number(value: object) -> bool:
    """Whether ``value`` is an integer (Python or NumPy) and not a bool.

    >>> is_whole_number(3), is_whole_number(True), is_whole_number(3.0)
    (True, False, False)
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_whole_number(name: str, value: object, low: int, high: int) -> None:
    """Raise ValueError unless ``value`` is a whole number (not a bool) from ``low`` to ``high``."""
    if not is_whole_number(value) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}. Received: {value!r}")


def check_rate(name: str, value: object) -> None:
    """Raise ValueError unless ``value`` is a real number (not a bool) at least 0 and below 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"{name} must be at least 0 and below 1. Received: {value!r}")


def check_learning_rate(value: object) -> None:
    """Raise ValueError unless ``value`` is a real number (not a bool) in (0, 1]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value <= 1:
        raise ValueError(f"learning_rate must be in (0, 1]. Received: learning_rate={value!r}")


def image_array(image: np.ndarray, name: str) -> np.ndarray:
    """``image`` as an array of real numbers of shape (H, W) or (H, W, C), or ValueError naming ``name``."""
    array = np.asarray(image)
    if array.ndim not in (2, 3) or array.size == 0:
        raise ValueError(f"{name} must be a non-empty array of shape (H, W) or (H, W, C). "
                         f"Received: {name}.shape={array.shape}")
    if array.dtype.kind not in "buif":
        raise ValueError(f"{name} must hold real numbers. Received: {name}.dtype={array.dtype}")
    return array


def size_pair(value: SizeLike, name: str) -> tuple[int, int]:
    """One whole number >= 1 for both axes, or a (rows, columns) pair of them, as a pair."""
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2 or not all(_is_positive(v) for v in pair):
        raise ValueError(f"{name} must be an integer >= 1 or a pair of them. Received: {name}={value!r}")
    return int(pair[0]), int(pair[1])


def check_positive(value: int, name: str) -> None:
    """Raise ValueError unless ``value`` is a whole number >= 1."""
    if not _is_positive(value):
        raise ValueError(f"{name} must be an integer >= 1. Received: {name}={value!r}")


def _is_positive(value: object) -> bool:
    return is_whole_number(value) and value >= 1


def check_padding(padding: Padding) -> None:
    """Raise ValueError unless ``padding`` is "valid", "same" or a whole number >= 0."""
    is_count = is_whole_number(padding) and padding >= 0
    if not (is_count or padding in ("valid", "same")):
        raise ValueError(f'padding must be "valid", "same" or an integer >= 0. Received: padding={padding!r}')
