"""cnn_core.keras_archive: a saved model read and run without Keras gives what Keras gives."""

import subprocess
import sys

import numpy as np
import pytest

from cnn_core import inside, keras_archive, models, pretrained
from tests.conftest import ROOT

keras = pytest.importorskip("keras")


def _randomised(model):
    generator = np.random.default_rng(0)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            shapes = [weight.shape for weight in layer.get_weights()]
            layer.set_weights([generator.uniform(0.5, 2, shapes[0]), generator.normal(0, 0.5, shapes[1]),
                               generator.normal(0, 0.5, shapes[2]), generator.uniform(0.2, 3, shapes[3])])
    return model


def _strided_and_averaged():
    return keras.Sequential([
        keras.Input((12, 13, 2)),
        keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="elu", name="strided_same"),
        keras.layers.AveragePooling2D(2, padding="same", name="average_same"),
        keras.layers.Conv2D(3, 2, activation="gelu", use_bias=False, name="no_bias"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(5, activation="tanh", name="tanh_dense"),
        keras.layers.Dense(3, activation="sigmoid", use_bias=False, name="sigmoid_dense"),
    ])


MODELS = {"three_conv": lambda: models.build_model("three_conv"), "one_conv": lambda: models.build_model("one_conv"),
          "modern": lambda: models.build_model("modern"), "strided and averaged": _strided_and_averaged}


@pytest.fixture(scope="module", params=list(MODELS))
def both(request, tmp_path_factory):
    keras.utils.set_random_seed(3)
    model = _randomised(MODELS[request.param]())
    path = tmp_path_factory.mktemp("archive") / "model.keras"
    model.save(path)
    image = np.random.default_rng(1).uniform(0, 1, model.input_shape[1:]).astype(np.float32)
    return model, keras_archive.load_archive(path), image


def test_every_layer_has_the_weights_keras_saved(both):
    model, archive, _ = both
    assert [layer.name for layer in archive.layers] == [layer.name for layer in model.layers]
    for keras_layer, layer in zip(model.layers, archive.layers):
        assert type(layer).__name__ == type(keras_layer).__name__
        for saved, read in zip(keras_layer.get_weights(), layer.get_weights(), strict=True):
            np.testing.assert_array_equal(read, saved)


def test_every_layer_output_is_what_keras_computes(both):
    model, archive, image = both
    for ours, theirs in zip(inside.trace(archive, image), inside.trace(model, image), strict=True):
        np.testing.assert_allclose(ours.output, theirs.output, rtol=1e-4, atol=1e-5, err_msg=ours.name)


def test_predict_matches_keras_for_a_batch(both):
    model, archive, image = both
    batch = np.stack([image, image[::-1]])
    np.testing.assert_allclose(archive.predict(batch), model.predict(batch, verbose=0), rtol=1e-4, atol=1e-6)


def test_every_unit_is_explained_as_for_the_keras_model(both):
    model, archive, image = both
    for step in inside.trace(model, image):
        index = tuple(size // 2 for size in step.shape)
        ours, theirs = inside.explain_unit(archive, image, step.name, index), inside.explain_unit(
            model, image, step.name, index)
        assert ours.value == pytest.approx(theirs.value, rel=1e-4, abs=1e-5), step.name
        assert ours.receptive_field == theirs.receptive_field


def test_the_shipped_models_run_without_tensorflow():
    code = ("import sys; from cnn_core import inside, keras_archive, pretrained, datasets;"
            "name = 'three_conv_mnist'; model = keras_archive.load_archive(pretrained.PRETRAINED[name].model_file);"
            "pictures, labels = pretrained.held_out_sample('mnist');"
            "probabilities = model.predict(datasets.to_model_input(pictures));"
            "inside.explain_unit(model, datasets.to_model_input(pictures[:1])[0], 'conv_2', (2, 2, 3));"
            "print((probabilities.argmax(1) == labels).mean(), 'tensorflow' in sys.modules)")
    finished = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    accuracy, tensorflow = finished.stdout.split()
    assert tensorflow == "False"
    assert float(accuracy) == pytest.approx(pretrained.PRETRAINED["three_conv_mnist"].record()["sample_accuracy"],
                                            abs=1e-4)


def test_a_layer_kind_it_does_not_run_is_named(tmp_path):
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3), keras.layers.GlobalAveragePooling2D(),
                              keras.layers.Dense(2)])
    model.save(tmp_path / "global.keras")
    with pytest.raises(ValueError, match="GlobalAveragePooling2D"):
        keras_archive.load_archive(tmp_path / "global.keras")


def test_a_functional_model_is_refused(tmp_path):
    inputs = keras.Input((4,))
    keras.Model(inputs, keras.layers.Dense(2)(inputs)).save(tmp_path / "functional.keras")
    with pytest.raises(ValueError, match="Sequential"):
        keras_archive.load_archive(tmp_path / "functional.keras")
