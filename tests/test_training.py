"""cnn_core.training: a real short training on learnable data, stopping, early stopping, the cap, evaluation."""

import threading
import time

import keras
import numpy as np
import pytest

from cnn_core import curves, datasets, models, training
from cnn_core.evaluation import Evaluation, class_report, confusion_matrix, evaluate, mistakes
from cnn_core.training_data import PreparedData, fit_inputs, prepare_dataset, validation_data, validation_scores
from cnn_core.training_slots import TrainingSlots
from tests.conftest import learnable_images, write_dataset

SMALL = models.Architecture((models.ConvBlock(8), models.ConvBlock(16)), dense_units=(32,))


def _data(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    images, labels = learnable_images(count, seed)
    return datasets.to_model_input(images), labels


def _run(config: training.TrainingConfig, count: int = 600, slots=None) -> training.TrainingRun:
    import keras

    keras.utils.set_random_seed(config.seed)
    model = models.build_model(SMALL)
    models.compile_model(model, config.optimizer, config.learning_rate)
    return training.TrainingRun(model, _data(count, 0), _data(200, 1), config, slots)


def _wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def prepared(tmp_path) -> PreparedData:
    write_dataset(tmp_path / "mnist", count=300)
    return prepare_dataset("mnist", 200, tmp_path)


def test_prepare_dataset_keeps_the_chosen_share_as_model_inputs_and_says_what_it_read(prepared):
    assert prepared.train_inputs.shape == (200, 28, 28, 1) and prepared.train_inputs.dtype == np.float32
    assert prepared.test_images.shape == (150, 28, 28) and prepared.class_names == tuple("0123456789")
    assert prepared.source.startswith("Read from CNN_DATA_DIR/mnist/: train-images-idx3-ubyte.gz")


def test_start_training_seeds_builds_splits_and_trains(prepared):
    config = training.TrainingConfig(epochs=1, validation_split=0.1, seed=3)
    runs = [training.start_training(SMALL, prepared, config) for _ in range(2)]
    for run in runs:
        run.join(timeout=120)
    assert all(run.snapshot().state == "finished" for run in runs)
    assert runs[0].snapshot().batches_per_epoch == -(-180 // config.batch_size)  # 20 of 200 held out
    first, second = (run.model.get_layer("conv_1").get_weights()[0] for run in runs)
    np.testing.assert_allclose(first, second, atol=1e-3)  # the same seed: the same start, the same training


def test_start_training_refuses_an_impossible_architecture_before_building(prepared):
    with pytest.raises(ValueError, match="conv_4 cannot work"):
        training.start_training(models.Architecture((models.ConvBlock(8),) * 4), prepared, training.TrainingConfig())


def test_a_short_training_on_learnable_data_reaches_high_accuracy():
    run = _run(training.TrainingConfig(epochs=4, batch_size=32))
    run.start()
    run.join(timeout=300)
    snapshot = run.snapshot()
    assert snapshot.state == "finished", snapshot.message
    assert [result.epoch for result in snapshot.epochs] == [1, 2, 3, 4]
    assert snapshot.epochs[-1].val_accuracy >= 0.9
    evaluation = evaluate(run.model, *_data(200, 1))
    assert evaluation.accuracy == pytest.approx(snapshot.epochs[-1].val_accuracy, abs=1e-6)


def test_progress_records_every_batch_with_its_own_loss():
    run = _run(training.TrainingConfig(epochs=1, batch_size=64), count=200)  # 4 batches: 64, 64, 64, 8
    run.start()
    run.join(timeout=120)
    snapshot = run.snapshot()
    assert snapshot.batches_per_epoch == 4 and snapshot.batch == 4 and len(snapshot.batch_loss) == 4
    # Keras reports the epoch's running mean; the mean of the batches, weighted by their sizes, is the same.
    weighted = np.average(snapshot.batch_loss, weights=[64, 64, 64, 8])
    assert weighted == pytest.approx(snapshot.epochs[0].loss, rel=1e-4)
    assert snapshot.samples_per_second > 0 and snapshot.seconds_left == 0


def test_stop_is_honoured_within_one_batch_and_keeps_the_weights():
    run = _run(training.TrainingConfig(epochs=50, batch_size=16), count=800)
    run.start()
    _wait_until(lambda: len(run.snapshot().batch_loss) >= 3)
    run.stop()
    batches_when_asked = len(run.snapshot().batch_loss)
    run.join(timeout=30)
    snapshot = run.snapshot()
    assert snapshot.state == "stopped"
    assert len(snapshot.batch_loss) <= batches_when_asked + 1
    assert snapshot.epochs[-1].complete is False and snapshot.epochs[-1].val_loss is None


def test_continue_trains_further_from_the_current_weights():
    run = _run(training.TrainingConfig(epochs=1, batch_size=32), count=300)
    run.start()
    run.join(timeout=120)
    weights_before = [weight.copy() for weight in run.model.get_weights()]
    run.continue_training(2)
    run.join(timeout=120)
    snapshot = run.snapshot()
    assert [result.epoch for result in snapshot.epochs] == [1, 2, 3] and snapshot.state == "finished"
    assert not np.allclose(weights_before[0], run.model.get_weights()[0])


def test_starting_twice_at_once_is_refused():
    run = _run(training.TrainingConfig(epochs=50, batch_size=16), count=800)
    run.start()
    try:
        with pytest.raises(RuntimeError, match="already training"):
            run.continue_training(1)
    finally:
        run.stop()
        run.join(timeout=30)


def test_early_stopping_stops_after_patience_and_restores_the_best_weights():
    import keras

    keras.utils.set_random_seed(0)
    model = models.build_model(SMALL)
    models.compile_model(model)
    inputs, labels = _data(200, 1)
    misleading = (inputs, (labels + 1) % 10)  # validation loss rises as the model learns the true labels
    run = training.TrainingRun(model, _data(300, 0), misleading, training.TrainingConfig(epochs=30, patience=2))
    run.start()
    run.join(timeout=300)
    snapshot = run.snapshot()
    assert snapshot.stopped_early and snapshot.state == "finished"
    assert len(snapshot.epochs) == snapshot.best_epoch + 2 < 30
    best = snapshot.epochs[snapshot.best_epoch - 1].val_loss
    assert evaluate(run.model, *misleading).loss == pytest.approx(best, rel=1e-3)
    assert f"weights of epoch {snapshot.best_epoch} (the best) are restored" in snapshot.message


def test_a_failure_in_training_is_reported_not_raised():
    run = _run(training.TrainingConfig(epochs=1))
    run._training = (np.zeros((10, 5, 5, 1), np.float32), np.zeros(10, np.int64))  # the wrong input size
    run.start()
    run.join(timeout=60)
    snapshot = run.snapshot()
    assert snapshot.state == "failed" and snapshot.message.startswith("Training failed:")


def test_slots_queue_the_excess_and_start_it_when_a_slot_frees():
    slots = TrainingSlots(capacity=1)
    first = _run(training.TrainingConfig(epochs=50, batch_size=16), count=800, slots=slots)
    second = _run(training.TrainingConfig(epochs=1, batch_size=64), count=128, slots=slots)
    first.start()
    _wait_until(lambda: first.snapshot().state == "running")
    second.start()
    _wait_until(lambda: second.snapshot().queue_position == 1)
    assert second.snapshot().state == "queued" and slots.running == 1
    first.stop()
    second.join(timeout=120)
    assert second.snapshot().state == "finished"
    assert slots.running == 0


def test_a_queued_run_that_is_stopped_leaves_the_queue():
    slots = TrainingSlots(capacity=1)
    cancelled = threading.Event()
    assert slots.acquire(1, cancelled)
    waiting = threading.Thread(target=slots.acquire, args=(2, cancelled))
    waiting.start()
    _wait_until(lambda: slots.position(2) == 1)
    cancelled.set()
    waiting.join(timeout=5)
    assert slots.position(2) == 0 and slots.running == 1


def _queued(slots: TrainingSlots, tickets: dict[int, float | None], cancelled: threading.Event) -> None:
    """Put ``tickets`` (ticket -> its work in examples) in line behind the runs already holding the slots."""
    for place, (ticket, work) in enumerate(tickets.items(), start=1):
        threading.Thread(target=slots.acquire, args=(ticket, cancelled, work), daemon=True).start()
        _wait_until(lambda ticket=ticket, place=place: slots.position(ticket) == place)


def test_the_wait_in_line_is_the_running_runs_time_left_then_the_work_ahead_at_the_measured_speed():
    slots, cancelled = TrainingSlots(capacity=1), threading.Event()
    assert slots.acquire(1, cancelled, work=600)
    slots.report(1, seconds_left=30.0, speed=10.0)
    _queued(slots, {2: 100, 3: 50}, cancelled)
    assert slots.estimated_wait(2) == 30.0
    assert slots.estimated_wait(3) == 30.0 + 100 / 10.0  # ticket 2's 100 examples at 10 per second
    cancelled.set()


def test_with_two_slots_each_run_in_line_takes_the_slot_that_frees_first():
    slots, cancelled = TrainingSlots(capacity=2), threading.Event()
    assert slots.acquire(1, cancelled) and slots.acquire(2, cancelled)
    slots.report(1, seconds_left=10.0, speed=20.0)
    slots.report(2, seconds_left=50.0, speed=20.0)
    _queued(slots, {3: 200, 4: 100}, cancelled)
    assert slots.estimated_wait(3) == 10.0
    assert slots.estimated_wait(4) == 20.0  # ticket 3 takes the slot freed at 10 s and holds it 200 / 20 s
    cancelled.set()


def test_no_wait_is_estimated_before_the_running_runs_have_measured_one():
    slots, cancelled = TrainingSlots(capacity=1), threading.Event()
    assert slots.acquire(1, cancelled)
    _queued(slots, {2: 100}, cancelled)
    assert slots.estimated_wait(2) is None and slots.estimated_wait(1) is None  # 1 is not waiting
    cancelled.set()


def test_a_queued_run_shows_its_estimated_wait_in_its_snapshot():
    slots = TrainingSlots(capacity=1)
    first = _run(training.TrainingConfig(epochs=50, batch_size=16), count=800, slots=slots)
    second = _run(training.TrainingConfig(epochs=1, batch_size=64), count=128, slots=slots)
    first.start()
    _wait_until(lambda: first.snapshot().seconds_left is not None)
    second.start()
    _wait_until(lambda: second.snapshot().seconds_to_start is not None)
    assert 0 < second.snapshot().seconds_to_start <= 2 * first.snapshot().seconds_left
    first.stop()
    second.stop()
    first.join(timeout=60)
    second.join(timeout=60)


@pytest.mark.parametrize(("values", "message"), [
    ({"epochs": 0}, "epochs must be a whole number from 1 to 1000. Received: 0"),
    ({"optimizer": "adagrad"}, "optimizer must be one of adam, sgd, rmsprop"),
    ({"learning_rate": 0}, r"learning_rate must be in \(0, 1\]"),
    ({"validation_split": 1.0}, "validation_split must be at least 0 and below 1"),
    ({"patience": 0}, "patience must be a whole number >= 1, or None"),
])
def test_config_refuses_values_out_of_range(values, message):
    with pytest.raises(ValueError, match=message):
        training.TrainingConfig(**values)


def test_validation_data_holds_out_the_end_of_the_training_set():
    x, y = np.arange(10), np.arange(10)
    (x_train, _), (x_val, y_val) = validation_data(x, y, x[:2], y[:2], 0.2)
    assert list(x_train) == list(range(8)) and list(x_val) == [8, 9] and list(y_val) == [8, 9]
    assert validation_data(x, y, x[:2], y[:2], 0.0)[1][0].tolist() == [0, 1]


def test_smooth_is_a_bias_corrected_moving_average():
    np.testing.assert_allclose(curves.smooth([4.0, 4.0, 4.0]), [4.0, 4.0, 4.0])
    np.testing.assert_allclose(curves.smooth([0.0, 10.0], weight=0.5), [0.0, 10 * 0.5 / 0.75])


def test_smooth_is_tensorboards_corrected_moving_average():
    values = np.random.default_rng(0).random(500)
    expected, average = [], 0.0
    for index, value in enumerate(values):  # TensorBoard's loop, written out
        average = 0.9 * average + 0.1 * value
        expected.append(average / (1 - 0.9 ** (index + 1)))
    np.testing.assert_allclose(curves.smooth(values), expected, rtol=1e-12)


def test_confusion_matrix_and_class_report_on_a_hand_computed_case():
    labels, predictions = np.array([0, 0, 1, 1, 2]), np.array([0, 1, 1, 1, 0])
    confusion = confusion_matrix(labels, predictions, 3)
    np.testing.assert_array_equal(confusion, [[1, 1, 0], [0, 2, 0], [1, 0, 0]])
    report = class_report(confusion)
    np.testing.assert_allclose(report["precision"], [0.5, 2 / 3, 0])
    np.testing.assert_allclose(report["recall"], [0.5, 1, 0])
    np.testing.assert_allclose(report["f1"], [0.5, 0.8, 0])
    np.testing.assert_array_equal(report["support"], [2, 2, 1])


def test_mistakes_are_sorted_by_confidence_and_filter_by_pair():
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.3, 0.7]], np.float32)
    evaluation = Evaluation(probabilities, np.array([0, 0, 0, 1]), 0.0, 0.0, np.zeros((2, 2)))
    np.testing.assert_array_equal(mistakes(evaluation), [1, 2])
    np.testing.assert_array_equal(mistakes(evaluation, true_class=1), [])
    np.testing.assert_array_equal(mistakes(evaluation, 0, 1), [1, 2])


def test_a_normal_finish_says_how_many_epochs_took_how_long():
    run = _run(training.TrainingConfig(epochs=2, batch_size=64), count=200)
    started = time.monotonic()
    run.start()
    run.join(timeout=120)
    took = time.monotonic() - started
    message = run.snapshot().message
    assert message.startswith("Finished: 2 epochs in ") and message.endswith(" s.")
    assert abs(float(message.split(" in ")[1].removesuffix(" s.")) - took) <= 2.0


def test_one_epoch_is_one_epoch_in_the_finish_message():
    run = _run(training.TrainingConfig(epochs=1, batch_size=64), count=100)
    run.start()
    run.join(timeout=120)
    assert run.snapshot().message.startswith("Finished: 1 epoch in ")


def test_the_time_left_counts_every_validation_still_to_come_and_the_final_evaluation():
    from cnn_core.training_progress import estimate_seconds_left

    # 1,000 training examples left at 100 per second: 10 s; two validations of 300 and a test set of 600,
    # forward passes at 300 per second: 4 s more.
    assert estimate_seconds_left(1000, 100.0, 2, 300, 600, 300.0) == pytest.approx(14.0)
    # Before any validation was timed, a forward pass counts as three times the training speed.
    assert estimate_seconds_left(1000, 100.0, 2, 300, 600, None) == pytest.approx(10 + 1200 / 300)
    assert estimate_seconds_left(1000, 0.0, 2, 300, 600, None) is None


def test_a_runs_time_left_includes_its_validation_and_evaluation(monkeypatch):
    config = training.TrainingConfig(epochs=2, batch_size=64)
    run = _run(config, count=200)
    seen = []
    original = training.estimate_seconds_left

    def spy(*arguments):
        seen.append(arguments)
        return original(*arguments)

    monkeypatch.setattr(training, "estimate_seconds_left", spy)
    run._evaluation_size = 150
    run.start()
    run.join(timeout=120)
    first_epoch, last_epoch = seen[0], seen[-1]
    assert first_epoch[2:5] == (2, 200, 150)  # both validations to come, of 200, and the test set of 150
    assert last_epoch[2] == 1 and last_epoch[5] is not None  # the last validation, at its measured speed


def test_a_small_training_set_is_one_pass_of_every_example_per_epoch():

    inputs, labels = np.arange(45, dtype=np.float32).reshape(45, 1), np.arange(45)
    arguments = fit_inputs(inputs, labels, batch_size=16, seed=0)
    assert arguments["steps_per_epoch"] == 3
    batches = list(arguments["x"].take(6).as_numpy_iterator())
    assert [len(batch[1]) for batch in batches] == [16, 16, 13] * 2
    first, second = (np.concatenate([batch[1] for batch in batches[start : start + 3]]) for start in (0, 3))
    assert sorted(first) == sorted(second) == list(range(45)) and not np.array_equal(first, second)


def test_validation_scores_of_a_few_examples_equal_keras_evaluate():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3, activation="softmax")])
    models.compile_model(model)
    inputs = np.random.default_rng(0).normal(size=(20, 5)).astype(np.float32) * 8
    labels = np.random.default_rng(1).integers(0, 3, 20)
    expected = model.evaluate(inputs, labels, verbose=0, return_dict=True)
    loss, accuracy = validation_scores(model, inputs, labels, batch_size=16)
    assert loss == pytest.approx(expected["loss"], rel=1e-5) and accuracy == pytest.approx(expected["accuracy"])

