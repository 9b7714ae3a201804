"""ui.map_view under AppTest: what the browser receives to draw a map and to read its values under the pointer."""

import numpy as np
from streamlit.testing.v1 import AppTest

from tests.conftest import sent_maps
from ui import figures


def _drawn(call: str) -> list[dict]:
    """The maps a script of the line ``call`` sends (``np`` and ``map_view`` imported)."""
    app = AppTest.from_string(f"import numpy as np\nfrom ui.map_view import map_view\n{call}\n").run()
    assert not app.exception
    return sent_maps(app)


def test_a_signed_map_sends_its_values_shape_and_diverging_colour_scale():
    (sent,) = _drawn("map_view(np.arange(12, dtype=np.float32).reshape(3, 4) - 5, 'a_map')")
    np.testing.assert_array_equal(sent["values"], np.arange(12).reshape(3, 4) - 5)
    assert sent["values"].dtype == np.int16 and (sent["step"], sent["map_shape"]) == (1, [3, 4])
    assert sent["scale"] == {"stops": figures.DIVERGING, "low": -6.0, "high": 6.0} and sent["show_scale"]


def test_a_colour_photo_sends_its_pixels_as_its_values_and_no_scale():
    (sent,) = _drawn("map_view(np.full((2, 3, 3), 200, np.uint8), 'photo')")
    assert sent["values"].dtype == np.uint8 and sent["shape"] == [2, 3, 3] and sent["scale"] is None


def test_a_large_map_sends_its_sampled_values_with_the_step_to_true_coordinates():
    (sent,) = _drawn("map_view(np.linspace(0, 1, 1000 * 600, dtype=np.float32).reshape(1000, 600), 'big')")
    full = np.linspace(0, 1, 1000 * 600, dtype=np.float32).reshape(1000, 600)
    assert (sent["step"], sent["map_shape"], sent["shape"]) == (3, [1000, 600], [334, 200])
    np.testing.assert_array_equal(sent["values"], full[::3, ::3])


def test_without_the_scale_its_colour_bar_is_not_drawn_but_its_colours_are_sent():
    (sent,) = _drawn("map_view(np.zeros((5, 5), np.float32), 'plain', show_scale=False)")
    assert sent["scale"] == {"stops": figures.GREY, "low": 0, "high": 255.0} and not sent["show_scale"]
