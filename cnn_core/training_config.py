"""How to train: epochs, batch size, optimizer and learning rate, validation, early stopping, seed."""

from __future__ import annotations

from dataclasses import dataclass

from cnn_core import checks, models


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
