"""The image picker shared by the pages: a bundled sample, an upload, or the camera."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from cnn_core import images
from ui.text import plain
from ui.url_settings import Start, UrlSettings

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "assets" / "samples"
SAMPLES = {"Cat": "cat.jpg", "Coffee cup": "coffee.jpg", "Astronaut": "astronaut.jpg", "Rocket launch": "rocket.jpg"}
#: How a sample photo is named in a page link: its file name without the extension.
SAMPLE_TOKENS = {label: Path(file_name).stem for label, file_name in SAMPLES.items()}
UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff"]
#: Photos are downsized to this longest side so every control answers at once.
MAX_SIDE = 1024
SOURCES = ("Sample photo", "Upload", "Camera")


@dataclass(frozen=True)
class PickedImage:
    """An RGB uint8 photo of shape (H, W, 3) and where it came from."""

    pixels: np.ndarray
    name: str
    original_size: tuple[int, int]  # (width, height) as stored in the file


@st.cache_data(max_entries=16, show_spinner=False)
def decode(content_id: str, _read: Callable[[], bytes], _wait: bool = True) -> tuple[np.ndarray, tuple[int, int]]:
    """load_image at MAX_SIDE, cached by ``content_id``; ImageError and DecoderBusyError pass through uncached.

    ``content_id`` names the bytes: an upload's file id (new for every upload) or a sample's
    file name. Hashing a large photo's bytes instead cost milliseconds on every rerun, and
    ``_read`` fetches them only when the photo is not decoded yet. With ``_wait`` False, a large
    photo raises DecoderBusyError while another is decoding, instead of waiting silently.
    """
    data = _read()
    return images.load_image(data, max_side=MAX_SIDE, wait=_wait), images.image_size(data)


def _sample(label: str) -> tuple[str, str, Callable[[], bytes]]:
    """(name, content id, reader) of a bundled sample photo."""
    return label, f"sample:{SAMPLES[label]}", (SAMPLES_DIR / SAMPLES[label]).read_bytes


def pick_image(key: str, link: UrlSettings | None = None) -> PickedImage | None:
    """Widgets to choose a photo; returns None (with a message shown) until there is one.

    With ``link``, the sample photo is one of the page's URL settings (``photo=cat``).
    """
    source = st.radio("Image source", SOURCES, horizontal=True, key=f"{key}_source",
                      help="Start with a bundled photo, upload your own, or take one with your camera.")
    if source == "Sample photo":
        sample_key = f"{key}_sample"
        start = (link.choice("photo", sample_key, list(SAMPLES), "Cat", SAMPLE_TOKENS) if link
                 else Start("Cat", sample_key))
        label = st.selectbox("Sample photo", list(SAMPLES), **start.as_index(SAMPLES),
                             help="Freely licensed photos bundled with the app (see assets/samples).")
        return _decode_or_report(*_sample(label))
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
        files = [(upload.name, upload.file_id, upload.getvalue) for upload in uploads or []]
    else:
        shot = st.camera_input("Take a photo", key=f"{key}_camera")
        files = [(shot.name, shot.file_id, shot.getvalue)] if shot is not None else []
    if not files:
        st.info("Choose a photo to begin.")
    picked = [_decode_or_report(name, content_id, read) for name, content_id, read in files]
    return [image for image in picked if image is not None]


def _decode_or_report(name: str, content_id: str, read: Callable[[], bytes]) -> PickedImage | None:
    """Decode one file, showing its ImageError (or a downsizing note) in the page."""
    try:
        try:
            pixels, original_size = decode(content_id, read, _wait=False)
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
    return PickedImage(pixels, name, original_size)
