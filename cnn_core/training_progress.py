"""What a page reads of a training run: its state, and the metrics of every batch and epoch so far."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

#: The states of a run, in the order they usually happen.
RunState = Literal["queued", "running", "stopped", "finished", "failed"]
STATES: tuple[RunState, ...] = get_args(RunState)
#: The states in which a run still has work to do, and a page should keep polling.
ACTIVE_STATES: tuple[RunState, ...] = ("queued", "running")



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

    state: RunState
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
    learning_rate: float = 0.0  # of the latest batch
    elapsed_seconds: float = 0.0  # since this Train or Continue began running, up to its end
    seconds_to_start: float | None = None  # while queued: the estimated wait (TrainingSlots.estimated_wait)

    @property
    def is_active(self) -> bool:
        """Queued or running: the page should keep polling."""
        return self.state in ACTIVE_STATES


#: How much faster a forward pass alone (validation, evaluation) goes than training, until one is measured.
FORWARD_SPEEDUP = 3.0


def estimate_seconds_left(training_samples_left: int, training_speed: float, validations_left: int,
                          validation_size: int, evaluation_size: int, forward_speed: float | None) -> float | None:
    """Seconds until the results show: the training left, each validation still to come, the final evaluation.

    Speeds are examples per second; ``forward_speed`` is that of validation, measured at the end of the
    first epoch, else taken as :data:`FORWARD_SPEEDUP` times the training speed. None while nothing
    has been measured yet.

    >>> estimate_seconds_left(1000, 100.0, 2, 300, 600, 300.0)  # 10 s training, 2 s validating, 2 s testing
    14.0
    """
    if training_speed <= 0:
        return None
    forward = forward_speed or FORWARD_SPEEDUP * training_speed
    return training_samples_left / training_speed + (validations_left * validation_size + evaluation_size) / forward
