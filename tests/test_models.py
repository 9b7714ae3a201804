"""cnn_core.models: presets, shape arithmetic, Keras models, generated code."""

import json

import pytest

from cnn_core import model_metadata, models

TINY = models.Architecture((models.ConvBlock(4),), dense_units=(8,))

@pytest.mark.parametrize(("name", "parameters"), [("three_conv", 94_154), ("one_conv", 542_230)])
def test_seed_presets_have_the_parameter_counts_of_the_articles(name, parameters):
    assert models.build_model(name).count_params() == parameters
    assert models.count_parameters(models.PRESETS[name]) == parameters

@pytest.mark.parametrize("name", list(models.PRESETS))
def test_describe_matches_the_keras_model_layer_by_layer(name):
    model = models.build_model(name)
    rows = models.describe(models.PRESETS[name])
    assert [row.name for row in rows] == [layer.name for layer in model.layers]
    assert [row.output_shape for row in rows] == [tuple(layer.output.shape[1:]) for layer in model.layers]
    assert [row.parameters for row in rows] == [layer.count_params() for layer in model.layers]

def test_describe_shows_the_arithmetic_of_each_shape():
    rows = {row.name: row for row in models.describe(models.PRESETS["three_conv"])}
    assert rows["conv_2"].arithmetic.startswith("⌊(13 − 3) / 1⌋ + 1 = 11")
    assert rows["pool_2"].arithmetic == "⌊(11 − 2) / 2⌋ + 1 = 5"
    assert rows["flatten"].arithmetic == "1 × 1 × 64 = 64"

def test_custom_architecture_with_every_option_builds_as_described():
    spec = models.Architecture(
        (models.ConvBlock(8, kernel_size=5, stride=2, padding="same", batch_norm=True, pooling="average",
                          pool_size=3, dropout_rate=0.2),
         models.ConvBlock(16, kernel_size=2, pooling="none")),
        dense_units=(32, 16), activation="tanh", dense_dropout_rate=0.3)
    model = models.build_model(spec, input_shape=(28, 28, 1), num_classes=5)
    assert model.output_shape == (None, 5)
    assert model.count_params() == models.count_parameters(spec, num_classes=5)
    assert [tuple(layer.output.shape[1:]) for layer in model.layers] == \
        [row.output_shape for row in models.describe(spec, num_classes=5)]
    assert model.get_layer("conv_1").get_config()["activation"] == "tanh"

def test_an_architecture_that_shrinks_to_nothing_is_refused_naming_the_layer():
    too_deep = models.Architecture((models.ConvBlock(8),) * 4)
    with pytest.raises(ValueError, match="conv_4 cannot work: its input is only 1 pixel across"):
        models.build_model(too_deep)

def test_a_pooling_window_larger_than_its_input_is_refused_naming_the_layer():
    spec = models.Architecture((models.ConvBlock(8, kernel_size=7, stride=4, pooling="max", pool_size=8),))
    with pytest.raises(ValueError, match="pool_1 cannot work: its input is only 6 pixels across"):
        models.describe(spec)

@pytest.mark.parametrize(("block", "message"), [
    (models.ConvBlock(filters=0), "conv_1 filters must be a whole number from 1 to 512. Received: 0"),
    (models.ConvBlock(padding="full"), "conv_1 padding must be 'valid' or 'same'. Received: 'full'"),
    (models.ConvBlock(pooling="min"), "pool_1 pooling must be one of max, average, none"),
    (models.ConvBlock(dropout_rate=1.0), "dropout_1 rate must be at least 0 and below 1. Received: 1.0"),
])
def test_settings_out_of_range_are_refused_with_the_value(block, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        models.describe(models.Architecture((block,)))

def test_an_unknown_preset_is_refused():
    with pytest.raises(ValueError, match="Unknown preset. Valid presets: three_conv, one_conv, modern"):
        models.build_model("resnet")

def test_keras_code_builds_the_same_model_when_run_on_its_own():
    namespace = {}
    exec(models.keras_code("modern"), namespace)
    generated, built = namespace["model"], models.build_model("modern")
    assert generated.count_params() == built.count_params()
    assert [layer.get_config() | {"name": None} for layer in generated.layers] == \
        [layer.get_config() | {"name": None} for layer in built.layers]

def test_keras_code_is_readable_python():
    code = models.keras_code(TINY)
    assert code.startswith("import keras\n\nmodel = keras.Sequential([\n")
    assert "keras.layers.Conv2D(4, 3, strides=1, padding='valid', activation='relu', name='conv_1')," in code

@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop"])
def test_compile_model_sets_the_optimizer_and_learning_rate(optimizer):
    model = models.build_model(TINY)
    models.compile_model(model, optimizer, 0.01)
    assert type(model.optimizer).__name__.lower() == optimizer
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)

def test_compile_model_refuses_an_unknown_optimizer():
    with pytest.raises(ValueError, match="optimizer must be one of adam, sgd, rmsprop. Received: optimizer='lbfgs'"):
        models.compile_model(models.build_model(TINY), "lbfgs")

def test_spec_survives_a_round_trip_through_json():
    spec = models.PRESETS["modern"]
    assert model_metadata.spec_from_dict(json.loads(json.dumps(model_metadata.spec_to_dict(spec)))) == spec

@pytest.mark.parametrize(("change", "message"), [
    (lambda values: values.update(kernel=3), r"must have exactly the keys .*Received: .*'kernel'"),
    (lambda values: values.pop("activation"), r"must have exactly the keys"),
    (lambda values: values["conv_blocks"][0].update(filter=8), r"conv block 1 must have exactly the keys"),
    (lambda values: values.update(dense_units=512), r"conv_blocks and dense_units must be lists"),
])
def test_spec_from_dict_refuses_what_spec_to_dict_never_writes(change, message):
    values = json.loads(json.dumps(model_metadata.spec_to_dict(models.PRESETS["three_conv"])))
    change(values)
    with pytest.raises(ValueError, match=message):
        model_metadata.spec_from_dict(values)

def test_describe_refuses_a_batch_norm_setting_that_is_not_true_or_false():
    with pytest.raises(ValueError, match="conv_1 batch_norm must be true or false. Received: 'yes'"):
        models.describe(models.Architecture((models.ConvBlock(batch_norm="yes"),)))
