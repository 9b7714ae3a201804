"""Strangers sharing one server: the training cap queues, and a closed tab gives its place back."""

import re

import pytest

from tests.conftest import running_server, write_dataset
from tests.drive import LIVE_STATUS, inspect_shipped_model, open_trainer, wait_for_line
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
        first.get_by_text(LIVE_STATUS).first.wait_for()
        open_trainer(second, one_place_server, epochs=1)
        second.get_by_text("this server runs one training at once").wait_for()
        second.get_by_text("you are number 1 in line").wait_for()

        address = first.url  # holds the training's token
        assert re.search(r"[?&]run=[\w-]{20,}", address), address
        first_context.close()
        # Running, or already done: one short epoch can start and end between two redraws of the queued page.
        started = second.get_by_text(LIVE_STATUS).or_(second.get_by_text("Test accuracy", exact=True))
        started.first.wait_for(timeout=session_watch.GRACE_SECONDS * 1000 + 120_000)

        # It started because the closed tab's training was stopped for it, not because that one ended: the
        # closed tab's address, opened again, gets its model back and is told why the training stopped.
        again_context, again = _tab(browser)
        again.goto(address)
        again.get_by_text("was reloaded or closed while this model was training, so the training stopped").wait_for()
        again.get_by_role("button", name="Continue").wait_for()
        again_context.close()
    finally:
        second_context.close()


def test_a_reload_during_training_carries_the_training_on(browser, one_place_server):
    context, tab = _tab(browser)
    try:
        open_trainer(tab, one_place_server, epochs=50)
        tab.get_by_text(LIVE_STATUS).first.wait_for()
        tab.wait_for_url(re.compile(r"[?&]run="))
        tab.reload()
        tab.get_by_text("the training carried on, and here it is").wait_for()
        tab.get_by_text(LIVE_STATUS).first.wait_for()  # still training, in the new session
        assert tab.get_by_text("Press Train a new model").count() == 0

        # A classmate opening the same address while this tab trains gets a fresh page, not this training.
        other_context, other = _tab(browser)
        other.goto(tab.url)
        other.get_by_text("Press Train a new model to start").wait_for()
        other.wait_for_url(lambda url: "run=" not in url)
        other_context.close()
        tab.get_by_role("button", name="Stop", exact=True).click()
        tab.get_by_text("Stopped. The model keeps the weights trained so far.").wait_for()
    finally:
        context.close()


def test_an_address_whose_training_is_gone_says_nothing_was_kept(browser, one_place_server):
    context, tab = _tab(browser)
    try:
        tab.goto(f"{one_place_server}/trainer?run=a-token-this-server-never-gave")
        tab.get_by_text("names a training that is no longer on this server").wait_for()
        tab.get_by_text("Press Train a new model to start").wait_for()
    finally:
        context.close()


def test_a_closed_tabs_trainer_model_is_forgotten_by_the_server(browser, tmp_path):
    write_dataset(tmp_path / "data" / "fashion_mnist", count=200)
    log = tmp_path / "server.log"
    with running_server({"CNN_DATA_DIR": str(tmp_path / "data")}, log=log) as url:
        context, tab = _tab(browser)
        inspect_shipped_model(tab, url)  # the tab's model: kept in its session memory (ui.trainer.session.keep)
        assert "Forgot what the closed session" not in log.read_text()
        context.close()
        forgotten = re.compile(r"Forgot what the closed session \S+ kept: .*trainer_session")
        assert wait_for_line(log, forgotten, timeout=60), "the closed tab's model was still kept after 60 s"
