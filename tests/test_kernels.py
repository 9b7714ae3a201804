"""Preset kernels against OpenCV's own filters and their defining properties."""

import cv2
import numpy as np
import pytest

from cnn_core import conv, kernels

RNG = np.random.default_rng(3)
PHOTO = RNG.integers(0, 256, (32, 40)).astype(np.float32)


def _interior(image, margin):
    return image[margin:-margin, margin:-margin]


def test_every_preset_builds_in_every_listed_size_as_float32():
    for name, info in kernels.KERNELS.items():
        for size in info.sizes:
            kernel = kernels.make_kernel(name, size)
            assert kernel.shape == (size, size) and kernel.dtype == np.float32, name


@pytest.mark.parametrize("name, dx, dy", [("sobel_x", 1, 0), ("sobel_y", 0, 1)])
@pytest.mark.parametrize("size", [3, 5, 7])
def test_sobel_matches_cv2_sobel(name, dx, dy, size):
    expected = cv2.Sobel(PHOTO, cv2.CV_32F, dx, dy, ksize=size)
    result = conv.conv2d(PHOTO, kernels.make_kernel(name, size))
    np.testing.assert_allclose(result, _interior(expected, size // 2), rtol=1e-5, atol=1e-2)


def test_scharr_x_matches_cv2_scharr():
    expected = cv2.Scharr(PHOTO, cv2.CV_32F, 1, 0)
    np.testing.assert_allclose(conv.conv2d(PHOTO, kernels.make_kernel("scharr_x")), _interior(expected, 1),
                               atol=1e-2)


def test_laplacian_matches_cv2_laplacian():
    expected = cv2.Laplacian(PHOTO, cv2.CV_32F, ksize=1)
    np.testing.assert_allclose(conv.conv2d(PHOTO, kernels.make_kernel("laplacian")), _interior(expected, 1),
                               atol=1e-3)


@pytest.mark.parametrize("size, sigma", [(3, 0.8), (5, 1.1), (9, 2.0), (15, 3.5)])
def test_gaussian_matches_cv2_gaussian_kernel(size, sigma):
    taps = cv2.getGaussianKernel(size, sigma)
    np.testing.assert_allclose(kernels.make_kernel("gaussian", size, sigma), taps @ taps.T, atol=1e-6)


def test_gaussian_default_sigma_is_opencvs_rule():
    taps = cv2.getGaussianKernel(9, kernels.default_sigma(9))
    np.testing.assert_allclose(kernels.make_kernel("gaussian", 9), taps @ taps.T, atol=1e-6)
    assert kernels.default_sigma(9) == pytest.approx(1.7)


@pytest.mark.parametrize("name", ["mean", "gaussian"])
@pytest.mark.parametrize("size", [1, 2, 4, 15])
def test_blur_kernels_sum_to_one(name, size):
    assert kernels.make_kernel(name, size).sum() == pytest.approx(1, abs=1e-6)


@pytest.mark.parametrize("name", ["sobel_x", "sobel_y", "prewitt_x", "scharr_y", "laplacian", "outline"])
def test_edge_kernels_sum_to_zero_so_flat_areas_give_zero(name):
    flat = np.full((6, 6), 200.0)
    np.testing.assert_allclose(conv.conv2d(flat, kernels.make_kernel(name)), 0, atol=1e-4)


def test_identity_returns_the_image():
    np.testing.assert_array_equal(conv.conv2d(PHOTO, kernels.make_kernel("identity", 5), padding="same"), PHOTO)


def test_sobel_x_is_positive_where_brightness_rises_to_the_right():
    ramp = np.tile(np.arange(6, dtype=np.float32), (6, 1))
    assert (conv.conv2d(ramp, kernels.make_kernel("sobel_x")) > 0).all()


def test_unknown_kernel_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Valid names: identity, mean, gaussian.*Received: name='blurry'"):
        kernels.make_kernel("blurry")


@pytest.mark.parametrize("name, size", [("prewitt_x", 5), ("sobel_x", 4), ("identity", 4), ("mean", 16),
                                        ("mean", 0), ("mean", 3.0)])
def test_sizes_a_preset_does_not_have_are_refused(name, size):
    with pytest.raises(ValueError, match=f"Received: size={size!r}"):
        kernels.make_kernel(name, size)


@pytest.mark.parametrize("sigma", [0, -1, float("nan"), float("inf")])
def test_invalid_sigma_is_refused(sigma):
    with pytest.raises(ValueError, match="sigma must be a finite number > 0"):
        kernels.make_kernel("gaussian", 5, sigma)


def test_sigma_on_a_kernel_without_one_is_refused():
    with pytest.raises(ValueError, match="sigma applies only to the gaussian kernel"):
        kernels.make_kernel("mean", 3, sigma=1.0)


def test_validate_kernel_accepts_a_grid_of_numbers():
    kernel = kernels.validate_kernel([[1, 2], [3, 4]])
    assert kernel.dtype == np.float32 and kernel.shape == (2, 2)


def test_validate_kernel_names_the_blank_cell():
    with pytest.raises(ValueError, match="nan in row 1, column 2"):
        kernels.validate_kernel([[1.0, None], [3.0, 4.0]])


def test_validate_kernel_enforces_the_editor_size_limit():
    with pytest.raises(ValueError, match="at most 15x15. Received: shape=\\(16, 3\\)"):
        kernels.validate_kernel(np.ones((16, 3)), max_size=kernels.MAX_KERNEL_SIZE)


def test_closest_kernel_finds_a_scaled_sobel():
    name, similarity = kernels.closest_kernel(3.5 * kernels.make_kernel("sobel_x"))
    assert name == "sobel_x" and similarity == pytest.approx(1.0)


def test_closest_kernel_reports_an_inverted_pattern_as_negative():
    name, similarity = kernels.closest_kernel(-kernels.make_kernel("sobel_y"))
    assert name == "sobel_y" and similarity == pytest.approx(-1.0)


def test_closest_kernel_of_a_blur_is_the_box_or_gaussian():
    name, similarity = kernels.closest_kernel(np.full((3, 3), 0.2) + np.random.default_rng(0).normal(0, 0.01, (3, 3)))
    assert name in ("mean", "gaussian") and similarity > 0.95


def test_closest_kernel_of_zeros_is_nothing():
    assert kernels.closest_kernel(np.zeros((3, 3))) == ("", 0.0)


def test_closest_kernel_refuses_a_non_square_filter():
    with pytest.raises(ValueError, match=r"square \(k, k\) filter. Received: shape=\(3, 2\)"):
        kernels.closest_kernel(np.ones((3, 2)))


def test_a_match_with_negative_similarity_is_shown_as_the_inverted_preset():
    match = kernels.kernel_match(-2.0 * kernels.make_kernel("prewitt_y"))
    assert match.name == "prewitt_y" and match.similarity == pytest.approx(-1.0)
    assert match.label == "Prewitt y, inverted"
    np.testing.assert_array_equal(match.kernel, -kernels.make_kernel("prewitt_y"))


def test_a_match_is_named_in_plain_words():
    assert kernels.kernel_match(kernels.make_kernel("sobel_x")).label == "Sobel x (vertical edges)"


def test_a_weak_resemblance_is_no_close_match():
    weights = kernels.make_kernel("mean") / 9 + np.random.default_rng(3).normal(0, 0.2, (3, 3))
    name, similarity = kernels.closest_kernel(weights)
    assert name and abs(similarity) < kernels.MATCH_THRESHOLD  # something is closest, but not close
    assert kernels.kernel_match(weights) is None


def test_every_preset_has_a_plain_name():
    assert all(info.label and "_" not in info.label for info in kernels.KERNELS.values())


def test_typed_cells_with_either_minus_sign_fractions_and_exponents_become_the_kernel():
    kernel = kernels.kernel_from_text([["-1", "\u22121", " 1/8 "], ["2e-3", "0", "1"]])
    assert kernel.dtype == np.float32
    assert np.array_equal(kernel, np.array([[-1, -1, 0.125], [0.002, 0, 1]], np.float32))


@pytest.mark.parametrize(("typed", "message"), [
    ("abc", "Row 1, column 2 holds “abc”: type a number such as -1, 0.5 or 1/9."),
    (None, "Row 1, column 2 holds nothing"), ("  ", "Row 1, column 2 holds nothing"),
    ("1/0", "Row 1, column 2 holds “1/0”"), ("1/2/3", "Row 1, column 2 holds “1/2/3”"),
])
def test_a_cell_that_is_not_a_number_is_named_by_row_and_column(typed, message):
    with pytest.raises(ValueError, match=message):
        kernels.kernel_from_text([["0", typed]])


def test_typed_cells_are_held_to_the_editors_largest_kernel():
    with pytest.raises(ValueError, match="at most 2x2"):
        kernels.kernel_from_text([["1", "2", "3"]], max_size=2)
