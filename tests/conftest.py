"""Shared fixtures: the app under AppTest, and a real server for browser tests."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
APP_PATH = str(ROOT / "app.py")
# Longer than TensorFlow's or Streamlit's first import on a 2-core machine.
APP_TIMEOUT_S = 120
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def png_bytes(width: int, height: int, seed: int = 0) -> bytes:
    """A random RGB photo of the given size, as PNG file bytes."""
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def app():
    """The app under Streamlit's AppTest, on its home page, with a cold data cache."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    return AppTest.from_file(APP_PATH, default_timeout=APP_TIMEOUT_S).run()


def missing_resource(reason: str):
    """Fail in CI, where .ci/run installs everything; skip with the reason elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it, so this is an error here)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_server(env: dict[str, str] | None = None, log: Path | None = None, script: str | Path = APP_PATH):
    """`streamlit run app.py` on a free loopback port; yields its URL once healthy.

    ``env`` adds environment variables for the server process; ``log`` is a file for its output;
    ``script`` runs another script instead of the app, with the project's configuration.
    """
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1"]
    output = open(log, "wb") if log else subprocess.PIPE  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                               env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process)
        yield url
    finally:
        stop_process(process)
        if log:
            output.close()


def stop_process(process: subprocess.Popen) -> None:
    """Ask ``process`` to end, and kill it if it has not within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def server_pid(url: str) -> int:
    """The process id of the server that :func:`running_server` started at ``url``."""
    found = subprocess.run(["pgrep", "-f", f"server.port {url.rsplit(':', 1)[1]}"], capture_output=True, text=True)
    return int(found.stdout.split()[0])


def _wait_until_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + APP_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            if process.poll() is not None:
                output = process.stdout.read().decode(errors="replace") if process.stdout else "(see the log file)"
                pytest.fail(f"The Streamlit server exited before becoming healthy:\n{output}")
            if time.monotonic() > deadline:
                pytest.fail(f"The Streamlit server was not healthy after {APP_TIMEOUT_S} s.")
            time.sleep(0.3)


def save_vgg16_weights(model, path: str | os.PathLike) -> None:
    """Write ``model``'s weights in the layout of Keras' official VGG16 file (legacy HDF5).

    The file :func:`cnn_core.vgg16.load_model` reads: the root lists every layer in
    ``layer_names``; each layer's group lists its arrays in ``weight_names``, in order.
    Tests and benchmarks use it to stand in for the real ImageNet file with random weights.
    """
    import h5py

    with h5py.File(path, "w") as file:
        file.attrs["layer_names"] = [layer.name.encode() for layer in model.layers]
        for layer in model.layers:
            group = file.create_group(layer.name)
            names = [f"{layer.name}/{variable.name}:0" for variable in layer.weights]
            group.attrs["weight_names"] = [name.encode() for name in names]
            for name, variable in zip(names, layer.weights):
                group.create_dataset(name, data=np.asarray(variable))


@pytest.fixture(scope="session")
def random_vgg16_weights(tmp_path_factory):
    """Keras' VGG16(weights=None), saved in the layout of the official ImageNet weights file.

    The real weights cannot be downloaded here; with these the labels are
    arbitrary, but every step of the page's pipeline runs.
    """
    import keras

    from cnn_core import vgg16

    keras.utils.set_random_seed(0)
    path = tmp_path_factory.mktemp("vgg16") / vgg16.WEIGHTS_FILE_NAME
    save_vgg16_weights(keras.applications.VGG16(weights=None), path)
    return path


@pytest.fixture(scope="session")
def server_url(random_vgg16_weights, tmp_path_factory):
    """One server shared by the browser tests of the session: VGG16 with random weights, a tiny dataset."""
    data_dir = tmp_path_factory.mktemp("data")
    write_dataset(data_dir / "fashion_mnist", count=1000)
    with running_server({"VGG16_WEIGHTS": str(random_vgg16_weights), "CNN_DATA_DIR": str(data_dir)}) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright."""
    chromium = shutil.which("chromium")
    if chromium is None:
        missing_resource("Debian's chromium package is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_resource("the playwright Python package is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server_url):
    """A fresh browser tab (its own Streamlit session), 1400x1000."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


def class_photos(per_class: int = 8, classes: int = 2, seed: int = 0) -> tuple[list[np.ndarray], np.ndarray]:
    """Photos that even a random-weight VGG16 tells apart: each class its own colour and stripe direction.

    Sizes vary (VGG16's preprocessing resizes them), and each photo has its own noise and stripe phase.
    """
    generator = np.random.default_rng(seed)
    colours = np.array([[200, 40, 40], [40, 60, 210], [40, 190, 60], [220, 200, 40]], np.float32)
    photos, labels = [], []
    for label in range(classes):
        for _ in range(per_class):
            height, width = generator.integers(120, 260, 2)
            rows, columns = np.mgrid[0:height, 0:width]
            along = rows if label % 2 == 0 else columns
            stripes = (np.sin(along / (3 + 2 * label) + generator.uniform(0, 6)) > 0)[..., None]
            photo = colours[label] * (0.55 + 0.45 * stripes) + generator.normal(0, 18, (height, width, 3))
            photos.append(np.clip(photo, 0, 255).astype(np.uint8))
            labels.append(label)
    return photos, np.array(labels)


def png_of(pixels: np.ndarray) -> bytes:
    """``pixels`` (H, W, 3) uint8 as PNG file bytes."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def learnable_images(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """28 × 28 uint8 images a CNN can learn, and their labels 0 to 9.

    Class k is a bright 7 × 4 bar in its own cell of a 5 × 2 grid, moved by
    up to 2 pixels, on dim noise: the position, not chance, decides the label.
    """
    generator = np.random.default_rng(seed)
    labels = generator.integers(0, 10, count).astype(np.uint8)
    images = generator.integers(0, 60, (count, 28, 28)).astype(np.uint8)
    for image, label in zip(images, labels):
        top = 3 + 13 * (label // 5) + generator.integers(-2, 3)
        left = 1 + 5 * (label % 5) + generator.integers(-1, 2)
        image[max(top, 0) : top + 7, max(left, 0) : left + 4] = generator.integers(180, 256)
    return images, labels


def trainer_model(page):
    """The Trainer's current model (a ``ui.trainer.session.Trained``) of an AppTest ``page``, or None."""
    return page.session_state["session_memory"].get("trainer_session") if "session_memory" in page.session_state \
        else None


def write_dataset(folder: Path, count: int = 120, gzipped: bool = True, seed: int = 0) -> None:
    """The four IDX files of a small learnable dataset in ``folder``.

    ``count`` training images and half as many test images, from :func:`learnable_images`.
    """
    from cnn_core import datasets

    x_train, y_train = learnable_images(count, seed)
    x_test, y_test = learnable_images(count // 2, seed + 1)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gzipped else ""
    for stem, array in zip(datasets.IDX_FILES, (x_train, y_train, x_test, y_test)):
        datasets.write_idx(folder / f"{stem}{suffix}", array)


def sent_maps(app) -> list[dict]:
    """Each map_view of an AppTest page: its arguments, with the values as an array."""
    from tests.drive import MAP_VIEW

    maps = []
    for element in app.get("component_instance"):
        if element.proto.component_name != MAP_VIEW:
            continue
        arguments = json.loads(element.proto.json_args)
        sent = {special.key: special.bytes for special in element.proto.special_args}
        kind = {"u1": np.uint8, "i2": np.int16, "f4": np.float32}[arguments["value_type"]]
        arguments["values"] = np.frombuffer(sent["values"], kind).reshape(arguments["shape"])
        maps.append(arguments)
    return maps
