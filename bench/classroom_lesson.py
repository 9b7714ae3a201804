"""The lesson bench_classroom.py gives a class: what each learner does, as a Streamlit websocket client
(bench/streamlit_visitor.py), and the figures it leaves (Lesson). See bench_classroom.py for the lesson's plan."""

from __future__ import annotations

import asyncio
import io
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable

import numpy as np
from PIL import Image

from bench.streamlit_visitor import Visitor

QUEUE_PLACE = re.compile(r"number (\d+) in line")
ESTIMATED_WAIT = re.compile(r"about (\d+) (s|min) to wait")
RUNNING = "examples per second"
#: The longest one step may take before it counts as an error (loading VGG16 under load takes tens of seconds).
STEP_TIMEOUT = 120


class Lesson:
    """What the class did: seconds per action, errors, trainings' waits, and when VGG16 was loading."""

    def __init__(self, minutes: float) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + 60 * minutes
        self.seconds: dict[str, list[tuple[float, float]]] = defaultdict(list)  # action -> (started, seconds)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.exception_boxes = 0
        self.training_waits: list[float] = []  # from Train pressed to the first batch's status
        self.estimates: list[tuple[float, float]] = []  # (first wait the page estimated, the wait it turned out)
        self.queue_places: list[list[int]] = []
        self.trainings_unexplained = 0  # neither running nor showing a place in line
        self.vgg16_loading: tuple[float, float] | None = None

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    async def timed(self, action: str, step) -> list[str] | None:
        """Run ``step`` (a coroutine giving a RunResult); its texts, or None after an error (recorded)."""
        started = time.monotonic()
        try:
            result = await step
        except Exception as error:  # noqa: BLE001 (every failure of a learner's step is a figure)
            self.errors[action].append(f"{type(error).__name__}: {error}"[:200])
            if isinstance(error, ConnectionError):
                raise  # this learner's tab is gone: it stops
            return None
        self.seconds[action].append((started, result.seconds))
        self.exception_boxes += len(result.exceptions)
        return result.texts

    async def change(self, action: str, visitor: Visitor, set_widget: Callable[[], None]) -> bool:
        """Set a widget with ``set_widget()`` and time the rerun; False (an error) when the widget is not there."""
        try:
            set_widget()
        except LookupError as error:
            self.errors[action].append(str(error))
            return False
        await self.timed(action, visitor.run(STEP_TIMEOUT))
        return True


def photo_bytes(seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (224, 224, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


async def learner(number: int, url: str, lesson: Lesson, trains: bool, classifies: bool, seed: int) -> None:
    rng = random.Random(seed * 1000 + number)
    await asyncio.sleep(rng.uniform(0, 10))  # the class opens the link over a few seconds
    visitor = Visitor(url)
    try:
        await visitor.connect()
    except Exception as error:  # noqa: BLE001
        lesson.errors["connect"].append(f"{type(error).__name__}: {error}"[:200])
        return
    try:
        await _lesson_of(visitor, lesson, rng, number, trains, classifies)
    except ConnectionError:
        pass  # recorded where it happened
    finally:
        await visitor.close()


async def _lesson_of(visitor: Visitor, lesson: Lesson, rng: random.Random, number: int, trains: bool,
                     classifies: bool) -> None:
    if trains:
        await _train(visitor, lesson)
    if classifies and lesson.time_left() > 0:
        await _classify(visitor, lesson, number)
    visited_inside = False
    await lesson.timed("open a page", visitor.open("filter_playground", STEP_TIMEOUT))
    while lesson.time_left() > 0:
        if not visited_inside and rng.random() < 0.15:
            visited_inside = True
            await _inside(visitor, lesson, rng)
            await lesson.timed("open a page", visitor.open("filter_playground", STEP_TIMEOUT))
            continue
        await _move_stride(visitor, lesson, rng)
        await asyncio.sleep(rng.uniform(1, 3))



async def _move_stride(visitor: Visitor, lesson: Lesson, rng: random.Random) -> None:
    await lesson.change("Playground slider", visitor, lambda: visitor.set_slider("Stride", rng.randint(1, 4)))


async def _inside(visitor: Visitor, lesson: Lesson, rng: random.Random) -> None:
    if await lesson.timed("open a page", visitor.open("inside_cnn", STEP_TIMEOUT)) is None:
        return
    for _ in range(3):
        await asyncio.sleep(rng.uniform(1, 3))
        if not await lesson.change("Inside a CNN: a number explained", visitor,
                                   lambda: visitor.set_number("Row", rng.randint(0, 12))):
            return


async def _classify(visitor: Visitor, lesson: Lesson, number: int) -> None:
    first = lesson.vgg16_loading is None
    if first:
        lesson.vgg16_loading = (time.monotonic(), float("inf"))
    texts = await lesson.timed("open the VGG16 page", visitor.open("vgg16_classifier", STEP_TIMEOUT))
    if first:
        lesson.vgg16_loading = (lesson.vgg16_loading[0], time.monotonic())
    if texts is None:
        return
    try:
        visitor.set_choice("radio", "Image source", "Upload")
        await visitor.run(STEP_TIMEOUT)
        await visitor.upload("Upload photos", f"photo-{number}.png", photo_bytes(number))
    except Exception as error:  # noqa: BLE001
        lesson.errors["VGG16: a photo classified"].append(f"{type(error).__name__}: {error}"[:200])
        return
    texts = await lesson.timed("VGG16: a photo classified", visitor.run(STEP_TIMEOUT))
    if texts is not None and not any("prediction" in text for text in texts):
        lesson.errors["VGG16: a photo classified"].append("no top 5 on the page")


async def _train(visitor: Visitor, lesson: Lesson) -> None:
    if await lesson.timed("open a page", visitor.open("trainer", STEP_TIMEOUT)) is None:
        return
    try:
        visitor.set_choice("selectbox", "Training examples", "5,000 (seconds per epoch)")
        await visitor.run(STEP_TIMEOUT)
        visitor.click("Train a new model")
    except Exception as error:  # noqa: BLE001
        lesson.errors["training"].append(f"{type(error).__name__}: {error}"[:200])
        return
    clicked, places, running, estimate, unexplained = time.monotonic(), [], False, None, False
    if await lesson.timed("Trainer: Train pressed", visitor.run(STEP_TIMEOUT)) is None:
        return
    while lesson.time_left() > -120:  # a training started in the lesson may finish just after it
        if not visitor.is_connected:
            lesson.errors["training"].append("the connection ended while training")
            break
        texts = visitor.texts()
        places += [int(found[1]) for text in texts if (found := QUEUE_PLACE.search(text))]
        for found in filter(None, (ESTIMATED_WAIT.search(text) for text in texts)):
            if estimate is None:
                estimate = (time.monotonic(), int(found[1]) * (60 if found[2] == "min" else 1))
        if not running and any(RUNNING in text for text in texts):
            running = True
            lesson.training_waits.append(time.monotonic() - clicked)
            if estimate is not None:
                lesson.estimates.append((estimate[1], time.monotonic() - estimate[0]))
        elif not running and not places and time.monotonic() - clicked > 5:
            unexplained = True
        if any(text.startswith(("Finished", "Stopped")) or "Test accuracy" in text for text in texts):
            break
        await asyncio.sleep(0.5)
    lesson.queue_places.append(sorted(set(places), reverse=True))
    lesson.trainings_unexplained += unexplained  # once per training, however long it went unexplained


async def lesson_run(url: str, sessions: int, trainings: int, minutes: float, seed: int) -> Lesson:
    lesson = Lesson(minutes)
    learners = [learner(number, url, lesson, number < trainings, number % 5 == 4, seed) for number in range(sessions)]
    await asyncio.gather(*learners)
    return lesson
