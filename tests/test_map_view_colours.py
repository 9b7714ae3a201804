"""ui/map_view/frontend/colours.js in Chromium: the browser colours a map's values exactly as
ui.pictures.MapPicture.pixels does in Python, for every kind of map the pages draw."""

import numpy as np
import pytest

from ui import pictures
from ui.map_view import FRONTEND, VALUE_TYPES

pytestmark = pytest.mark.browser
RNG = np.random.default_rng(11)


@pytest.fixture(scope="module")
def colours(browser):
    """A blank tab with colours.js loaded."""
    tab = browser.new_page()
    tab.add_script_tag(path=str(FRONTEND / "colours.js"))
    yield tab
    tab.close()


def _browser_pixels(tab, drawn: pictures.MapPicture) -> np.ndarray:
    """What mapPixels gives for ``drawn``'s values and scale: RGB, or one channel for a grey map."""
    scale = None
    if drawn.scale is not None:
        scale = {"stops": drawn.scale["colorscale"], "low": drawn.scale["zmin"], "high": drawn.scale["zmax"]}
    typed = {"u1": "Uint8Array", "i2": "Int16Array", "f4": "Float32Array"}[VALUE_TYPES[drawn.values.dtype]]
    rgba = tab.evaluate(f"""([cells, shape, scale]) => Array.from(mapPixels({typed}.from(cells), shape, scale))""",
                        [drawn.values.ravel().tolist(), list(drawn.values.shape), scale])
    pixels = np.array(rgba, np.uint8).reshape(*drawn.values.shape[:2], 4)
    assert np.all(pixels[..., 3] == 255)
    if drawn.values.ndim == 2 and drawn.scale["colorscale"] is pictures.GREY:
        assert np.all(pixels[..., 0] == pixels[..., 1]) and np.all(pixels[..., 1] == pixels[..., 2])
        return pixels[..., 0]
    return pixels[..., :3]


MAPS = {
    "a Sobel map (int16, signed)": lambda: RNG.integers(-1020, 1021, (30, 40)).astype(np.float32),
    "a blur (float32, grey, photo range)": lambda: RNG.uniform(0, 255, (30, 40)).astype(np.float32),
    "grey levels beyond 255": lambda: RNG.uniform(0, 900, (30, 40)).astype(np.float32),
    "a photo's grey levels (uint8)": lambda: RNG.integers(0, 256, (30, 40), dtype=np.uint8),
    "a signed map with NaN and ±inf": lambda: np.where(RNG.random((30, 40)) < 0.05, np.nan, RNG.normal(size=(30, 40)))
    .astype(np.float32).clip(-3, 3) * np.where(RNG.random((30, 40)) < 0.02, np.inf, 1),
    "a signed map whose values fall on its colour stops": lambda: RNG.integers(-4, 5, (30, 40)).astype(np.float32) / 4,
    "a colour photo (uint8)": lambda: RNG.integers(0, 256, (30, 40, 3), dtype=np.uint8),
    "an RGB feature map, signed": lambda: RNG.normal(size=(30, 40, 3)).astype(np.float32),
    "an RGB feature map beyond 255": lambda: RNG.uniform(0, 2000, (30, 40, 3)).astype(np.float32),
    "an RGB feature map of halves": lambda: (RNG.integers(0, 510, (30, 40, 3)) / 2).astype(np.float32),
}


@pytest.mark.parametrize("kind", MAPS)
def test_the_browser_colours_a_map_as_python_does(colours, kind):
    drawn = pictures.map_picture(MAPS[kind]())
    np.testing.assert_array_equal(_browser_pixels(colours, drawn), drawn.pixels)


def test_a_map_stretched_to_its_own_largest_value_is_coloured_as_python_does(colours):
    drawn = pictures.map_picture(RNG.uniform(0, 3, (30, 40)).astype(np.float32), photo_range=False)
    np.testing.assert_array_equal(_browser_pixels(colours, drawn), drawn.pixels)


def test_halves_round_to_even_as_numpy_does(colours):
    drawn = pictures.map_picture(np.array([[[0.5, 1.5, 2.5], [3.5, 4.5, 254.5]]], np.float32))  # kept as they are
    assert _browser_pixels(colours, drawn).tolist() == [[[0, 2, 2], [4, 4, 254]]] == drawn.pixels.tolist()
