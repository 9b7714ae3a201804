"""Transfer learning: VGG16's convolutional part turns any photo into 512 numbers, its "CNN code", and only a
small new head learns a person's own classes from those codes.

The convolutional part is the shared VGG16 of :class:`cnn_core.vgg16.Classifier` (its layers, not a copy of
their weights). The head trains with :class:`cnn_core.training.TrainingRun`, so Stop, the live curves and the
server's training cap work as on the Trainer. TensorFlow is imported inside the functions that need it.
"""

from __future__ import annotations

import contextlib
import hashlib
import weakref
from collections.abc import Callable, MutableMapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from cnn_core import checks, familiarity, models, training, vgg16
from cnn_core.class_zip import ClassFolders, Skipped, ZipLimits, read_class_zip
from cnn_core.keras_calls import LayerCall, sequential_model
from cnn_core.seeding import seeded
from cnn_core.training_config import TrainingConfig
from cnn_core.training_progress import EpochResult
from cnn_core.training_slots import TrainingSlots

if TYPE_CHECKING:
    import keras

__all__ = ["ClassFolders", "Skipped", "ZipLimits", "read_class_zip", "cnn_codes", "code_key", "split_per_class",
           "build_head", "start_head_training", "fit_head", "full_model", "project_codes", "same_class_neighbours"]

#: The layer whose maps are averaged into the code: the last of VGG16's convolutional block, after its pooling,
#: as ``keras.applications.VGG16(include_top=False, pooling="avg")`` does.
CODE_LAYER = "block5_pool"
CODE_SIZE = 512
MIN_CLASSES, MAX_CLASSES = 2, 10
#: A class needs one photo to learn from and one held out to test on.
MIN_PHOTOS_PER_CLASS = 2
HELD_OUT_FRACTION = 0.25
HEAD_UNITS = 64
HEAD_DROPOUT = 0.3
#: How the page trains the head: 30 epochs of Adam in batches of 16 codes.
HEAD_CONFIG = TrainingConfig(epochs=30, batch_size=16, learning_rate=1e-3, seed=0)

_code_models: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def cnn_codes(classifier_or_model: vgg16.Classifier | keras.Model, images: Sequence[np.ndarray],
              batch_size: int = 8, mode: str = "center_crop", cache: MutableMapping[str, np.ndarray] | None = None,
              progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """The CNN code of each photo: VGG16's ``block5_pool`` maps, each averaged over its 7 × 7 places.

    Parameters
    ----------
    classifier_or_model : vgg16.Classifier or keras.Model
        VGG16 with ``block5_pool`` (a Classifier's lock is held while it computes).
    images : sequence of ndarray of uint8, shape (H, W, 3)
        RGB photos of any size, prepared as the VGG16 page prepares them (:func:`cnn_core.vgg16.preprocess`).
    batch_size : int
        Photos per call of the network. Eight keep a call's activations to about 400 MB (sixteen peaked at 1 GB
        more than the settled server) and are as fast per photo as Keras' batches of 32 (bench_transfer.py).
    mode : {"center_crop", "squash"}
    cache : mutable mapping, optional
        :func:`code_key` of a photo -> its code. Photos found in it are not computed again; new ones are added.
    progress : callable (done, total), optional
        Called after each batch with the number of photos that still needed a code, done so far.

    Returns
    -------
    ndarray of float32, shape (N, 512)
    """
    checks.check_whole_number("batch_size", batch_size, 1, 1024)
    cache = {} if cache is None else cache
    keys = [code_key(image, mode) for image in images]  # also checks each image
    missing = list(dict.fromkeys(key for key in keys if key not in cache))
    model, lock = _model_and_lock(classifier_or_model)
    first_of = {key: index for index, key in reversed(list(enumerate(keys)))}
    for start in range(0, len(missing), batch_size):
        chunk = missing[start : start + batch_size]
        batch = np.concatenate([vgg16.preprocess(images[first_of[key]], mode) for key in chunk])
        with lock:
            codes = np.asarray(_code_model(model)(batch, training=False), dtype=np.float32)
        cache.update(zip(chunk, codes))
        if progress is not None:
            progress(start + len(chunk), len(missing))
    return np.stack([cache[key] for key in keys]) if keys else np.zeros((0, CODE_SIZE), np.float32)


def code_key(image: np.ndarray, mode: str = "center_crop") -> str:
    """What names a photo's code in a cache: a hash of its pixels, shape and resize mode."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"Expected an RGB uint8 photo of shape (H, W, 3). Received: shape={image.shape}, "
                         f"dtype={image.dtype}")
    if mode not in vgg16.PREPROCESS_MODES:
        raise ValueError(f"mode must be one of {vgg16.PREPROCESS_MODES}. Received: mode={mode!r}")
    digest = hashlib.blake2b(np.ascontiguousarray(image).data, digest_size=16).hexdigest()
    return f"{image.shape[0]}x{image.shape[1]}:{mode}:{digest}"


def _model_and_lock(classifier_or_model) -> tuple[keras.Model, contextlib.AbstractContextManager]:
    if isinstance(classifier_or_model, vgg16.Classifier):
        return classifier_or_model.model, classifier_or_model.lock
    return classifier_or_model, contextlib.nullcontext()


def _code_model(model: keras.Model) -> keras.Model:
    """``model`` up to the code, made once per model; it shares the model's layers and weights."""
    if model not in _code_models:
        import keras

        pooled = keras.layers.GlobalAveragePooling2D(name="cnn_code")(model.get_layer(CODE_LAYER).output)
        _code_models[model] = keras.Model(model.inputs[0], pooled, name="vgg16_cnn_code")
    return _code_models[model]


def split_per_class(labels: np.ndarray, held_out_fraction: float = HELD_OUT_FRACTION,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices to train on and to hold out, with a share of every class held out.

    Each class keeps ``round(held_out_fraction * n)`` of its n photos aside, at least one and never all, chosen
    at random with ``seed``.

    Parameters
    ----------
    labels : ndarray of int, shape (N,)
        Class numbers from 0; every class present has at least :data:`MIN_PHOTOS_PER_CLASS` photos.

    Returns
    -------
    (train, held_out) : two sorted ndarrays of int64 indices into ``labels``
    """
    labels = np.asarray(labels, dtype=np.int64)
    checks.check_rate("held_out_fraction", held_out_fraction)
    generator = np.random.default_rng(seed)
    held_out = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < MIN_PHOTOS_PER_CLASS:
            raise ValueError(f"Class {label} has {len(members)} photo; each class needs at least "
                             f"{MIN_PHOTOS_PER_CLASS} (one to learn from, one to test on).")
        count = min(max(1, round(held_out_fraction * len(members))), len(members) - 1)
        held_out.extend(generator.choice(members, count, replace=False))
    held_out = np.sort(np.asarray(held_out, dtype=np.int64))
    return np.setdiff1d(np.arange(len(labels)), held_out), held_out


def build_head(class_count: int, code_scale: float = 1.0) -> keras.Model:
    """The new classification part: codes in, one probability per class out (:func:`head_layer_calls`).

    Returns
    -------
    keras.Model, input (None, 512), output (None, class_count); not compiled
    """
    return sequential_model(head_layer_calls(class_count, code_scale), name="head")


def head_layer_calls(class_count: int, code_scale: float = 1.0) -> list[LayerCall]:
    """The head as ``(kind, arguments, options)`` calls, ``keras.Input`` first (as :func:`models.layer_calls`).

    ``code_scale`` divides the codes first (the page passes their mean on the training photos), so the head
    learns at the same pace whatever the size of VGG16's numbers. Then Dense(64, ReLU), Dropout(0.3) during
    training, and a softmax Dense named ``predictions``.
    """
    checks.check_whole_number("class_count", class_count, MIN_CLASSES, MAX_CLASSES)
    if not (np.isfinite(code_scale) and code_scale > 0):
        raise ValueError(f"code_scale must be a positive number. Received: code_scale={code_scale!r}")
    return [("Input", (), {"shape": (CODE_SIZE,), "name": "cnn_code"}),
            ("Rescaling", (float(1.0 / code_scale),), {"name": "code_scale"}),
            ("Dense", (HEAD_UNITS,), {"activation": "relu", "name": "head_hidden"}),
            ("Dropout", (HEAD_DROPOUT,), {"name": "head_dropout"}),
            ("Dense", (class_count,), {"activation": "softmax", "name": "predictions"})]


def start_head_training(codes: np.ndarray, labels: np.ndarray, class_count: int,
                        validation: tuple[np.ndarray, np.ndarray] | None = None,
                        config: TrainingConfig = HEAD_CONFIG, slots: TrainingSlots | None = None,
                        ) -> training.TrainingRun:
    """A new head (seeded by ``config.seed``), compiled and training in the background on ``codes``.

    Parameters
    ----------
    codes : ndarray of float32, shape (N, 512)
    labels : ndarray of int, shape (N,), from 0 to ``class_count`` - 1
    validation : (codes, labels), optional
        The held-out photos, scored after every epoch; by default the training codes themselves.
    slots : TrainingSlots, optional
        The server's training cap, shared with the Trainer.
    """
    codes = np.asarray(codes, dtype=np.float32)
    labels = np.asarray(labels, dtype=np.int64)
    if codes.ndim != 2 or codes.shape[1] != CODE_SIZE or len(codes) != len(labels) or not len(codes):
        raise ValueError(f"Expected codes of shape (N, {CODE_SIZE}) and N labels, N >= 1. Received: codes "
                         f"{codes.shape}, {len(labels)} labels")
    if labels.min() < 0 or labels.max() >= class_count:
        raise ValueError(f"labels must be from 0 to {class_count - 1}. Received: {labels.min()} to {labels.max()}")
    with seeded(config.seed):
        head = build_head(class_count, float(np.mean(codes)) or 1.0)
        models.compile_model(head, config.optimizer, config.learning_rate)
    run = training.TrainingRun(head, (codes, labels), validation or (codes, labels), config, slots)
    run.start()
    return run


def fit_head(codes: np.ndarray, labels: np.ndarray, class_count: int, epochs: int = HEAD_CONFIG.epochs,
             seed: int = 0, validation: tuple[np.ndarray, np.ndarray] | None = None,
             ) -> tuple[keras.Model, tuple[EpochResult, ...]]:
    """:func:`start_head_training` with :data:`HEAD_CONFIG`'s settings, waited for: the head and its epochs.

    Raises RuntimeError when the training fails.
    """
    config = TrainingConfig(epochs=epochs, batch_size=HEAD_CONFIG.batch_size,
                            learning_rate=HEAD_CONFIG.learning_rate, seed=seed)
    run = start_head_training(codes, labels, class_count, validation, config)
    run.join()
    snapshot = run.snapshot()
    if snapshot.state == "failed":
        raise RuntimeError(snapshot.message)
    return run.model, snapshot.epochs


def full_model(vgg16_model: keras.Model, head: keras.Model) -> keras.Model:
    """VGG16's convolutional part, the code's averaging and the head's layers, as one model.

    It shares the layers (and weights) of both, so nothing is copied; Grad-CAM can read any of VGG16's conv
    layers through it. Input: preprocessed (N, 224, 224, 3) batches (:func:`cnn_core.vgg16.preprocess`);
    output: (N, classes) probabilities, equal to the head's on :func:`cnn_codes`.
    """
    import keras

    from cnn_core import explain

    inputs = keras.Input(shape=(*vgg16.VGG16_INPUT_SIZE, 3), name="preprocessed_photo")
    features = inputs
    for layer in explain.chain_through(vgg16_model, CODE_LAYER):
        features = layer(features)
    features = keras.layers.GlobalAveragePooling2D(name="cnn_code")(features)
    for layer in explain.chain_through(head):
        features = layer(features)
    return keras.Model(inputs, features, name="vgg16_own_classes")


def project_codes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The codes' two main directions (principal component analysis), for a 2-D picture of them.

    Parameters
    ----------
    codes : ndarray of shape (N, D), N >= 2 and D >= 2

    Returns
    -------
    points : ndarray of float64, shape (N, 2)
        Each code's coordinates along the two directions in which the codes vary most.
    explained : ndarray of float64, shape (2,)
        The share of the codes' total variance along each direction (0 when they do not vary).
    """
    codes = np.asarray(codes, dtype=np.float64)
    if codes.ndim != 2 or min(codes.shape) < 2:
        raise ValueError(f"Expected at least two codes of at least two numbers, shape (N, D). "
                         f"Received: shape={codes.shape}")
    centred = codes - codes.mean(axis=0)
    _, singular_values, directions = np.linalg.svd(centred, full_matrices=False)
    variance = singular_values**2
    explained = variance[:2] / variance.sum() if variance.sum() > 0 else np.zeros(2)
    return centred @ directions[:2].T, explained


def same_class_neighbours(codes: np.ndarray, labels: np.ndarray) -> int:
    """How many codes have, as their most similar other code (cosine similarity), one of their own class.

    Parameters
    ----------
    codes : ndarray of shape (N, D), N >= 2
    labels : ndarray of int, shape (N,)
    """
    codes = np.asarray(codes, dtype=np.float64)
    if codes.ndim != 2 or len(codes) < 2 or len(labels) != len(codes):
        raise ValueError(f"Expected at least two codes, shape (N, D), and N labels. Received: codes {codes.shape}, "
                         f"{len(labels)} labels")
    unit = familiarity.unit_vectors(codes)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    labels = np.asarray(labels)
    return int(np.sum(labels[similarity.argmax(axis=1)] == labels))
