"""Strangers sharing one server: the training cap queues, and a closed tab gives its place back."""

import time

import pytest

from tests.conftest import running_server, write_dataset
from tests.drive import open_trainer
from ui import session_watch

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def one_place_server(tmp_path_factory):
    """A server whose training cap is one, so a second visitor queues."""
    data_dir = tmp_path_factory.mktemp("data")
    # The first tab must still be training when the second joins the queue: 50 epochs of 6,000 examples took
    # 48 s on a fast two-core machine. Of 1,000 examples they took 12 s there, which can end first.
    write_dataset(data_dir / "fashion_mnist", count=6000)
    with running_server({"CNN_DATA_DIR": str(data_dir), "CNN_MAX_TRAININGS": "1"}) as url:
        yield url


def _tab(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(120_000)
    return context, tab


def test_closing_a_training_tab_lets_the_queued_training_start(browser, one_place_server):
    first_context, first = _tab(browser)
    second_context, second = _tab(browser)
    try:
        open_trainer(first, one_place_server, epochs=50)
        first.get_by_text("examples per second").first.wait_for()
        open_trainer(second, one_place_server, epochs=1)
        second.get_by_text("this server runs one training at once").wait_for()
        second.get_by_text("you are number 1 in line").wait_for()

        closed_at = time.monotonic()
        first_context.close()
        # Running, or already done: one short epoch can start and end between two redraws of the queued page.
        started = second.get_by_text("examples per second").or_(second.get_by_text("Test accuracy"))
        started.first.wait_for(timeout=60_000)
        waited = time.monotonic() - closed_at
        # The grace period, one batch, and one redraw of the queued page (every 2 s), with room for a busy CI.
        assert waited < session_watch.GRACE_SECONDS + 15, f"the queued training started {waited:.1f} s after"
    finally:
        second_context.close()
