"""Photos in and out: safe loading, display scaling, PNG encoding.

Every image here is a NumPy array: RGB photos are uint8 of shape (H, W, 3) in
[0, 255]; grayscale ones are uint8 of shape (H, W).
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import cv2
import numpy as np
from PIL import Image, ImageOps

from cnn_core import checks

#: Anything :func:`load_image` reads: raw bytes, a path, or an open binary file.
ImageSource = bytes | bytearray | str | os.PathLike | BinaryIO

#: Files larger than this are refused before decoding.
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Images with more pixels than this are refused (decompression-bomb guard).
MAX_PIXELS = 50_000_000
#: The raster formats accepted; anything else (SVG, PDF, EPS...) is refused.
FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF")  # JPEG covers phones' MPO files
#: Images with more pixels than this (after JPEG's draft scaling) decode one at a time in a process.
LARGE_PIXELS = 16_000_000
#: What decoding may need above the decoded RGB picture, for any accepted file (measured by the tests).
MAX_DECODE_OVERHEAD_BYTES = 400 * 2**20
#: Values converted at once while narrowing deep pixels or copying them out (8 MB of float64).
_BAND_VALUES = 1_000_000
_LARGE_DECODE = threading.Lock()


class ImageError(ValueError):
    """A file that cannot be used as an image; the message is meant for people."""


class DecoderBusyError(RuntimeError):
    """Another large image is decoding in this process; raised only when asked not to wait."""


def load_image(source: ImageSource, max_side: int | None = None, wait: bool = True) -> np.ndarray:
    """Read a photo as RGB, whatever its format, mode or orientation.

    The EXIF orientation is applied, transparency is composited on white,
    16-bit, 32-bit, 1-bit, palette, grayscale and CMYK images are converted to
    8-bit RGB, and an animation contributes its first frame.

    Memory stays close to the result's own size: deep images (16 or 32 bits a
    sample) are brought to 8 bits a band of rows at a time, a downsized photo
    is shrunk before it becomes RGB, and the RGB pixels are copied out in
    bands, so a 50-megapixel file of any depth needs at most about
    :data:`MAX_DECODE_OVERHEAD_BYTES` above the decoded picture. Images of more
    than :data:`LARGE_PIXELS` decode one at a time in a process.

    Parameters
    ----------
    source : bytes, path or binary file object
    max_side : int, optional
        Downsize so that neither side exceeds this, keeping the aspect ratio.
        Images already small enough are never enlarged.
    wait : bool
        For a large image while another large one is decoding: wait for it
        (True), or raise :class:`DecoderBusyError` at once (False), so that a
        page can say why it waits.

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)

    Raises
    ------
    ImageError
        With a one-line reason, for anything that is not a readable raster
        image, is truncated, or is too large.
    DecoderBusyError
        Only with ``wait=False``, as above.
    """
    if max_side is not None and not (checks.is_whole_number(max_side) and max_side >= 1):
        raise ValueError(f"max_side must be an integer >= 1 or None. Received: max_side={max_side!r}")
    with _open(source) as image:
        if max_side is not None:
            # JPEG can decode at 1/2, 1/4 or 1/8 scale: much faster for big photos.
            image.draft("RGB", (max_side, max_side))
        with _decoding_turn(image.size, wait):
            try:
                return _decode(image, max_side)
            except ImageError:
                raise
            except Exception as error:  # Pillow raises many types on corrupt data.
                raise ImageError(f"This image could not be decoded; the file may be truncated or corrupt "
                                 f"({type(error).__name__}).") from error


def image_size(source: ImageSource) -> tuple[int, int]:
    """(width, height) in pixels as stored in the file, read from its header.

    Raises :class:`ImageError` exactly as :func:`load_image` would for files
    it cannot open.
    """
    with _open(source) as image:
        return image.size


def to_grayscale(image: np.ndarray) -> np.ndarray:
    """RGB (H, W, 3) uint8 to luminance (H, W) uint8, with ITU-R BT.601 weights."""
    return cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY)


def to_display(feature_map: np.ndarray) -> np.ndarray:
    """Map a feature map to uint8 for a picture, keeping its meaning visible.

    Signed maps (with negative values) put zero at mid-grey 128 and scale the
    largest magnitude to 1 or 255. Non-negative maps keep their values when
    they fit in [0, 255] (a blurred photo still looks like the photo) and are
    scaled down to fit otherwise.

    Parameters
    ----------
    feature_map : ndarray of shape (H, W) or (H, W, C)

    Returns
    -------
    ndarray of uint8, same shape
    """
    values = np.asarray(feature_map, dtype=np.float32)
    largest = float(np.abs(values).max(initial=0))
    if values.min(initial=0) < 0:
        scaled = 128 + values * (127 / largest)
    elif largest > 255:
        scaled = values * (255 / largest)
    else:
        scaled = values
    return round_to_uint8(scaled)


def round_to_uint8(values: np.ndarray) -> np.ndarray:
    """Round to the nearest integer and clip to [0, 255], as uint8 pixels."""
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def encode_png(image: np.ndarray) -> bytes:
    """PNG file bytes of a uint8 (H, W) or RGB (H, W, 3) image."""
    if image.dtype != np.uint8:
        raise ValueError(f"encode_png needs uint8 pixels. Received: dtype={image.dtype}")
    bgr = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, buffer = cv2.imencode(".png", bgr)
    if not ok:
        raise ValueError(f"Could not encode an image of shape {image.shape} as PNG.")
    return buffer.tobytes()


def _open(source: ImageSource) -> Image.Image:
    data = _read_bytes(source)
    if not data:
        raise ImageError("The file is empty (0 bytes).")
    if b"<svg" in data[:1024].lower():
        raise ImageError("SVG is a vector drawing, not a photo; please use PNG, JPEG, WebP, BMP, GIF or TIFF.")
    Image.init()  # Register every plugin so FORMATS can name them (cheap after the first call).
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError(f"This image has too many pixels to open safely "
                             f"(limit {MAX_PIXELS // 1_000_000} megapixels).") from None
        except Exception as error:
            raise ImageError("This file is not an image this app can read; please use PNG, JPEG, WebP, "
                             "BMP, GIF or TIFF.") from error
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        image.close()
        raise ImageError(f"This image is {width}x{height} pixels; the limit is "
                         f"{MAX_PIXELS // 1_000_000} megapixels with sides of at least 1 pixel.")
    return image


def _read_bytes(source: ImageSource) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ImageError(f"No image file at {str(path)!r}.")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImageError(_too_big_message(path.stat().st_size))
        data = path.read_bytes()
    elif hasattr(source, "read"):
        data = source.read(MAX_FILE_BYTES + 1)
        if not isinstance(data, bytes):
            raise ImageError("The file must be opened in binary mode ('rb').")
    else:
        raise ImageError(f"Cannot read an image from a {type(source).__name__}; "
                         "pass bytes, a path or a binary file.")
    if len(data) > MAX_FILE_BYTES:
        raise ImageError(_too_big_message(len(data)))
    return data


def _too_big_message(size_bytes: int) -> str:
    return (f"The file is {size_bytes / 2**20:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES // 2**20} MB.")


@contextlib.contextmanager
def _decoding_turn(size: tuple[int, int], wait: bool):
    """Hold the process's one large-decode turn while decoding an image of ``size`` (width, height)."""
    if size[0] * size[1] <= LARGE_PIXELS:
        yield
        return
    if not _LARGE_DECODE.acquire(blocking=wait):
        raise DecoderBusyError("Another large image is being decoded in this process.")
    try:
        yield
    finally:
        _LARGE_DECODE.release()


def _decode(image: Image.Image, max_side: int | None) -> np.ndarray:
    """The loaded, upright, 8-bit RGB pixels of ``image``, at most ``max_side`` on a side."""
    image.load()
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode.startswith("I") or image.mode in ("F", "1"):
        narrow = _to_gray(image)
        image.close()  # frees the deep pixels before the RGB ones exist
        image = narrow
    if max_side is not None and image.mode in ("L", "RGB"):
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)  # before RGB: a third of the work
    rgb = _to_rgb(image)
    if max_side is not None:
        rgb.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return _pixels(rgb)


def _to_rgb(image: Image.Image) -> Image.Image:
    """Convert an 8-bit Pillow image of any mode to RGB; transparency becomes white."""
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image if image.mode == "RGB" else image.convert("RGB")


def _to_gray(image: Image.Image) -> Image.Image:
    """A 1-bit, 16-bit or 32-bit (integer or float) grayscale image as 8-bit "L", a band of rows at a time."""
    if image.mode == "1":
        return image.convert("L")
    scale = _eight_bit_scale(image.mode, *map(float, image.getextrema()))
    width, height = image.size
    gray = np.empty((height, width), np.uint8)
    rows = max(1, _BAND_VALUES // width)
    for top in range(0, height, rows):
        band = image.crop((0, top, width, min(top + rows, height)))
        gray[top : top + rows] = round_to_uint8(scale(np.asarray(band, dtype=np.float64)))
    return Image.fromarray(gray)


def _eight_bit_scale(mode: str, low: float, high: float) -> Callable[[np.ndarray], np.ndarray]:
    """How values of a Pillow ``mode`` image that range from ``low`` to ``high`` map to [0, 255]."""
    if mode.startswith("I;16") or (mode == "I" and 255 < high <= 65535 and low >= 0):
        return lambda values: values / 257  # 16-bit: 65535 -> 255
    if mode == "I" and 0 <= low and high <= 255:
        return lambda values: values
    if mode == "F" and 0 <= low and high <= 1:
        return lambda values: values * 255
    return lambda values: (values - low) * (255 / (high - low or 1))  # stretch whatever range it has


def _pixels(rgb: Image.Image) -> np.ndarray:
    """The pixels of an RGB Pillow image as a new (H, W, 3) uint8 array, copied a band of rows at a time.

    ``np.asarray`` of the whole image would hold two more full copies at once (Pillow's bytes, then a
    writable copy of them).
    """
    width, height = rgb.size
    pixels = np.empty((height, width, 3), np.uint8)
    rows = max(1, _BAND_VALUES // (3 * width))
    for top in range(0, height, rows):
        pixels[top : top + rows] = np.asarray(rgb.crop((0, top, width, min(top + rows, height))))
    return pixels
