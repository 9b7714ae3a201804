"""What counts as a whole number, a rate and a learning rate: one definition each, for every module.

A count is an ``int`` or a NumPy integer, never a ``bool`` (``True`` is an
``int`` in Python, and ``stride=True`` is a mistake, not a stride of 1).
"""

from __future__ import annotations

import numbers


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
