"""ui.clickable_maps and ui.clickable_picture: each picture cell maps back to its number, and clicks are read safely."""

import numpy as np
import pytest

from ui import clickable_maps, figures
from ui.clickable_picture import clicked_cell


def test_every_cell_of_the_picture_names_the_row_column_and_channel_drawn_there():
    maps = np.random.default_rng(0).normal(size=(5, 7, 12)).astype(np.float32)
    tiling = clickable_maps.tiling_of(maps, [3, 4, 5, 6, 7])
    pixels = clickable_maps.maps_pixels(maps, tiling)
    expected = figures.colour_pixels(maps[..., 3:8], figures.colour_scale(maps[..., 3:8], photo=False))
    assert pixels.shape[:2] == tiling.cells == (2 * 5 + 1, 4 * 7 + 3)
    seen = 0
    for (picture_row, picture_column), _ in np.ndenumerate(pixels[..., 0]):
        unit = tiling.unit(picture_row, picture_column)
        if unit is None:
            assert (pixels[picture_row, picture_column] == 255).all()  # a gap, or past the last tile
            continue
        row, column, channel = unit
        assert tiling.cell(row, column, channel) == (picture_row, picture_column)
        assert (pixels[picture_row, picture_column] == expected[row, column, channel - 3]).all()
        seen += 1
    assert seen == 5 * 7 * 5


def test_a_channel_that_is_not_drawn_has_no_cell():
    tiling = clickable_maps.tiling_of(np.zeros((4, 4, 16), np.float32), range(8, 16))
    assert tiling.cell(0, 0, 2) is None and tiling.cell(3, 3, 15) is not None


def test_a_vector_is_wrapped_in_strips_with_each_number_at_its_place():
    values = np.arange(150, dtype=np.float32) - 75
    pixels = clickable_maps.vector_pixels(values)
    assert clickable_maps.vector_cells(150) == (3, 64) == pixels.shape[:2]
    scale = figures.colour_scale(values, photo=False)
    assert (pixels[100 // 64, 100 % 64] == figures.colour_pixels(values[100:101, None], scale)[0, 0]).all()
    assert (pixels[2, 150 - 128:] == 255).all()  # past the end
    assert clickable_maps.vector_cells(5408) == (43, 128)  # a long CNN code gets wider strips


def test_a_click_is_read_as_row_and_column():
    assert clicked_cell({"row": 14, "column": 2, "clicks": 3}) == (14, 2)


@pytest.mark.parametrize("value", [None, {}, "<script>", {"row": -1, "column": 2}, {"row": "3", "column": 1},
                                   {"row": True, "column": 0}, {"row": 1.5, "column": 0}, [1, 2]])
def test_anything_else_the_browser_sends_selects_nothing(value):
    assert clicked_cell(value) is None
