"""A dataset made ready for training: the chosen share of the training set as model inputs, and the split.

:func:`prepare_dataset` is what the Trainer shares between all its visitors:
read once, subset with a fixed seed, and converted once to what a model takes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from cnn_core import datasets, pretrained

Pair = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class PreparedData:
    """A dataset ready for a model; read-only, so one copy can serve every session."""

    name: str
    class_names: tuple[str, ...]
    source: str  # which files were read, in words
    train_inputs: np.ndarray  # (N, 28, 28, 1) float32 in [0, 1]
    train_labels: np.ndarray  # (N,) uint8
    test_images: np.ndarray  # (M, 28, 28) uint8
    test_inputs: np.ndarray  # (M, 28, 28, 1) float32 in [0, 1]
    test_labels: np.ndarray  # (M,) uint8


def prepare_dataset(name: str, train_size: int | None = None,
                    data_dir: str | os.PathLike | None = None) -> PreparedData:
    """Load ``name`` (see :func:`cnn_core.datasets.load_dataset`) and keep ``train_size`` training examples.

    The subset keeps each class's share and depends only on the data (seed 0),
    so every visitor who picks the same size trains on the same examples.

    Raises
    ------
    ValueError, DatasetUnavailableError
        As :func:`cnn_core.datasets.load_dataset` and :func:`cnn_core.datasets.subset`.
    """
    (x_train, y_train), (x_test, y_test), class_names = datasets.load_dataset(name, data_dir)
    if data_dir is None:
        source = "Read from Keras' copy in ~/.keras/datasets (downloaded once)."
    else:
        files = ", ".join(path.name for path in datasets.dataset_files(name, data_dir))
        source = f"Read from CNN_DATA_DIR/{name}/: {files}."
    x_train, y_train = datasets.subset(x_train, y_train, train_size, seed=0)
    return PreparedData(name, class_names, source, datasets.to_model_input(x_train), y_train, x_test,
                        datasets.to_model_input(x_test), y_test)


def held_out_data(name: str) -> PreparedData:
    """The shipped test pictures of ``name`` (:func:`cnn_core.pretrained.held_out_sample`), with no training
    pictures: what the Trainer inspects a shipped model on when the dataset itself cannot be read (offline).

    Returns
    -------
    PreparedData
        ``train_inputs`` float32 (0, 28, 28, 1) and ``train_labels`` uint8 (0,); the 300 test pictures as
        ``test_images`` uint8 (300, 28, 28), ``test_inputs`` float32 (300, 28, 28, 1) in [0, 1], ``test_labels``.

    Raises
    ------
    ValueError
        For a dataset with no shipped pictures, naming the ones there are.
    """
    images, labels = pretrained.held_out_sample(name)
    source = (f"Only the {len(labels):,} test pictures shipped with the app (models/pretrained/"
              f"{pretrained.SAMPLE_FILE.name}) could be read: enough to inspect a shipped model, not to train.")
    return PreparedData(name, datasets.CLASS_NAMES[name], source, np.zeros((0, *images.shape[1:], 1), np.float32),
                        np.zeros(0, np.uint8), images, datasets.to_model_input(images), labels)


def validation_data(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
                    validation_split: float) -> tuple[Pair, Pair]:
    """Split into ``(training, validation)`` pairs: the test set, or the last fraction of the training set.

    Inputs are (N, ...) arrays with labels (N,); the pairs are views, not copies.
    """
    if validation_split == 0:
        return (x_train, y_train), (x_test, y_test)
    held_out = max(1, round(len(y_train) * validation_split))
    if held_out >= len(y_train):
        raise ValueError(f"validation_split {validation_split} leaves no training examples of {len(y_train)}.")
    return (x_train[:-held_out], y_train[:-held_out]), (x_train[-held_out:], y_train[-held_out:])


#: Below this many examples, training and validation skip Keras' per-epoch costs (see :func:`fit_inputs`,
#: :func:`validation_scores`), which then outweigh the epoch itself.
SMALL_DATA = 4096


def fit_inputs(inputs: np.ndarray, labels: np.ndarray, batch_size: int, seed: int) -> dict:
    """The data arguments of ``model.fit`` for one run: the arrays, shuffled by Keras every epoch, or, below
    SMALL_DATA examples, one repeating ``tf.data`` pipeline, reshuffled each pass with ``seed``.

    Given NumPy arrays, Keras starts a new iterator for every epoch (about 45 ms here), most of the time of an
    epoch of three batches. With ``steps_per_epoch`` at the batches per pass, one pass is exactly one epoch,
    its last batch the smaller one, as with the arrays.
    """
    if len(labels) > SMALL_DATA:
        return dict(x=inputs, y=labels, batch_size=batch_size, shuffle=True)
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((inputs, labels))
    dataset = dataset.shuffle(len(labels), seed=seed, reshuffle_each_iteration=True).batch(batch_size).repeat()
    return dict(x=dataset, steps_per_epoch=-(-len(labels) // batch_size), shuffle=False)  # the pipeline shuffles


def validation_scores(model, inputs: np.ndarray, labels: np.ndarray, batch_size: int) -> tuple[float, float]:
    """(loss, accuracy) of a compiled classifier ``model``, as ``model.evaluate`` gives them.

    Below SMALL_DATA examples, and for a model that ends in a softmax Dense layer, in one forward pass:
    ``evaluate`` itself costs about 100 ms a call, whatever the size. The cross-entropy comes from the logits,
    as Keras takes it, so that a very confident wrong answer counts in full rather than clipped.
    """
    import keras

    from cnn_core.explain import chain_through

    last = model.layers[-1]
    if len(labels) > SMALL_DATA or not (isinstance(last, keras.layers.Dense)
                                        and last.activation is keras.activations.softmax):
        metrics = model.evaluate(inputs, labels, batch_size=max(batch_size, 256), verbose=0, return_dict=True)
        return float(metrics["loss"]), float(metrics["accuracy"])
    features = inputs
    for layer in chain_through(model)[:-1]:
        features = layer(features, training=False)
    logits = np.asarray(features, np.float64) @ np.asarray(last.kernel, np.float64)
    logits += np.asarray(last.bias, np.float64) if last.use_bias else 0.0
    largest = logits.max(axis=1, keepdims=True)
    log_probabilities = logits - largest - np.log(np.exp(logits - largest).sum(axis=1, keepdims=True))
    labels = np.asarray(labels, dtype=np.int64)
    return (float(-log_probabilities[np.arange(len(labels)), labels].mean()),
            float(np.mean(log_probabilities.argmax(axis=1) == labels)))
