"""A cap on how many trainings run at once in a process; the others wait in line and know their place."""

from __future__ import annotations

import threading
from collections import deque


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
