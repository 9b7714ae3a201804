"""ui.figures: what a picture on a page draws and what its hover reads."""

import base64

import cv2
import numpy as np
import pytest

from ui import figures

RNG = np.random.default_rng(5)


def drawn_pixels(trace) -> np.ndarray:
    """The RGB pixels of an image trace's PNG source, (H, W, 3) uint8."""
    encoded = trace.source.removeprefix("data:image/png;base64,")
    bgr = cv2.imdecode(np.frombuffer(base64.b64decode(encoded), np.uint8), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def test_a_photo_is_drawn_as_its_own_pixels_and_hover_reads_them():
    photo = RNG.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    trace = figures.feature_map_figure(photo).data[0]
    np.testing.assert_array_equal(drawn_pixels(trace), photo)
    assert trace.customdata is None  # nothing sent twice
    assert "%{z[0]}" in trace.hovertemplate


def test_a_three_channel_feature_map_hovers_its_true_values():
    feature_map = RNG.normal(size=(40, 60, 3)).astype(np.float32)
    trace = figures.feature_map_figure(feature_map).data[0]
    np.testing.assert_array_equal(np.asarray(trace.customdata), feature_map)
    assert "%{customdata[0]" in trace.hovertemplate


def test_a_grayscale_map_hovers_its_true_values():
    feature_map = RNG.normal(size=(30, 20)).astype(np.float32)
    trace = figures.feature_map_figure(feature_map).data[0]
    np.testing.assert_array_equal(np.asarray(trace.customdata), feature_map)
    assert "%{customdata:" in trace.hovertemplate


@pytest.mark.parametrize(("values", "kind"), [
    ([[0.0, 17.0, 255.0]], np.uint8),  # a photo's grey levels
    ([[-1020.0, 0.0, 1020.0]], np.int16),  # a Sobel map of them
    ([[0.0, 256.0]], np.int16),
    ([[-40_000.0, 3.0]], np.float32),  # whole, but beyond int16
    ([[0.5, 2.0]], np.float32),  # a blur's fractions
    ([[np.nan, 2.0]], np.float32),
])
def test_hover_values_travel_in_the_smallest_type_that_holds_them_exactly(values, kind):
    compact = figures.hover_values(np.array(values, np.float32))
    assert compact.dtype == kind
    np.testing.assert_array_equal(compact.astype(np.float32), np.array(values, np.float32))


def test_a_grayscale_maps_whole_numbers_hover_as_the_same_numbers_in_fewer_bytes():
    feature_map = RNG.integers(-1020, 1021, (30, 20)).astype(np.float32)
    trace = figures.feature_map_figure(feature_map).data[0]
    assert np.asarray(trace.customdata).dtype == np.int16
    np.testing.assert_array_equal(np.asarray(trace.customdata), feature_map)


def test_a_signed_map_is_blue_below_zero_mid_grey_at_zero_and_red_above():
    feature_map = np.array([[-4.0, 0.0, 4.0]], dtype=np.float32)
    pixels = drawn_pixels(figures.feature_map_figure(feature_map).data[0])
    np.testing.assert_array_equal(pixels[0], [[0x1F, 0x4E, 0x9C], [0x80, 0x80, 0x80], [0xB2, 0x18, 0x2B]])


def test_a_signed_map_half_way_to_its_largest_magnitude_is_half_way_in_colour():
    pixels = drawn_pixels(figures.feature_map_figure(np.array([[-2.0, 4.0]], dtype=np.float32)).data[0])
    np.testing.assert_array_equal(pixels[0, 0], np.rint((np.array([0x1F, 0x4E, 0x9C]) + 0x80) / 2))


def test_a_non_negative_map_is_grey_on_the_photo_scale():
    pixels = drawn_pixels(figures.feature_map_figure(np.array([[0.0, 100.0, 255.0]], dtype=np.float32)).data[0])
    np.testing.assert_array_equal(pixels[0], [[0, 0, 0], [100, 100, 100], [255, 255, 255]])


def test_a_grey_map_is_drawn_in_one_channel_with_the_levels_of_the_colour_scale():
    values = np.concatenate([RNG.uniform(-10, 300, 500), [np.nan, 127.5, 0.5, 254.5]]).astype(np.float32)[None]
    scale = dict(colorscale=figures.GREY, zmin=0, zmax=255.0)
    np.testing.assert_array_equal(figures.grey_levels(values, scale), figures.colour_pixels(values, scale)[..., 0])
    encoded = figures.feature_map_figure(np.abs(values)).data[0].source.removeprefix("data:image/png;base64,")
    assert cv2.imdecode(np.frombuffer(base64.b64decode(encoded), np.uint8), cv2.IMREAD_UNCHANGED).ndim == 2


def test_without_the_photo_range_a_map_is_stretched_to_its_own_largest_value():
    feature_map = np.array([[0.0, 1.0, 2.0]], dtype=np.float32)
    pixels = drawn_pixels(figures.feature_map_figure(feature_map, photo_range=False).data[0])
    np.testing.assert_array_equal(pixels[0, :, 0], [0, 128, 255])


def test_the_colour_bar_spans_the_same_range_as_the_picture():
    figure = figures.feature_map_figure(np.array([[-3.0, 1.0]], dtype=np.float32))
    marker = figure.data[1].marker
    assert (marker.cmin, marker.cmax, marker.showscale) == (-3.0, 3.0, True)
    assert [list(stop) for stop in marker.colorscale] == figures.DIVERGING


def test_without_the_scale_only_the_picture_is_drawn():
    assert len(figures.feature_map_figure(np.zeros((5, 5), np.float32), show_scale=False).data) == 1


def test_a_large_map_is_sampled_to_the_display_size_with_true_coordinates():
    feature_map = RNG.normal(size=(1000, 500)).astype(np.float32)
    trace = figures.feature_map_figure(feature_map).data[0]
    step = int(np.ceil(1000 / figures.DISPLAY_MAX_SIDE))
    np.testing.assert_array_equal(np.asarray(trace.customdata), feature_map[::step, ::step])
    assert drawn_pixels(trace).shape[:2] == feature_map[::step, ::step].shape
    assert (trace.x0, trace.dx, trace.y0, trace.dy) == (0, step, 0, step)


def test_probability_bars_put_the_first_label_on_top_in_percent():
    figure = figures.probability_bars(["cat", "dog"], np.array([0.9, 0.1]), show_values=True)
    bars = figure.data[0]
    assert list(bars.y) == ["dog", "cat"]  # Plotly draws the last one on top
    assert list(bars.x) == pytest.approx([10.0, 90.0]) and list(bars.text) == ["10.00 %", "90.00 %"]
