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

    @property
    def is_active(self) -> bool:
        """Queued or running: the page should keep polling."""
        return self.state in ACTIVE_STATES
