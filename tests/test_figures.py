"""ui.figures: what a picture on a page draws and what its hover reads."""

import numpy as np

from ui import figures

RNG = np.random.default_rng(5)


def test_a_photo_is_drawn_as_its_own_pixels_and_hover_reads_them():
    photo = RNG.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    trace = figures.feature_map_figure(photo).data[0]
    np.testing.assert_array_equal(np.asarray(trace.z), photo)
    assert trace.customdata is None  # nothing sent twice
    assert "%{z[0]}" in trace.hovertemplate


def test_a_three_channel_feature_map_hovers_its_true_values():
    feature_map = RNG.normal(size=(40, 60, 3)).astype(np.float32)
    trace = figures.feature_map_figure(feature_map).data[0]
    np.testing.assert_array_equal(np.asarray(trace.customdata), feature_map)
    assert np.asarray(trace.z).dtype == np.uint8
    assert "%{customdata[0]" in trace.hovertemplate


def test_a_large_map_is_sampled_to_the_display_size_with_true_coordinates():
    feature_map = RNG.normal(size=(1000, 500)).astype(np.float32)
    trace = figures.feature_map_figure(feature_map).data[0]
    step = int(np.ceil(1000 / figures.DISPLAY_MAX_SIDE))
    np.testing.assert_array_equal(np.asarray(trace.z), feature_map[::step, ::step])
    np.testing.assert_array_equal(np.asarray(trace.x), np.arange(0, 500, step))
