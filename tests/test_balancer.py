"""Two replicas behind nginx with the project's own configuration (deploy/nginx/), driven by two browsers.

Each replica is started by deploy/start.sh, the image's start step, and is waited on with
deploy/healthcheck.py, the image's health check. nginx and the replicas listen on loopback only.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import APP_TIMEOUT_S, ROOT, _free_port, missing_resource, png_bytes, write_dataset
from tests.drive import assert_no_exception, open_trainer, settle, upload

DEPLOY = ROOT / "deploy"
LOG_LINE = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d+) key=(?P<key>\S+) upstream=(?P<upstream>\S+)')


def _wait_until(condition, timeout: float, what: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode} before it was ready")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} was not ready after {timeout:.0f} s")
        time.sleep(0.3)


def _is_healthy(port: int) -> bool:
    checked = subprocess.run(["python", str(DEPLOY / "healthcheck.py")], env={**os.environ, "CNN_PORT": str(port)},
                             capture_output=True)
    return checked.returncode == 0


@contextlib.contextmanager
def _started(command: list[str], env: dict[str, str], log: Path):
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, **env})
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _nginx_configuration(folder: Path, port: int, replica_ports: list[int]) -> Path:
    """A main nginx.conf for a user's folder, around the project's deploy/nginx/classroom.conf, used as it is."""
    (folder / "replicas.conf").write_text("".join(f"server 127.0.0.1:{replica};\n" for replica in replica_ports))
    (folder / "site.conf").write_text(f"listen 127.0.0.1:{port};\naccess_log {folder}/access.log replicas;\n")
    temporary = "\n".join(f"    {kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                                 "uwsgi", "scgi"))
    main = folder / "nginx.conf"
    main.write_text(f"daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
                    f"events {{}}\nhttp {{\n{temporary}\n    include {DEPLOY}/nginx/classroom.conf;\n}}\n")
    return main


@pytest.fixture(scope="module")
def balancer():
    """nginx on a loopback port in front of two replicas; yields (url, access log, replica addresses)."""
    nginx = shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if Path(path).is_file()), None)
    if nginx is None:
        missing_resource("Debian's nginx package is not installed (apt-get install -y nginx)")
    with contextlib.ExitStack() as stack:
        # Not under pytest's folder: run as root, nginx's workers are "nobody", who may not enter that one.
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="balancer-")))
        folder.chmod(0o777)
        write_dataset(folder / "data" / "fashion_mnist", count=1000)
        replica_ports, port = [_free_port(), _free_port()], _free_port()
        configuration = _nginx_configuration(folder, port, replica_ports)
        for replica in replica_ports:
            env = {"CNN_ADDRESS": "127.0.0.1", "CNN_PORT": str(replica), "CNN_HOSTED": "1",
                   "CNN_DATA_DIR": str(folder / "data")}
            process = stack.enter_context(_started(["sh", str(DEPLOY / "start.sh")], env, folder / f"{replica}.log"))
            _wait_until(lambda replica=replica: _is_healthy(replica), APP_TIMEOUT_S, "A replica (start.sh)", process)
        balancer = stack.enter_context(_started([nginx, "-p", str(folder), "-c", str(configuration)], {},
                                                folder / "nginx.out"))
        _wait_until(lambda: (folder / "nginx.pid").exists(), 30, "nginx", balancer)
        yield f"http://127.0.0.1:{port}", folder / "access.log", {f"127.0.0.1:{replica}" for replica in replica_ports}


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
    deadline = time.monotonic() + 30
    while not (replicas := _replicas_by_visitor(log, request).get(key)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return replicas or set()


def _new_visitor(browser, url: str):
    """A browser context that has made its first request through the balancer; with its affinity key."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
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
        tab.get_by_text("examples per second").first.wait_for()  # the live status, pushed over the websocket
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
