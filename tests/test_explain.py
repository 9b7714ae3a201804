"""Grad-CAM on a model whose right answer is known, and on VGG16's architecture."""

import numpy as np
import pytest

from cnn_core import explain

keras = pytest.importorskip("keras")

SIDE = 16


@pytest.fixture(scope="module")
def side_detector():
    """A CNN that scores class 0 by brightness on the left half, class 1 on the right.

    One conv filter copies the input (a 3x3 kernel with a 1 in the centre); the
    Dense layer adds up that map over one half of the picture per class.
    """
    inputs = keras.Input(shape=(SIDE, SIDE, 1))
    features = keras.layers.Conv2D(1, 3, padding="same", activation="relu", name="copy")(inputs)
    flat = keras.layers.Flatten()(features)
    outputs = keras.layers.Dense(2, activation="softmax", name="sides")(flat)
    model = keras.Model(inputs, outputs)
    identity = np.zeros((3, 3, 1, 1), np.float32)
    identity[1, 1] = 1
    model.get_layer("copy").set_weights([identity, np.zeros(1, np.float32)])
    halves = np.zeros((SIDE, SIDE, 2), np.float32)
    halves[:, : SIDE // 2, 0] = 1
    halves[:, SIDE // 2 :, 1] = 1
    model.get_layer("sides").set_weights([halves.reshape(-1, 2), np.zeros(2, np.float32)])
    return model


def _bright_square(right: bool) -> np.ndarray:
    image = np.zeros((1, SIDE, SIDE, 1), np.float32)
    columns = slice(SIDE - 6, SIDE - 2) if right else slice(2, 6)
    image[0, 6:10, columns] = 1.0
    return image


def _mass_on_right(heatmap: np.ndarray) -> float:
    return float(heatmap[:, SIDE // 2 :].sum() / heatmap.sum())


def test_heatmap_mass_is_on_the_side_of_the_square_for_that_sides_class(side_detector):
    heatmap = explain.grad_cam(side_detector, _bright_square(right=True), class_index=1)
    assert _mass_on_right(heatmap) > 0.9
    heatmap = explain.grad_cam(side_detector, _bright_square(right=False), class_index=0)
    assert _mass_on_right(heatmap) < 0.1


def test_heatmap_peaks_on_the_square(side_detector):
    heatmap = explain.grad_cam(side_detector, _bright_square(right=True), class_index=1)
    row, col = np.unravel_index(np.argmax(heatmap), heatmap.shape)
    assert 6 <= row < 10 and SIDE - 6 <= col < SIDE - 2


def test_heatmap_is_the_hand_computed_map_of_the_logit(side_detector):
    # Class 1's logit is the sum of the copied image over the right half, so its
    # gradient is 1 there and 0 on the left: the channel weight is the mean, 0.5,
    # and the map is relu(0.5 * image), normalised: exactly the square. Taken
    # after the softmax, the mean gradient would be p0 * p1 * (0.5 - 0.5) = 0
    # and the map all zeros, so this also shows the score is the logit.
    image = _bright_square(right=True)
    heatmap = explain.grad_cam(side_detector, image, class_index=1)
    np.testing.assert_allclose(heatmap, image[0, :, :, 0], atol=1e-6)


def test_heatmap_has_the_input_size_and_range_on_vgg16():
    model = keras.applications.VGG16(weights=None)
    batch = np.random.default_rng(0).normal(0, 50, (1, 224, 224, 3)).astype(np.float32)
    heatmap = explain.grad_cam(model, batch, class_index=281)
    assert heatmap.shape == (224, 224) and heatmap.dtype == np.float32
    assert heatmap.min() >= 0 and heatmap.max() <= 1
    default_layer = explain.grad_cam(model, batch, 281, layer_name="block5_conv3")
    np.testing.assert_allclose(heatmap, default_layer, atol=1e-6)


@pytest.mark.parametrize("batch, class_index, message", [
    (np.zeros((2, SIDE, SIDE, 1)), 0, "one input"),
    (np.zeros((SIDE, SIDE, 1)), 0, "one input"),
    (np.zeros((1, SIDE, SIDE, 1)), 2, "class_index must be from 0 to 1"),
])
def test_bad_arguments_are_refused(side_detector, batch, class_index, message):
    with pytest.raises(ValueError, match=message):
        explain.grad_cam(side_detector, batch, class_index)
