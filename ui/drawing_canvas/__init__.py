"""A square to draw on with the mouse or a finger, as a Streamlit component of plain HTML (no build step).

The drawing comes back as a PNG when each stroke ends and goes through the
same checks and decoding as an uploaded photo.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit.components.v1 as components

from cnn_core import images

FRONTEND = Path(__file__).parent / "frontend"
#: A 280 × 280 drawing is about 10 kB as a PNG; anything much larger did not come from this canvas.
MAX_DRAWING_BYTES = 2_000_000
_PREFIX = "data:image/png;base64,"

_canvas = components.declare_component("drawing_canvas", path=str(FRONTEND))


@dataclass(frozen=True)
class Drawing:
    """What is on the canvas: uint8 RGB pixels (size, size, 3), and how many strokes made it."""

    pixels: np.ndarray
    strokes: int


def drawing_canvas(key: str, size: int = 280, stroke_width: int = 20) -> Drawing | None:
    """Show the canvas; the drawing so far, or None before the first stroke (and after Clear).

    Raises
    ------
    ValueError
        When what came back is not a PNG drawing (it names what was wrong).
    """
    value = _canvas(size=size, stroke_width=stroke_width, key=key, default=None)
    return drawing_pixels(value)


def drawing_pixels(value: object) -> Drawing | None:
    """Decode the component's value: None, or ``{"png": "data:image/png;base64,...", "strokes": n}``."""
    if value is None:
        return None
    png = value.get("png") if isinstance(value, dict) else None
    if not isinstance(png, str) or not png.startswith(_PREFIX) or len(png) > MAX_DRAWING_BYTES * 4 // 3 + 100:
        raise ValueError("The drawing did not arrive as a PNG picture; clear it and draw again.")
    try:
        content = base64.b64decode(png[len(_PREFIX):], validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError("The drawing did not arrive as a PNG picture; clear it and draw again.") from error
    strokes = value.get("strokes")
    strokes = strokes if isinstance(strokes, int) and not isinstance(strokes, bool) and strokes >= 1 else 1
    return Drawing(images.load_image(content), strokes)
