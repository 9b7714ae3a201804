"""Many strangers on one server: concurrent browser sessions on all three pages.

Starts one `streamlit run app.py` on a loopback port (VGG16 with random weights
in the official file layout, a generated dataset, the training cap of --cap) and
drives concurrent sessions with Playwright in one headless Chromium:

- classify: open the VGG16 page and wait for the top 5 of the sample photo;
- train: open the Trainer, press Train, wait for the results (more trainers
  than the cap, so some must queue and say so);
- playground: open the Filter Playground and move the Stride slider.

It reports p50 and p95 of the time to result per page, the server's peak
resident memory, whether VGG16 was loaded once, and which sessions saw the
queue, and fails (exit status 1) when a session got no result or an exception
box. Everything is bounded by --timeout; it stops by itself.

Run from the project root (needs Debian's chromium and the playwright package):
    python bench/bench_load.py [--classify 3] [--train 3] [--playground 3]
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_browser import percentile  # noqa: E402
from bench.bench_vgg16 import memory_mb, random_weights_file  # noqa: E402
from cnn_core import recipes  # noqa: E402
from cnn_core.conv import output_size  # noqa: E402
from tests.conftest import CHROMIUM_FLAGS, running_server, server_pid, write_dataset  # noqa: E402
from tests.drive import SETTLED, VGG16_ANSWERED  # noqa: E402
from ui import live_training  # noqa: E402

RESULT_TIMEOUT_MS = 600_000


@dataclass
class Session:
    page: str
    number: int
    seconds: list[float] = field(default_factory=list)  # time to the page's result: top 5, trained model, image
    changes: list[float] = field(default_factory=list)  # Playground: each slider change to its new feature map
    queued: bool = False
    error: str = ""


@dataclass
class LoadReport:
    sessions: list[Session]
    vgg16_loads: int
    peak_rss_mb: float
    wall_seconds: float
    training_cap: int

    @property
    def failures(self) -> list[str]:
        problems = [f"{session.page} #{session.number}: {session.error}" for session in self.sessions
                    if session.error]
        problems += [f"{session.page} #{session.number}: no result" for session in self.sessions
                     if not session.error and not session.seconds]
        if self.vgg16_loads > 1:
            problems.append(f"VGG16 was loaded {self.vgg16_loads} times")
        trainers = [session for session in self.sessions if session.page == "train"]
        if len(trainers) > self.training_cap and not any(session.queued for session in trainers):
            problems.append(f"{len(trainers)} trainings against a cap of {self.training_cap}, yet none said it "
                            "was queued")
        return problems

    def summary(self) -> str:
        lines = []
        for page in ("classify", "train", "playground"):
            times = [seconds for session in self.sessions if session.page == page for seconds in session.seconds]
            if times:
                lines.append(f"  {page:<10} {sum(s.page == page for s in self.sessions)} sessions, {len(times)} "
                             f"results: p50 {percentile(times, 0.5):.2f} s, p95 {percentile(times, 0.95):.2f} s")
        changes = [seconds for session in self.sessions for seconds in session.changes]
        if changes:
            lines.append(f"  {'':<10} Playground slider changes, {len(changes)}: p50 {percentile(changes, 0.5):.2f} s, "
                         f"p95 {percentile(changes, 0.95):.2f} s")
        queued = sum(session.queued for session in self.sessions)
        lines.append(f"  trainings that waited in the queue (and said so): {queued}")
        lines.append(f"  VGG16 loads in the server: {self.vgg16_loads}; peak resident memory "
                     f"{self.peak_rss_mb:,.0f} MB; wall time {self.wall_seconds:.0f} s")
        lines.append("  failures: " + ("; ".join(self.failures) if self.failures else "none"))
        return "\n".join(lines)


async def _settle(page) -> None:
    await page.wait_for_timeout(300)
    await page.wait_for_selector(SETTLED, timeout=RESULT_TIMEOUT_MS)


async def _check_no_exception(page, session: Session) -> None:
    boxes = page.locator("[data-testid='stException']")
    if await boxes.count():
        session.error = "exception box: " + (await boxes.first.inner_text())[:200]


async def classify(context, url: str, session: Session) -> None:
    page = await context.new_page()
    started = time.perf_counter()
    await page.goto(f"{url}/vgg16_classifier")
    await page.get_by_text(VGG16_ANSWERED).wait_for(
        timeout=RESULT_TIMEOUT_MS)
    session.seconds.append(time.perf_counter() - started)
    await _settle(page)
    await _check_no_exception(page, session)


async def train(context, url: str, session: Session, epochs: int) -> None:
    page = await context.new_page()
    await page.goto(f"{url}/trainer")
    await page.get_by_text("542,230 parameters in total").wait_for(timeout=RESULT_TIMEOUT_MS)
    await _settle(page)
    handle = (page.locator("[data-testid='stSlider']").filter(has=page.get_by_text("Epochs", exact=True))
              .get_by_role("slider"))
    await handle.focus()
    start = recipes.DEFAULT_RECIPE.config.epochs
    for _ in range(abs(epochs - start)):
        await handle.press("ArrowRight" if epochs > start else "ArrowLeft")
    await _settle(page)
    started = time.perf_counter()
    await page.get_by_role("button", name="Train a new model").click()
    queue_note = page.get_by_text("all places are taken")
    results = page.get_by_text("Test accuracy", exact=True)
    while not await results.count():
        if time.perf_counter() - started > RESULT_TIMEOUT_MS / 1000:
            raise TimeoutError("no results")
        session.queued = session.queued or await queue_note.count() > 0
        await page.wait_for_timeout(250)
    session.seconds.append(time.perf_counter() - started)
    await _settle(page)
    await _check_no_exception(page, session)


async def playground(context, url: str, session: Session, changes: int) -> None:
    page = await context.new_page()
    started = time.perf_counter()
    await page.goto(f"{url}/filter_playground")
    await page.get_by_text("Feature map: 298 × 449 × 1").wait_for(timeout=RESULT_TIMEOUT_MS)
    session.seconds.append(time.perf_counter() - started)
    await _settle(page)
    handle = page.locator("[data-testid='stSlider']").filter(has_text="Stride").get_by_role("slider")
    await handle.focus()
    for change in range(changes):
        stride = 2 if change % 2 == 0 else 1
        shape = f"{output_size(300, 3, stride)} × {output_size(451, 3, stride)} × 1"  # the cat photo, 3 × 3 kernel
        started = time.perf_counter()
        await handle.press("ArrowRight" if stride == 2 else "ArrowLeft")
        await page.get_by_text(f"Feature map: {shape}").wait_for(timeout=RESULT_TIMEOUT_MS)
        await _settle(page)
        session.changes.append(time.perf_counter() - started)
    await _check_no_exception(page, session)


async def _run_session(browser, url: str, session: Session, work) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(RESULT_TIMEOUT_MS)  # a busy server answers late, which is what is measured
    try:
        await work(context, url, session)
    except Exception as error:  # one broken session is a finding, not the end of the run
        session.error = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
    finally:
        await context.close()


async def _watch_memory(pid: int, peak: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], memory_mb(pid)["VmHWM"])
        except (OSError, KeyError):
            return
        await asyncio.sleep(0.5)


async def _drive(url: str, pid: int, sessions: list[Session], work: dict, timeout: float) -> float:
    """Run every session at once for at most ``timeout`` seconds; return the server's peak resident MB."""
    from playwright.async_api import async_playwright

    peak, stop = [0.0], asyncio.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        watcher = asyncio.create_task(_watch_memory(pid, peak, stop))
        tasks = {asyncio.create_task(_run_session(browser, url, session, work[session.page])): session
                 for session in sessions}
        _, unfinished = await asyncio.wait(tasks, timeout=timeout)
        for task in unfinished:  # what finished is still reported; what did not is a failure
            tasks[task].error = tasks[task].error or f"unfinished after {timeout:.0f} s"
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)
        stop.set()
        await watcher
        await browser.close()
    return peak[0]


def run(classifiers: int = 3, trainers: int = 3, playgrounds: int = 3, epochs: int = 2, changes: int = 6,
        examples: int = 1000, timeout: float = 900,
        training_cap: int = live_training.MAX_CONCURRENT_TRAININGS) -> LoadReport:
    """Start a server, drive the sessions concurrently, stop the server; at most ``timeout`` seconds of driving.

    ``training_cap`` is the server's CNN_MAX_TRAININGS: trainers beyond it must queue.
    """
    sessions = ([Session("classify", n) for n in range(classifiers)] + [Session("train", n) for n in range(trainers)]
                + [Session("playground", n) for n in range(playgrounds)])
    work = {"classify": classify,
            "train": lambda context, url, session: train(context, url, session, epochs),
            "playground": lambda context, url, session: playground(context, url, session, changes)}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        write_dataset(folder / "fashion_mnist", count=examples)
        env = {"VGG16_WEIGHTS": random_weights_file(scratch), "CNN_DATA_DIR": scratch,
               "CNN_MAX_TRAININGS": str(training_cap)}
        log = folder / "server.log"
        started = time.perf_counter()
        with running_server(env, log) as url:
            pid = server_pid(url)
            driving = _drive(url, pid, sessions, work, timeout)
            # In a thread of its own: a caller may already run an event loop (Playwright's sync API does).
            with concurrent.futures.ThreadPoolExecutor(1) as worker:
                peak = worker.submit(asyncio.run, driving).result()
            peak = max(peak, memory_mb(pid)["VmHWM"])
        loads = log.read_text(errors="replace").count("VGG16 loaded in")
        return LoadReport(sessions, loads, peak, time.perf_counter() - started, training_cap)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--classify", type=int, default=3, help="sessions on the VGG16 page")
    parser.add_argument("--train", type=int, default=3, help="sessions training")
    parser.add_argument("--cap", type=int, default=live_training.MAX_CONCURRENT_TRAININGS,
                        help="trainings the server runs at once (CNN_MAX_TRAININGS)")
    parser.add_argument("--playground", type=int, default=3, help="sessions on the Filter Playground")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--changes", type=int, default=6, help="slider changes per Playground session")
    parser.add_argument("--examples", type=int, default=1000, help="training examples in the generated dataset")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before the run gives up")
    arguments = parser.parse_args()
    report = run(arguments.classify, arguments.train, arguments.playground, arguments.epochs, arguments.changes,
                 arguments.examples, arguments.timeout, arguments.cap)
    print(f"Load test: {arguments.classify} classify, {arguments.train} train ({arguments.epochs} epochs each, "
          f"cap {arguments.cap}), {arguments.playground} playground sessions at once, "
          "one server, one headless Chromium on the same machine:")
    print(report.summary())
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
