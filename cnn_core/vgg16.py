"""VGG16 trained on ImageNet: loading it within a memory budget, preparing photos the way it expects, and
naming its answers without the network. TensorFlow is imported inside the functions that need it."""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from cnn_core import checks, downloads, images
from cnn_core.paths import MODELS_DIR

if TYPE_CHECKING:
    import keras

VGG16_INPUT_SIZE = (224, 224)
#: ImageNet channel means that VGG16's preprocessing subtracts, in BGR order.
IMAGENET_MEAN_BGR = (103.939, 116.779, 123.68)
CLASS_NAMES_PATH = MODELS_DIR / "imagenet_class_names.json"
#: Environment variable naming a local copy of the weights file (offline use).
WEIGHTS_ENV_VAR = "VGG16_WEIGHTS"
WEIGHTS_FILE_NAME = "vgg16_weights_tf_dim_ordering_tf_kernels.h5"
#: Where Keras' applications publish that file (``keras.applications.VGG16`` downloads the same address).
WEIGHTS_URL = f"https://storage.googleapis.com/tensorflow/keras-applications/vgg16/{WEIGHTS_FILE_NAME}"
#: The MD5 hash Keras checks for that file.
WEIGHTS_FILE_HASH = "64373286793e3c8b2b4e3219cbf3544b"
PREPROCESS_MODES = ("center_crop", "squash")
TOTAL_PARAMETERS = 138_357_544
# Filters per conv layer in each of the five blocks, as in the VGG paper's configuration D.
_BLOCKS = ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512))


class WeightsUnavailableError(RuntimeError):
    """The ImageNet weights could neither be found locally nor downloaded."""

@dataclass(frozen=True)
class Prediction:
    """One row of a top-k answer."""

    class_id: int
    label: str
    probability: float


def resize_for_vgg16(image: np.ndarray, mode: str = "center_crop") -> np.ndarray:
    """Bring an RGB photo to the 224x224 pixels VGG16 looks at.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W, 3)
    mode : {"center_crop", "squash"}
        "center_crop" keeps the central square (the short side) and scales it,
        so shapes keep their proportions but the edges of a wide photo are cut.
        "squash" scales the whole photo to 224x224, as Keras'
        ``load_img(target_size=(224, 224))`` does, distorting its proportions.

    Returns
    -------
    ndarray of uint8, shape (224, 224, 3), RGB
    """
    if mode not in PREPROCESS_MODES:
        raise ValueError(f"mode must be one of {PREPROCESS_MODES}. Received: mode={mode!r}")
    if np.ndim(image) != 3 or np.shape(image)[2] != 3 or np.asarray(image).dtype != np.uint8:
        raise ValueError(f"Expected an RGB uint8 image of shape (H, W, 3). Received: shape={np.shape(image)}, "
                         f"dtype={np.asarray(image).dtype}")
    if mode == "center_crop":
        height, width = image.shape[:2]
        side = min(height, width)
        top, left = (height - side) // 2, (width - side) // 2
        image = image[top : top + side, left : left + side]
    shrinking = max(image.shape[:2]) > VGG16_INPUT_SIZE[0]
    # INTER_AREA averages the pixels it merges when shrinking (no aliasing).
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    return cv2.resize(np.ascontiguousarray(image), VGG16_INPUT_SIZE[::-1], interpolation=interpolation)


def preprocess(image_rgb_uint8: np.ndarray, mode: str = "center_crop") -> np.ndarray:
    """The batch VGG16 expects for one photo.

    Resize (see :func:`resize_for_vgg16`), then exactly what
    ``keras.applications.vgg16.preprocess_input`` does: RGB to **BGR** (the
    original Caffe model's channel order) and subtract the ImageNet mean of
    each channel. Values are not scaled to [0, 1].

    Parameters
    ----------
    image_rgb_uint8 : ndarray of uint8, shape (H, W, 3)
    mode : {"center_crop", "squash"}

    Returns
    -------
    ndarray of float32, shape (1, 224, 224, 3), BGR, roughly in [-124, 152]
    """
    resized = resize_for_vgg16(image_rgb_uint8, mode)
    bgr = resized[:, :, ::-1].astype(np.float32)
    return (bgr - np.array(IMAGENET_MEAN_BGR, dtype=np.float32))[np.newaxis]


def deprocess(batch: np.ndarray) -> np.ndarray:
    """Undo :func:`preprocess`: from its (1, 224, 224, 3) float32 batch, the RGB uint8 (224, 224, 3) VGG16 saw."""
    bgr = np.asarray(batch, dtype=np.float32)[0] + np.array(IMAGENET_MEAN_BGR, dtype=np.float32)
    return images.round_to_uint8(bgr[:, :, ::-1])


@functools.lru_cache(maxsize=1)
def class_names() -> tuple[str, ...]:
    """The 1,000 ImageNet class names, by class number (from models/)."""
    names = json.loads(CLASS_NAMES_PATH.read_text(encoding="utf-8"))
    if len(names) != 1000:
        raise ValueError(f"{CLASS_NAMES_PATH} must list 1000 class names. Received: {len(names)}")
    return tuple(names)


def top_k(probabilities: np.ndarray, k: int = 5) -> list[Prediction]:
    """The ``k`` most likely classes, most likely first.

    Parameters
    ----------
    probabilities : array_like of shape (1000,) or (1, 1000)
        VGG16's softmax output for one photo.
    k : int
        Between 1 and 1000.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64).reshape(-1)
    if probabilities.shape != (1000,):
        raise ValueError(f"Expected 1000 class probabilities for one photo. Received: {probabilities.size}")
    if not (checks.is_whole_number(k) and 1 <= k <= 1000):
        raise ValueError(f"k must be an integer from 1 to 1000. Received: k={k!r}")
    names = class_names()
    best = np.argsort(-probabilities, kind="stable")[:k]
    return [Prediction(int(index), names[index], float(probabilities[index])) for index in best]


def build_model(initializer: str = "glorot_uniform",
                initial_weights: Callable[[str, int, tuple[int, ...]], np.ndarray] | None = None) -> keras.Model:
    """VGG16's architecture with 1000 ImageNet classes, layer names as in Keras.

    Parameters
    ----------
    initializer : str
        Keras initializer of every kernel when ``initial_weights`` is None;
        "zeros" when weights are loaded afterwards, to skip drawing random ones.
    initial_weights : callable (layer_name, index, shape) -> ndarray, optional
        Where each layer's starting arrays come from: index 0 is the kernel,
        1 the bias. :func:`load_model` passes a reader of the weights file, so
        each array becomes a variable without a second copy left behind.

    Returns
    -------
    keras.Model, input (None, 224, 224, 3), output softmax (None, 1000);
    138,357,544 parameters.
    """
    import keras
    from keras import layers

    def starting(name: str, index: int):
        if initial_weights is None:
            return initializer if index == 0 else "zeros"
        return lambda shape, dtype=None: initial_weights(name, index, tuple(shape))

    def arrays(name: str) -> dict:
        return dict(kernel_initializer=starting(name, 0), bias_initializer=starting(name, 1), name=name)

    inputs = keras.Input(shape=(*VGG16_INPUT_SIZE, 3), name="input_layer")
    x = inputs
    for block, filter_counts in enumerate(_BLOCKS, start=1):
        for number, filters in enumerate(filter_counts, start=1):
            x = layers.Conv2D(filters, 3, padding="same", activation="relu",
                              **arrays(f"block{block}_conv{number}"))(x)
        x = layers.MaxPooling2D(2, strides=2, name=f"block{block}_pool")(x)
    x = layers.Flatten(name="flatten")(x)
    for name in ("fc1", "fc2"):
        x = layers.Dense(4096, activation="relu", **arrays(name))(x)
    outputs = layers.Dense(1000, activation="softmax", **arrays("predictions"))(x)
    model, zeros = keras.Model(inputs, outputs, name="vgg16"), keras.initializers.Zeros()
    for layer in model.layers if initial_weights else []:  # the file's readers built it; Keras' defaults save
        if hasattr(layer, "kernel_initializer"):
            layer.kernel_initializer, layer.bias_initializer = keras.initializers.get(initializer), zeros
    return model


def load_model(weights_path: str | os.PathLike | None = None, progress: downloads.Progress | None = None,
               ) -> keras.Model:
    """VGG16 with its ImageNet weights; ``progress(bytes_read, all_bytes)`` after each array read from the file.

    The weights come from ``weights_path``, else from :func:`weights_file`: the file named by the ``VGG16_WEIGHTS``
    environment variable, else Keras' copy in ``~/.keras/models``, downloaded once (528 MB, checked against its hash).
    Each array is read from the file as its layer is built and becomes that layer's variable, which keeps the
    peak and the settled memory well below those of ``keras.applications.VGG16`` (see :func:`_read_legacy_weights`).

    Raises WeightsUnavailableError when the file is missing or the download fails (offline), saying what to do.
    """
    import h5py
    done = [0]

    def read(file, layer_name: str, index: int, shape: tuple[int, ...]) -> np.ndarray:
        array = _read_legacy_weights(file, layer_name, index, shape)
        done[0] += array.nbytes
        if progress is not None:
            progress(done[0], 4 * TOTAL_PARAMETERS)
        return array

    path = weights_path or weights_file()
    if not Path(path).is_file():
        raise WeightsUnavailableError(f"No VGG16 weights file at {str(path)!r}. Set {WEIGHTS_ENV_VAR} to the path "
                                      f"of {WEIGHTS_FILE_NAME}.")
    try:
        with h5py.File(path, "r") as file:
            if "layer_names" in file.attrs:
                return build_model(initial_weights=functools.partial(read, file))
        model = build_model(initializer="zeros")  # another layout: Keras' own loader overwrites every array
        model.load_weights(path)
        return model
    except Exception as error:  # h5py and Keras raise many types for a wrong file.
        raise WeightsUnavailableError(f"{str(path)!r} is not a VGG16 weights file that Keras can load "
                                      f"({type(error).__name__}: {error}).") from error


def _read_legacy_weights(file, layer_name: str, index: int, shape: tuple[int, ...]) -> np.ndarray:
    """One array of the official file: legacy HDF5, a group per layer listing its arrays in order.

    Loading into an already built model costs memory that stays: Keras' loader holds fc1's 411 MB kernel three
    times at once, and writing into a variable in slices switches TensorFlow to copying the whole variable on
    every read, which left about 400 MB more after the first prediction.
    """
    group = file[layer_name]
    names = [name.decode() if isinstance(name, bytes) else name for name in group.attrs["weight_names"]]
    if len(names) != 2:
        raise ValueError(f"Layer {layer_name} has a kernel and a bias; the file lists {len(names)} arrays.")
    dataset = group[names[index]]
    if dataset.shape != shape:
        raise ValueError(f"{layer_name}/{names[index]} has shape {dataset.shape}; the layer expects {shape}.")
    return dataset[()]


def weights_on_disk() -> str | None:
    """``VGG16_WEIGHTS`` as set (loading says if no file is there), else Keras' cached copy if there, else None."""
    cached = downloads.keras_cache("models") / WEIGHTS_FILE_NAME
    return os.environ.get(WEIGHTS_ENV_VAR) or (str(cached) if cached.is_file() else None)


def weights_file(progress: downloads.Progress | None = None) -> str:
    """The weights file: ``VGG16_WEIGHTS``, else Keras' cached copy, else downloaded there with ``progress``.

    Raises WeightsUnavailableError when the download fails, saying what to do offline.
    """
    if (on_disk := weights_on_disk()) is not None:
        return on_disk
    try:
        return str(downloads.download(WEIGHTS_URL, downloads.keras_cache("models") / WEIGHTS_FILE_NAME, progress,
                                      WEIGHTS_FILE_HASH))
    except (OSError, ValueError) as error:  # no network, a proxy, a full disk, a damaged file
        raise WeightsUnavailableError(
            f"The VGG16 ImageNet weights (about 528 MB) could not be downloaded: {downloads.download_problem(error)}. "
            f"On a machine with internet access, download {WEIGHTS_URL} and set the {WEIGHTS_ENV_VAR} "
            "environment variable to the file's path before starting the app."
        ) from error


class Classifier:
    """VGG16 (``model``, as :func:`load_model` returns it) shared by every session: one call at a time."""

    def __init__(self, model: keras.Model) -> None:
        self.model = model
        self.lock = threading.Lock()  # held by whoever runs the shared model

    @classmethod
    def load(cls, weights_path: str | os.PathLike | None = None, progress: downloads.Progress | None = None,
             ) -> "Classifier":
        """:func:`load_model`, then one prediction so the first real one is not slow."""
        classifier = cls(load_model(weights_path, progress))
        classifier.predict(np.zeros((1, *VGG16_INPUT_SIZE, 3), np.float32))
        return classifier

    def predict(self, batch: np.ndarray) -> np.ndarray:
        """Class probabilities, float32 of shape (N, 1000), for a preprocessed (N, 224, 224, 3) batch."""
        with self.lock:
            return np.asarray(self.model(batch, training=False))

    def grad_cam(self, batch: np.ndarray, class_index: int) -> np.ndarray:
        """:func:`cnn_core.explain.grad_cam` at ``block5_conv3``: (224, 224) float32 in [0, 1]."""
        from cnn_core import explain

        with self.lock:
            return explain.grad_cam(self.model, batch, class_index, layer_name="block5_conv3")

    def feature_maps(self, batch: np.ndarray, layer_name: str) -> np.ndarray:
        """The output of one layer for one photo: float32 of shape (h, w, channels)."""
        from cnn_core import explain

        with self.lock:
            return explain.layer_output(self.model, batch, layer_name)[0]
