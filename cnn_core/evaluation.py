"""How well a trained model does on a labelled set: accuracy, loss, the confusion matrix, per-class scores.

Everything but :func:`evaluate` is plain NumPy on arrays of labels and
probabilities, so it is quick to test against hand-counted cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import keras


@dataclass(frozen=True)
class Evaluation:
    """A trained model's answers on a labelled set."""

    probabilities: np.ndarray  # (N, classes) float32
    labels: np.ndarray  # (N,) int
    loss: float
    accuracy: float
    confusion: np.ndarray = field(repr=False)  # (classes, classes) int64: rows true, columns predicted

    @property
    def predictions(self) -> np.ndarray:
        return self.probabilities.argmax(axis=1)


def evaluate(model: keras.Model, inputs: np.ndarray, labels: np.ndarray, batch_size: int = 512,
             progress: Callable[[int, int], None] | None = None) -> Evaluation:
    """Loss, accuracy, every probability and the confusion matrix of ``model`` on ``inputs``.

    ``progress(done, total)`` is called after every batch with the number of inputs answered so far.
    """
    import keras

    class Progress(keras.callbacks.Callback):
        def on_predict_batch_end(self, batch, logs=None):
            progress(min((batch + 1) * batch_size, len(inputs)), len(inputs))

    callbacks = [] if progress is None else [Progress()]
    probabilities = np.asarray(model.predict(inputs, batch_size=batch_size, verbose=0, callbacks=callbacks),
                               dtype=np.float32)
    labels = np.asarray(labels).astype(np.int64)
    chosen = np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1.0)
    predictions = probabilities.argmax(axis=1)
    return Evaluation(probabilities, labels, float(-np.log(chosen).mean()), float((predictions == labels).mean()),
                      confusion_matrix(labels, predictions, probabilities.shape[1]))


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts of (true class, predicted class) pairs: int64 (num_classes, num_classes)."""
    counts = np.zeros((num_classes, num_classes), np.int64)
    np.add.at(counts, (np.asarray(labels, np.int64), np.asarray(predictions, np.int64)), 1)
    return counts


def class_report(confusion: np.ndarray) -> dict[str, np.ndarray]:
    """Per-class precision, recall and F1 (float64, 0 where undefined) and support (int64)."""
    true_positives = np.diag(confusion).astype(np.float64)
    predicted, actual = confusion.sum(axis=0), confusion.sum(axis=1)
    precision = np.divide(true_positives, predicted, out=np.zeros_like(true_positives), where=predicted > 0)
    recall = np.divide(true_positives, actual, out=np.zeros_like(true_positives), where=actual > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(total), where=total > 0)
    return {"precision": precision, "recall": recall, "f1": f1, "support": actual}


def mistakes(evaluation: Evaluation, true_class: int | None = None, predicted_class: int | None = None) -> np.ndarray:
    """Indices of misclassified examples, most confident first, optionally of one (true, predicted) pair."""
    predictions = evaluation.predictions
    wrong = predictions != evaluation.labels
    if true_class is not None:
        wrong &= evaluation.labels == true_class
    if predicted_class is not None:
        wrong &= predictions == predicted_class
    indices = np.flatnonzero(wrong)
    confidence = evaluation.probabilities[indices, predictions[indices]]
    return indices[np.argsort(-confidence, kind="stable")]
