"""Two replicas behind nginx with the project's own configuration (deploy/nginx/), driven by two browsers
(how they are started: tests/balancer.py)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from tests.balancer import balanced_replicas
from tests.conftest import png_bytes, write_dataset
from tests.drive import (
    LIVE_STATUS,
    assert_no_exception,
    open_trainer,
    remember_text,
    settle,
    upload,
    wait_for_line,
    wait_for_text_seen,
)

LOG_LINE = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d+) key=(?P<key>\S+) upstream=(?P<upstream>\S+)')


@pytest.fixture(scope="module")
def balancer():
    """nginx on a loopback port in front of two replicas; yields (url, access log, replica addresses)."""
    # VGG16 is not on this test's path: no replica loads (or, with a network, downloads) it at start.
    env = {"CNN_HOSTED": "1", "CNN_PRELOAD_VGG16": "0", "CNN_DATA_DIR": "{folder}/data"}
    with balanced_replicas(2, env, lambda folder: write_dataset(folder / "data" / "fashion_mnist", count=3000)) as run:
        yield run.url, run.access_log, set(run.addresses)


def _replicas_by_visitor(log: Path, request: str = "") -> dict[str, set[str]]:
    """Affinity key -> the replicas that answered its requests (those whose request line holds ``request``)."""
    served = defaultdict(set)
    for line in log.read_text().splitlines():
        found = LOG_LINE.search(line)
        if found and found["upstream"] != "-" and request in found["request"]:
            served[found["key"]].add(found["upstream"])
    return served


def _logged(log: Path, key: str, request: str = "") -> set[str]:
    """The replicas that served ``key``'s requests, once nginx has logged one (it logs a request when it ends)."""
    line = re.compile(rf'"[^"]*{re.escape(request)}[^"]*" \d+ key={re.escape(key)} upstream=\d')
    wait_for_line(log, line, timeout=30)
    return _replicas_by_visitor(log, request).get(key, set())


def _new_visitor(browser, url: str):
    """A browser context that has made its first request through the balancer; with its affinity key."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    remember_text(context, LIVE_STATUS)  # a short training's status may be over before a tab is looked at
    context.request.get(f"{url}/_stcore/health")
    return context, next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "cnn_replica")


def _visitor_on_another_replica(browser, url: str, log: Path, taken: str):
    """A new browser context whose affinity cookie sends it to a replica other than ``taken``."""
    for _ in range(40):  # each new key lands on either replica with even odds
        context, key = _new_visitor(browser, url)
        if taken not in _logged(log, key):
            return context, key
        context.close()
    pytest.fail("40 new visitors all landed on one replica")


def test_two_visitors_on_two_replicas_upload_train_and_see_pictures_each_on_their_own(balancer, browser, tmp_path):
    url, log, replicas = balancer
    first, first_key = _new_visitor(browser, url)
    second, second_key = _visitor_on_another_replica(browser, url, log, next(iter(_logged(log, first_key))))
    tabs = [first.new_page(), second.new_page()]
    for tab in tabs:
        tab.set_default_timeout(120_000)
        tab.goto(f"{url}/filter_playground")
        tab.get_by_text("Feature map: 298 × 449 × 1").wait_for()
        upload(tab, tmp_path, "photo.png", png_bytes(200, 120))  # an upload over HTTP, then its rerun
        tab.get_by_text("Input: 120 × 200 × 1").wait_for()
    for tab in tabs:
        open_trainer(tab, url, epochs=1)  # both train at once, one on each replica
    for tab in tabs:
        wait_for_text_seen(tab, LIVE_STATUS)  # the live status, pushed over the websocket
        tab.get_by_text("Test accuracy", exact=True).wait_for(timeout=300_000)
        settle(tab)
        assert tab.locator(".js-plotly-plot .annotation-text", has_text="Loss").count() == 1  # the curves
        tab.get_by_role("radio", name="Inside one image").click()
        picture = tab.locator("[data-testid='stImage'] img").first  # a test picture, served over HTTP
        picture.wait_for()
        tab.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=picture.element_handle())
        assert_no_exception(tab)
    first.close()
    second.close()  # nginx logs a websocket when it closes
    for key in (first_key, second_key):
        assert _logged(log, key, "/_stcore/stream") and _logged(log, key, "GET /media/")
    served = _replicas_by_visitor(log)
    assert len(served[first_key]) == 1 and len(served[second_key]) == 1, served
    assert served[first_key] | served[second_key] == replicas
