"""A small Sequential ``.keras`` model read and run without Keras: its layers, weights and forward pass in NumPy.

Importing TensorFlow takes about 5 s on 2 CPU cores, longer than a page may take to
show a trained network's forward pass. The shipped models of ``models/pretrained/``
use a handful of layer kinds, so this module reads their archive (``config.json``
and ``model.weights.h5``, with h5py) and runs them in NumPy. Its layers carry the
attributes of the Keras layers they stand for, so :func:`cnn_core.inside.trace`
and :func:`cnn_core.inside.explain_unit` treat them alike; the tests hold both
against Keras on every preset.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass

import numpy as np

from cnn_core import activations
from cnn_core.unit_arithmetic import same_padding

#: The layer kinds this module runs.
KINDS = ("Conv2D", "MaxPooling2D", "AveragePooling2D", "Flatten", "Dense", "Dropout", "BatchNormalization")
#: The archive's members are small; anything larger is not a shipped model.
MAX_MEMBER_BYTES = 50_000_000


@dataclass(frozen=True)
class _Shape:
    shape: tuple


@dataclass(frozen=True)
class _Array:
    """Stands for a Keras variable: ``.numpy()``."""

    values: np.ndarray

    def numpy(self) -> np.ndarray:
        return self.values


class _Activation:
    def __init__(self, name: str) -> None:
        self.__name__ = name

    def __call__(self, values: np.ndarray) -> np.ndarray:
        return activations.activate(self.__name__, values)


class ArchiveLayer:
    """One layer: its Keras configuration as attributes, its weights, and its input shape (batch axis None)."""

    def __init__(self, config: dict, weights: list[np.ndarray], input_shape: tuple) -> None:
        self.name = config["name"]
        self.weights = weights
        self.input = _Shape(input_shape)
        for name in ("filters", "padding", "units", "epsilon", "center", "scale", "rate", "data_format",
                     "groups", "use_bias"):
            if name in config:
                setattr(self, name, config[name])
        for name in ("kernel_size", "strides", "pool_size", "dilation_rate"):
            if name in config:
                setattr(self, name, tuple(config[name]))
        if "axis" in config:
            self.axis = config["axis"] if isinstance(config["axis"], int) else config["axis"][0]
        if "activation" in config:
            self.activation = _Activation(config["activation"])
        if type(self).__name__ == "BatchNormalization":
            arrays = iter(weights)
            self.gamma = _Array(next(arrays)) if self.scale else None
            self.beta = _Array(next(arrays)) if self.center else None
            self.moving_mean, self.moving_variance = _Array(next(arrays)), _Array(next(arrays))

    def get_weights(self) -> list[np.ndarray]:
        return list(self.weights)

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        """This layer's output for one input without the batch axis: float32."""
        return _FORWARD[type(self).__name__](self, np.asarray(inputs, np.float32)).astype(np.float32)


#: One subclass per kind, named as the Keras class, since explanations dispatch on the class name.
_CLASSES = {kind: type(kind, (ArchiveLayer,), {}) for kind in KINDS}


class ArchiveModel:
    """A Sequential model read from a ``.keras`` archive: ``layers``, ``input_shape``, ``get_layer``, ``predict``,
    ``layer_outputs``."""

    def __init__(self, name: str, input_shape: tuple, layers: list[ArchiveLayer]) -> None:
        self.name, self.input_shape, self.layers = name, input_shape, layers

    def get_layer(self, name: str) -> ArchiveLayer:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No layer called {name!r}. Layers: {', '.join(layer.name for layer in self.layers)}")

    def layer_outputs(self, image: np.ndarray) -> list[np.ndarray]:
        """Every layer's output for one input (H, W, C), in order, each float32 without the batch axis."""
        outputs, flowing = [], np.asarray(image, np.float32)
        for layer in self.layers:
            flowing = layer(flowing)
            outputs.append(flowing)
        return outputs

    def predict(self, batch: np.ndarray) -> np.ndarray:
        """Probabilities for a batch (N, H, W, C): float32 (N, classes)."""
        return np.stack([self.layer_outputs(image)[-1] for image in np.asarray(batch, np.float32)])


def load_archive(path: str | os.PathLike) -> ArchiveModel:
    """Read a Sequential ``.keras`` archive of the layer kinds in :data:`KINDS`.

    Raises
    ------
    ValueError
        For an archive that is not such a model, naming what was found.
    """
    import h5py

    with zipfile.ZipFile(path) as archive:
        for member in ("config.json", "model.weights.h5"):
            if archive.getinfo(member).file_size > MAX_MEMBER_BYTES:
                raise ValueError(f"{member} of {os.fspath(path)!r} is larger than a shipped model's.")
        config = json.loads(archive.read("config.json"))
        weights_file = io.BytesIO(archive.read("model.weights.h5"))
    if config.get("class_name") != "Sequential":
        raise ValueError(f"Only Sequential models are read without Keras. Received: {config.get('class_name')!r}")
    layer_configs = [layer for layer in config["config"]["layers"] if layer["class_name"] != "InputLayer"]
    unknown = sorted({layer["class_name"] for layer in layer_configs} - set(KINDS))
    if unknown:
        raise ValueError(f"Layers of kind {', '.join(unknown)} are not run without Keras; it runs {', '.join(KINDS)}.")
    input_layer = config["config"]["layers"][0]
    shape = tuple(input_layer["config"]["batch_shape"])
    layers, seen = [], Counter()
    with h5py.File(weights_file, "r") as weights:
        for layer_config in layer_configs:
            kind = layer_config["class_name"]
            # Keras keeps a Sequential model's weights under the layers' class names in snake case, numbered
            # in order: conv2d, conv2d_1, ..., not under the layers' own names.
            snake = re.sub(r"(?<!^)(?=[A-Z][a-z])", "_", kind).lower().replace("2_d", "2d")
            key = snake if seen[snake] == 0 else f"{snake}_{seen[snake]}"
            seen[snake] += 1
            group = weights[f"layers/{key}/vars"]
            arrays = [np.asarray(group[str(index)], np.float32) for index in range(len(group))]
            layer = _CLASSES[kind](layer_config["config"], arrays, shape)
            shape = (None, *layer(np.zeros(shape[1:], np.float32)).shape)
            layers.append(layer)
    return ArchiveModel(config["config"].get("name", "model"), tuple(input_layer["config"]["batch_shape"]), layers)


# ----- the forward pass of each kind, on one input without the batch axis -----

def _windows(layer, inputs: np.ndarray, window: tuple[int, int], strides: tuple[int, int], fill: float):
    """(H_out, W_out, wh, ww, C) windows of (H, W, C) ``inputs``, padded with ``fill`` for "same" as TensorFlow."""
    height, width = inputs.shape[:2]
    if layer.padding == "same":
        top, bottom = same_padding(height, window[0], strides[0])
        left, right = same_padding(width, window[1], strides[1])
        inputs = np.pad(inputs, ((top, bottom), (left, right), (0, 0)), constant_values=fill)
    views = np.lib.stride_tricks.sliding_window_view(inputs, window, axis=(0, 1))  # (H', W', C, wh, ww)
    return views[:: strides[0], :: strides[1]].transpose(0, 1, 3, 4, 2)


def _conv(layer, inputs):
    kernel = layer.weights[0]
    windows = _windows(layer, inputs, layer.kernel_size, layer.strides, 0.0)
    out = np.tensordot(windows.astype(np.float64), kernel.astype(np.float64), axes=([2, 3, 4], [0, 1, 2]))
    if layer.use_bias:
        out = out + layer.weights[1]
    return layer.activation(out)


def _pool(layer, inputs):
    windows = _windows(layer, inputs, layer.pool_size, layer.strides, np.nan)
    reduce = np.nanmax if type(layer).__name__ == "MaxPooling2D" else np.nanmean
    return reduce(windows, axis=(2, 3))


def _dense(layer, inputs):
    out = inputs.astype(np.float64) @ layer.weights[0]
    if layer.use_bias:
        out = out + layer.weights[1]
    return layer.activation(out)


def _batch_norm(layer, inputs):
    gamma = layer.gamma.numpy() if layer.gamma is not None else 1.0
    beta = layer.beta.numpy() if layer.beta is not None else 0.0
    mean, variance = layer.moving_mean.numpy(), layer.moving_variance.numpy()
    return (inputs - mean) / np.sqrt(variance + layer.epsilon) * gamma + beta


_FORWARD = {"Conv2D": _conv, "MaxPooling2D": _pool, "AveragePooling2D": _pool, "Dense": _dense,
            "Flatten": lambda layer, inputs: inputs.reshape(-1), "Dropout": lambda layer, inputs: inputs,
            "BatchNormalization": _batch_norm}
