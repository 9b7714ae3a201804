"""A visitor's memory (photos, codes, models) is dropped seconds after their tab goes, and only theirs."""

from ui.session_memory import SessionMemory
from ui.session_watch import GRACE_SECONDS


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_each_session_has_its_own_dictionary():
    memory = SessionMemory(lambda session: True)
    memory.of("a")["photos"] = [1]
    assert memory.of("b") == {} and memory.of("a") == {"photos": [1]}


def test_a_closed_tabs_memory_goes_after_the_grace_time_and_no_one_elses():
    connected, clock = {"a", "b"}, Clock()
    memory = SessionMemory(lambda session: session in connected, clock)
    memory.of("a")["photos"], memory.of("b")["photos"] = [1], [2]
    connected.discard("a")
    assert memory.sweep() == {}  # just gone: a network blip gets the grace time
    clock.now += GRACE_SECONDS
    assert memory.sweep() == {"a": ["photos"]} and len(memory) == 1 and memory.of("b") == {"photos": [2]}


def test_a_tab_that_reconnects_within_the_grace_time_keeps_its_memory():
    connected, clock = {"a"}, Clock()
    memory = SessionMemory(lambda session: session in connected, clock)
    memory.of("a")["photos"] = [1]
    connected.clear()
    memory.sweep()
    clock.now += GRACE_SECONDS / 2
    connected.add("a")
    memory.sweep()
    clock.now += GRACE_SECONDS
    assert memory.sweep() == {} and memory.of("a") == {"photos": [1]}


def test_what_a_forgotten_session_kept_is_closed_and_no_one_elses():
    class Kept:
        closed = False

        def close(self):
            self.closed = True

    connected, clock = {"a", "b"}, Clock()
    memory = SessionMemory(lambda session: session in connected, clock)
    memory.of("a")["folder"], memory.of("b")["folder"] = Kept(), Kept()
    first, second = memory.of("a")["folder"], memory.of("b")["folder"]
    connected.discard("a")
    memory.sweep()
    clock.now += GRACE_SECONDS
    memory.sweep()
    assert first.closed and not second.closed
