"""Training a Keras model in a background thread that a web page can watch and stop.

The thread only writes into a lock-protected :class:`TrainingRun`; a page
reads :meth:`TrainingRun.snapshot` whenever it redraws, and calls
:meth:`TrainingRun.stop` or :meth:`TrainingRun.continue_training`. Nothing here
knows about Streamlit. :class:`TrainingSlots` caps how many runs train at once
in a process; the others wait in line and know their place.

TensorFlow is imported only when a run starts.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from cnn_core import checks, models

#: The states of a run, in the order they usually happen.
STATES = ("queued", "running", "stopped", "finished", "failed")


@dataclass(frozen=True)
class TrainingConfig:
    """How to train.

    ``validation_split`` is 0 to validate on the test set, or the fraction of
    the training set held out for validation. ``patience`` is the number of
    epochs without a lower validation loss after which training stops and the
    best weights come back; None turns early stopping off.
    """

    epochs: int = 5
    batch_size: int = 64
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    validation_split: float = 0.0
    patience: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        for name, low, high in (("epochs", 1, 1000), ("batch_size", 1, 65536), ("seed", 0, 2**31 - 1)):
            checks.check_whole_number(name, getattr(self, name), low, high)
        models.check_optimizer(self.optimizer)
        checks.check_learning_rate(self.learning_rate)
        checks.check_rate("validation_split", self.validation_split)
        if self.patience is not None and not (checks.is_whole_number(self.patience) and self.patience >= 1):
            raise ValueError(f"patience must be a whole number >= 1, or None. Received: {self.patience!r}")


@dataclass(frozen=True)
class EpochResult:
    """Metrics of one epoch; the validation ones are None for an epoch stopped midway."""

    epoch: int  # counted from 1
    loss: float
    accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    seconds: float
    complete: bool = True


@dataclass(frozen=True)
class Snapshot:
    """A consistent copy of a run's progress, safe to read while the run goes on."""

    state: str
    queue_position: int  # 1 for the next in line; 0 when not queued
    epoch: int  # the epoch being trained or last trained, from 1
    total_epochs: int
    batch: int  # batches done in the current epoch
    batches_per_epoch: int
    samples_per_second: float
    seconds_left: float | None
    batch_loss: tuple[float, ...]  # every batch's own loss, in order
    batch_accuracy: tuple[float, ...]
    epochs: tuple[EpochResult, ...]
    best_epoch: int | None  # lowest validation loss so far
    stopped_early: bool
    message: str

    @property
    def is_active(self) -> bool:
        """Queued or running: the page should keep polling."""
        return self.state in ("queued", "running")


def validation_data(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
                    validation_split: float) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Split into ``(training, validation)`` pairs: the test set, or the last fraction of the training set."""
    if validation_split == 0:
        return (x_train, y_train), (x_test, y_test)
    held_out = max(1, round(len(y_train) * validation_split))
    if held_out >= len(y_train):
        raise ValueError(f"validation_split {validation_split} leaves no training examples of {len(y_train)}.")
    return (x_train[:-held_out], y_train[:-held_out]), (x_train[-held_out:], y_train[-held_out:])


def smooth(values: np.ndarray | list[float], weight: float = 0.9) -> np.ndarray:
    """An exponential moving average with TensorBoard's start-up correction, float64 of the same length.

    ``weight`` 0 returns the values unchanged; closer to 1 is smoother.
    """
    if not 0 <= weight < 1:
        raise ValueError(f"weight must be at least 0 and below 1. Received: weight={weight!r}")
    smoothed = np.empty(len(values))
    average = 0.0
    for index, value in enumerate(values):
        average = weight * average + (1 - weight) * value
        smoothed[index] = average / (1 - weight ** (index + 1))
    return smoothed


class TrainingSlots:
    """At most ``capacity`` runs train at once; the others wait, first come first served."""

    def __init__(self, capacity: int = 2) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1. Received: capacity={capacity!r}")
        self.capacity = capacity
        self._condition = threading.Condition()
        self._running: set[int] = set()
        self._waiting: deque[int] = deque()

    def acquire(self, ticket: int, cancelled: threading.Event) -> bool:
        """Wait for a slot; False when ``cancelled`` was set while waiting."""
        with self._condition:
            self._waiting.append(ticket)
            try:
                while not (self._waiting[0] == ticket and len(self._running) < self.capacity):
                    if cancelled.is_set():
                        return False
                    self._condition.wait(timeout=0.2)
                self._running.add(ticket)
                return True
            finally:
                self._waiting.remove(ticket)
                self._condition.notify_all()

    def release(self, ticket: int) -> None:
        with self._condition:
            self._running.discard(ticket)
            self._condition.notify_all()

    def position(self, ticket: int) -> int:
        """1 for the next in line, 2 for the one after, ...; 0 when not waiting."""
        with self._condition:
            return self._waiting.index(ticket) + 1 if ticket in self._waiting else 0

    @property
    def running(self) -> int:
        with self._condition:
            return len(self._running)


class TrainingRun:
    """One model's training, run in a background thread and watched from outside.

    Parameters
    ----------
    model : keras.Model
        Compiled with a loss and an ``accuracy`` metric
        (:func:`cnn_core.models.compile_model`).
    training, validation : (inputs, labels) pairs
        Inputs float32 (N, H, W, C), labels int (N,).
    config : TrainingConfig
    slots : TrainingSlots, optional
        Shared by every run of a process to cap how many train at once.
    """

    _tickets = iter(range(1, 2**62))
    _tickets_lock = threading.Lock()

    def __init__(self, model, training: tuple[np.ndarray, np.ndarray], validation: tuple[np.ndarray, np.ndarray],
                 config: TrainingConfig, slots: TrainingSlots | None = None) -> None:
        self.model = model
        self.config = config
        self._training = training
        self._validation = validation
        self._slots = slots
        with TrainingRun._tickets_lock:
            self._ticket = next(TrainingRun._tickets)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state = "stopped"
        self._message = ""
        self._epoch = 0
        self._total_epochs = 0
        self._batch = 0
        self._batches_per_epoch = math.ceil(len(training[1]) / config.batch_size)
        self._samples_per_second = 0.0
        self._seconds_left: float | None = None
        self._batch_loss: list[float] = []
        self._batch_accuracy: list[float] = []
        self._epochs: list[EpochResult] = []
        self._best_epoch: int | None = None
        self._best_weights: list[np.ndarray] | None = None
        self._stopped_early = False

    # ----- control, from the page -----

    def start(self) -> None:
        """Train ``config.epochs`` epochs in a new thread (waiting for a slot first)."""
        self._launch(self.config.epochs)

    def continue_training(self, epochs: int) -> None:
        """Train ``epochs`` more epochs from the current weights; early stopping starts afresh."""
        if not (checks.is_whole_number(epochs) and 1 <= epochs <= 1000):
            raise ValueError(f"epochs must be a whole number from 1 to 1000. Received: epochs={epochs!r}")
        self._launch(len(self._epochs) + epochs)

    def stop(self) -> None:
        """Ask the run to stop after the batch it is on; the weights trained so far are kept."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def is_active(self) -> bool:
        """Queued or running; cheaper than a whole :meth:`snapshot`."""
        with self._lock:
            return self._state in ("queued", "running")

    def snapshot(self) -> Snapshot:
        with self._lock:
            position = self._slots.position(self._ticket) if self._slots and self._state == "queued" else 0
            return Snapshot(self._state, position, self._epoch, self._total_epochs, self._batch,
                            self._batches_per_epoch, self._samples_per_second, self._seconds_left,
                            tuple(self._batch_loss), tuple(self._batch_accuracy), tuple(self._epochs),
                            self._best_epoch, self._stopped_early, self._message)

    # ----- the background thread -----

    def _launch(self, total_epochs: int) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                raise RuntimeError("This model is already training; stop it first.")
            self._stop.clear()
            self._state, self._message = "queued", ""
            self._total_epochs = total_epochs
            self._best_epoch, self._best_weights, self._stopped_early = None, None, False
            self._thread = threading.Thread(target=self._run, name=f"training-{self._ticket}", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        if self._slots is not None and not self._slots.acquire(self._ticket, self._stop):
            self._set(state="stopped", message="Cancelled while waiting for a free training slot.")
            return
        try:
            self._set(state="running")
            self._fit()
            self._finish()
        except Exception as error:  # shown on the page instead of killing the thread silently
            self._set(state="failed", message=f"Training failed: {type(error).__name__}: {error}")
        finally:
            if self._slots is not None:
                self._slots.release(self._ticket)

    def _fit(self) -> None:
        import keras

        x_train, y_train = self._training
        if not self._epochs:
            # Shuffling and dropout. Only on the first start: seeding TensorFlow also clears its kernel
            # cache, which made every Continue's first batches slow.
            keras.utils.set_random_seed(self.config.seed)
        self.model.fit(x_train, y_train, batch_size=self.config.batch_size, epochs=self._total_epochs,
                       initial_epoch=len(self._epochs), shuffle=True, verbose=0,
                       callbacks=[_progress_callback(keras, self)])

    def _finish(self) -> None:
        with self._lock:
            if self._stopped_early and self._best_weights is not None:
                self.model.set_weights(self._best_weights)
            if self._stop.is_set() and not self._stopped_early:
                self._state, self._message = "stopped", "Stopped. The model keeps the weights trained so far."
            else:
                self._state = "finished"
                if self._stopped_early:
                    self._message = (f"Early stopping: no lower validation loss for {self.config.patience} "
                                     f"epochs; the weights of epoch {self._best_epoch} (the best) are restored.")
            self._seconds_left = 0.0
            self._best_weights = None

    def _set(self, **values) -> None:
        with self._lock:
            for name, value in values.items():
                setattr(self, f"_{name}", value)

    # Called by the callback, on the training thread.

    def _begin_epoch(self, epoch: int) -> None:
        with self._lock:
            self._epoch, self._batch = epoch + 1, 0
        self._epoch_start = time.perf_counter()
        self._epoch_samples, self._epoch_loss_sum, self._epoch_correct_sum = 0, 0.0, 0.0

    def _end_batch(self, batch: int, logs: dict) -> bool:
        """Record one batch; True when the run should stop now."""
        # Keras reports means over the epoch so far; recover this batch's own values from them.
        batch_size = min(self.config.batch_size, len(self._training[1]) - batch * self.config.batch_size)
        samples = self._epoch_samples + batch_size
        loss_sum, correct_sum = float(logs["loss"]) * samples, float(logs["accuracy"]) * samples
        batch_loss = (loss_sum - self._epoch_loss_sum) / batch_size
        batch_accuracy = (correct_sum - self._epoch_correct_sum) / batch_size
        self._epoch_samples, self._epoch_loss_sum, self._epoch_correct_sum = samples, loss_sum, correct_sum
        elapsed = time.perf_counter() - self._epoch_start
        speed = samples / elapsed if elapsed > 0 else 0.0
        remaining_samples = (len(self._training[1]) - samples
                             + (self._total_epochs - self._epoch) * len(self._training[1]))
        with self._lock:
            self._batch = batch + 1
            self._batch_loss.append(batch_loss)
            self._batch_accuracy.append(min(max(batch_accuracy, 0.0), 1.0))
            self._samples_per_second = speed
            self._seconds_left = remaining_samples / speed if speed else None
        return self._stop.is_set()

    def _end_epoch(self, epoch: int, logs: dict) -> bool:
        """Validate and record one epoch; True when early stopping says to stop."""
        complete = not self._stop.is_set() and self._batch == self._batches_per_epoch
        val_loss = val_accuracy = None
        if complete:
            x_val, y_val = self._validation
            metrics = self.model.evaluate(x_val, y_val, batch_size=max(self.config.batch_size, 256), verbose=0,
                                          return_dict=True)
            val_loss, val_accuracy = float(metrics["loss"]), float(metrics["accuracy"])
        result = EpochResult(epoch + 1, float(logs["loss"]), float(logs["accuracy"]), val_loss, val_accuracy,
                             time.perf_counter() - self._epoch_start, complete)
        with self._lock:
            self._epochs.append(result)
            if val_loss is not None and (self._best_epoch is None
                                         or val_loss < self._epochs[self._best_epoch - 1].val_loss):
                self._best_epoch = epoch + 1
                if self.config.patience is not None:
                    self._best_weights = self.model.get_weights()
            patience_over = (self.config.patience is not None and self._best_epoch is not None
                             and epoch + 1 - self._best_epoch >= self.config.patience)
            if patience_over:
                self._stopped_early = True
            return self._stopped_early


def _progress_callback(keras, run: TrainingRun):
    """A Keras callback that feeds ``run`` and stops the fit when ``run`` says so."""

    class Progress(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            run._begin_epoch(epoch)

        def on_train_batch_end(self, batch, logs=None):
            if run._end_batch(batch, logs):
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            if run._end_epoch(epoch, logs):
                self.model.stop_training = True

    return Progress()


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


def evaluate(model, inputs: np.ndarray, labels: np.ndarray, batch_size: int = 512) -> Evaluation:
    """Loss, accuracy, every probability and the confusion matrix of ``model`` on ``inputs``."""
    probabilities = np.asarray(model.predict(inputs, batch_size=batch_size, verbose=0), dtype=np.float32)
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
