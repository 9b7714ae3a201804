"""One forward pass of a trained CNN, layer by layer, and how any single number in it was computed.

:func:`trace` runs one image through a model and keeps every layer's output.
:func:`explain_unit` takes one number of one layer and rebuilds it from the
layer before: a conv unit from its input window, kernel and bias; a pooling
unit from its window; a dense unit from its largest weight × input terms; a
probability from the logits. The arithmetic is done here in NumPy, apart from
Keras, so the tests can hold it against Keras' own output of every layer.

TensorFlow is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cnn_core import explain, unit_arithmetic
from cnn_core.keras_archive import ArchiveModel
from cnn_core.unit_arithmetic import UnitExplanation

if TYPE_CHECKING:
    import keras

__all__ = ["LayerTrace", "UnitExplanation", "explain_unit", "trace", "explained_kinds"]

#: Layers that change nothing when the model predicts (they act only while training).
INACTIVE_AT_INFERENCE = ("Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "RandomTranslation",
                         "RandomFlip", "RandomRotation", "RandomZoom")


@dataclass(frozen=True)
class LayerTrace:
    """One layer's part in the forward pass of one image.

    Attributes
    ----------
    name, kind : str
        The Keras layer name and class name ("Conv2D", "MaxPooling2D", ...).
    output : ndarray of float32
        The layer's output for the image, without the batch axis: (H, W, C)
        for maps, (N,) for vectors.
    activation : str or None
        The activation applied inside the layer ("relu", "softmax"), or None.
    pre_activation : ndarray of float32 or None
        For a Dense layer with an activation: its output before it (the
        logits, for the softmax layer). None elsewhere.
    active : bool
        False for layers that pass their input through unchanged at inference
        (dropout, augmentation).
    """

    name: str
    kind: str
    output: np.ndarray
    activation: str | None
    pre_activation: np.ndarray | None
    active: bool

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.output.shape)


def trace(model: keras.Model, image: np.ndarray) -> list[LayerTrace]:
    """Every layer's output for one image, computed in one pass through the model.

    Parameters
    ----------
    model : keras.Model or cnn_core.keras_archive.ArchiveModel
        A model whose layers form one chain, as the Trainer's and the shipped models do; an archive model
        (a shipped one, read without Keras) runs in NumPy.
    image : ndarray of shape (H, W, C) or (1, H, W, C)
        One input as the model takes it (float32 in [0, 1] for the Trainer's models).

    Returns
    -------
    list of LayerTrace
        In the order data flows; the last one's output equals ``model.predict`` for the image.
    """
    batch = _batch(model, image)
    if isinstance(model, ArchiveModel):  # NumPy only: no TensorFlow
        outputs = [output[None] for output in model.layer_outputs(batch[0])]
    else:
        outputs = _all_outputs(model)(batch)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]  # a one-layer model gives one tensor
    traces = []
    for layer, output in zip(_layers(model), outputs):
        output = np.asarray(output)[0]
        activation = unit_arithmetic.activation_name(layer)
        pre_activation = None
        if type(layer).__name__ == "Dense" and activation is not None:
            inputs = traces[-1].output if traces else batch[0]
            weights = [np.asarray(weight) for weight in layer.get_weights()]
            bias = weights[1] if len(weights) > 1 else 0.0  # a Dense layer without a bias has only its kernel
            pre_activation = (inputs.reshape(-1) @ weights[0] + bias).astype(np.float32)
        traces.append(LayerTrace(layer.name, type(layer).__name__, output, activation, pre_activation,
                                 type(layer).__name__ not in INACTIVE_AT_INFERENCE))
    return traces


def explain_unit(model: keras.Model, image: np.ndarray, layer_name: str, index: tuple[int, ...],
                 traced: list[LayerTrace] | None = None) -> UnitExplanation:
    """How one number of one layer's output was computed from the layer before it.

    Parameters
    ----------
    model : keras.Model
        As for :func:`trace`.
    image : ndarray of shape (H, W, C) or (1, H, W, C)
        The input.
    layer_name : str
        The layer whose output holds the number.
    index : tuple of int
        ``(row, column, channel)`` for a map, ``(unit,)`` for a vector.
    traced : list of LayerTrace, optional
        :func:`trace` of this model and image, when the caller has it already.

    Returns
    -------
    UnitExplanation
        Its terms sum (plus the bias) to ``pre_activation``, and ``value`` is
        the layer's own output at ``index``.

    Raises
    ------
    ValueError
        For an unknown layer, an index outside its output, or a layer kind
        this explanation does not cover (named in the message).
    """
    batch = _batch(model, image)
    traced = traced if traced is not None else trace(model, batch)
    names = [step.name for step in traced]
    if layer_name not in names:
        raise ValueError(f"layer_name must be one of {', '.join(names)}. Received: layer_name={layer_name!r}")
    position = names.index(layer_name)
    step = traced[position]
    index = _checked_index(index, step)
    layer = model.get_layer(layer_name)
    inputs = traced[position - 1].output if position else batch[0]
    explanation = unit_arithmetic.explain(layer, inputs, step.output, index)
    if len(index) == 3:
        field = receptive_field(model, layer_name, index[0], index[1])
        explanation = unit_arithmetic.with_receptive_field(explanation, field)
    return explanation


def explained_kinds() -> tuple[str, ...]:
    """The layer kinds :func:`explain_unit` covers."""
    return unit_arithmetic.EXPLAINED + INACTIVE_AT_INFERENCE


def receptive_field(model: keras.Model, layer_name: str, row: int, column: int
                    ) -> tuple[tuple[int, int], tuple[int, int]]:
    """The input pixels one map unit depends on: ((top, bottom), (left, right)), inclusive.

    Walked back layer by layer through kernels, strides and padding; the
    rows and columns may reach past the image where padding added zeros.
    """
    rows, columns = (row, row), (column, column)
    for layer in reversed(explain.chain_through(model, layer_name)):
        window = unit_arithmetic.spatial_window(layer)
        if window is None:
            continue
        (kernel_rows, kernel_columns), (stride_rows, stride_columns), padding = window
        height, width = layer.input.shape[1:3]
        pad_top, _ = unit_arithmetic.same_padding(height, kernel_rows, stride_rows) if padding == "same" else (0, 0)
        pad_left, _ = (unit_arithmetic.same_padding(width, kernel_columns, stride_columns)
                       if padding == "same" else (0, 0))
        rows = (rows[0] * stride_rows - pad_top, rows[1] * stride_rows - pad_top + kernel_rows - 1)
        columns = (columns[0] * stride_columns - pad_left,
                   columns[1] * stride_columns - pad_left + kernel_columns - 1)
    return rows, columns


# ----- helpers -----

def _layers(model: keras.Model) -> list:
    return explain.chain_through(model)


_OUTPUT_MODELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_BUILDING = threading.Lock()  # sessions share the shipped models; building adds nodes to their layers


def _all_outputs(model: keras.Model):
    """A function from a batch to the list of every layer's output, made once per model."""
    with _BUILDING:
        return _OUTPUT_MODELS[model] if model in _OUTPUT_MODELS else _build_outputs(model)


def _build_outputs(model: keras.Model):
    """Every layer's output as one TensorFlow function; called under _BUILDING."""
    import keras
    import tensorflow as tf

    layers = _layers(model)
    if not isinstance(model, keras.Sequential):  # a Sequential model is one chain by definition
        for earlier, later in zip(layers, layers[1:]):
            if later.input is not earlier.output:
                raise ValueError(f"The model's layers must form one chain; {later.name!r} does not read "
                                 f"the output of {earlier.name!r}.")
    # A fresh graph through the same layers (and weights): a loaded model's layers can hold several
    # graphs' nodes, so their .output would not name one graph.
    flowing = inputs = keras.Input(model.input_shape[1:])
    outputs = []
    for layer in layers:
        flowing = layer(flowing)
        outputs.append(flowing)
    tapped = keras.Model(inputs, outputs)
    _OUTPUT_MODELS[model] = tf.function(lambda batch: tapped(batch, training=False), reduce_retracing=True)
    return _OUTPUT_MODELS[model]


def _batch(model: keras.Model, image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, dtype=np.float32)
    expected = tuple(model.input_shape[1:])
    if image.shape == expected:
        image = image[None]
    if image.shape[1:] != expected or image.shape[0] != 1:
        raise ValueError(f"image must have the model's input shape {expected} (or (1, *shape)). "
                         f"Received: shape={image.shape}")
    return image


def _checked_index(index: tuple[int, ...], step: LayerTrace) -> tuple[int, ...]:
    index = tuple(int(value) for value in np.atleast_1d(index))
    if len(index) != step.output.ndim or any(not 0 <= value < size for value, size in zip(index, step.shape)):
        axes = "(row, column, channel)" if step.output.ndim == 3 else "(unit,)"
        raise ValueError(f"index must be {axes} within the output shape {step.shape} of {step.name!r}. "
                         f"Received: index={index}")
    return index
