"""conv2d, pool2d and the shape arithmetic, against trusted references."""

import itertools

import cv2
import numpy as np
import pytest
from scipy.signal import correlate2d

from cnn_core import conv, sliding_window

RNG = np.random.default_rng(7)


# Tiny hand-computed cases ---------------------------------------------------

def test_6x6_input_and_3x3_filter_give_a_4x4_feature_map():
    image = np.arange(36, dtype=np.float32).reshape(6, 6)
    feature_map = conv.conv2d(image, np.ones((3, 3)))
    assert feature_map.shape == (4, 4)
    # Window at (0, 0): 0+1+2 + 6+7+8 + 12+13+14 = 63; each step right adds 9, down adds 54.
    expected = 63 + 9 * np.arange(4)[None, :] + 54 * np.arange(4)[:, None]
    np.testing.assert_array_equal(feature_map, expected)


def test_4x4_map_max_pooled_2x2_stride_2_gives_2x2():
    pooled = conv.pool2d(np.arange(16).reshape(4, 4), size=2, stride=2, mode="max")
    np.testing.assert_array_equal(pooled, [[5, 7], [13, 15]])


def test_average_pooling_hand_case():
    pooled = conv.pool2d(np.arange(16).reshape(4, 4), size=2, mode="average")
    np.testing.assert_array_equal(pooled, [[2.5, 4.5], [10.5, 12.5]])


def test_conv2d_is_cross_correlation_not_flipped_convolution():
    image = np.zeros((3, 3))
    image[1, 1] = 1
    kernel = np.arange(9).reshape(3, 3)
    # An impulse reveals the kernel flipped by correlation: output[0, 0] sees kernel[2, 2].
    np.testing.assert_array_equal(conv.conv2d(image, kernel, padding="same"), kernel[::-1, ::-1])


def test_same_padding_with_stride_2_matches_hand_computed_values():
    image = np.arange(25, dtype=np.float32).reshape(5, 5)
    # Keras "same", n=5, k=3, s=2: out=3, total pad=2 -> 1 before, 1 after.
    result = conv.conv2d(image, np.ones((3, 3)), stride=2, padding="same")
    padded = np.pad(image, 1)
    expected = [[padded[r:r + 3, c:c + 3].sum() for c in (0, 2, 4)] for r in (0, 2, 4)]
    np.testing.assert_array_equal(result, expected)


def test_conv2d_returns_float32_for_every_input_dtype():
    for dtype in (np.uint8, np.int64, np.float64, bool):
        assert conv.conv2d(np.ones((5, 5), dtype=dtype), np.ones((3, 3))).dtype == np.float32


def test_pool2d_returns_float32():
    assert conv.pool2d(np.ones((4, 4), np.uint8)).dtype == np.float32


def test_pool2d_drops_windows_that_do_not_fit():
    assert conv.pool2d(np.ones((5, 7)), size=2).shape == (2, 3)


def test_relu_zeroes_negatives_and_keeps_positives():
    np.testing.assert_array_equal(conv.relu(np.array([[-2.0, 0.0, 3.5]])), [[0, 0, 3.5]])


def test_conv2d_does_not_modify_its_inputs():
    image = RNG.integers(0, 255, (8, 8), dtype=np.uint8)
    kernel = np.ones((3, 3))
    image_copy, kernel_copy = image.copy(), kernel.copy()
    conv.conv2d(image, kernel, stride=2, padding=3)
    np.testing.assert_array_equal(image, image_copy)
    np.testing.assert_array_equal(kernel, kernel_copy)


# output_size ----------------------------------------------------------------

@pytest.mark.parametrize("n, kernel_size, stride, padding, expected", [
    (6, 3, 1, 0, 4), (28, 3, 1, 0, 26), (224, 3, 2, 1, 112), (5, 2, 2, 0, 2),
    (7, 3, 2, "same", 4), (7, 3, 2, "valid", 3), (10, 1, 4, "same", 3), (4, 2, 2, 0, 2),
])
def test_output_size_formula(n, kernel_size, stride, padding, expected):
    assert conv.output_size(n, kernel_size, stride, padding) == expected


def test_same_padding_splits_an_odd_total_with_the_extra_zero_after():
    assert conv.padding_amounts(6, 4, 1, "same") == (1, 2)


def test_output_shape_of_conv2d_follows_output_size():
    for n, k, s, p in itertools.product((5, 8, 13), (1, 2, 3, 4), (1, 2, 3), ("valid", "same", 0, 2)):
        if k > n + 2 * (p if isinstance(p, int) else k):
            continue
        image = np.zeros((n, n + 1))
        expected = (conv.output_size(n, k, s, p), conv.output_size(n + 1, k, s, p))
        assert conv.conv2d(image, np.ones((k, k)), s, p).shape == expected


# References: SciPy, OpenCV, TensorFlow ----------------------------------------

def _random_case(rows, cols, kernel_rows, kernel_cols):
    image = RNG.standard_normal((rows, cols)).astype(np.float32)
    kernel = RNG.standard_normal((kernel_rows, kernel_cols)).astype(np.float32)
    return image, kernel


@pytest.mark.parametrize("shape, kernel_shape", [
    ((9, 11), (3, 3)), ((16, 16), (5, 5)), ((20, 13), (2, 4)), ((31, 40), (15, 15)), ((12, 12), (1, 7)),
])
def test_valid_conv2d_matches_scipy_correlate2d(shape, kernel_shape):
    image, kernel = _random_case(*shape, *kernel_shape)
    expected = correlate2d(image.astype(np.float64), kernel.astype(np.float64), mode="valid")
    np.testing.assert_allclose(conv.conv2d(image, kernel), expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("padding", [0, 1, 3, 9])
def test_integer_padding_matches_scipy_on_a_zero_padded_image(padding):
    image, kernel = _random_case(10, 12, 3, 4)
    expected = correlate2d(np.pad(image, padding), kernel, mode="valid")
    np.testing.assert_allclose(conv.conv2d(image, kernel, padding=padding), expected, rtol=1e-4, atol=1e-4)


def test_valid_conv2d_matches_cv2_filter2d_valid_region():
    image = RNG.integers(0, 256, (40, 50, 3), dtype=np.uint8)
    kernel = RNG.standard_normal((5, 5)).astype(np.float32)
    reference = cv2.filter2D(image, cv2.CV_32F, kernel)[2:-2, 2:-2]
    np.testing.assert_allclose(conv.conv2d(image, kernel), reference, rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("channels", [1, 2, 3, 4, 6])
def test_channels_are_filtered_one_by_one(channels):
    image = RNG.standard_normal((12, 10, channels)).astype(np.float32)
    kernel = RNG.standard_normal((3, 3))
    result = conv.conv2d(image, kernel, stride=2, padding="same")
    assert result.shape == (6, 5, channels)
    for c in range(channels):
        np.testing.assert_allclose(result[:, :, c], conv.conv2d(image[:, :, c], kernel, 2, "same"), atol=1e-5)


def _tf_conv(image, kernel, stride, padding):
    tf = pytest.importorskip("tensorflow")
    if isinstance(padding, int):
        image, padding = np.pad(image, padding), "VALID"
    result = tf.nn.conv2d(image[None, :, :, None], kernel[:, :, None, None], strides=stride,
                          padding=padding.upper())
    return result.numpy()[0, :, :, 0]


CONV_CASES = [
    (shape, kernel_shape, stride, padding)
    for shape in ((17, 17), (16, 23))
    for kernel_shape in ((3, 3), (4, 4), (2, 5), (7, 7))
    for stride in (1, 2, 3, (1, 2))
    for padding in ("valid", "same", 2)
]


@pytest.mark.parametrize("shape, kernel_shape, stride, padding", CONV_CASES)
def test_conv2d_matches_tensorflow(shape, kernel_shape, stride, padding):
    image, kernel = _random_case(*shape, *kernel_shape)
    expected = _tf_conv(image, kernel, stride, padding)
    np.testing.assert_allclose(conv.conv2d(image, kernel, stride, padding), expected, rtol=1e-4, atol=1e-4)


POOL_CASES = [
    (shape, size, stride, mode)
    for shape in ((16, 16, 3), (15, 22, 1), (9, 9, 2))
    for size, stride in ((2, None), (3, None), (3, 2), (2, 1), ((2, 3), (1, 2)))
    for mode in ("max", "average")
]


@pytest.mark.parametrize("shape, size, stride, mode", POOL_CASES)
def test_pool2d_matches_tensorflow(shape, size, stride, mode):
    tf = pytest.importorskip("tensorflow")
    feature_map = RNG.standard_normal(shape).astype(np.float32)
    tf_pool = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
    expected = tf_pool(feature_map[None], ksize=size, strides=size if stride is None else stride,
                       padding="VALID").numpy()[0]
    np.testing.assert_allclose(conv.pool2d(feature_map, size, stride, mode), expected, rtol=1e-6, atol=1e-6)


# Step-through windows ---------------------------------------------------------

@pytest.mark.parametrize("stride, padding", [(1, "valid"), (2, "same"), (2, 1), (1, 2)])
def test_conv_window_result_equals_the_feature_map_cell(stride, padding):
    image = RNG.integers(0, 10, (6, 6))
    kernel = RNG.integers(-2, 3, (3, 3))
    feature_map = conv.conv2d(image, kernel, stride, padding)
    for row, col in itertools.product(range(feature_map.shape[0]), range(feature_map.shape[1])):
        window = sliding_window.conv_window(image, kernel, row, col, stride, padding)
        assert window.result == pytest.approx(feature_map[row, col])
        np.testing.assert_array_equal(window.products, window.values * kernel)


def test_conv_window_position_is_in_padded_coordinates():
    window = sliding_window.conv_window(np.ones((6, 6)), np.ones((3, 3)), 1, 2, stride=2, padding=1)
    assert (window.top, window.left) == (2, 4)
    assert window.values.shape == (3, 3)


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_window_result_equals_the_pooled_cell(mode):
    feature_map = RNG.standard_normal((6, 6))
    pooled = conv.pool2d(feature_map, 3, 2, mode)
    for row, col in itertools.product(range(pooled.shape[0]), range(pooled.shape[1])):
        assert sliding_window.pool_window(feature_map, row, col, 3, 2, mode).result == pytest.approx(pooled[row, col])


def test_pad_adds_keras_same_border():
    padded = conv.pad(np.ones((6, 6)), (4, 4), stride=1, padding="same")
    assert padded.shape == (9, 9)
    assert padded[0].sum() == 0 and padded[-2:].sum() == 0


# Errors a person can act on -------------------------------------------------

@pytest.mark.parametrize("stride", [0, -1, 1.5, (1, 0), (1, 2, 3), True, "2"])
def test_invalid_stride_is_refused_naming_the_value(stride):
    with pytest.raises(ValueError, match="stride"):
        conv.conv2d(np.ones((5, 5)), np.ones((3, 3)), stride=stride)


@pytest.mark.parametrize("padding", ["full", -1, 1.5, None, True])
def test_invalid_padding_is_refused(padding):
    with pytest.raises(ValueError, match="padding"):
        conv.conv2d(np.ones((5, 5)), np.ones((3, 3)), padding=padding)


def test_kernel_larger_than_padded_image_is_refused_with_the_sizes():
    with pytest.raises(ValueError, match=r"kernel_size=7 is larger than the padded input \(5 \+ 0"):
        conv.conv2d(np.ones((5, 5)), np.ones((7, 7)))


def test_padding_can_make_a_large_kernel_fit():
    assert conv.conv2d(np.ones((5, 5)), np.ones((7, 7)), padding=1).shape == (1, 1)


@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
def test_non_finite_kernel_is_refused(bad_value):
    kernel = np.ones((3, 3))
    kernel[1, 2] = bad_value
    with pytest.raises(ValueError, match="row 2, column 3"):
        conv.conv2d(np.ones((5, 5)), kernel)


def test_non_finite_image_is_refused():
    image = np.ones((5, 5), np.float32)
    image[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        conv.conv2d(image, np.ones((3, 3)))


@pytest.mark.parametrize("image", [np.ones(5), np.ones((2, 2, 2, 2)), np.ones((0, 4)), np.array([["a"]])])
def test_images_of_the_wrong_shape_or_type_are_refused(image):
    with pytest.raises(ValueError, match="image"):
        conv.conv2d(image, np.ones((1, 1)))


@pytest.mark.parametrize("kernel", [np.ones(3), np.ones((2, 2, 2)), np.ones((0, 3)), [["a", "b"]]])
def test_kernels_that_are_not_2d_grids_of_numbers_are_refused(kernel):
    with pytest.raises(ValueError, match="kernel"):
        conv.conv2d(np.ones((5, 5)), kernel)


def test_unknown_pooling_mode_is_refused():
    with pytest.raises(ValueError, match="mode must be one of"):
        conv.pool2d(np.ones((4, 4)), mode="median")


def test_pooling_window_larger_than_map_is_refused():
    with pytest.raises(ValueError, match="kernel_size=5"):
        conv.pool2d(np.ones((4, 4)), size=5)


def test_output_size_refuses_zero_stride():
    with pytest.raises(ValueError, match="stride must be an integer >= 1. Received: stride=0"):
        conv.output_size(6, 3, stride=0)


def test_conv_window_refuses_a_cell_outside_the_output():
    with pytest.raises(ValueError, match="inside the 4x4 output. Received: row=4, col=0"):
        sliding_window.conv_window(np.ones((6, 6)), np.ones((3, 3)), 4, 0)


def test_gradient_magnitude_matches_cv2_sobel_pair():
    image = RNG.integers(0, 256, (20, 24)).astype(np.float32)
    expected = np.hypot(cv2.Sobel(image, cv2.CV_32F, 1, 0), cv2.Sobel(image, cv2.CV_32F, 0, 1))[1:-1, 1:-1]
    np.testing.assert_allclose(conv.gradient_magnitude(image), expected, rtol=1e-5, atol=1e-3)
