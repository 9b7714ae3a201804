"""cnn_core.inside: the forward pass of one image and every unit's explanation, held against Keras' own layers."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core import inside, models
from cnn_core.unit_arithmetic import TOP_TERMS, recomputed_value

keras = pytest.importorskip("keras")


def _randomised(model: keras.Model, seed: int = 0) -> keras.Model:
    """Give batch normalisation statistics that are not the identity, so their arithmetic is tested."""
    generator = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            gamma, beta, mean, variance = layer.get_weights()
            layer.set_weights([generator.uniform(0.5, 2, gamma.shape), generator.normal(0, 0.5, beta.shape),
                               generator.normal(0, 0.5, mean.shape), generator.uniform(0.2, 3, variance.shape)])
    return model


def _preset(name: str) -> keras.Model:
    keras.utils.set_random_seed(1)
    return _randomised(models.build_model(name))


def _odd_layers() -> keras.Model:
    """Stride 2 with "same" padding, a separate ReLU and activation, average pooling that does not divide."""
    keras.utils.set_random_seed(2)
    return _randomised(keras.Sequential([
        keras.Input((12, 13, 2)),
        keras.layers.Conv2D(4, 3, strides=2, padding="same", name="strided_same"),
        keras.layers.ReLU(name="relu"),
        keras.layers.BatchNormalization(name="norm"),
        keras.layers.AveragePooling2D(2, padding="same", name="average_same"),
        keras.layers.Conv2D(3, 2, activation="tanh", name="tanh_conv"),
        keras.layers.MaxPooling2D(2, strides=1, name="overlapping_max"),
        keras.layers.Dropout(0.5, name="dropout"),
        keras.layers.GlobalAveragePooling2D(name="global_average"),
        keras.layers.Dense(5, name="linear_dense"),
        keras.layers.Activation("sigmoid", name="sigmoid"),
        keras.layers.Dense(3, activation="softmax", name="predictions"),
    ]))


def _image(model: keras.Model, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 1, model.input_shape[1:]).astype(np.float32)


def _sample_indices(shape: tuple[int, ...], count: int = 6, seed: int = 0) -> list[tuple[int, ...]]:
    """The first and last cell, and random ones."""
    generator = np.random.default_rng(seed)
    picked = [tuple(0 for _ in shape), tuple(size - 1 for size in shape)]
    picked += [tuple(int(generator.integers(size)) for size in shape) for _ in range(count)]
    return picked


MODELS = {"three_conv": lambda: _preset("three_conv"), "one_conv": lambda: _preset("one_conv"),
          "modern": lambda: _preset("modern"), "odd layers": _odd_layers}


@pytest.fixture(scope="module", params=list(MODELS))
def model_and_image(request):
    model = MODELS[request.param]()
    return model, _image(model)


def test_trace_ends_with_what_predict_gives(model_and_image):
    model, image = model_and_image
    traced = inside.trace(model, image)
    np.testing.assert_allclose(traced[-1].output, model.predict(image[None], verbose=0)[0], rtol=1e-5, atol=1e-7)


def test_trace_holds_every_layer_output_as_keras_computes_it(model_and_image):
    model, image = model_and_image
    for step in inside.trace(model, image):
        expected = keras.Model(model.inputs[0], model.get_layer(step.name).output)(image[None], training=False)
        np.testing.assert_allclose(step.output, np.asarray(expected)[0], rtol=1e-4, atol=1e-6, err_msg=step.name)


def test_a_saved_and_loaded_model_traces_as_its_layers_compute_one_after_another(tmp_path):
    model = _preset("modern")
    model.save(tmp_path / "modern.keras")
    loaded = keras.saving.load_model(tmp_path / "modern.keras", safe_mode=True)
    image = _image(loaded)
    flowing = image[None]
    for step, layer in zip(inside.trace(loaded, image), loaded.layers):
        flowing = layer(flowing, training=False)
        expected = keras.ops.convert_to_numpy(flowing)[0]
        np.testing.assert_allclose(step.output, expected, rtol=1e-4, atol=1e-6, err_msg=step.name)


def test_every_unit_value_is_the_layer_output_of_keras(model_and_image):
    model, image = model_and_image
    traced = inside.trace(model, image)
    for step in traced:
        keras_output = np.asarray(keras.Model(model.inputs[0], model.get_layer(step.name).output)(image[None]))[0]
        for index in _sample_indices(step.shape):
            explanation = inside.explain_unit(model, image, step.name, index, traced)
            assert explanation.value == pytest.approx(float(keras_output[index]), rel=1e-4, abs=1e-6), (step.name,
                                                                                                       index)


def test_the_terms_of_every_unit_rebuild_its_value(model_and_image):
    model, image = model_and_image
    traced = inside.trace(model, image)
    for step in traced:
        for index in _sample_indices(step.shape, seed=1):
            explanation = inside.explain_unit(model, image, step.name, index, traced)
            assert recomputed_value(explanation) == pytest.approx(explanation.value, rel=1e-4, abs=1e-5), (
                step.name, index)


def test_conv_and_dense_products_plus_bias_are_the_pre_activation(model_and_image):
    model, image = model_and_image
    traced = inside.trace(model, image)
    for step in traced:
        if step.kind not in ("Conv2D", "Dense"):
            continue
        explanation = inside.explain_unit(model, image, step.name, _sample_indices(step.shape)[-1], traced)
        total = float(explanation.products.sum(dtype=np.float64)) + explanation.bias
        assert total == pytest.approx(explanation.pre_activation, rel=1e-6, abs=1e-6)
        np.testing.assert_allclose(explanation.products, explanation.inputs * explanation.weights, rtol=1e-6)


def test_a_conv_window_holds_the_channels_of_the_layer_before_and_sums_per_channel():
    model = _preset("three_conv")
    image = _image(model)
    explanation = inside.explain_unit(model, image, "conv_2", (4, 5, 7))
    pool = inside.trace(model, image)[1].output
    np.testing.assert_array_equal(explanation.inputs, pool[4:7, 5:8, :])
    assert explanation.inputs.shape == (3, 3, 32)
    np.testing.assert_array_equal(explanation.weights, model.get_layer("conv_2").get_weights()[0][..., 7])
    np.testing.assert_allclose(explanation.channel_sums, explanation.products.sum(axis=(0, 1)), rtol=1e-5)


def test_same_padding_fills_the_window_with_zeros_past_the_edge():
    model = _odd_layers()
    explanation = inside.explain_unit(model, _image(model), "strided_same", (0, 0, 1))
    # 12 rows, kernel 3, stride 2 -> 6 rows out and (6 - 1) * 2 + 3 - 12 = 1 row of padding, after the last.
    assert explanation.window_rows == (0, 3)
    # 13 columns -> 7 out, (7 - 1) * 2 + 3 - 13 = 2 columns of padding, one on each side.
    assert explanation.window_columns == (-1, 2)
    assert np.all(explanation.inputs[:, 0, :] == 0)


def test_max_pooling_names_the_winning_cell():
    model = _preset("one_conv")
    explanation = inside.explain_unit(model, _image(model), "pool_1", (12, 12, 3))
    assert explanation.window_rows == (24, 26)  # 26 rows pooled 2 x 2: the last row of the conv map is dropped
    assert explanation.inputs[explanation.winner] == explanation.value


def test_average_pooling_with_same_padding_averages_only_real_cells():
    model = _odd_layers()
    traced = inside.trace(model, _image(model))
    last_row = traced[3].shape[0] - 1  # 6 rows pooled 2 x 2 "same" -> 3; 7 columns -> 4, the last one half padding
    explanation = inside.explain_unit(model, _image(model), "average_same", (last_row, 3, 0), traced)
    assert np.isnan(explanation.inputs[:, 1]).all()
    assert explanation.value == pytest.approx(float(np.nanmean(explanation.inputs)), rel=1e-5)


def test_a_flatten_entry_names_its_map_row_column_and_channel():
    model = _preset("one_conv")
    image = _image(model)
    explanation = inside.explain_unit(model, image, "flatten", (13 * 32 * 2 + 32 * 5 + 9,))
    assert explanation.source == (2, 5, 9)
    assert explanation.value == inside.trace(model, image)[1].output[2, 5, 9]


def test_dense_lists_the_largest_terms_and_sums_the_rest():
    model = _preset("one_conv")
    explanation = inside.explain_unit(model, _image(model), "dense_1", (17,))
    sizes = [abs(term[3]) for term in explanation.top_terms]
    assert len(sizes) == TOP_TERMS and sizes == sorted(sizes, reverse=True)
    assert min(sizes) >= np.sort(np.abs(explanation.products))[-TOP_TERMS]
    total = sum(term[3] for term in explanation.top_terms) + explanation.rest_sum + explanation.bias
    assert total == pytest.approx(explanation.pre_activation, rel=1e-5)


def test_a_probability_is_exp_of_its_logit_over_the_sum_and_logits_match_the_trace():
    model = _preset("three_conv")
    image = _image(model)
    explanation = inside.explain_unit(model, image, "predictions", (4,))
    np.testing.assert_allclose(explanation.logits, inside.trace(model, image)[-1].pre_activation, rtol=1e-5)
    exponentials = np.exp(explanation.logits.astype(np.float64))
    assert explanation.value == pytest.approx(exponentials[4] / exponentials.sum(), rel=1e-5)
    assert explanation.logits[4] == pytest.approx(explanation.pre_activation, rel=1e-5)


def test_dropout_is_marked_inactive_and_passes_its_input():
    model = _odd_layers()
    explanation = inside.explain_unit(model, _image(model), "dropout", (0, 1, 2))
    assert not explanation.active and explanation.value == explanation.input_value
    assert not [step for step in inside.trace(model, _image(model)) if step.name == "dropout"][0].active


def test_receptive_fields_walk_back_through_kernels_strides_and_padding():
    three_conv = _preset("three_conv")
    assert inside.receptive_field(three_conv, "conv_1", 4, 7) == ((4, 6), (7, 9))
    assert inside.receptive_field(three_conv, "pool_1", 5, 6) == ((10, 13), (12, 15))
    # conv_2 (0, 0) reads pool rows 0-2, which read conv_1 rows 0-5, which read input rows 0-7
    assert inside.receptive_field(three_conv, "conv_2", 0, 0) == ((0, 7), (0, 7))
    assert inside.receptive_field(_preset("modern"), "conv_1", 0, 0) == ((-1, 1), (-1, 1))  # "same": one zero row
    explanation = inside.explain_unit(three_conv, _image(three_conv), "pool_1", (5, 6, 0))
    assert explanation.receptive_field == ((10, 13), (12, 15))


def test_a_layer_kind_not_covered_is_named_instead_of_explained_wrongly():
    model = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Conv2DTranspose(2, 3, name="transposed"),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="Conv2DTranspose"):
        inside.explain_unit(model, np.zeros((6, 6, 1), np.float32), "transposed", (0, 0, 0))


def test_dilated_convolutions_are_refused():
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, dilation_rate=2, name="dilated")])
    with pytest.raises(ValueError, match="dilation"):
        inside.explain_unit(model, np.zeros((8, 8, 1), np.float32), "dilated", (0, 0, 0))


@pytest.mark.parametrize("index", [(26, 0, 0), (0, 0), (0, 0, 32), (-1, 0, 0)])
def test_an_index_outside_the_output_is_refused_with_the_shape(index):
    model = _preset("one_conv")
    with pytest.raises(ValueError, match=r"\(26, 26, 32\)"):
        inside.explain_unit(model, _image(model), "conv_1", index)


def test_an_unknown_layer_is_refused_with_the_names():
    model = _preset("one_conv")
    with pytest.raises(ValueError, match="conv_1, pool_1"):
        inside.explain_unit(model, _image(model), "conv_9", (0, 0, 0))


def test_an_image_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"\(28, 28, 1\).*\(28, 28\)"):
        inside.trace(_preset("one_conv"), np.zeros((28, 28), np.float32))
