"""The shipped models of models/pretrained/: safe loading, sizes, and the accuracy their records state."""

import numpy as np
import pytest

from cnn_core import datasets, models, pretrained, training_data

MAX_FILE_BYTES = 5_000_000


@pytest.fixture(scope="module", params=list(pretrained.PRETRAINED))
def shipped(request):
    return pretrained.PRETRAINED[request.param]


def test_the_seed_models_and_the_default_are_shipped_for_both_datasets():
    made = {(model.preset, model.dataset) for model in pretrained.PRETRAINED.values()}
    assert {("three_conv", "fashion_mnist"), ("three_conv", "mnist"), (models.DEFAULT_PRESET, "fashion_mnist")} <= made
    assert models.PRETRAINED is pretrained.PRETRAINED and models.load_pretrained is pretrained.load_pretrained


def test_each_file_is_small_and_loads_in_safe_mode_as_its_preset(shipped):
    assert shipped.model_file.stat().st_size <= MAX_FILE_BYTES
    model = pretrained.load_pretrained(shipped.name)
    assert model.count_params() == models.count_parameters(shipped.preset) == shipped.record()["parameters"]
    assert [layer.name for layer in model.layers] == [row.name for row in models.describe(shipped.preset)]


def test_each_model_reaches_the_accuracy_its_record_states_on_the_held_out_sample(shipped):
    pictures, labels = pretrained.held_out_sample(shipped.dataset)
    record = shipped.record()
    assert len(labels) == record["sample_size"]
    probabilities = pretrained.load_pretrained(shipped.name).predict(datasets.to_model_input(pictures), verbose=0)
    assert float((probabilities.argmax(axis=1) == labels).mean()) == pytest.approx(record["sample_accuracy"], abs=1e-4)


def test_each_record_says_how_it_was_made_and_keeps_the_test_set_apart(shipped):
    record = shipped.record()
    assert record["command"].startswith("python -m cnn_core.make_pretrained --data-dir ")
    assert record["training_examples"] + record["validation_examples"] == 60_000
    assert record["test_examples"] == 10_000 and record["settings"]["validation_split"] > 0
    assert record["class_names"] == list(datasets.CLASS_NAMES[shipped.dataset])
    assert 0.85 <= record["test_accuracy"] <= 1.0


def test_the_readme_lists_every_model_with_its_accuracy(shipped):
    readme = (pretrained.PRETRAINED_DIR.parent / "README.md").read_text(encoding="utf-8")
    assert shipped.name in readme
    assert f"{100 * shipped.test_accuracy:.2f} %" in readme


def test_the_held_out_sample_holds_pictures_and_labels_of_each_dataset():
    for dataset in ("fashion_mnist", "mnist"):
        pictures, labels = pretrained.held_out_sample(dataset)
        assert pictures.shape == (300, 28, 28) and pictures.dtype == np.uint8
        assert labels.shape == (300,) and set(np.unique(labels)) <= set(range(10))


def test_an_unknown_name_or_dataset_is_refused_with_the_valid_ones():
    with pytest.raises(ValueError, match="three_conv_fashion_mnist"):
        pretrained.load_pretrained("vgg_cats")
    with pytest.raises(ValueError, match="fashion_mnist, mnist"):
        pretrained.held_out_sample("cifar10")


def test_a_missing_file_names_the_command_that_makes_it(tmp_path, monkeypatch):
    monkeypatch.setattr(pretrained, "PRETRAINED_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="python -m cnn_core.make_pretrained"):
        pretrained.load_pretrained("three_conv_mnist")


def test_the_seen_pictures_note_is_given_only_for_a_test_set_that_is_not_the_models_own():
    from ui.shipped_models import seen_pictures_note

    own, _ = pretrained.held_out_sample("fashion_mnist")
    assert seen_pictures_note("one_conv_fashion_mnist", own) is None
    note = seen_pictures_note("one_conv_fashion_mnist", own[::-1])
    assert "91.66 %" in note and "optimistic" in note


def test_the_held_out_data_is_the_shipped_sample_with_no_training_pictures():
    data = training_data.held_out_data("mnist")
    images, labels = pretrained.held_out_sample("mnist")
    assert data.train_inputs.shape == (0, 28, 28, 1) and data.train_labels.shape == (0,)
    assert np.array_equal(data.test_images, images) and np.array_equal(data.test_labels, labels)
    assert data.test_inputs.dtype == np.float32 and np.allclose(data.test_inputs[..., 0] * 255, images)
    assert data.class_names == datasets.CLASS_NAMES["mnist"]


def test_held_out_data_of_an_unknown_dataset_names_the_ones_there_are():
    with pytest.raises(ValueError, match="fashion_mnist, mnist. Received: dataset='cifar10'"):
        training_data.held_out_data("cifar10")
