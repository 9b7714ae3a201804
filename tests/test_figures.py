"""ui.figures: the Plotly figures and the colour scales every picture uses."""


import numpy as np
import pytest

from ui import figures

RNG = np.random.default_rng(5)


def test_grey_levels_are_what_the_grey_colour_scale_gives():
    values = np.concatenate([RNG.uniform(-10, 300, 500), [np.nan, 127.5, 0.5, 254.5]]).astype(np.float32)[None]
    scale = dict(colorscale=figures.GREY, zmin=0, zmax=255.0)
    np.testing.assert_array_equal(figures.grey_levels(values, scale), figures.colour_pixels(values, scale)[..., 0])


def test_probability_bars_put_the_first_label_on_top_in_percent():
    figure = figures.probability_bars(["cat", "dog"], np.array([0.9, 0.1]), show_values=True)
    bars = figure.data[0]
    assert list(bars.y) == ["dog", "cat"]  # Plotly draws the last one on top
    assert list(bars.x) == pytest.approx([10.0, 90.0]) and list(bars.text) == ["10.00 %", "90.00 %"]
