"""Driving the running app in Playwright as a person does; shared by the browser tests and bench/."""

from __future__ import annotations

import json
import re
import selectors
import subprocess
import time
from pathlib import Path

from cnn_core import recipes

#: The app's root element once Streamlit has finished a script run.
SETTLED = "[data-testid='stApp'][data-test-script-state='notRunning']"
#: The Trainer's live status while a training runs (ui/live_training.show_status).
LIVE_STATUS = "examples per second"
#: The component of ui/map_view, as Streamlit names it (its frames carry the name as their title).
MAP_VIEW = "ui.map_view.map_view"
MAP_VIEW_FRAME = f"iframe[title='{MAP_VIEW}']"
#: True once a map of ``shape`` ("rows,columns") is on screen (ui/map_view writes it on its frame's body then).
MAP_SHOWN = """shape => [...document.querySelectorAll('iframe')].some((frame) => frame.contentDocument
    && frame.contentDocument.body && frame.contentDocument.body.dataset.mapShape === shape)"""
#: The VGG16 page's timing line, shown under a photo's top 5 once it is classified.
VGG16_ANSWERED = re.compile(r"Preprocessing \d+ ms, prediction \d+ ms")


def settle(page) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_timeout(300)  # let a rerun that a widget just triggered begin
    page.wait_for_selector(SETTLED)


#: True once every chart, table, picture and component frame in sight on the page has drawn.
ALL_DRAWN = """() => {
    const shown = (selector) => [...document.querySelectorAll(`[data-testid='stMain'] ${selector}`)]
        .filter((element) => element.checkVisibility());
    return shown("[data-testid='stPlotlyChart']").every((chart) => chart.querySelector(".main-svg"))
        && shown("[data-testid='stDataFrame']").every((table) => table.querySelector(".dvn-scroller"))
        && shown("img").every((picture) => picture.complete)
        && shown("iframe").every((frame) => frame.contentDocument
                                           && frame.contentDocument.readyState === "complete");
}"""


def wait_until_drawn(page) -> None:
    """Wait until the script run is over and everything it drew in sight is on screen (see :data:`ALL_DRAWN`)."""
    settle(page)
    page.wait_for_function(ALL_DRAWN, polling="raf")


def assert_no_exception(page) -> None:
    exceptions = page.locator("[data-testid='stException']")
    assert exceptions.count() == 0, exceptions.first.inner_text()


def remember_text(context, text: str) -> None:
    """Have every page that ``context`` loads from now on note whether ``text`` was ever on it, so that a test can
    check a state that may be over by the time it looks (the live status of a short training): see
    :func:`wait_for_text_seen`."""
    context.add_init_script(script=f"""
        const wanted = {json.dumps(text)};
        window.seenTexts = window.seenTexts || {{}};
        new MutationObserver(() => {{
            if (!window.seenTexts[wanted] && document.body && document.body.textContent.includes(wanted)) {{
                window.seenTexts[wanted] = true;
            }}
        }}).observe(document, {{subtree: true, childList: true, characterData: true}});
    """)


def wait_for_text_seen(page, text: str) -> None:
    """Wait until ``text``, which :func:`remember_text` watches for, has been on ``page`` (it may be gone again)."""
    page.wait_for_function("wanted => Boolean(window.seenTexts && window.seenTexts[wanted])", arg=text)


def upload(page, folder: Path, name: str, data: bytes) -> None:
    """Choose "Upload" and send ``data`` as a file called ``name`` (written into ``folder``)."""
    upload_files(page, folder, {name: data})


def upload_files(page, folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Choose "Upload" and send ``files`` (name -> content, written into ``folder``) at once; their paths."""
    page.get_by_text("Upload", exact=True).click()
    paths = [folder / name for name in files]
    for path, data in zip(paths, files.values()):
        path.write_bytes(data)
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone']").click()
    chooser.value.set_files(paths)
    return paths


def slider(page, label: str):
    """The handle of the slider labelled exactly ``label``."""
    return page.locator("[data-testid='stSlider']").filter(has=page.get_by_text(label, exact=True)).get_by_role(
        "slider")


def move_slider(page, label: str, value: int, start: int) -> None:
    """Move an integer slider from ``start`` to ``value`` with the arrow keys, as a keyboard user does."""
    handle = slider(page, label)
    handle.focus()
    for _ in range(abs(value - start)):
        handle.press("ArrowRight" if value > start else "ArrowLeft")
    for _ in range(100):
        if handle.get_attribute("aria-valuetext") == str(value):
            break
        page.wait_for_timeout(100)
    assert handle.get_attribute("aria-valuetext") == str(value)


def open_trainer(page, server_url: str, epochs: int) -> None:
    """Open the Trainer, set the epochs and press Train (the default preset and its recipe otherwise)."""
    page.goto(f"{server_url}/trainer")
    page.get_by_text("542,230 parameters in total").wait_for(timeout=120_000)
    settle(page)
    move_slider(page, "Epochs", epochs, start=recipes.DEFAULT_RECIPE.config.epochs)
    settle(page)
    page.get_by_role("button", name="Train a new model").click()


def inspect_shipped_model(page, server_url: str) -> None:
    """Open the Trainer and inspect the pretrained model it offers first, up to its gallery of mistakes."""
    page.goto(f"{server_url}/trainer")
    page.get_by_text("Inspect a pretrained model").click()
    page.get_by_role("button", name="Inspect it").click()
    page.get_by_text("most confident first").wait_for()
    settle(page)


def wait_for_line(log: Path, text: str | re.Pattern[str], timeout: float) -> bool:
    """Whether a line containing ``text`` (or one ``text.search`` finds, for a pattern) reaches the file ``log``
    (a server's output, an access log) within ``timeout`` seconds; lines already there count.

    Follows the file with ``tail -F`` and wakes on each new line, so it waits on the line itself, not a period.
    """
    matches = (text.search if isinstance(text, re.Pattern)
               else lambda line, wanted=text: wanted in line)
    # Unbuffered, so that no line read ahead waits in a buffer the selector cannot see.
    follower = subprocess.Popen(["tail", "-F", "-n", "+1", str(log)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                bufsize=0)  # -F waits for a file that is not there yet
    deadline = time.monotonic() + timeout
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(follower.stdout, selectors.EVENT_READ)
            while (left := deadline - time.monotonic()) > 0:
                if selector.select(left) and matches(follower.stdout.readline().decode(errors="replace")):
                    return True
        return False
    finally:
        follower.kill()
        follower.wait()
