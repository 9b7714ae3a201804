"""The contrast to transfer learning: the Trainer's small CNN learning a person's classes from nothing but their
photos, for a fixed number of seconds, scored on the same held-out photos."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from cnn_core import checks, models, training, vgg16
from cnn_core.seeding import seeded
from cnn_core.training_config import TrainingConfig
from cnn_core.training_slots import TrainingSlots

#: The small CNN's input side, as on the Trainer; the photos keep their colour (3 channels).
PICTURE_SIDE = 28
#: Trained as the head is: Adam at 0.001 in batches of 16, for as many epochs as the time allows.
SCRATCH_CONFIG = TrainingConfig(epochs=1000, batch_size=16, learning_rate=1e-3, seed=0)


@dataclass(frozen=True)
class ScratchResult:
    """How the small CNN did: held-out accuracy (0 to 1), epochs completed, seconds trained, parameters."""

    accuracy: float
    epochs: int
    seconds: float
    parameters: int


def small_pictures(photos: Sequence[np.ndarray]) -> np.ndarray:
    """The photos as the small CNN sees them: VGG16's centre crop, shrunk to 28 × 28, colours scaled to [0, 1].

    Parameters
    ----------
    photos : sequence of ndarray of uint8, shape (H, W, 3)

    Returns
    -------
    ndarray of float32, shape (N, 28, 28, 3)
    """
    side = (PICTURE_SIDE, PICTURE_SIDE)
    pictures = [cv2.resize(vgg16.resize_for_vgg16(photo), side, interpolation=cv2.INTER_AREA) for photo in photos]
    return np.asarray(pictures, dtype=np.float32).reshape(-1, *side, 3) / 255.0


def train_from_scratch(photos: Sequence[np.ndarray], labels: np.ndarray, train_indices: np.ndarray,
                       held_out_indices: np.ndarray, class_count: int, seconds: float,
                       slots: TrainingSlots | None = None, config: TrainingConfig = SCRATCH_CONFIG) -> ScratchResult:
    """Train the Trainer's default CNN (:data:`cnn_core.models.DEFAULT_PRESET`) from random weights.

    It trains on the photos of ``train_indices`` for ``seconds`` of training (time spent waiting for one of
    ``slots`` does not count), stopping after the batch it is on, then answers the photos of
    ``held_out_indices``. Raises RuntimeError when the training fails.
    """
    if not (np.isfinite(seconds) and 0 < seconds <= 600):
        raise ValueError(f"seconds must be more than 0 and at most 600. Received: seconds={seconds!r}")
    checks.check_whole_number("class_count", class_count, 2, 1000)
    labels = np.asarray(labels, dtype=np.int64)
    pictures = small_pictures(photos)
    with seeded(config.seed):
        model = models.build_model(models.DEFAULT_PRESET, (PICTURE_SIDE, PICTURE_SIDE, 3), class_count)
        models.compile_model(model, config.optimizer, config.learning_rate)
    held_out = (pictures[held_out_indices], labels[held_out_indices])
    run = training.TrainingRun(model, (pictures[train_indices], labels[train_indices]), held_out, config, slots)
    run.start()
    snapshot = run.snapshot()
    while snapshot.is_active and not (snapshot.state == "running" and snapshot.elapsed_seconds >= seconds):
        time.sleep(0.02)
        snapshot = run.snapshot()
    run.stop()
    run.join()
    snapshot = run.snapshot()
    if snapshot.state == "failed":
        raise RuntimeError(snapshot.message)
    predictions = np.asarray(model.predict(held_out[0], verbose=0)).argmax(axis=1)
    return ScratchResult(float(np.mean(predictions == held_out[1])), sum(epoch.complete for epoch in snapshot.epochs),
                         snapshot.elapsed_seconds, model.count_params())
