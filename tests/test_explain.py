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


# ----- filter_pattern: what a filter looks for -----

def _edge_model():
    """One conv filter that answers a bright-to-the-right vertical edge, and one that answers the opposite."""
    import keras

    model = keras.Sequential([keras.Input((16, 16, 1)), keras.layers.Conv2D(2, 3, activation="relu", name="edges")])
    kernel = np.zeros((3, 3, 1, 2), np.float32)
    kernel[:, 0, 0, 0], kernel[:, 2, 0, 0] = -1, 1
    kernel[..., 1] = -kernel[..., 0]
    model.get_layer("edges").set_weights([kernel, np.zeros(2, np.float32)])
    return model


def test_a_filter_pattern_excites_its_filter_far_more_than_grey_or_noise():
    from cnn_core.pretrained import load_pretrained

    model = load_pretrained("three_conv_fashion_mnist")
    for layer_name, index in (("conv_1", 3), ("conv_2", 5), ("conv_3", 7)):
        pattern = explain.filter_pattern(model, layer_name, index)
        assert pattern.shape == (28, 28, 1) and 0 <= pattern.min() and pattern.max() <= 1
        noise = np.random.default_rng(0).random((28, 28, 1)).astype(np.float32)
        excited = explain.filter_response(model, layer_name, index, pattern)
        assert excited > 1.5 * explain.filter_response(model, layer_name, index, noise)
        assert excited > 1.5 * explain.filter_response(model, layer_name, index, np.full_like(noise, 0.5))


def test_an_edge_filter_looks_for_its_edge_and_the_opposite_filter_for_the_opposite_edge():
    model = _edge_model()
    rising, falling = (explain.filter_pattern(model, "edges", index) for index in (0, 1))
    # Both come out as stripes, which hold edges of both kinds, so each also excites the other filter; but its own
    # the more (by about 1.5 times here).
    for index, own, other in ((0, rising, falling), (1, falling, rising)):
        assert explain.filter_response(model, "edges", index, own) > 1.3 * explain.filter_response(
            model, "edges", index, other)


def test_filter_pattern_reports_progress_and_keeps_a_given_size_and_range():
    model = _edge_model()
    seen = []
    pattern = explain.filter_pattern(model, "edges", 0, steps=5, size=24, value_range=(0, 255),
                                     progress=lambda done, total: seen.append((done, total)))
    assert pattern.shape == (24, 24, 1) and 0 <= pattern.min() and pattern.max() <= 255
    assert seen == [(done, 5) for done in range(1, 6)]


@pytest.mark.parametrize("arguments, message", [(("edges", 2), "from 0 to 1"), (("edges", True), "from 0 to 1"),
                                                (("flat", 0), "Conv2D")])
def test_filter_pattern_refuses_what_it_cannot_explain(arguments, message):
    import keras

    model = _edge_model()
    model = keras.Sequential([*model.layers, keras.layers.Flatten(name="flat")])
    with pytest.raises(ValueError, match=message):
        explain.filter_pattern(model, *arguments)


def test_a_vgg16_pattern_is_a_photo_that_excites_its_filter_more_than_grey():
    import tensorflow as tf

    from cnn_core import vgg16

    keras.utils.set_random_seed(0)
    model = vgg16.build_model()
    pattern = explain.vgg16_pattern(model, "block2_conv1", 3, steps=8, size=32)
    assert pattern.shape == (32, 32, 3) and pattern.dtype == np.uint8

    def preprocess(pixels):
        return pixels[..., ::-1] - tf.constant(vgg16.IMAGENET_MEAN_BGR, tf.float32)

    grey = np.full((32, 32, 3), 127.5, np.float32)
    assert (explain.filter_response(model, "block2_conv1", 3, pattern.astype(np.float32), preprocess)
            > explain.filter_response(model, "block2_conv1", 3, grey, preprocess))
