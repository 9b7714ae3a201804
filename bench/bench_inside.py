"""The Inside-a-CNN page: its forward pass against a plain model call, its start-up, and how fast it answers.

VGG16 pattern: the gradient ascent of one ``block3_conv3`` filter as the VGG16
page runs it. Target: 20 s or less.

Trace: :func:`cnn_core.inside.trace` of one 28 × 28 picture through the shipped
seed model against one ``model(x)`` call of the same model on the same
picture, timed alternately after warming both up. Target (issue 13): 3 × or
less.

Start-up (each run a fresh `streamlit run app.py`): the page opened directly at
/inside_cnn as soon as the server answers its health check, timed to the
page's whole forward pass on screen (the probabilities drawn), and from the
server process's start (which includes :mod:`ui.server_start`'s warm-up, done
before the server answers). Target: 2 s.

Answers: on the open page, the Row of the number explained is changed with the
keyboard (a new value typed, then Enter) and timed in the page from the key
press to the new explanation on screen; a stroke on the drawing canvas is
timed from the pointer's release to the new answer on screen. Target: p50
250 ms or less. Their peer, timed the same way in the same run: a bare
Streamlit page with one number input and one line of text.

Run from the project root (needs Debian's chromium and the playwright package):
    python bench/bench_inside.py [--runs 3] [--changes 20]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_browser import bare_page, percentile  # noqa: E402
from tests.conftest import APP_PATH, CHROMIUM_FLAGS, running_server  # noqa: E402
from tests.drive import settle  # noqa: E402

SHOWN = ("document.body.innerText.includes(`The model says`) "
         "&& document.querySelectorAll('[data-testid=stProgress]').length")


def trace_against_a_model_call(repeats: int = 300) -> None:
    """Both ways the page traces: the Keras model (the Trainer's models) and the archive read in NumPy (shipped)."""
    from cnn_core import datasets, inside, keras_archive, pretrained

    shipped = pretrained.PRETRAINED["three_conv_fashion_mnist"]
    model, archive = pretrained.load_pretrained(shipped.name), keras_archive.load_archive(shipped.model_file)
    pictures, _ = pretrained.held_out_sample("fashion_mnist")
    image = datasets.to_model_input(pictures[:1])
    for _ in range(20):  # trace both
        model(image, training=False)
        inside.trace(model, image[0])
        inside.trace(archive, image[0])
    calls, traces, numpy_traces = [], [], []
    for _ in range(repeats):
        for times, work in ((calls, lambda: model(image, training=False)),
                            (traces, lambda: inside.trace(model, image[0])),
                            (numpy_traces, lambda: inside.trace(archive, image[0]))):
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
    call = statistics.median(calls)
    for what, times in (("the Keras model", traces), ("the archive in NumPy (what the page uses)", numpy_traces)):
        traced = statistics.median(times)
        print(f"trace of one 28 × 28 picture through the seed model (three_conv, {len(model.layers)} layers), "
              f"{what}: median {1000 * traced:.2f} ms; one model(x) call: {1000 * call:.2f} ms; ratio "
              f"{traced / call:.2f} (target 3 or less; medians of {repeats} alternated calls)")


def vgg16_filter_pattern() -> None:
    """One block3_conv3 filter at the VGG16 page's size and steps (random weights: the time does not depend on them)."""
    from cnn_core import explain, vgg16
    from ui.classifier import filter_patterns

    model = vgg16.build_model()
    started = time.perf_counter()
    explain.vgg16_pattern(model, "block3_conv3", 0, steps=filter_patterns.STEPS, size=filter_patterns.PATTERN_SIDE)
    print(f"VGG16 filter pattern, block3_conv3, {filter_patterns.PATTERN_SIDE} × {filter_patterns.PATTERN_SIDE}, "
          f"{filter_patterns.STEPS} steps: {time.perf_counter() - started:.1f} s (target 20 s or less)")


#: The start-up peer: a bare multipage app whose page at the same address shows a title, a line of text and a
#: progress bar, the elements SHOWN waits for.
BARE_INSIDE_APP = """
import streamlit as st

def home():
    st.write("Home")

def inside():
    st.title("Inside a CNN")
    st.write("The model says hello")
    st.progress(0.5, text="hello: 50.00 %")

st.navigation([st.Page(home, title="Home", default=True), st.Page(inside, title="Inside", url_path="inside_cnn")]).run()
"""


def _time_startups(browser, runs: int, script: str | Path = APP_PATH) -> tuple[list[float], list[float]]:
    """(process start to shown, server answering to shown) in seconds, for ``runs`` fresh servers of ``script``
    (the app by default), each opened at /inside_cnn as soon as it answers its health check."""
    seconds, from_ready = [], []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        started = time.perf_counter()
        with running_server(script=script) as url:
            ready = time.perf_counter()
            page.goto(f"{url}/inside_cnn")
            page.wait_for_function(SHOWN, polling="raf", timeout=120_000)
            seconds.append(time.perf_counter() - started)
            from_ready.append(time.perf_counter() - ready)
        page.close()
    return seconds, from_ready


def startup(browser, runs: int) -> None:
    seconds, from_ready = _time_startups(browser, runs)
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "bare_inside.py"
        script.write_text(BARE_INSIDE_APP)
        bare_seconds, bare_from_ready = _time_startups(browser, runs, script)
    print(f"Start-up, {runs} fresh servers, /inside_cnn opened as soon as the server answers its health check: "
          f"server process start to the forward pass on screen: median {statistics.median(seconds):.2f} s, "
          f"slowest {max(seconds):.2f} s; of which from the server answering: median "
          f"{statistics.median(from_ready):.2f} s, slowest {max(from_ready):.2f} s (target 2 s)")
    print(f"  peer: a bare multipage app, its page at /inside_cnn a title, a line and a progress bar, {runs} fresh "
          f"servers: process start to shown: median {statistics.median(bare_seconds):.2f} s; from the server "
          f"answering: median {statistics.median(bare_from_ready):.2f} s")


def _time_changes(page, field, changes: int, wait_until_shown) -> list[float]:
    """Type rows 10, 11, 10, 11, ... into ``field`` and press Enter; milliseconds to each new state on screen."""
    latencies = []
    for change in range(changes + 2):  # two warm-up changes, not counted
        row = 10 + change % 2
        field.fill(str(row))
        page.evaluate("window.__changed = performance.now()")
        field.press("Enter")
        wait_until_shown(row)
        elapsed = page.evaluate("performance.now() - window.__changed")
        settle(page)
        if change >= 2:
            latencies.append(elapsed)
    return latencies


BARE_NUMBER_PAGE = """import streamlit as st

row = st.number_input("Row", 0, 25, 0)
st.write(f"Row is {row}")
"""


def bare_latency(browser, changes: int) -> list[float]:
    """Milliseconds from Enter on the bare page's number input to its new text on screen."""
    with bare_page(browser, BARE_NUMBER_PAGE, "Row is 0") as page:
        return _time_changes(page, page.get_by_role("spinbutton", name="Row"), changes, lambda row: (
            page.wait_for_function("row => document.body.innerText.includes(`Row is ${row}`)", arg=row,
                                   polling="raf")))


def _stroke(page, canvas, across: float) -> None:
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + across * box["width"], box["y"] + 0.2 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + across * box["width"], box["y"] + 0.8 * box["height"], steps=6)
    page.evaluate("window.__changed = performance.now()")
    page.mouse.up()


def answers(browser, changes: int) -> None:
    with running_server() as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/inside_cnn")
        page.wait_for_function(SHOWN, polling="raf", timeout=120_000)
        settle(page)
        unit = _time_changes(page, page.get_by_role("spinbutton", name="Row", exact=True), changes, lambda row: (
            page.wait_for_function("row => document.body.innerText.includes(`at row ${row}, column`)", arg=row,
                                   polling="raf")))
        page.goto(f"{url}/inside_cnn?model=three_conv_mnist&input=drawing")
        page.get_by_text("Draw something in the black square").wait_for(timeout=120_000)
        canvas = page.frame_locator("iframe[title*='drawing_canvas']").locator("canvas")
        page.wait_for_function("() => [...document.querySelectorAll('iframe')].some(frame => frame.offsetHeight > 200)")
        settle(page)
        strokes = []
        for stroke in range(changes + 2):
            _stroke(page, canvas, 0.2 + 0.6 * stroke / (changes + 2))
            page.wait_for_function("count => document.body.innerText.includes(`your drawing after ${count} stroke`) "
                                   "&& document.body.innerText.includes('The model says')", arg=stroke + 1,
                                   polling="raf")
            elapsed = page.evaluate("performance.now() - window.__changed")
            settle(page)
            if stroke >= 2:
                strokes.append(elapsed)
        page.close()
    bare = bare_latency(browser, changes)
    print(f"Unit changed (Row typed, then Enter), {changes} times, to its new explanation on screen: p50 "
          f"{percentile(unit, 0.5):.0f} ms, p95 {percentile(unit, 0.95):.0f} ms; target p50 250 ms or less")
    print(f"Stroke on the drawing canvas, {changes} times, pointer released to the new answer on screen: p50 "
          f"{percentile(strokes, 0.5):.0f} ms, p95 {percentile(strokes, 0.95):.0f} ms; target p50 250 ms or less")
    print(f"  peer: a bare Streamlit page, one number input and one line of text, same key presses: p50 "
          f"{percentile(bare, 0.5):.0f} ms, p95 {percentile(bare, 0.95):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="fresh servers for the start-up figure")
    parser.add_argument("--changes", type=int, default=20, help="timed changes of each kind")
    arguments = parser.parse_args()
    trace_against_a_model_call()
    vgg16_filter_pattern()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        startup(browser, arguments.runs)
        answers(browser, arguments.changes)
        browser.close()


if __name__ == "__main__":
    main()
