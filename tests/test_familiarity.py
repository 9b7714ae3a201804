"""cnn_core.familiarity: the nearest-neighbour distance of a picture's last hidden features."""

import numpy as np
import pytest

from cnn_core import datasets, familiarity, models


def _unit(rows) -> np.ndarray:
    rows = np.asarray(rows, np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_neighbour_distances_average_the_nearest_training_rows_by_hand(monkeypatch):
    monkeypatch.setattr(familiarity, "NEIGHBOURS", 2)
    training = _unit([[1, 0], [0, 1], [-1, 0]])
    # To (1, 0): distances 0, 1, 2 -> the two nearest average 0.5. To (0, -1): 1, 2, 1 -> 1.0.
    distances = familiarity.neighbour_distances(training, _unit([[1, 0], [0, -1]]))
    np.testing.assert_allclose(distances, [0.5, 1.0])


def test_fewer_training_rows_than_neighbours_use_them_all():
    distances = familiarity.neighbour_distances(_unit([[1, 0], [0, 1]]), _unit([[1, 0]]))
    np.testing.assert_allclose(distances, [0.5])


def test_the_limit_is_the_held_out_quantile_and_the_share_counts_closer_pictures():
    reference = familiarity.Reference(_unit([[1, 0]]), np.linspace(0.0, 1.0, 101))
    assert reference.limit == pytest.approx(familiarity.LIMIT_SHARE)
    judged = familiarity.Familiarity(0.995, reference.limit, 0.995)
    assert judged.is_unlike_training
    assert not familiarity.Familiarity(0.5, reference.limit, 0.5).is_unlike_training


def test_hidden_features_are_the_unit_input_of_the_output_layer():
    import keras

    model = models.build_model("one_conv")
    inputs = np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32)
    features = familiarity.hidden_features(model, inputs)
    expected = np.asarray(keras.Model(model.inputs, model.get_layer("dense_1").output)(inputs))
    expected = expected / np.linalg.norm(expected, axis=1, keepdims=True)
    assert features.shape == (3, 100)
    np.testing.assert_allclose(features, expected, atol=1e-5)


def test_a_picture_unlike_the_training_pictures_is_flagged_and_a_held_out_one_is_not():
    import keras

    from tests.conftest import learnable_images

    keras.utils.set_random_seed(0)
    images, labels = learnable_images(1200, 0)
    inputs = datasets.to_model_input(images)
    model = models.build_model(models.Architecture((models.ConvBlock(8),), dense_units=(16,)))
    models.compile_model(model)
    model.fit(inputs[:1000], labels[:1000], epochs=3, batch_size=50, verbose=0)
    reference = familiarity.make_reference(model, inputs[:1000], inputs[1000:], 500, 200)
    typical = familiarity.familiarity(model, reference, inputs[1100:1101])
    noise = np.random.default_rng(5).random((1, 28, 28, 1), dtype=np.float32)
    strange = familiarity.familiarity(model, reference, noise)
    assert not typical.is_unlike_training
    assert strange.is_unlike_training and strange.closer_share == 1.0
