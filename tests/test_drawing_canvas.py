"""ui.drawing_canvas: what the canvas sends back is decoded like an upload, and anything else is refused."""

import base64

import numpy as np
import pytest

from cnn_core import images
from ui.drawing_canvas import MAX_DRAWING_BYTES, drawing_pixels


def _value(pixels: np.ndarray) -> dict:
    return {"png": "data:image/png;base64," + base64.b64encode(images.encode_png(pixels)).decode(), "strokes": 1}


def test_no_drawing_yet_gives_none():
    assert drawing_pixels(None) is None


def test_a_drawing_comes_back_as_its_rgb_pixels():
    pixels = np.zeros((280, 280, 3), np.uint8)
    pixels[100:180, 130:150] = 255
    drawing = drawing_pixels(_value(pixels))
    np.testing.assert_array_equal(drawing.pixels, pixels)
    assert drawing.strokes == 1


@pytest.mark.parametrize("value", ["data:image/png;base64,AAAA", {"png": 3}, {"png": "data:text/html,<b>"},
                                   {"png": "data:image/png;base64,not base64!"},
                                   {"png": "data:image/png;base64," + "A" * (MAX_DRAWING_BYTES * 2)}])
def test_anything_else_is_refused_with_a_message(value):
    with pytest.raises(ValueError, match="draw again|PNG"):
        drawing_pixels(value)


def test_a_png_that_is_not_a_picture_is_refused_like_an_upload():
    with pytest.raises(ValueError):
        drawing_pixels({"png": "data:image/png;base64," + base64.b64encode(b"\x89PNG broken").decode()})
