"""What a visitor waits for in the browser: start-up, and a Filter Playground slider change.

Start-up (each run a fresh `streamlit run app.py`): seconds from starting the
server process to the home page rendered in the browser, then from clicking
"Filter Playground" to its first image (the photo and its feature map drawn).
It also checks that TensorFlow is still not loaded in the server by then.

Slider: on a 1024 × 1024 upload, the Stride slider is moved between 1 and 2
with the keyboard; each change is timed in the page, from the key press to the
frame where the feature map of the new shape is on screen. Target (issue 5):
p50 under 300 ms; issue 16: 3 × the peer or less. The peer, timed the same
way in the same run: a bare Streamlit page with one slider and one line of
text (Streamlit's own round trip on this machine), open in another tab, each
of its changes made right after one of the Playground's, so that a machine
whose speed drifts during the run slows both alike.

Run from the project root (needs Debian's chromium and the playwright package):
    python bench/bench_browser.py [--runs 3] [--changes 20]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cnn_core import conv  # noqa: E402
from tests.conftest import CHROMIUM_FLAGS, running_server, server_pid  # noqa: E402
from tests.drive import MAP_SHOWN, settle, slider, upload  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def feature_map_shape(rows: int, columns: int, kernel_size: int = 3, stride: int = 1) -> str:
    """The shape, as :data:`MAP_SHOWN` reads it, of the feature map of a rows × columns input (valid padding)."""
    return f"{conv.output_size(rows, kernel_size, stride)},{conv.output_size(columns, kernel_size, stride)}"


def server_uses_tensorflow(url: str) -> bool:
    return "libtensorflow" in Path(f"/proc/{server_pid(url)}/maps").read_text()


def startup(browser, runs: int) -> None:
    home, playground, tensorflow = [], [], []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        started = time.perf_counter()
        with running_server() as url:
            page.goto(url)
            page.get_by_role("heading", name="How CNNs see").wait_for(timeout=120_000)
            home.append(time.perf_counter() - started)
            settle(page)
            clicked = time.perf_counter()
            page.locator("[data-testid='stSidebarNav']").get_by_text("Filter Playground").click()
            page.wait_for_function(MAP_SHOWN, arg=feature_map_shape(300, 451), polling="raf", timeout=120_000)
            playground.append(time.perf_counter() - clicked)
            tensorflow.append(server_uses_tensorflow(url))
        page.close()
    print(f"Start-up, {runs} fresh servers (median, slowest):")
    print(f"  server process start to home page rendered: {statistics.median(home):.2f} s, {max(home):.2f} s")
    print(f"  click on Filter Playground to its first image: {statistics.median(playground):.2f} s, "
          f"{max(playground):.2f} s")
    print(f"  TensorFlow loaded in the server by then: {'yes' if any(tensorflow) else 'no'}")


#: The peer of the slider figure: Streamlit's own round trip, a page with one slider and one line of text.
BARE_SLIDER_PAGE = """import streamlit as st

stride = st.slider("Stride", 1, 8, 1)
st.write(f"Stride is {stride}")
"""


@contextlib.contextmanager
def bare_page(browser, script_text: str, ready_text: str):
    """A tab on a fresh server running ``script_text`` (a peer page), once ``ready_text`` is on screen."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "bare_page.py"
        script.write_text(script_text)
        with running_server(script=script) as url:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.get_by_text(ready_text).wait_for(timeout=120_000)
            settle(page)
            yield page
            page.close()


def _timed_stride_change(page, handle, stride: int, wait_until_shown) -> float:
    """Move the focused Stride slider ``handle`` to ``stride`` (1 or 2) with the keyboard; milliseconds to shown."""
    page.evaluate("window.__changed = performance.now()")
    handle.press("ArrowRight" if stride == 2 else "ArrowLeft")
    wait_until_shown(stride)
    elapsed = page.evaluate("performance.now() - window.__changed")
    settle(page)
    return elapsed


def _wait_until_idle(*pages) -> None:
    """Wait until each tab's main thread has nothing left to do, so that one tab's drawing does not slow the other's
    timed change."""
    for page in pages:
        page.evaluate("new Promise((done) => requestIdleCallback(done, {timeout: 5000}))")


def slider_latency(browser, changes: int) -> None:
    """The Playground's Stride change and the bare page's, alternated, so that both see the machine's same load."""
    side = 1024
    pixels = np.random.default_rng(0).integers(0, 256, (side, side, 3), dtype=np.uint8)
    photo = io.BytesIO()
    Image.fromarray(pixels).save(photo, "PNG")
    with (running_server() as url, tempfile.TemporaryDirectory() as folder,
          bare_page(browser, BARE_SLIDER_PAGE, "Stride is 1") as bare):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/filter_playground")
        page.wait_for_function(MAP_SHOWN, arg=feature_map_shape(300, 451), polling="raf", timeout=120_000)
        upload(page, Path(folder), "photo.png", photo.getvalue())
        page.wait_for_function(MAP_SHOWN, arg=feature_map_shape(side, side), polling="raf", timeout=120_000)
        settle(page)
        playground_handle, bare_handle = slider(page, "Stride"), slider(bare, "Stride")
        latencies, bare_latencies = [], []
        for change in range(changes + 2):  # the first two of each warm the caches up and are not counted
            stride = 2 if change % 2 == 0 else 1
            _wait_until_idle(page, bare)
            playground_handle.focus()
            latency = _timed_stride_change(page, playground_handle, stride, lambda stride: page.wait_for_function(
                MAP_SHOWN, arg=feature_map_shape(side, side, stride=stride), polling="raf"))
            _wait_until_idle(page, bare)
            bare_handle.focus()
            bare_latency = _timed_stride_change(bare, bare_handle, stride, lambda stride: bare.wait_for_function(
                "stride => document.body.innerText.includes(`Stride is ${stride}`)", arg=stride, polling="raf"))
            if change >= 2:
                latencies.append(latency)
                bare_latencies.append(bare_latency)
        page.close()
    print(f"Filter Playground, {side} × {side} photo, Stride slider moved {changes} times (1 <-> 2), key press to "
          f"the new feature map on screen: p50 {percentile(latencies, 0.5):.0f} ms, "
          f"p95 {percentile(latencies, 0.95):.0f} ms (min {min(latencies):.0f}, max {max(latencies):.0f}); "
          "target p50 under 300 ms")
    print(f"  peer: a bare Streamlit page, one slider and one line of text, the same key presses, each right after "
          f"the Playground's: p50 {percentile(bare_latencies, 0.5):.0f} ms, p95 "
          f"{percentile(bare_latencies, 0.95):.0f} ms; ratio of the p50s "
          f"{percentile(latencies, 0.5) / percentile(bare_latencies, 0.5):.1f} (issue 16's target: 3 or less)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="fresh servers for the start-up figures")
    parser.add_argument("--changes", type=int, default=20, help="timed slider changes")
    arguments = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        startup(browser, arguments.runs)
        slider_latency(browser, arguments.changes)
        browser.close()


if __name__ == "__main__":
    main()
