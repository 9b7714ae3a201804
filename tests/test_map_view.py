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


def test_a_signed_map_sends_its_picture_values_shape_and_colour_bar():
    (sent,) = _drawn("map_view(np.arange(12, dtype=np.float32).reshape(3, 4) - 5, 'a_map')")
    np.testing.assert_array_equal(sent["values"], np.arange(12).reshape(3, 4) - 5)
    assert sent["values"].dtype == np.int16 and (sent["step"], sent["map_shape"]) == (1, [3, 4])
    assert sent["bar"] == {"stops": figures.DIVERGING, "low": -6.0, "high": 6.0}
    assert sent["pixels"].shape == (3, 4, 3)  # decoded as BGR
    np.testing.assert_array_equal(sent["pixels"][0, 0][::-1], [0x1F + round((0x80 - 0x1F) / 6), 0x4E + round(
        (0x80 - 0x4E) / 6), 0x9C - round((0x9C - 0x80) / 6)])  # -5 of ±6: one sixth of the way from blue to grey


def test_a_large_map_sends_its_sampled_values_with_the_step_to_true_coordinates():
    (sent,) = _drawn("map_view(np.linspace(0, 1, 1000 * 600, dtype=np.float32).reshape(1000, 600), 'big')")
    full = np.linspace(0, 1, 1000 * 600, dtype=np.float32).reshape(1000, 600)
    assert (sent["step"], sent["map_shape"], sent["shape"]) == (3, [1000, 600], [334, 200])
    np.testing.assert_array_equal(sent["values"], full[::3, ::3])


def test_without_the_scale_no_colour_bar_is_sent():
    (sent,) = _drawn("map_view(np.zeros((5, 5), np.float32), 'plain', show_scale=False)")
    assert sent["bar"] is None and sent["pixels"].ndim == 2  # grey: one channel
