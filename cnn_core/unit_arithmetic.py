"""The arithmetic behind one output number of one Keras layer, redone in NumPy from the layer's input.

Used by :func:`cnn_core.inside.explain_unit`; each ``_explain_<kind>`` takes
the layer, its input for one image (no batch axis), its output and the index of
the number, and returns the terms that make it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from cnn_core import activations

#: How many of a dense unit's weight × input terms are listed one by one; the rest are summed.
TOP_TERMS = 8


@dataclass(frozen=True)
class UnitExplanation:
    """How one number came about. Fields that do not apply to the layer kind are None.

    Attributes
    ----------
    layer_name, kind : str
        The layer and its Keras class name.
    index : tuple of int
        ``(row, column, channel)`` or ``(unit,)``.
    value : float
        The layer's own output at ``index``.
    pre_activation : float or None
        Conv and Dense: the sum of ``products`` plus ``bias``, before ``activation``.
    activation : str or None
        The activation inside the layer, such as "relu" or "softmax".
    inputs : ndarray of float32 or None
        Conv: the (kh, kw, C_in) window of the layer before, zeros where
        padding reaches past it. Pooling: the (ph, pw) window of this channel,
        NaN where padding reaches past it. Dense: all (N,) inputs.
    weights, products : ndarray of float32 or None
        The kernel for this output channel (kh, kw, C_in), or this unit's
        weight column (N,); and ``inputs * weights``.
    channel_sums : ndarray of float32, shape (C_in,), or None
        Conv: ``products`` summed over the window, per input channel.
    bias : float or None
    window_rows, window_columns : tuple of int or None
        The window's first and one-past-last row and column in the layer
        before; below 0 or past its size where padding adds cells.
    winner : tuple of int or None
        Max pooling: the (row, column) of the largest cell within the window.
    source : tuple of int or None
        Flatten: the (row, column, channel) of the map entry this one copies.
        Elementwise layers (activation, normalisation, dropout): ``index``.
    input_value : float or None
        Elementwise layers: the number they received.
    normalisation : dict of str to float, or None
        Batch normalisation: mean, variance, epsilon, gamma and beta of this channel.
    top_terms : tuple of (input index, input, weight, product), or None
        Dense: the :data:`TOP_TERMS` largest terms by size; ``rest_sum`` holds the others' sum.
    rest_sum : float or None
    logits : ndarray of float32 or None
        Softmax layers: every unit's logit; ``value`` is exp of this one's over the sum of them all.
    receptive_field : ((top, bottom), (left, right)) or None
        Map units: the input pixels (inclusive) this number depends on.
    active : bool
        False where the layer passes its input through unchanged at inference.
    """

    layer_name: str
    kind: str
    index: tuple[int, ...]
    value: float
    pre_activation: float | None = None
    activation: str | None = None
    inputs: np.ndarray | None = None
    weights: np.ndarray | None = None
    products: np.ndarray | None = None
    channel_sums: np.ndarray | None = None
    bias: float | None = None
    window_rows: tuple[int, int] | None = None
    window_columns: tuple[int, int] | None = None
    winner: tuple[int, int] | None = None
    source: tuple[int, ...] | None = None
    input_value: float | None = None
    normalisation: dict[str, float] | None = None
    top_terms: tuple[tuple[int, float, float, float], ...] | None = None
    rest_sum: float | None = None
    logits: np.ndarray | None = None
    receptive_field: tuple[tuple[int, int], tuple[int, int]] | None = None
    active: bool = True


def explain(layer, inputs: np.ndarray, output: np.ndarray, index: tuple[int, ...]) -> UnitExplanation:
    """Dispatch on the layer's kind; ValueError naming a kind that is not covered."""
    from cnn_core.inside import INACTIVE_AT_INFERENCE

    kind = type(layer).__name__
    common = {"layer_name": layer.name, "kind": kind, "index": index, "value": float(output[index])}
    if kind in INACTIVE_AT_INFERENCE:
        return UnitExplanation(**common, source=index, input_value=float(inputs[index]), active=False)
    if kind not in EXPLAINED:
        raise ValueError(f"explain_unit does not cover layers of kind {kind} (layer {layer.name!r}); it covers "
                         f"{', '.join(EXPLAINED + INACTIVE_AT_INFERENCE)}.")
    return _EXPLAINERS[kind](layer, np.asarray(inputs, dtype=np.float32), index, common)


def with_receptive_field(explanation: UnitExplanation, field) -> UnitExplanation:
    return dataclasses.replace(explanation, receptive_field=field)


def activation_name(layer) -> str | None:
    """The activation inside a layer, or None for none or "linear"."""
    activation = getattr(layer, "activation", None)
    name = getattr(activation, "__name__", None)
    return None if name in (None, "linear") else name


def same_padding(size: int, window: int, stride: int) -> tuple[int, int]:
    """Rows (or columns) of zeros TensorFlow adds before and after for padding "same"."""
    total = max((math.ceil(size / stride) - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def spatial_window(layer) -> tuple[tuple[int, int], tuple[int, int], str] | None:
    """(window, strides, padding) of a layer that slides a window over a map, else None."""
    kind = type(layer).__name__
    if kind == "Conv2D":
        return tuple(layer.kernel_size), tuple(layer.strides), layer.padding
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        return tuple(layer.pool_size), tuple(layer.strides), layer.padding
    return None


def _window(layer, inputs: np.ndarray, row: int, column: int, fill: float):
    """The (kh, kw, C) cut of ``inputs`` under the window of output cell (row, column), ``fill`` outside."""
    (kernel_rows, kernel_columns), (stride_rows, stride_columns), padding = spatial_window(layer)
    height, width = inputs.shape[:2]
    pad_top = same_padding(height, kernel_rows, stride_rows)[0] if padding == "same" else 0
    pad_left = same_padding(width, kernel_columns, stride_columns)[0] if padding == "same" else 0
    top, left = row * stride_rows - pad_top, column * stride_columns - pad_left
    window = np.full((kernel_rows, kernel_columns, inputs.shape[2]), fill, dtype=np.float32)
    inside_rows = slice(max(top, 0), min(top + kernel_rows, height))
    inside_columns = slice(max(left, 0), min(left + kernel_columns, width))
    window[inside_rows.start - top : inside_rows.stop - top,
           inside_columns.start - left : inside_columns.stop - left] = inputs[inside_rows, inside_columns]
    return window, (top, top + kernel_rows), (left, left + kernel_columns)


def _activate(name: str | None, value: float) -> float:
    return float(activations.activate(name, np.array([value]))[0])


def _explain_conv(layer, inputs, index, common) -> UnitExplanation:
    if tuple(layer.dilation_rate) != (1, 1) or layer.groups != 1 or layer.data_format != "channels_last":
        raise ValueError(f"explain_unit covers Conv2D layers without dilation or groups, channels last; "
                         f"{layer.name!r} has dilation_rate={layer.dilation_rate}, groups={layer.groups}.")
    row, column, channel = index
    weights = layer.get_weights()
    kernel = np.asarray(weights[0][..., channel], dtype=np.float32)
    bias = float(weights[1][channel]) if layer.use_bias else 0.0
    window, rows, columns = _window(layer, inputs, row, column, 0.0)
    products = window * kernel
    channel_sums = products.sum(axis=(0, 1), dtype=np.float64)
    pre_activation = float(channel_sums.sum()) + bias
    activation = activation_name(layer)
    return UnitExplanation(**common, pre_activation=pre_activation, activation=activation, inputs=window,
                           weights=kernel, products=products, channel_sums=channel_sums.astype(np.float32),
                           bias=bias, window_rows=rows, window_columns=columns)


def _explain_pooling(layer, inputs, index, common) -> UnitExplanation:
    row, column, channel = index
    window, rows, columns = _window(layer, inputs[..., channel : channel + 1], row, column, np.nan)
    window = window[..., 0]
    winner = None
    if type(layer).__name__ == "MaxPooling2D":
        winner = tuple(int(value) for value in np.unravel_index(np.nanargmax(window), window.shape))
    return UnitExplanation(**common, inputs=window, window_rows=rows, window_columns=columns, winner=winner)


def _explain_global_pooling(layer, inputs, index, common) -> UnitExplanation:
    window = inputs[..., index[0]]
    return UnitExplanation(**common, inputs=window, window_rows=(0, window.shape[0]),
                           window_columns=(0, window.shape[1]))


def _explain_flatten(layer, inputs, index, common) -> UnitExplanation:
    source = tuple(int(value) for value in np.unravel_index(index[0], inputs.shape))
    return UnitExplanation(**common, source=source, input_value=float(inputs[source]))


def _explain_dense(layer, inputs, index, common) -> UnitExplanation:
    (unit,) = index
    weights = layer.get_weights()
    inputs = inputs.reshape(-1)
    column = np.asarray(weights[0][:, unit], dtype=np.float32)
    bias = float(weights[1][unit]) if layer.use_bias else 0.0
    products = inputs * column
    order = np.argsort(-np.abs(products), kind="stable")
    top = order[:TOP_TERMS]
    top_terms = tuple((int(i), float(inputs[i]), float(column[i]), float(products[i])) for i in top)
    rest_sum = float(products[order[TOP_TERMS:]].sum(dtype=np.float64))
    pre_activation = float(products.sum(dtype=np.float64)) + bias
    activation = activation_name(layer)
    logits = None
    if activation == "softmax":
        all_biases = weights[1] if layer.use_bias else 0.0
        logits = (inputs.astype(np.float64) @ weights[0] + all_biases).astype(np.float32)
    return UnitExplanation(**common, pre_activation=pre_activation, activation=activation, inputs=inputs,
                           weights=column, products=products, bias=bias, top_terms=top_terms, rest_sum=rest_sum,
                           logits=logits)


def _explain_batch_norm(layer, inputs, index, common) -> UnitExplanation:
    if layer.axis not in (-1, inputs.ndim):
        raise ValueError(f"explain_unit covers batch normalisation over the last axis; {layer.name!r} has "
                         f"axis={layer.axis}.")
    channel = index[-1]
    normalisation = {"mean": float(layer.moving_mean.numpy()[channel]),
                     "variance": float(layer.moving_variance.numpy()[channel]), "epsilon": float(layer.epsilon),
                     "gamma": float(layer.gamma.numpy()[channel]) if layer.scale else 1.0,
                     "beta": float(layer.beta.numpy()[channel]) if layer.center else 0.0}
    return UnitExplanation(**common, source=index, input_value=float(inputs[index]), normalisation=normalisation)


def _explain_activation(layer, inputs, index, common) -> UnitExplanation:
    if type(layer).__name__ == "ReLU" and (layer.max_value is not None or layer.negative_slope or layer.threshold):
        raise ValueError(f"explain_unit covers the plain ReLU layer; {layer.name!r} has a maximum, slope or "
                         f"threshold.")
    name = "relu" if type(layer).__name__ == "ReLU" else activation_name(layer)
    return UnitExplanation(**common, activation=name, source=index, input_value=float(inputs[index]))


_EXPLAINERS = {"Conv2D": _explain_conv, "MaxPooling2D": _explain_pooling, "AveragePooling2D": _explain_pooling,
               "GlobalAveragePooling2D": _explain_global_pooling, "GlobalMaxPooling2D": _explain_global_pooling,
               "Flatten": _explain_flatten, "Dense": _explain_dense, "BatchNormalization": _explain_batch_norm,
               "Activation": _explain_activation, "ReLU": _explain_activation}
#: The layer kinds that :func:`explain` rebuilds (besides those inactive at inference).
EXPLAINED = tuple(_EXPLAINERS)


def recomputed_value(explanation: UnitExplanation) -> float:
    """The unit's value as the explanation's own terms give it, for checking against Keras' output."""
    kind = explanation.kind
    if not explanation.active or kind == "Flatten":
        return explanation.input_value
    if kind in ("Conv2D", "Dense"):
        if explanation.activation == "softmax":
            logits = explanation.logits.astype(np.float64)
            exponentials = np.exp(logits - logits.max())
            return float(exponentials[explanation.index[0]] / exponentials.sum())
        return _activate(explanation.activation, explanation.pre_activation)
    if kind in ("MaxPooling2D", "GlobalMaxPooling2D"):
        return float(np.nanmax(explanation.inputs))
    if kind in ("AveragePooling2D", "GlobalAveragePooling2D"):
        return float(np.nanmean(explanation.inputs))
    if kind == "BatchNormalization":
        n = explanation.normalisation
        return (n["gamma"] * (explanation.input_value - n["mean"]) / math.sqrt(n["variance"] + n["epsilon"])
                + n["beta"])
    return _activate(explanation.activation, explanation.input_value)
