"""Property-based tests (Hypothesis): conv2d, pool2d, output_size and make_kernel over random arguments.

Each property is checked against the formula or a slow, obviously correct
reference written here with plain loops; invalid arguments must raise
ValueError and nothing else.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnn_core import conv, kernels

SETTINGS = settings(max_examples=60, deadline=None)
paddings = st.one_of(st.sampled_from(["valid", "same"]), st.integers(0, 3))


def _slow_conv(image: np.ndarray, kernel: np.ndarray, stride: int, padding) -> np.ndarray:
    """Cross-correlation by explicit loops over the zero-padded image."""
    (top, bottom), (left, right) = (conv.padding_amounts(n, k, stride, padding)
                                    for n, k in zip(image.shape, kernel.shape))
    padded = np.pad(image.astype(np.float64), ((top, bottom), (left, right)))
    rows = (padded.shape[0] - kernel.shape[0]) // stride + 1
    cols = (padded.shape[1] - kernel.shape[1]) // stride + 1
    output = np.empty((rows, cols))
    for row in range(rows):
        for col in range(cols):
            top, left = row * stride, col * stride
            window = padded[top : top + kernel.shape[0], left : left + kernel.shape[1]]
            output[row, col] = (window * kernel).sum()
    return output


def _slow_pool(feature_map: np.ndarray, size: int, stride: int, mode: str) -> np.ndarray:
    rows, cols = (conv.output_size(n, size, stride) for n in feature_map.shape)
    reduce = np.max if mode == "max" else np.mean
    return np.array([[reduce(feature_map[r * stride : r * stride + size, c * stride : c * stride + size])
                      for c in range(cols)] for r in range(rows)])


@st.composite
def conv_cases(draw):
    kernel_height, kernel_width = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    padding = draw(paddings)
    minimum_side = 1 if padding != "valid" else None
    height = draw(st.integers(minimum_side or kernel_height, 12))
    width = draw(st.integers(minimum_side or kernel_width, 12))
    stride = draw(st.integers(1, 4))
    if isinstance(padding, int) and (height + 2 * padding < kernel_height or width + 2 * padding < kernel_width):
        padding = "same"
    values = st.floats(-100, 100, allow_nan=False, width=32)
    image = np.array(draw(st.lists(values, min_size=height * width, max_size=height * width)),
                     np.float32).reshape(height, width)
    kernel = np.array(draw(st.lists(values, min_size=kernel_height * kernel_width,
                                    max_size=kernel_height * kernel_width)), np.float32).reshape(kernel_height,
                                                                                                 kernel_width)
    return image, kernel, stride, padding


@SETTINGS
@given(conv_cases())
def test_conv2d_shape_follows_the_formula_and_values_match_a_slow_reference(case):
    image, kernel, stride, padding = case
    result = conv.conv2d(image, kernel, stride=stride, padding=padding)
    expected_shape = tuple(conv.output_size(n, k, stride, padding) for n, k in zip(image.shape, kernel.shape))
    assert result.shape == expected_shape and result.dtype == np.float32
    np.testing.assert_allclose(result, _slow_conv(image, kernel, stride, padding), rtol=1e-4, atol=1e-2)


@SETTINGS
@given(conv_cases(), st.integers(1, 5))
def test_conv2d_keeps_a_channel_axis_for_every_stride_padding_and_kernel(case, channels):
    image, kernel, stride, padding = case
    stacked = np.repeat(image[..., None], channels, axis=2)  # (H, W, C), C from 1
    result = conv.conv2d(stacked, kernel, stride=stride, padding=padding)
    flat = conv.conv2d(image, kernel, stride=stride, padding=padding)
    assert result.shape == flat.shape + (channels,)
    np.testing.assert_allclose(result[..., -1], flat, rtol=1e-5, atol=1e-3)


@SETTINGS
@given(st.integers(1, 12), st.integers(1, 12), st.integers(1, 4), st.integers(1, 4) | st.none(),
       st.sampled_from(conv.POOLING_MODES), st.integers(0, 2**32 - 1))
def test_pool2d_shape_follows_the_formula_and_values_match_a_slow_reference(height, width, size, stride, mode, seed):
    feature_map = np.random.default_rng(seed).normal(size=(max(height, size), max(width, size))).astype(np.float32)
    result = conv.pool2d(feature_map, size=size, stride=stride, mode=mode)
    step = stride or size
    assert result.shape == tuple(conv.output_size(n, size, step) for n in feature_map.shape)
    np.testing.assert_allclose(result, _slow_pool(feature_map, size, step, mode), rtol=1e-5, atol=1e-5)


@SETTINGS
@given(st.integers(1, 500), st.integers(1, 15), st.integers(1, 8), st.integers(0, 10))
def test_output_size_is_the_floor_formula(n, kernel_size, stride, padding):
    if n + 2 * padding < kernel_size:
        with pytest.raises(ValueError):
            conv.output_size(n, kernel_size, stride, padding)
    else:
        assert conv.output_size(n, kernel_size, stride, padding) == (n + 2 * padding - kernel_size) // stride + 1


@SETTINGS
@given(st.integers(1, 500), st.integers(1, 15), st.integers(1, 8))
def test_same_padding_gives_the_ceiling(n, kernel_size, stride):
    assert conv.output_size(n, kernel_size, stride, "same") == -(-n // stride)


@SETTINGS
@given(st.sampled_from(list(kernels.KERNELS)), st.integers(-3, 20))
def test_make_kernel_gives_its_sizes_and_refuses_others_with_value_error(name, size):
    if size in kernels.KERNELS[name].sizes:
        kernel = kernels.make_kernel(name, size)
        assert kernel.shape == (size, size) and kernel.dtype == np.float32 and np.isfinite(kernel).all()
    else:
        with pytest.raises(ValueError):
            kernels.make_kernel(name, size)


invalid_values = st.one_of(st.integers(-5, 0), st.floats(allow_nan=True), st.text(max_size=3), st.none(),
                           st.booleans())


@SETTINGS
@given(invalid_values)
def test_invalid_stride_raises_value_error_only(stride):
    with pytest.raises(ValueError):
        conv.conv2d(np.zeros((5, 5), np.float32), np.ones((3, 3), np.float32), stride=stride)


@SETTINGS
@given(st.one_of(st.integers(-5, -1), st.text(max_size=5).filter(lambda text: text not in ("valid", "same")),
                 st.floats(), st.none()))
def test_invalid_padding_raises_value_error_only(padding):
    with pytest.raises(ValueError):
        conv.conv2d(np.zeros((5, 5), np.float32), np.ones((3, 3), np.float32), padding=padding)


@SETTINGS
@given(invalid_values, st.sampled_from(["max", "average", "median", ""]))
def test_invalid_pooling_arguments_raise_value_error_only(size, mode):
    with pytest.raises(ValueError):
        conv.pool2d(np.zeros((6, 6), np.float32), size=size, mode=mode)
