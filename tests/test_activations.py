"""cnn_core.activations against Keras' own activation functions."""

import numpy as np
import pytest

from cnn_core import activations

keras = pytest.importorskip("keras")

VALUES = np.linspace(-6, 6, 49, dtype=np.float32).reshape(7, 7)


@pytest.mark.parametrize("name", ["relu", "elu", "gelu", "tanh", "sigmoid", "softmax", "linear"])
def test_each_activation_is_the_one_keras_applies(name):
    expected = keras.ops.convert_to_numpy(keras.activations.get(name)(VALUES))
    np.testing.assert_allclose(activations.activate(name, VALUES), expected, rtol=1e-5, atol=1e-6)


def test_no_activation_passes_values_through():
    np.testing.assert_array_equal(activations.activate(None, VALUES), VALUES)


def test_an_unknown_activation_is_refused_with_the_valid_ones():
    with pytest.raises(ValueError, match="relu, elu.*'swish'"):
        activations.activate("swish", VALUES)
