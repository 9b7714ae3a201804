"""ui.clickable_maps: every drawn cell carries its own index, and a click event is read back safely."""

import numpy as np
import pytest

from ui import clickable_maps


def _markers(figure):
    return next(trace for trace in figure.data if trace.type == "scatter" and trace.customdata is not None)


def test_each_marker_lies_on_its_cell_and_carries_row_column_channel_and_value():
    maps = np.random.default_rng(0).normal(size=(5, 7, 12)).astype(np.float32)
    figure = clickable_maps.maps_figure(maps, [3, 4, 5, 6, 7], columns=4)
    markers = _markers(figure)
    for x, y, (row, column, channel, value) in zip(markers.x, markers.y, markers.customdata):
        position = [3, 4, 5, 6, 7].index(int(channel))
        assert y == (position // 4) * (5 + 1) + row  # a 5-row map gets a row gap of 1
        assert x == (position % 4) * (7 + clickable_maps.GAP) + column
        assert value == pytest.approx(maps[int(row), int(column), int(channel)])
    assert len(markers.x) == 5 * 7 * 5


def test_a_vector_is_wrapped_in_strips_with_each_number_at_its_place():
    values = np.arange(150, dtype=np.float32) - 75
    markers = _markers(clickable_maps.vector_figure(values, per_row=64))
    assert (markers.x[100], markers.y[100]) == (100 % 64, 100 // 64)
    assert markers.customdata[100].tolist() == [100, 25]


def test_the_selected_cell_is_outlined():
    figure = clickable_maps.maps_figure(np.zeros((4, 4, 2), np.float32), [0, 1], selected=(2, 3, 1))
    (shape,) = figure.layout.shapes
    assert (shape.x0, shape.y0) == (4 + 1 + 3 - 0.5, 2 - 0.5)


def _event(customdata):
    return {"selection": {"points": [{"curve_number": 1, "point_index": 7, "customdata": customdata}]}}


def test_a_click_is_read_from_the_dictionary_plotly_sends_back():
    assert clickable_maps.clicked(_event({"0": 14, "1": 2, "2": 1, "3": 0.05})) == [14, 2, 1]
    assert clickable_maps.clicked(_event({"1": 0.5, "0": 9})) == [9]


@pytest.mark.parametrize("event", [None, {}, {"selection": {"points": []}}, {"selection": {"points": 3}},
                                   _event({"a": 1, "b": 2}), _event({"0": -1, "1": 2, "2": 0, "3": 0}),
                                   _event("<script>"), _event({"0": "x", "1": 0})])
def test_anything_else_the_browser_sends_selects_nothing(event):
    assert clickable_maps.clicked(event) is None
