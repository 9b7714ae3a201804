"""Training a Keras model in a background thread that a web page can watch and stop.

The thread only writes into a lock-protected :class:`TrainingRun`; a page reads :meth:`TrainingRun.snapshot`
whenever it redraws, and calls :meth:`TrainingRun.stop` or :meth:`TrainingRun.continue_training`. Nothing here
knows about Streamlit. :class:`~cnn_core.training_slots.TrainingSlots` caps how many runs train at once in a
process; the others wait in line and know their place. :func:`start_training` is the whole start of a Trainer
run: seed, build, compile, split, train. TensorFlow is imported only when a run starts.
"""

from __future__ import annotations

import math
import threading
import time
from typing import TYPE_CHECKING

import numpy as np

from cnn_core import augmentation, checks, models
from cnn_core.seeding import seed_everything, seeded
from cnn_core.training_config import TrainingConfig
from cnn_core.training_data import PreparedData, fit_inputs, validation_data, validation_scores
from cnn_core.training_progress import ACTIVE_STATES, EpochResult, RunState, Snapshot, estimate_seconds_left
from cnn_core.training_slots import TrainingSlots

if TYPE_CHECKING:
    import keras


class TrainingRun:
    """One model's training, run in a background thread and watched from outside.

    Parameters
    ----------
    model : keras.Model
        Compiled with a loss and an ``accuracy`` metric (:func:`cnn_core.models.compile_model`); with
        ``config.augmentation``, fitted behind random layers (:func:`cnn_core.augmentation.training_model`).
    training, validation : (inputs, labels) pairs
        Inputs float32 (N, H, W, C) or (N, features), labels int (N,).
    config : TrainingConfig
    slots : TrainingSlots, optional
        Shared by every run of a process to cap how many train at once.
    evaluation_size : int
        Examples the page evaluates once training ends, counted in the time left.
    """

    _tickets = iter(range(1, 2**62))
    _tickets_lock = threading.Lock()

    def __init__(self, model: keras.Model, training: tuple[np.ndarray, np.ndarray],
                 validation: tuple[np.ndarray, np.ndarray],
                 config: TrainingConfig, slots: TrainingSlots | None = None, evaluation_size: int = 0) -> None:
        self.model = model
        self._fit_model = augmentation.training_model(model, config)
        self._evaluation_size = evaluation_size
        self._forward_speed: float | None = None  # validation examples per second, once measured
        self.config = config
        self._training = training
        self._validation = validation
        self._slots = slots
        with TrainingRun._tickets_lock:
            self._ticket = next(TrainingRun._tickets)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state: RunState = "stopped"
        self._message = ""
        self._epoch = 0
        self._total_epochs = 0
        self._batch = 0
        self._batches_per_epoch = math.ceil(len(training[1]) / config.batch_size)
        self._first_epoch = 0  # of the current Train or Continue, from 0: the learning-rate schedule starts there
        self._learning_rate = config.learning_rate
        self._samples_per_second = 0.0
        self._seconds_left: float | None = None
        self._batch_loss: list[float] = []
        self._batch_accuracy: list[float] = []
        self._epochs: list[EpochResult] = []
        self._best_epoch: int | None = None
        self._best_weights: list[np.ndarray] | None = None
        self._stopped_early = False
        self._running_since: float | None = None
        self._finished_at: float | None = None

    # ----- control, from the page -----

    def start(self) -> None:
        """Train ``config.epochs`` epochs in a new thread (waiting for a slot first)."""
        self._launch(self.config.epochs)

    def continue_training(self, epochs: int) -> None:
        """Train ``epochs`` more epochs from the current weights; early stopping starts afresh."""
        checks.check_whole_number("epochs", epochs, 1, 1000)
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
            return self._state in ACTIVE_STATES

    def snapshot(self) -> Snapshot:
        with self._lock:
            queued = self._slots is not None and self._state == "queued"
            position = self._slots.position(self._ticket) if queued else 0
            wait = self._slots.estimated_wait(self._ticket) if queued else None
            return Snapshot(self._state, position, self._epoch, self._total_epochs, self._batch,
                            self._batches_per_epoch, self._samples_per_second, self._seconds_left,
                            tuple(self._batch_loss), tuple(self._batch_accuracy), tuple(self._epochs),
                            self._best_epoch, self._stopped_early, self._message, self._learning_rate,
                            self._elapsed(), wait)

    def _elapsed(self) -> float:
        """Seconds since this Train or Continue began running, up to its end."""
        start, end = self._running_since, self._finished_at or time.perf_counter()
        return 0.0 if start is None else end - start

    # ----- the background thread -----

    def _launch(self, total_epochs: int) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                raise RuntimeError("This model is already training; stop it first.")
            self._stop.clear()
            self._state, self._message = "queued", ""
            self._total_epochs = total_epochs
            self._first_epoch = len(self._epochs)
            self._best_epoch, self._best_weights, self._stopped_early = None, None, False
            self._thread = threading.Thread(target=self._run, name=f"training-{self._ticket}", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        work = (self._total_epochs - self._first_epoch) * len(self._training[1])
        if self._slots is not None and not self._slots.acquire(self._ticket, self._stop, work):
            self._set(state="stopped", message="Cancelled while waiting for a free training slot.")
            return
        try:
            self._running_since, self._finished_at = time.perf_counter(), None
            self._set(state="running")
            self._fit()
            self._finish()
        except Exception as error:  # shown on the page instead of killing the thread silently
            self._set(state="failed", message=f"Training failed: {type(error).__name__}: {error}")
        finally:
            self._finished_at = self._finished_at or time.perf_counter()
            if self._slots is not None:
                self._slots.release(self._ticket)

    def _fit(self) -> None:
        import keras

        if not self._epochs:
            # Shuffling and dropout. Only on the first start: seeding TensorFlow also clears its kernel
            # cache, which made every Continue's first batches slow.
            seed_everything(self.config.seed)
        seed = self.config.seed + len(self._epochs)  # below SMALL_DATA, each Continue its own order
        self._fit_model.fit(**fit_inputs(*self._training, self.config.batch_size, seed), epochs=self._total_epochs,
                            initial_epoch=len(self._epochs), verbose=0, callbacks=[_progress_callback(keras, self)])

    def _finish(self) -> None:
        with self._lock:
            self._finished_at = time.perf_counter()
            if self._stopped_early and self._best_weights is not None:
                self.model.set_weights(self._best_weights)
            if self._stop.is_set() and not self._stopped_early:
                self._state, self._message = "stopped", "Stopped. The model keeps the weights trained so far."
            else:
                self._state = "finished"
                seconds = self._elapsed()
                count = len(self._epochs)
                finished = f"Finished: {count} {'epoch' if count == 1 else 'epochs'} in {seconds:.0f} s."
                self._message = (f"Early stopping: no lower validation loss for {self.config.patience} "
                                 f"epochs; the weights of epoch {self._best_epoch} (the best) are restored."
                                 if self._stopped_early else finished)
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

    def _begin_batch(self, batch: int) -> None:
        """Set this batch's learning rate when it follows a schedule."""
        if self.config.schedule == "constant":
            return
        step = (self._epoch - 1 - self._first_epoch) * self._batches_per_epoch + batch
        steps = (self._total_epochs - self._first_epoch) * self._batches_per_epoch
        rate = self.config.learning_rate_at(step, steps)
        self._fit_model.optimizer.learning_rate = rate
        with self._lock:
            self._learning_rate = rate

    def _end_batch(self, batch: int, logs: dict) -> bool:
        """Record one batch; True when the run should stop now."""
        # Keras reports means over the epoch so far; recover this batch's own values from them.
        batch_size = min(self.config.batch_size, len(self._training[1]) - batch * self.config.batch_size)
        samples = self._epoch_samples + batch_size
        loss_sum, correct_sum = float(logs["loss"]) * samples, float(logs["accuracy"]) * samples
        batch_loss = (loss_sum - self._epoch_loss_sum) / batch_size
        batch_accuracy = (correct_sum - self._epoch_correct_sum) / batch_size
        self._epoch_samples, self._epoch_loss_sum, self._epoch_correct_sum = samples, loss_sum, correct_sum
        now = time.perf_counter()
        if batch == 0:  # the first batch of an epoch carries its start-up (in the first, building the graph)
            self._speed_since = (now, samples)
            speed = samples / (now - self._epoch_start) if now > self._epoch_start else 0.0
        else:
            since, samples_then = self._speed_since
            speed = (samples - samples_then) / (now - since) if now > since else 0.0
        remaining_samples = (len(self._training[1]) - samples
                             + (self._total_epochs - self._epoch) * len(self._training[1]))
        with self._lock:
            self._batch = batch + 1
            self._batch_loss.append(batch_loss)
            self._batch_accuracy.append(min(max(batch_accuracy, 0.0), 1.0))
            self._samples_per_second = speed
            self._seconds_left = seconds_left = estimate_seconds_left(
                remaining_samples, speed, self._total_epochs - self._epoch + 1, len(self._validation[1]),
                self._evaluation_size, self._forward_speed)
        if self._slots is not None and batch > 0:  # those waiting get this run's estimate once its speed is steady
            self._slots.report(self._ticket, seconds_left, speed)
        return self._stop.is_set()

    def _end_epoch(self, epoch: int, logs: dict) -> bool:
        """Validate and record one epoch; True when early stopping says to stop."""
        complete = not self._stop.is_set() and self._batch == self._batches_per_epoch
        val_loss = val_accuracy = None
        if complete:
            x_val, y_val = self._validation
            validation_start = time.perf_counter()
            val_loss, val_accuracy = validation_scores(self.model, x_val, y_val, self.config.batch_size)
            self._forward_speed = len(y_val) / max(time.perf_counter() - validation_start, 1e-9)
        result = EpochResult(epoch + 1, float(logs["loss"]), float(logs["accuracy"]), val_loss, val_accuracy,
                             time.perf_counter() - self._epoch_start, complete)
        with self._lock:
            self._epochs.append(result)
            if val_loss is not None and (self._best_epoch is None
                                         or val_loss < self._epochs[self._best_epoch - 1].val_loss):
                self._best_epoch = epoch + 1
                if self.config.patience is not None:
                    self._best_weights = self.model.get_weights()
            self._stopped_early = (self.config.patience is not None and self._best_epoch is not None
                                   and epoch + 1 - self._best_epoch >= self.config.patience)
            return self._stopped_early


def start_training(spec: models.Architecture | str, data: PreparedData, config: TrainingConfig,
                   slots: TrainingSlots | None = None) -> TrainingRun:
    """Build ``spec`` from seeded weights, compile it, split off the validation data and start training.

    The whole start of a Trainer run in one call: the starting weights depend only on ``config.seed``, the
    validation set is the test set or the end of the training examples (``config.validation_split``), and
    the run waits for one of ``slots`` before it trains. Raises ValueError for an architecture
    :func:`cnn_core.models.describe` refuses, before anything is built.
    """
    with seeded(config.seed):
        model = models.build_model(spec, num_classes=len(data.class_names))
        models.compile_model(model, config.optimizer, config.learning_rate)
    training, validation = validation_data(data.train_inputs, data.train_labels, data.test_inputs,
                                           data.test_labels, config.validation_split)
    run = TrainingRun(model, training, validation, config, slots, evaluation_size=len(data.test_labels))
    run.start()
    return run


def _progress_callback(keras, run: TrainingRun):
    """A Keras callback that feeds ``run`` and stops the fit when ``run`` says so."""

    class Progress(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            run._begin_epoch(epoch)

        def on_train_batch_begin(self, batch, logs=None):
            run._begin_batch(batch)

        def on_train_batch_end(self, batch, logs=None):
            if run._end_batch(batch, logs):
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            if run._end_epoch(epoch, logs):
                self.model.stop_training = True

    return Progress()
