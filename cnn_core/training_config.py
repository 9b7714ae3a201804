"""How to train: epochs, batch size, optimizer and learning rate, validation, early stopping, seed."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cnn_core import checks, models

#: How the learning rate moves during a run: "constant" keeps it; "cosine" lowers it from the chosen rate to
#: zero along half a cosine wave, batch by batch, over the run's epochs (each Train or Continue is one run).
SCHEDULES = ("constant", "cosine")
#: What the training pictures go through before each batch: nothing, random shifts of up to
#: :data:`cnn_core.augmentation.MAX_SHIFT` pixels, or shifts and random left-right flips.
AUGMENTATIONS = ("none", "shifts", "shifts_and_flips")


@dataclass(frozen=True)
class TrainingConfig:
    """How to train.

    ``validation_split`` is 0 to validate on the test set, or the fraction of
    the training set held out for validation. ``patience`` is the number of
    epochs without a lower validation loss after which training stops and the
    best weights come back; None turns early stopping off. ``schedule`` is one
    of :data:`SCHEDULES` and ``augmentation`` one of :data:`AUGMENTATIONS`.
    """

    epochs: int = 5
    batch_size: int = 64
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    validation_split: float = 0.0
    patience: int | None = None
    seed: int = 0
    schedule: str = "constant"
    augmentation: str = "none"

    def __post_init__(self) -> None:
        for name, low, high in (("epochs", 1, 1000), ("batch_size", 1, 65536), ("seed", 0, 2**31 - 1)):
            checks.check_whole_number(name, getattr(self, name), low, high)
        models.check_optimizer(self.optimizer)
        checks.check_learning_rate(self.learning_rate)
        checks.check_rate("validation_split", self.validation_split)
        if self.patience is not None and not (checks.is_whole_number(self.patience) and self.patience >= 1):
            raise ValueError(f"patience must be a whole number >= 1, or None. Received: {self.patience!r}")
        for name, valid in (("schedule", SCHEDULES), ("augmentation", AUGMENTATIONS)):
            if getattr(self, name) not in valid:
                raise ValueError(f"{name} must be one of {', '.join(valid)}. Received: {getattr(self, name)!r}")

    def learning_rate_at(self, step: int, steps: int) -> float:
        """The learning rate for batch ``step`` (from 0) of a run of ``steps`` batches.

        >>> TrainingConfig(learning_rate=0.002, schedule="cosine").learning_rate_at(50, 100)
        0.001
        """
        if self.schedule == "constant" or steps <= 0:
            return self.learning_rate
        return 0.5 * self.learning_rate * (1 + math.cos(math.pi * min(step, steps) / steps))
