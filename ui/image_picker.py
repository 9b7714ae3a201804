"""The image picker shared by the pages: a bundled sample, an upload, or the camera."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from cnn_core import images
from ui.megabyte_bar import MEGABYTE
from ui.process_cache import ProcessCache
from ui.text import plain
from ui.url_settings import Start, UrlSettings

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "assets" / "samples"
SAMPLES = {"Cat": "cat.jpg", "Coffee cup": "coffee.jpg", "Astronaut": "astronaut.jpg", "Rocket launch": "rocket.jpg"}
#: Pictures to try on a Trainer model, by dataset: drawings of its classes (or written digits), and a coffee cup
#: that is none of them.
TRAINER_SAMPLES = {
    "fashion_mnist": {"Drawn T-shirt": "drawn_tshirt.png", "Drawn jeans": "drawn_jeans.png",
                      "Drawn dress": "drawn_dress.png", "Drawn coat": "drawn_coat.png",
                      "Drawn sandal": "drawn_sandal.png", "Drawn sneaker": "drawn_sneaker.png",
                      "Drawn handbag": "drawn_handbag.png", "Drawn boot": "drawn_boot.png",
                      "Coffee cup (not clothing)": "coffee.jpg"},
    "mnist": {"2 in a handwriting font": "written_2.jpg", "5 in a handwriting font": "written_5.jpg",
              "7 in a handwriting font": "written_7.jpg", "Coffee cup (not a digit)": "coffee.jpg"},
}
UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff"]
#: Photos are downsized to this longest side so every control answers at once.
MAX_SIDE = 1024
SOURCES = ("Sample photo", "Upload", "Camera")
#: Uploaded photos one visitor's page looks at at once, and their total size in megabytes: plenty for a lesson,
#: little enough that one visitor cannot take the memory and the cores of a server a class shares.
MAX_PHOTOS_AT_ONCE = 10
MAX_MEGABYTES_AT_ONCE = 50
#: Decoded photos by content id, the most recent 16 (3 MB each at most).
_DECODED = ProcessCache(max_entries=16)


@dataclass(frozen=True)
class PickedImage:
    """An RGB uint8 photo of shape (H, W, 3) and where it came from."""

    pixels: np.ndarray  # read-only: every rerun and every page of the process shares one decoded copy
    name: str
    original_size: tuple[int, int]  # (width, height) as stored in the file
    content_id: str  # names the bytes, as for :func:`decode`


def decode(content_id: str, read: Callable[[], bytes], wait: bool = True) -> tuple[np.ndarray, tuple[int, int]]:
    """load_image at MAX_SIDE, kept by ``content_id``; ImageError and DecoderBusyError pass through, not kept.

    ``content_id`` names the bytes: an upload's file id (new for every upload) or a sample's file name.
    Hashing a large photo's bytes instead cost milliseconds on every rerun, and ``read`` fetches them only
    when the photo is not decoded yet. With ``wait`` False, a large photo raises DecoderBusyError while
    another is decoding, instead of waiting silently. The pixels are read-only and shared, not copied:
    ``st.cache_data`` copied a 1024-pixel photo (3 MB) on every rerun.
    """
    def load() -> tuple[np.ndarray, tuple[int, int]]:
        data = read()
        pixels = images.load_image(data, max_side=MAX_SIDE, wait=wait)
        pixels.flags.writeable = False
        return pixels, images.image_size(data)

    return _DECODED.get(content_id, load)


def _sample(label: str, samples: Mapping[str, str] = SAMPLES) -> tuple[str, str, Callable[[], bytes]]:
    """(name, content id, reader) of a bundled sample photo."""
    return label, f"sample:{samples[label]}", (SAMPLES_DIR / samples[label]).read_bytes


def pick_image(key: str, link: UrlSettings | None = None, samples: Mapping[str, str] = SAMPLES) -> PickedImage | None:
    """Widgets to choose a photo; returns None (with a message shown) until there is one.

    ``samples`` maps a label to a file of ``assets/samples``; the first is the default. With ``link``,
    the sample photo is one of the page's URL settings (``photo=cat``).
    """
    source = st.radio("Image source", SOURCES, horizontal=True, key=f"{key}_source",
                      help="Start with a bundled photo, upload your own, or take one with your camera.")
    if source == "Sample photo":
        sample_key = f"{key}_sample"
        first = next(iter(samples))
        tokens = {label: Path(file_name).stem for label, file_name in samples.items()}
        start = (link.choice("photo", sample_key, list(samples), first, tokens) if link
                 else Start(first, sample_key))
        label = st.selectbox("Sample photo", list(samples), **start.as_index(samples),
                             help="Freely licensed pictures bundled with the app (see assets/samples).")
        return _decode_or_report(*_sample(label, samples))
    if source == "Upload":
        file = st.file_uploader("Upload a photo", type=UPLOAD_TYPES, key=f"{key}_upload",
                                help="PNG, JPEG, WebP, BMP, GIF or TIFF. Large photos are downsized to "
                                     f"{MAX_SIDE} pixels on their longest side.")
    else:
        file = st.camera_input("Take a photo", key=f"{key}_camera")
    if file is None:
        st.info("Choose a photo to begin." if source == "Upload" else "Take a photo to begin.")
        return None
    return _decode_or_report(file.name, file.file_id, file.getvalue)


def pick_images(key: str) -> list[PickedImage]:
    """Widgets to choose one or several photos; a bad file is reported and skipped."""
    source = st.radio("Image source", SOURCES, horizontal=True, key=f"{key}_source",
                      help="Bundled photos, your own (several at once), or your camera.")
    if source == "Sample photo":
        labels = st.multiselect("Sample photos", list(SAMPLES), default=["Cat"], key=f"{key}_samples",
                                help="Freely licensed photos bundled with the app (see assets/samples).")
        files = [_sample(label) for label in labels]
    elif source == "Upload":
        uploads = st.file_uploader("Upload photos", type=UPLOAD_TYPES, accept_multiple_files=True,
                                   key=f"{key}_uploads", help="PNG, JPEG, WebP, BMP, GIF or TIFF; several at once.")
        uploads = uploads or []
        kept = uploads_within_limits([upload.size for upload in uploads])
        if kept < len(uploads):
            st.warning(f"{len(uploads)} photos chosen, so the page looks at the first {kept}: at most "
                       f"{MAX_PHOTOS_AT_ONCE} photos and {MAX_MEGABYTES_AT_ONCE} MB at once, so that everyone "
                       "sharing this server gets quick answers. Remove some (× beside each file) to look at the "
                       "others.", icon=":material/photo_library:")
        files = [(upload.name, upload.file_id, upload.getvalue) for upload in uploads[:kept]]
    else:
        shot = st.camera_input("Take a photo", key=f"{key}_camera")
        files = [(shot.name, shot.file_id, shot.getvalue)] if shot is not None else []
    if not files:
        st.info("Choose a photo to begin.")
    picked = [_decode_or_report(name, content_id, read) for name, content_id, read in files]
    return [image for image in picked if image is not None]


def uploads_within_limits(sizes: Sequence[int]) -> int:
    """How many of the files of ``sizes`` (bytes each, in the order chosen) fit MAX_PHOTOS_AT_ONCE and
    MAX_MEGABYTES_AT_ONCE together, counted from the first."""
    budget = MAX_MEGABYTES_AT_ONCE * MEGABYTE
    kept = 0
    for size in sizes[:MAX_PHOTOS_AT_ONCE]:
        budget -= size
        if budget < 0:
            break
        kept += 1
    return kept


def _decode_or_report(name: str, content_id: str, read: Callable[[], bytes]) -> PickedImage | None:
    """Decode one file, showing its ImageError (or a downsizing note) in the page."""
    try:
        try:
            pixels, original_size = decode(content_id, read, wait=False)
        except images.DecoderBusyError:
            with st.spinner(f"{plain(name)} is a very large picture, and another one is being opened on this "
                            "server. Yours is opened as soon as that one is done…"):
                pixels, original_size = decode(content_id, read)
    except images.ImageError as error:
        st.error(f"{plain(name)}: {error}")
        return None
    if max(original_size) > MAX_SIDE:
        st.caption(f"{plain(name)}: downsized from {original_size[0]}×{original_size[1]} to "
                   f"{pixels.shape[1]}×{pixels.shape[0]} pixels (longest side {MAX_SIDE}) so that every control "
                   "answers at once.")
    return PickedImage(pixels, name, original_size, content_id)
