"""ui.pictures: the uint8 pictures the pages show with st.image."""

import numpy as np

from ui import figures, pictures


def test_enlarged_repeats_each_pixel_into_a_block():
    sample = np.array([[0, 255], [10, 20]], np.uint8)
    np.testing.assert_array_equal(pictures.enlarged(sample, 4), np.repeat(np.repeat(sample, 2, axis=0), 2, axis=1))


def test_outlined_draws_the_block_in_the_highlight_colour_on_the_enlarged_picture():
    sample = np.full((4, 4), 50, np.uint8)
    picture = pictures.outlined(sample, (1, 2), (1, 2), side=8)  # rows and columns 1 to 2: pixels 2 to 5
    highlight = [int(figures.GRID_HIGHLIGHT[i : i + 2], 16) for i in (1, 3, 5)]
    assert picture.shape == (8, 8, 3)
    assert picture[2, 2].tolist() == highlight and picture[5, 5].tolist() == highlight
    assert picture[0, 0].tolist() == [50, 50, 50] and picture[7, 7].tolist() == [50, 50, 50]  # outside it


def test_kernel_picture_uses_the_signed_palette_of_every_map():
    picture = pictures.kernel_picture(np.array([[-2.0, 0.0, 2.0]]), side=3)
    assert picture.shape == (3, 3, 3) and picture.dtype == np.uint8
    assert picture[0, 0].tolist() == [0x1F, 0x4E, 0x9C]  # the most negative: the palette's blue
    assert picture[0, 1].tolist() == [0x80, 0x80, 0x80]  # zero: mid-grey
    assert picture[0, 2].tolist() == [0xB2, 0x18, 0x2B]  # the most positive: the palette's red


def test_heatmap_overlay_at_opacity_zero_is_the_photo_and_at_one_the_heat_map():
    photo = np.full((8, 6, 3), 100, np.uint8)
    heatmap = np.zeros((2, 2), np.float32)
    assert pictures.heatmap_overlay(photo, heatmap, 0.0).tolist() == photo.tolist()
    jet_of_zero = [0, 0, 128]  # OpenCV's JET colour map at 0, as RGB
    assert pictures.heatmap_overlay(photo, heatmap, 1.0)[3, 3].tolist() == jet_of_zero
    assert pictures.heatmap_overlay(photo[..., 0], heatmap).shape == (8, 6, 3)  # grayscale photos too
