"""The visitor's classes and photos, what is computed from them, and the changes the page's controls make.

All of it lives in the session's memory (:mod:`ui.session_memory`), never on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import cv2
import numpy as np

from cnn_core import images, training, transfer, vgg16
from cnn_core.from_scratch import ScratchResult
from ui.own_classes import state_keys as keys
from ui.session_memory import own_memory

if TYPE_CHECKING:
    import keras

#: Photos are kept with at most this longest side: VGG16 sees 224 × 224 of their central square.
STORED_SIDE = 448
THUMBNAIL_SIDE = 96
#: The most photos one visitor keeps on the page, over all classes.
MAX_PHOTOS = 300
#: The longest class name.
MAX_NAME_LENGTH = 40


@dataclass
class OwnPhoto:
    number: int  # unique in the session: names the photo's widgets
    pixels: np.ndarray  # (H, W, 3) uint8, longest side at most STORED_SIDE
    thumbnail: np.ndarray  # (h, w, 3) uint8, longest side at most THUMBNAIL_SIDE
    source: str  # the file's name, or "camera shot 3"


@dataclass
class PhotoClass:
    number: int  # unique in the session: names the class's widgets
    name: str
    photos: list[OwnPhoto] = field(default_factory=list)


@dataclass
class TrainedHead:
    """A head trained (or training) on the codes of the photos the classes had when Train was pressed."""

    run: training.TrainingRun
    class_names: tuple[str, ...]
    photo_numbers: tuple[tuple[int, ...], ...]  # per class, at training
    photos: list[np.ndarray]  # the photos trained and tested on, in label order
    labels: np.ndarray  # (N,) int64
    codes: np.ndarray  # (N, 512) float32
    train_indices: np.ndarray
    held_out_indices: np.ndarray
    code_seconds: float  # how long computing these photos' codes took
    full: keras.Model | None = None  # VGG16's convolutional part with this head, made when first needed
    scratch: ScratchResult | None = None  # the small CNN trained from scratch for comparison
    answers: np.ndarray | None = None  # the head's answers for the held-out photos, once it has finished

    @property
    def head(self) -> keras.Model:
        return self.run.model

    @property
    def is_ready(self) -> bool:
        """Done training (finished or stopped) with at least one epoch: the results and Try it can show."""
        return not self.run.is_active and bool(self.run.snapshot().epochs)

    def held_out_answers(self) -> np.ndarray:
        """The head's answer for each held-out photo: (M,) int64 class numbers, computed once it is ready."""
        if self.answers is None:
            codes = self.codes[self.held_out_indices]
            self.answers = np.asarray(self.head.predict(codes, verbose=0)).argmax(axis=1)
        return self.answers

    def held_out_accuracy(self) -> float:
        return float(np.mean(self.held_out_answers() == self.labels[self.held_out_indices]))

    def full_model(self, classifier: vgg16.Classifier) -> keras.Model:
        """VGG16's convolutional part with this head (:func:`cnn_core.transfer.full_model`), made once."""
        if self.full is None:
            self.full = transfer.full_model(classifier.model, self.head)
        return self.full

    @property
    def code_scale(self) -> float:
        """What the head divides the codes by (their mean on the training photos)."""
        return 1.0 / float(self.head.get_layer("code_scale").scale)


@dataclass
class OwnClasses:
    classes: list[PhotoClass]
    next_number: int = 1
    intake_round: int = 0  # bumped to empty the uploaders and ready the camera after photos are added
    code_cache: dict = field(default_factory=dict)  # transfer.code_key -> (512,) code
    code_seconds: dict = field(default_factory=dict)  # transfer.code_key -> seconds its code took
    trained: TrainedHead | None = None
    notices: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) shown once, then cleared
    requests: set[str] = field(default_factory=set)  # what buttons asked for, done where the page draws it

    def number(self) -> int:
        self.next_number += 1
        return self.next_number - 1

    @property
    def photo_count(self) -> int:
        return sum(len(photo_class.photos) for photo_class in self.classes)

    def photo_numbers(self) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(photo.number for photo in photo_class.photos) for photo_class in self.classes)


def own_classes() -> OwnClasses:
    """The session's classes; two empty ones to begin with."""
    memory = own_memory()
    if keys.MEMORY not in memory:
        memory[keys.MEMORY] = OwnClasses([])
        for _ in range(transfer.MIN_CLASSES):
            add_class(memory[keys.MEMORY])
    return memory[keys.MEMORY]


def add_class(state: OwnClasses, name: str | None = None) -> PhotoClass | None:
    """A new empty class at the end (None when there are MAX_CLASSES already)."""
    if len(state.classes) >= transfer.MAX_CLASSES:
        return None
    number = state.number()
    taken = {photo_class.name for photo_class in state.classes}
    default = next(f"Class {count}" for count in range(1, 100) if f"Class {count}" not in taken)
    state.classes.append(PhotoClass(number, name if name is not None else default))
    return state.classes[-1]


def remove_class(state: OwnClasses, number: int) -> None:
    state.classes = [photo_class for photo_class in state.classes if photo_class.number != number]


def remove_photo(state: OwnClasses, number: int) -> None:
    for photo_class in state.classes:
        photo_class.photos = [photo for photo in photo_class.photos if photo.number != number]


def add_photo(state: OwnClasses, photo_class: PhotoClass, pixels: np.ndarray, source: str) -> bool:
    """Keep one decoded photo (downsized to STORED_SIDE); False, with a notice, beyond MAX_PHOTOS."""
    if state.photo_count >= MAX_PHOTOS:
        state.notices.append(("warning", f"The page keeps at most {MAX_PHOTOS} photos, so {source} was not added. "
                                         "Remove some first."))
        return False
    pixels = _downsized(pixels, STORED_SIDE)
    photo_class.photos.append(OwnPhoto(state.number(), pixels, _downsized(pixels, THUMBNAIL_SIDE), source))
    return True


def add_file(state: OwnClasses, photo_class: PhotoClass, data: bytes, source: str) -> bool:
    """Decode a file with :func:`cnn_core.images.load_image` and keep it; a bad file becomes a notice."""
    try:
        pixels = images.load_image(data, max_side=STORED_SIDE)
    except images.ImageError as error:
        state.notices.append(("error", f"{source}: {error}"))
        return False
    return add_photo(state, photo_class, pixels, source)


def add_folders(state: OwnClasses, folders: transfer.ClassFolders) -> int:
    """The photos of a zip's class folders, each into the class of the same name (a new one if none is).

    Returns the number of photos added; folders beyond MAX_CLASSES classes become notices.
    """
    added = 0
    for name, photos in folders.items():
        name = name.strip()[:MAX_NAME_LENGTH]
        target = next((photo_class for photo_class in state.classes if photo_class.name == name), None)
        empty = next((photo_class for photo_class in state.classes if not photo_class.photos
                      and photo_class.name.startswith("Class ")), None)
        if target is None and empty is not None:
            target, empty.name = empty, name  # fill an unnamed empty class before making new ones
        target = target or add_class(state, name)
        if target is None:
            state.notices.append(("warning", f"The folder “{name}” was not added: the page holds at most "
                                             f"{transfer.MAX_CLASSES} classes."))
            continue
        for index, pixels in enumerate(photos, start=1):
            added += add_photo(state, target, pixels, f"{name} photo {index}")
    return added


def name_problems(state: OwnClasses) -> dict[int, str]:
    """Class number -> why its name cannot be used (empty, too long, or another class's)."""
    problems, seen = {}, set()
    for photo_class in state.classes:
        name = photo_class.name.strip()
        if not name:
            problems[photo_class.number] = "Give this class a name."
        elif len(name) > MAX_NAME_LENGTH:
            problems[photo_class.number] = f"At most {MAX_NAME_LENGTH} characters."
        elif name.casefold() in seen:
            problems[photo_class.number] = "Another class has this name."
        seen.add(name.casefold())
    return problems


def _downsized(pixels: np.ndarray, side: int) -> np.ndarray:
    scale = side / max(pixels.shape[:2])
    if scale >= 1:
        return pixels
    size = (max(1, round(pixels.shape[1] * scale)), max(1, round(pixels.shape[0] * scale)))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
