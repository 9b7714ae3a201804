"""ui.pictures: what the pages draw of photos and feature maps, what the pointer reads on them, and the small
pictures shown with st.image."""

import numpy as np
import pytest

from ui import figures, pictures

RNG = np.random.default_rng(5)


def test_a_photo_is_drawn_as_its_own_pixels_and_the_pointer_reads_them():
    photo = RNG.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    drawn = pictures.map_picture(photo)
    np.testing.assert_array_equal(drawn.pixels, photo)
    np.testing.assert_array_equal(drawn.values, photo)
    assert drawn.values.dtype == np.uint8 and drawn.scale is None and drawn.step == 1


def test_a_three_channel_feature_map_is_drawn_scaled_and_read_as_its_true_values():
    feature_map = RNG.normal(size=(40, 60, 3)).astype(np.float32)
    drawn = pictures.map_picture(feature_map)
    np.testing.assert_array_equal(drawn.values, feature_map)
    np.testing.assert_array_equal(drawn.pixels, pictures.images.to_display(feature_map))


def test_a_grayscale_map_is_read_as_its_true_values():
    feature_map = RNG.normal(size=(30, 20)).astype(np.float32)
    np.testing.assert_array_equal(pictures.map_picture(feature_map).values, feature_map)


@pytest.mark.parametrize(("values", "kind"), [
    ([[0.0, 17.0, 255.0]], np.uint8),  # a photo's grey levels
    ([[-1020.0, 0.0, 1020.0]], np.int16),  # a Sobel map of them
    ([[0.0, 256.0]], np.int16),
    ([[-40_000.0, 3.0]], np.float32),  # whole, but beyond int16
    ([[0.5, 2.0]], np.float32),  # a blur's fractions
    ([[np.nan, 2.0]], np.float32),
])
def test_values_travel_in_the_smallest_type_that_holds_them_exactly(values, kind):
    compact = pictures.hover_values(np.array(values, np.float32))
    assert compact.dtype == kind
    np.testing.assert_array_equal(compact.astype(np.float32), np.array(values, np.float32))


def test_a_signed_map_is_blue_below_zero_mid_grey_at_zero_and_red_above():
    drawn = pictures.map_picture(np.array([[-4.0, 0.0, 4.0]], dtype=np.float32))
    np.testing.assert_array_equal(drawn.pixels[0], [[0x1F, 0x4E, 0x9C], [0x80, 0x80, 0x80], [0xB2, 0x18, 0x2B]])
    assert (drawn.scale["zmin"], drawn.scale["zmax"], drawn.scale["colorscale"]) == (-4.0, 4.0, figures.DIVERGING)


def test_a_signed_map_half_way_to_its_largest_magnitude_is_half_way_in_colour():
    pixels = pictures.map_picture(np.array([[-2.0, 4.0]], dtype=np.float32)).pixels
    np.testing.assert_array_equal(pixels[0, 0], np.rint((np.array([0x1F, 0x4E, 0x9C]) + 0x80) / 2))


def test_a_non_negative_map_is_grey_in_one_channel_on_the_photo_scale():
    drawn = pictures.map_picture(np.array([[0.0, 100.0, 255.0]], dtype=np.float32))
    np.testing.assert_array_equal(drawn.pixels, [[0, 100, 255]])
    assert (drawn.scale["zmin"], drawn.scale["zmax"]) == (0, 255.0)


def test_without_the_photo_range_a_map_is_stretched_to_its_own_largest_value():
    drawn = pictures.map_picture(np.array([[0.0, 1.0, 2.0]], dtype=np.float32), photo_range=False)
    np.testing.assert_array_equal(drawn.pixels[0], [0, 128, 255])


def test_a_large_map_is_sampled_to_the_display_size_and_read_at_true_coordinates():
    feature_map = RNG.normal(size=(1000, 500)).astype(np.float32)
    drawn = pictures.map_picture(feature_map)
    step = int(np.ceil(1000 / pictures.DISPLAY_MAX_SIDE))
    assert drawn.step == step
    np.testing.assert_array_equal(drawn.values, feature_map[::step, ::step])
    assert drawn.pixels.shape[:2] == feature_map[::step, ::step].shape


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
