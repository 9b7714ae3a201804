"""How a run is trained: the learning-rate schedule, augmentation, the presets' recipes and their arithmetic."""

import math

import numpy as np
import pytest

from cnn_core import augmentation, models, recipes, training
from cnn_core.training_config import TrainingConfig
from tests.test_training import SMALL, _data


def _small_run(config: TrainingConfig, count: int = 300) -> training.TrainingRun:
    import keras

    keras.utils.set_random_seed(config.seed)
    model = models.build_model(SMALL)
    models.compile_model(model, config.optimizer, config.learning_rate)
    return training.TrainingRun(model, _data(count, 0), _data(64, 1), config)


@pytest.mark.parametrize(("step", "expected"), [(0, 0.002), (25, 0.002 * (1 + math.cos(math.pi / 4)) / 2),
                                                (50, 0.001), (100, 0.0), (150, 0.0)])
def test_the_cosine_schedule_falls_from_the_chosen_rate_to_zero(step, expected):
    config = TrainingConfig(learning_rate=0.002, schedule="cosine")
    assert config.learning_rate_at(step, 100) == pytest.approx(expected, abs=1e-12)


def test_the_constant_schedule_keeps_the_rate():
    assert TrainingConfig(learning_rate=0.003).learning_rate_at(70, 100) == 0.003


@pytest.mark.parametrize(("values", "message"), [
    ({"schedule": "linear"}, "schedule must be one of constant, cosine. Received: 'linear'"),
    ({"augmentation": "rotations"}, "augmentation must be one of none, shifts, shifts_and_flips. Received:"),
])
def test_config_refuses_an_unknown_schedule_or_augmentation(values, message):
    with pytest.raises(ValueError, match=message):
        TrainingConfig(**values)


def test_a_cosine_run_sets_each_batchs_rate_and_a_continue_starts_a_new_fall():
    config = TrainingConfig(epochs=2, batch_size=100, learning_rate=0.004, schedule="cosine")
    run = _small_run(config)  # 3 batches per epoch: 6 in the run
    run.start()
    run.join(timeout=120)
    last = run.snapshot()
    assert last.learning_rate == pytest.approx(config.learning_rate_at(5, 6))
    assert float(run.model.optimizer.learning_rate) == pytest.approx(config.learning_rate_at(5, 6), rel=1e-6)
    run.continue_training(1)  # 3 batches: the first at the full rate, the last at the rate of step 2 of 3
    run.join(timeout=120)
    assert run.snapshot().learning_rate == pytest.approx(config.learning_rate_at(2, 3))


def test_a_constant_run_leaves_the_rate_alone():
    run = _small_run(TrainingConfig(epochs=1, batch_size=100, learning_rate=0.004))
    run.start()
    run.join(timeout=120)
    assert float(run.model.optimizer.learning_rate) == pytest.approx(0.004)
    assert run.snapshot().learning_rate == 0.004


def test_without_augmentation_the_run_fits_the_model_itself():
    import keras

    model = models.build_model(SMALL)
    assert augmentation.training_model(model, TrainingConfig()) is model
    assert not any(isinstance(layer, keras.layers.RandomTranslation) for layer in model.layers)


def test_the_augmented_model_trains_the_same_weights_and_leaves_predictions_alone():
    model = models.build_model(SMALL)
    models.compile_model(model)
    wrapped = augmentation.training_model(model, TrainingConfig(augmentation="shifts_and_flips"))
    assert {id(weight) for weight in wrapped.trainable_weights} == {id(weight) for weight in model.trainable_weights}
    batch = _data(8, 2)[0]
    np.testing.assert_allclose(wrapped.predict(batch, verbose=0), model.predict(batch, verbose=0), atol=1e-6)


def _augmented_dot(config: TrainingConfig, row: int, column: int) -> list[tuple[int, int]]:
    """Where a single lit pixel lands in 64 augmented copies of one picture."""
    import keras

    identity = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Identity()])
    wrapped = augmentation.training_model(identity, config)
    picture = np.zeros((64, 28, 28, 1), np.float32)
    picture[:, row, column] = 1.0
    moved = np.asarray(wrapped(picture, training=True))[..., 0]
    assert np.all(moved.sum(axis=(1, 2)) == 1.0)  # moved whole, nothing blurred
    return [tuple(int(index) for index in np.argwhere(copy)[0]) for copy in moved]


def test_shifts_move_a_picture_by_whole_pixels_up_to_the_maximum():
    places = _augmented_dot(TrainingConfig(augmentation="shifts", seed=1), 10, 10)
    assert all(abs(row - 10) <= augmentation.MAX_SHIFT and abs(column - 10) <= augmentation.MAX_SHIFT
               for row, column in places)
    assert len(set(places)) > 5


def test_flips_mirror_left_and_right_and_only_when_asked():
    flipped = _augmented_dot(TrainingConfig(augmentation="shifts_and_flips", seed=1), 10, 3)
    assert any(column >= 27 - 3 - augmentation.MAX_SHIFT for _, column in flipped)
    shifted = _augmented_dot(TrainingConfig(augmentation="shifts", seed=1), 10, 3)
    assert all(column <= 3 + augmentation.MAX_SHIFT for _, column in shifted)


def test_an_augmented_run_trains_and_the_page_model_stays_plain():
    import keras

    run = _small_run(TrainingConfig(epochs=1, batch_size=100, augmentation="shifts"))
    run.start()
    run.join(timeout=120)
    assert run.snapshot().state == "finished"
    assert not any(isinstance(layer, keras.layers.RandomTranslation) for layer in run.model.layers)


def test_multiply_adds_of_the_one_conv_preset_by_hand():
    # conv: 26 × 26 positions × (3 × 3 × 1 × 32) weights; dense: 13 × 13 × 32 × 100; output: 100 × 10.
    assert models.multiply_adds("one_conv") == 26 * 26 * 9 * 32 + 5408 * 100 + 100 * 10


def test_multiply_adds_count_same_padding_at_full_size():
    spec = models.Architecture((models.ConvBlock(4, padding="same", pooling="none"),), dense_units=())
    assert models.multiply_adds(spec) == 28 * 28 * 9 * 4 + 28 * 28 * 4 * 10


def test_every_preset_has_a_recipe_that_validates_on_held_out_training_examples():
    assert set(recipes.RECIPES) == set(models.PRESETS)
    assert all(recipe.config.validation_split == recipes.VALIDATION_SPLIT for recipe in recipes.RECIPES.values())
    assert recipes.DEFAULT_RECIPE is recipes.RECIPES[models.DEFAULT_PRESET]


def test_the_seed_articles_models_keep_their_parameter_counts():
    assert models.count_parameters("three_conv") == 94_154
    assert models.count_parameters("one_conv") == 542_230


def test_a_recipe_summary_states_the_settings_and_the_measured_result():
    recipe = recipes.Recipe(None, TrainingConfig(epochs=5, batch_size=256, learning_rate=3e-3, validation_split=0.1,
                                                 schedule="cosine"), 0.9147, 56.4)
    assert recipe.summary() == (
        "Its training settings: all 60,000 examples (10 % held out for validation), 5 epochs, batch 256, learning "
        "rate 0.003 falling to zero. Measured with them on 2 CPU cores: 91.5 % test accuracy after 56 s of training.")


def test_a_long_recipe_is_summarised_in_minutes():
    recipe = recipes.Recipe(30_000, TrainingConfig(epochs=12, validation_split=0.1), 0.93, 450.0)
    assert "30,000 examples" in recipe.summary() and "learning rate 0.001." in recipe.summary()
    assert "after 7.5 minutes of training" in recipe.summary()


def test_evaluate_reports_its_progress_batch_by_batch():
    from cnn_core.evaluation import evaluate

    model = models.build_model(SMALL)
    models.compile_model(model)
    inputs, labels = _data(1100, 0)
    seen = []
    evaluate(model, inputs, labels, batch_size=512, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(512, 1100), (1024, 1100), (1100, 1100)]
