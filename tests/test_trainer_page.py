"""The Trainer page under AppTest, on a tiny learnable dataset written as IDX files."""

import json
import time

import numpy as np
import pytest
import streamlit as st

from cnn_core import datasets, pretrained
from tests.conftest import trainer_model, write_dataset

PAGE = "pages/trainer.py"


@pytest.fixture
def trainer(app, tmp_path, monkeypatch):
    write_dataset(tmp_path / "fashion_mnist", count=200)
    monkeypatch.setenv("CNN_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()
    page = app.switch_page(PAGE).run()
    yield page
    trained = trainer_model(page)
    if trained is not None and trained.run is not None:
        trained.run.stop()
        trained.run.join(timeout=30)


def _text(page) -> str:
    return " ".join(element.value for element in [*page.markdown, *page.caption, *page.info, *page.warning,
                                                  *page.error, *page.success])


def _train_to_the_end(page, epochs: int = 2):
    page.slider(key="trainer_epochs").set_value(epochs)
    page.selectbox(key="trainer_train_size").set_value("5,000 (seconds per epoch)")
    page = page.run()
    page = page.button(key="train").click().run()
    trained = trainer_model(page)
    trained.run.join(timeout=300)
    return page.run()


def test_page_shows_the_default_architecture_with_its_parameter_count(trainer):
    assert not trainer.exception
    table = trainer.dataframe[0].value
    assert list(table["layer"])[:2] == ["conv_1", "pool_1"] and int(table["parameters"].sum()) == 542_230
    assert "542,230 parameters" in _text(trainer)


def test_three_conv_preset_shows_its_parameter_count(trainer):
    page = trainer.selectbox(key="trainer_preset").set_value("three_conv").run()
    assert "94,154 parameters" in _text(page)
    assert int(page.dataframe[0].value["parameters"].sum()) == 94_154


def _sidebar_settings(page) -> dict:
    return {"train_size": page.selectbox(key="trainer_train_size").value,
            "epochs": page.slider(key="trainer_epochs").value,
            "batch_size": page.select_slider(key="trainer_batch_size").value,
            "optimizer": page.selectbox(key="trainer_optimizer").value,
            "learning_rate": page.select_slider(key="trainer_learning_rate").value,
            "schedule": page.radio(key="trainer_schedule").value,
            "augment": page.checkbox(key="trainer_augment").value,
            "validation": page.radio(key="trainer_validation").value}


def _recipe_settings(preset: str) -> dict:
    from cnn_core import recipes

    recipe = recipes.RECIPES[preset]
    config = recipe.config
    return {"train_size": "All 60,000" if recipe.train_size is None else f"{recipe.train_size:,}",
            "epochs": config.epochs, "batch_size": config.batch_size, "optimizer": config.optimizer,
            "learning_rate": config.learning_rate, "schedule": config.schedule,
            "augment": config.augmentation != "none", "validation": "10 % of the training examples"}


def test_a_fresh_page_starts_from_the_default_presets_recipe(trainer):
    from cnn_core import models

    assert trainer.selectbox(key="trainer_preset").value == models.DEFAULT_PRESET
    assert _sidebar_settings(trainer) == _recipe_settings(models.DEFAULT_PRESET)


@pytest.mark.parametrize("preset", ["modern", "three_conv"])
def test_picking_a_preset_sets_the_training_settings_it_was_measured_with(trainer, preset):
    page = trainer.slider(key="trainer_epochs").set_value(1).run()
    page = page.selectbox(key="trainer_preset").set_value(preset).run()
    assert not page.exception
    assert _sidebar_settings(page) == _recipe_settings(preset)


def test_building_your_own_keeps_the_training_settings(trainer):
    page = trainer.slider(key="trainer_epochs").set_value(7).run()
    page = page.selectbox(key="trainer_preset").set_value("custom").run()
    assert page.slider(key="trainer_epochs").value == 7


def test_the_chosen_schedule_and_augmentation_reach_the_run(trainer):
    page = trainer.radio(key="trainer_schedule").set_value("constant").run()
    page = page.checkbox(key="trainer_augment").check().run()
    assert "Shifts and left-right flips." in _text(page)
    page = _train_to_the_end(page, epochs=1)
    config = trainer_model(page).run.config
    assert (config.schedule, config.augmentation) == ("constant", "shifts_and_flips")


def test_digits_are_augmented_without_flips(trainer, tmp_path):
    write_dataset(tmp_path / "mnist", count=200)
    page = trainer.radio(key="trainer_dataset").set_value("mnist").run()
    page = page.checkbox(key="trainer_augment").check().run()
    assert "Shifts only: a flipped digit can be another digit." in _text(page)
    page = _train_to_the_end(page, epochs=1)
    assert trainer_model(page).run.config.augmentation == "shifts"


def test_a_photo_unlike_the_training_pictures_is_flagged_and_the_check_explained(trainer):
    page = _train_to_the_end(trainer, epochs=1)
    page = page.segmented_control(key="trainer_section").set_value("Your own image").run()
    page = page.selectbox(key="trainer_sample").set_value("Coffee cup (not clothing)").run()
    assert not page.exception
    assert any("unlike the ones the model learned from" in warning.value for warning in page.warning)
    assert "closest of 200 training pictures (cosine distance" in _text(page)  # all of them: fewer than 2,000
    assert "and for 100 test pictures it never trained on" in _text(page)


def test_the_trainers_samples_follow_the_dataset(trainer):
    page = _train_to_the_end(trainer, epochs=1)
    page = page.segmented_control(key="trainer_section").set_value("Your own image").run()
    options = page.selectbox(key="trainer_sample").options
    assert "Drawn T-shirt" in options and "7 in a handwriting font" not in options


def test_an_impossible_custom_architecture_is_refused_naming_the_layer(trainer):
    page = trainer.selectbox(key="trainer_preset").set_value("custom").run()
    page = page.text_input(key="trainer_dense_units").set_value("128, x").run()
    assert "Dense units must be whole numbers" in page.error[0].value
    assert "train" not in [button.key for button in page.button]  # the page stops before training


def test_without_data_the_page_explains_how_to_provide_it(app, tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_DATA_DIR", str(tmp_path))  # an empty folder
    st.cache_resource.clear()
    page = app.switch_page(PAGE).run()
    assert not page.exception
    assert "has no subfolder fashion_mnist" in page.error[0].value and "downloaded from" in page.error[0].value


def test_without_data_a_shipped_model_is_inspected_on_the_shipped_test_pictures(app, tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_DATA_DIR", str(tmp_path))  # an empty folder: offline, nothing downloaded
    st.cache_resource.clear()
    page = app.switch_page(PAGE).run()
    assert "has no subfolder fashion_mnist" in page.error[0].value
    assert "a pretrained model can still be inspected below, on the 300 test pictures" in page.info[0].value
    assert not [button for button in page.button if button.key == "train"]  # nothing to train on
    page = page.button(key="trainer_load_shipped").click().run()
    assert not page.exception
    images, labels = pretrained.held_out_sample("fashion_mnist")
    model = pretrained.load_pretrained("three_conv_fashion_mnist")
    predictions = np.argmax(model.predict(datasets.to_model_input(images), verbose=0), axis=1)
    accuracy = next(metric for metric in page.metric if metric.label == "Test accuracy")
    assert accuracy.value == f"{100 * np.mean(predictions == labels):.2f} %"
    assert "These test pictures are not the ones" not in _text(page)  # they are its own held-out pictures


@pytest.fixture
def offline_shipped(app, tmp_path, monkeypatch):
    """The Trainer inspecting the shipped clothes model on its 300 shipped test pictures; with those pictures'
    labels, and the model's answers and probabilities computed here."""
    monkeypatch.setenv("CNN_DATA_DIR", str(tmp_path))  # an empty folder: offline
    st.cache_resource.clear()
    page = app.switch_page(PAGE).run()
    page = page.button(key="trainer_load_shipped").click().run()
    images, labels = pretrained.held_out_sample("fashion_mnist")
    model = pretrained.load_pretrained("three_conv_fashion_mnist")
    probabilities = model.predict(datasets.to_model_input(images), verbose=0)
    return page, labels, probabilities


def _confusion_shown(page) -> np.ndarray:
    figure = next(json.loads(chart.proto.spec) for chart in page.get("plotly_chart")
                  if "Ankle boot" in chart.proto.spec and "markers+text" in chart.proto.spec)
    return np.array([int(text) for text in figure["data"][0]["text"]]).reshape(10, 10)


def _gallery_captions(page) -> list[str]:
    return [picture.proto.imgs[0].caption for picture in page.get("image")]


def test_the_confusion_grid_shows_the_models_counts(offline_shipped):
    page, labels, probabilities = offline_shipped
    expected = np.zeros((10, 10), dtype=int)
    np.add.at(expected, (labels, probabilities.argmax(axis=1)), 1)
    np.testing.assert_array_equal(_confusion_shown(page), expected)


def test_the_gallery_shows_the_mistakes_most_confident_first_with_their_probabilities(offline_shipped):
    page, labels, probabilities = offline_shipped
    answers = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(answers != labels)
    order = wrong[np.argsort(-probabilities[wrong, answers[wrong]], kind="stable")][:24]
    captions = _gallery_captions(page)
    assert f"**Mistakes**, most confident first ({len(wrong):,} in all):" in _text(page)
    assert [caption.split(":")[0] for caption in captions] == [f"#{index}" for index in order]
    assert captions[0].endswith(f"({100 * probabilities[order[0], answers[order[0]]]:.0f}\u00a0%)")


def test_choosing_two_classes_shows_only_those_mistakes(offline_shipped):
    page, labels, probabilities = offline_shipped
    answers = probabilities.argmax(axis=1)
    shirts_taken_for_tops = int(((labels == 6) & (answers == 0)).sum())
    page = page.selectbox(key="mistakes_true_class").set_value(6).run()
    page = page.selectbox(key="mistakes_answer").set_value(0).run()
    assert f"**Shirt** taken for **T-shirt/top**: {shirts_taken_for_tops:,} images" in _text(page)
    assert len(_gallery_captions(page)) == min(24, shirts_taken_for_tops)
    assert all("Shirt → T-shirt/top" in caption for caption in _gallery_captions(page))
    page = page.selectbox(key="mistakes_answer").set_value(None).run()
    assert f"**Shirt** images the model got wrong: {int(((labels == 6) & (answers != 6)).sum()):,}" in _text(page)


def test_the_architecture_diagram_has_one_box_per_layer_with_the_models_shapes(trainer):
    from cnn_core import models
    from ui.trainer.architecture import BOX_COLOURS

    model = models.build_model(models.DEFAULT_PRESET)
    layers = [("Input", (28, 28, 1)), *((type(layer).__name__, layer.output.shape[1:]) for layer in model.layers)]
    expected = [f":{BOX_COLOURS.get(kind, 'gray')}-background[**{kind}**]  \n{' × '.join(map(str, shape))}"
                for kind, shape in layers]
    assert [element.value for element in trainer.markdown if "-background[**" in element.value] == expected


def test_without_data_a_photo_is_answered_and_not_compared_with_training_pictures(app, tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()
    page = app.switch_page(PAGE).run().button(key="trainer_load_shipped").click().run()
    page = page.segmented_control(key="trainer_section").set_value("Your own image").run()
    assert not page.exception
    assert "The model says" in _text(page)
    assert "cannot be compared with them" in _text(page)


def test_a_corrupt_file_is_named_on_the_page(app, tmp_path, monkeypatch):
    write_dataset(tmp_path / "fashion_mnist", count=20)
    (tmp_path / "fashion_mnist" / "t10k-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    monkeypatch.setenv("CNN_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()
    page = app.switch_page(PAGE).run()
    assert not page.exception
    assert "t10k-labels-idx1-ubyte.gz" in page.error[0].value


def test_the_page_says_which_files_it_read(trainer):
    shown = " ".join(caption.value for caption in trainer.sidebar.caption).replace("\\", "")
    assert "Read from CNN_DATA_DIR/fashion_mnist/: train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz" in shown


def test_mnist_is_never_read_from_fashion_mnist_files(app, tmp_path, monkeypatch):
    write_dataset(tmp_path, count=20)  # a flat folder: the README once allowed it for Fashion-MNIST
    monkeypatch.setenv("CNN_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()
    page = app.switch_page(PAGE).run()
    page = page.radio(key="trainer_dataset").set_value("mnist").run()
    assert not page.exception
    assert "holds IDX files itself" in page.error[0].value.replace("\\", "")
    assert "train" not in [button.key for button in page.button]


def test_a_tiny_training_runs_to_the_end_and_shows_the_results(trainer):
    page = _train_to_the_end(trainer)
    assert not page.exception
    snapshot = trainer_model(page).run.snapshot()
    assert snapshot.state == "finished" and len(snapshot.epochs) == 2
    assert "Finished: 2 epochs in" in _text(page)  # a normal finish says so, as Stop and early stopping do
    assert any(chart.proto.spec and "Loss" in chart.proto.spec for chart in page.get("plotly_chart"))
    assert _confusion_shown(page).sum() == 100  # every test image counted once
    assert "Test accuracy" in [metric.label for metric in page.metric]


@pytest.mark.parametrize("section", ["Learned filters", "Inside one image", "Your own image", "Save and code"])
def test_every_inspection_section_renders(trainer, section):
    page = _train_to_the_end(trainer, epochs=1)
    page = page.segmented_control(key="trainer_section").set_value(section).run()
    assert not page.exception
    if section == "Learned filters":
        assert "The **32 kernels** that `conv_1` learned" in _text(page)
    if section == "Save and code":
        assert "keras.Sequential" in page.code[0].value


@pytest.fixture
def trained_folder(tmp_path, monkeypatch):
    from cnn_core import paths

    monkeypatch.setattr(paths, "TRAINED_MODELS_DIR", tmp_path / "trained")
    return tmp_path / "trained"


def _save_as(page, name: str):
    page = page.segmented_control(key="trainer_section").set_value("Save and code").run()
    return page.text_input(key="save_name").set_value(name).run()


def test_by_default_validation_holds_out_training_examples_and_the_test_set_stays_unseen(trainer):
    page = _train_to_the_end(trainer, epochs=1)
    assert trainer_model(page).run.config.validation_split == 0.1
    assert "optimistic" not in _text(page)


def test_validating_on_the_test_set_says_the_test_accuracy_is_optimistic_and_why(trainer):
    page = trainer.radio(key="trainer_validation").set_value("Test set").run()
    assert "decided when training stopped" in _text(page)  # said where the choice is made
    page = _train_to_the_end(page, epochs=1)
    assert trainer_model(page).run.config.validation_split == 0
    assert any("so this test accuracy is optimistic" in warning.value for warning in page.warning)


def _explained_class(page) -> int:
    return next(box for box in page.selectbox if box.label == "Grad-CAM for the class").value


def test_grad_cam_explains_the_models_answer_for_each_image_chosen(trainer):
    page = _train_to_the_end(trainer, epochs=1)
    page = page.segmented_control(key="trainer_section").set_value("Inside one image").run()
    trained = trainer_model(page)
    predictions = trained.evaluation_cache[trained.weights_version()].predictions
    other = next(index for index, answer in enumerate(predictions) if answer != predictions[0])
    assert _explained_class(page) == predictions[0]
    page = page.number_input(key="inside_index").set_value(other).run()
    assert _explained_class(page) == predictions[other]


def test_saving_writes_into_the_trained_models_folder_and_lists_the_model(trainer, trained_folder):
    page = _save_as(_train_to_the_end(trainer, epochs=1), "my_model")
    page = page.button(key="save_model").click().run()
    assert not page.exception
    assert (trained_folder / "my_model.keras").is_file()
    assert "Saved: models/trained/my\\_model\\.keras" in _text(page)
    assert page.selectbox(key="saved_model").options == ["my_model"]


def test_a_shared_servers_training_limits_are_the_choices_and_are_said(app, tmp_path, monkeypatch):
    write_dataset(tmp_path / "fashion_mnist", count=200)
    monkeypatch.setenv("CNN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CNN_HOSTED", "1")
    monkeypatch.setenv("CNN_MAX_TRAINING_EXAMPLES", "8000")
    monkeypatch.setenv("CNN_MAX_EPOCHS", "2")
    page = app.switch_page(PAGE).run()
    assert page.selectbox(key="trainer_train_size").options == ["5,000 (seconds per epoch)",
                                                                 "8,000 (this server's limit)"]
    assert page.selectbox(key="trainer_train_size").value == "8,000 (this server's limit)"
    assert page.slider(key="trainer_epochs").max == 2 and page.slider(key="trainer_epochs").value == 2
    assert ("one training may use at most 8,000 training examples and 2 epochs" in _text(page))


def test_running_locally_no_training_limit_applies_or_is_said(trainer):
    assert len(trainer.selectbox(key="trainer_train_size").options) == 4
    assert trainer.slider(key="trainer_epochs").max == 50
    assert "shared by a class" not in _text(trainer)


def test_a_visitor_training_on_another_page_waits_for_it_before_training_here(trainer):
    class ActiveRun:
        is_active = True

    trainer.session_state["session_memory"] = {"trainings": {"Your own classes": ActiveRun()}}
    page = trainer.run()
    assert page.button(key="train").disabled
    assert "Your training on the Your own classes page is still queued or running" in _text(page)


def test_on_a_hosted_server_saving_keeps_the_model_in_this_tab_only(trainer, trained_folder, monkeypatch):
    monkeypatch.setenv("CNN_HOSTED", "1")
    page = _save_as(_train_to_the_end(trainer, epochs=1), "my_model")
    assert "only you see the models you save" in _text(page)
    page = page.button(key="save_model").click().run()
    assert not page.exception and not trained_folder.exists()
    assert "Saved: my\\_model in this tab, until you close it." in _text(page)
    assert page.selectbox(key="saved_model").options == ["my_model"]
    page = page.button(key="load_saved").click().run()
    assert not page.exception and trainer_model(page).label == "my_model"


def test_a_name_that_would_be_changed_is_refused_before_saving(trainer, trained_folder):
    page = _save_as(_train_to_the_end(trainer, epochs=1), "../my model")
    assert "A model name may hold only letters" in page.error[0].value
    assert "save_model" not in [button.key for button in page.button]


def test_a_taken_name_asks_before_replacing(trainer, trained_folder):
    page = _save_as(_train_to_the_end(trainer, epochs=1), "mine")
    page = page.button(key="save_model").click().run()
    assert "This model is saved as “mine”; saving again replaces" in _text(page)
    before = (trained_folder / "mine.keras").stat().st_ino
    trainer_model(page).label = ""  # as another visitor's model would be
    page = page.run()
    assert "already saved on this server" in page.warning[0].value
    assert page.button(key="save_model").disabled and page.button(key="save_model").label == "Replace on the server"
    page = page.checkbox(key="save_replace_mine").check().run()
    page = page.button(key="save_model").click().run()
    assert "Replaced the saved model with this one" in _text(page)
    assert (trained_folder / "mine.keras").stat().st_ino != before  # a new file was renamed into place


def test_a_damaged_saved_model_is_reported_in_words(trainer, trained_folder):
    page = _save_as(_train_to_the_end(trainer, epochs=1), "broken")
    page = page.button(key="save_model").click().run()
    path = trained_folder / "broken.keras"
    path.write_bytes(path.read_bytes()[:1000])
    page = page.button(key="load_saved").click().run()
    assert not page.exception
    shown = page.error[0].value.replace("\\", "")  # as the browser shows the escaped Markdown
    assert "The saved model 'broken' is damaged: broken.keras is not a complete .keras file" in shown


def test_stop_during_training_keeps_the_model(trainer):
    trainer.slider(key="trainer_epochs").set_value(50)
    page = trainer.run().button(key="train").click().run()
    run = trainer_model(page).run
    deadline = time.monotonic() + 60
    while not run.snapshot().batch_loss and time.monotonic() < deadline:
        time.sleep(0.05)
    page = page.button(key="stop").click().run()
    run.join(timeout=30)
    page = page.run()
    assert run.snapshot().state == "stopped"
    assert not page.exception and "keeps the weights trained so far" in _text(page)


def test_a_shipped_model_can_be_inspected_without_training_and_its_test_figure_is_qualified(trainer):
    page = trainer.button(key="trainer_load_shipped").click().run()
    assert not page.exception
    trained = trainer_model(page)
    assert trained.shipped == "three_conv_fashion_mnist" and trained.run is None
    assert "trainer_session" not in page.session_state  # in the session memory, freed soon after the tab closes
    assert "Inspecting the shipped model" in _text(page)
    assert [metric.label for metric in page.metric][:1] == ["Test accuracy"]
    # The tiny test set here is not the shipped model's own held-out split: the page says so.
    assert "These test pictures are not the ones this shipped model was measured on" in _text(page)
