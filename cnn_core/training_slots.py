"""A cap on how many trainings run at once in a process; the others wait in line and know their place and wait."""

from __future__ import annotations

import heapq
import threading
from collections import deque


class TrainingSlots:
    """At most ``capacity`` runs train at once; the others wait, first come first served.

    Running runs :meth:`report` their own estimate of the seconds they have left and their speed; a waiting
    run's :meth:`estimated_wait` is worked out from those and from the examples each run ahead of it will train.
    """

    def __init__(self, capacity: int = 2) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1. Received: capacity={capacity!r}")
        self.capacity = capacity
        self._condition = threading.Condition()
        self._running: set[int] = set()
        self._waiting: deque[int] = deque()
        self._work: dict[int, float | None] = {}  # ticket -> examples it will train (epochs × examples)
        self._seconds_left: dict[int, float | None] = {}  # a running ticket's own estimate
        self._speed: float | None = None  # examples per second of the latest run that reported one

    def acquire(self, ticket: int, cancelled: threading.Event, work: float | None = None) -> bool:
        """Wait for a slot; False when ``cancelled`` was set while waiting. ``work``: the examples the run will
        train, which the runs behind it wait for."""
        with self._condition:
            self._waiting.append(ticket)
            self._work[ticket] = work
            try:
                while not (self._waiting[0] == ticket and len(self._running) < self.capacity):
                    if cancelled.is_set():
                        self._work.pop(ticket, None)
                        return False
                    self._condition.wait(timeout=0.2)
                self._running.add(ticket)
                self._seconds_left[ticket] = None
                return True
            finally:
                self._waiting.remove(ticket)
                self._condition.notify_all()

    def release(self, ticket: int) -> None:
        with self._condition:
            self._running.discard(ticket)
            self._work.pop(ticket, None)
            self._seconds_left.pop(ticket, None)
            self._condition.notify_all()

    def report(self, ticket: int, seconds_left: float | None, speed: float) -> None:
        """A running run's estimate of its seconds left, and its examples per second now."""
        with self._condition:
            if ticket in self._running:
                self._seconds_left[ticket] = seconds_left
            if speed > 0:
                self._speed = speed

    def position(self, ticket: int) -> int:
        """1 for the next in line, 2 for the one after, ...; 0 when not waiting."""
        with self._condition:
            return self._waiting.index(ticket) + 1 if ticket in self._waiting else 0

    def estimated_wait(self, ticket: int) -> float | None:
        """Seconds until the waiting ``ticket`` starts; None when not waiting or not known yet.

        Each slot frees when its run's own estimate says; each run ahead in line then takes the next slot to
        free for its examples at the latest speed reported. Unknown while a running run has no estimate yet
        or a run ahead did not say its examples.
        """
        with self._condition:
            if ticket not in self._waiting:
                return None
            frees = [self._seconds_left.get(running) for running in self._running]
            if any(seconds is None for seconds in frees):
                return None
            frees += [0.0] * (self.capacity - len(frees))
            heapq.heapify(frees)
            for ahead in list(self._waiting)[: self._waiting.index(ticket)]:
                work = self._work.get(ahead)
                if work is None or not self._speed:
                    return None
                heapq.heappush(frees, heapq.heappop(frees) + work / self._speed)
            return frees[0]

    @property
    def running(self) -> int:
        with self._condition:
            return len(self._running)
