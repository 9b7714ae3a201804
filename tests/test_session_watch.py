"""ui.session_watch.TrainingHandovers: a training belongs to one tab, is stopped when it goes, found after a reload."""

import pytest

from ui import session_watch


class FakeRun:
    """A training that is active for ``polls`` looks at ``is_active``, or until stopped."""

    def __init__(self, polls: int = 10**9) -> None:
        self.polls, self.stopped = polls, False

    @property
    def is_active(self) -> bool:
        self.polls -= 1
        return self.polls >= 0 and not self.stopped

    def stop(self) -> None:
        self.stopped = True


class Clock:
    """Seconds that move on by ``step`` at every reading, so waits end without real time passing."""

    def __init__(self, step: float = 1.0) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def connected():
    return {"old-tab"}


@pytest.fixture
def handovers(connected, monkeypatch):
    monkeypatch.setattr(session_watch, "POLL_SECONDS", 0)
    monkeypatch.setattr(session_watch.time, "sleep", lambda seconds: None)
    return session_watch.TrainingHandovers(lambda session: session in connected, Clock())


def test_a_reload_gets_the_running_training_and_what_the_page_kept(handovers, connected):
    run, kept = FakeRun(), object()
    token = handovers.register(run, kept, "old-tab")
    connected.discard("old-tab")  # the reload closed the old tab's connection
    handed = handovers.claim(token, "new-tab")
    assert handed.kept is kept and handed.run is run and not handed.stopped_by_closing and not run.stopped


def test_another_tab_with_the_same_address_gets_nothing_while_the_training_tab_is_open(handovers):
    token = handovers.register(FakeRun(), object(), "old-tab")
    assert handovers.claim(token, "classmate") == "elsewhere"


def test_a_token_that_names_no_training_is_unknown(handovers):
    assert handovers.claim("made-up", "new-tab") == "unknown"


def test_a_training_whose_tab_stays_gone_is_stopped_after_the_grace_time(handovers, connected):
    run = FakeRun()
    token = handovers.register(run, object(), "old-tab")
    connected.discard("old-tab")
    handovers.watch(token)  # returns once it has stopped the run
    assert run.stopped
    assert handovers.claim(token, "new-tab").stopped_by_closing


def test_a_claimed_training_is_watched_for_its_new_tab_and_not_stopped(handovers, connected):
    run = FakeRun(polls=20)
    token = handovers.register(run, object(), "old-tab")
    connected.discard("old-tab")
    handovers.claim(token, "new-tab")
    connected.add("new-tab")
    handovers.watch(token)  # returns when the run ends on its own
    assert not run.stopped


def test_a_training_gone_for_longer_than_it_is_kept_is_forgotten(connected, monkeypatch):
    clock = Clock(step=0)
    handovers = session_watch.TrainingHandovers(lambda session: session in connected, clock)
    token = handovers.register(FakeRun(polls=0), object(), "old-tab")
    connected.discard("old-tab")
    assert len(handovers) == 1
    handovers.register(FakeRun(), object(), "someone")  # looks at who is gone: since now
    clock.now += session_watch.KEEP_SECONDS
    handovers.register(FakeRun(), object(), "someone-else")
    assert handovers.claim(token, "new-tab") == "unknown"


def test_a_new_training_replaces_the_tabs_earlier_one(handovers):
    first = handovers.register(FakeRun(), object(), "old-tab")
    handovers.register(FakeRun(), object(), "old-tab")
    assert len(handovers) == 1 and handovers.claim(first, "old-tab") == "unknown"
