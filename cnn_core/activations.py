"""The activation functions of the app's models, in NumPy, as Keras defines them (tested against Keras)."""

from __future__ import annotations

import math

import numpy as np

_ERF = np.vectorize(math.erf, otypes=[np.float64])


def activate(name: str | None, values: np.ndarray) -> np.ndarray:
    """``name`` ("relu", "elu", "gelu", "tanh", "sigmoid", "softmax", or None / "linear") applied to ``values``.

    float32 out, of the same shape. Softmax runs over the last axis; GELU is the exact one (with erf), as
    Keras' default.
    """
    values = np.asarray(values, dtype=np.float64)
    if name in (None, "linear"):
        result = values
    elif name == "relu":
        result = np.maximum(values, 0.0)
    elif name == "elu":
        result = np.where(values > 0, values, np.expm1(np.minimum(values, 0.0)))
    elif name == "gelu":
        result = 0.5 * values * (1.0 + _ERF(values / math.sqrt(2.0)))
    elif name == "tanh":
        result = np.tanh(values)
    elif name == "sigmoid":
        result = 1.0 / (1.0 + np.exp(-values))
    elif name == "softmax":
        exponentials = np.exp(values - values.max(axis=-1, keepdims=True))
        result = exponentials / exponentials.sum(axis=-1, keepdims=True)
    else:
        raise ValueError(f"activation must be relu, elu, gelu, tanh, sigmoid, softmax or linear. Received: {name!r}")
    return result.astype(np.float32)
