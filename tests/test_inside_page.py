"""The Inside-a-CNN page under AppTest: every number it prints is held against the library and Keras."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from cnn_core import datasets, images, inside, models, own_photos, pretrained
from tests.conftest import APP_PATH, APP_TIMEOUT_S
from ui import image_picker
from ui.inside_cnn import filter_patterns
from ui.inside_cnn import state_keys as keys
from ui.inside_cnn.unit_explanation import number
from ui.text import plain
from ui.trainer.session import Trained

PAGE = "pages/inside_cnn.py"
DEFAULT = next(iter(pretrained.PRETRAINED))


def _open(**parameters: str) -> AppTest:
    app = AppTest.from_file(APP_PATH, default_timeout=APP_TIMEOUT_S)
    for name, value in parameters.items():
        app.query_params[name] = value
    return app.switch_page(PAGE).run()


def _text(page) -> str:
    return " ".join(element.value for element in [*page.markdown, *page.caption, *page.info, *page.warning,
                                                  *page.error])


def _picture(name: str, index: int) -> np.ndarray:
    pictures, _ = pretrained.held_out_sample(pretrained.PRETRAINED[name].dataset)
    return datasets.to_model_input(pictures[index : index + 1])[0]


def _explained(name: str, index: int, layer: str, unit: tuple[int, ...]):
    return inside.explain_unit(pretrained.load_pretrained(name), _picture(name, index), layer, unit)


@pytest.fixture(scope="module")
def page():
    return _open()


def test_the_page_opens_on_a_shipped_model_with_its_measured_accuracy(page):
    assert not page.exception
    shipped = pretrained.PRETRAINED[DEFAULT]
    assert page.selectbox(key=keys.MODEL).value == DEFAULT
    assert f"{100 * shipped.test_accuracy:.2f} %" in _text(page)


def test_the_answer_shown_is_what_keras_predicts_for_the_picture(page):
    probabilities = pretrained.load_pretrained(DEFAULT).predict(_picture(DEFAULT, 0)[None], verbose=0)[0]
    best = int(probabilities.argmax())
    name = pretrained.PRETRAINED[DEFAULT].record()["class_names"][best]
    assert f"The model says **{name}**, with probability {100 * probabilities[best]:.2f} %." in _text(page)


def test_every_class_probability_listed_is_what_keras_predicts(page):
    probabilities = pretrained.load_pretrained(DEFAULT).predict(_picture(DEFAULT, 0)[None], verbose=0)[0]
    names = pretrained.PRETRAINED[DEFAULT].record()["class_names"]
    shown = [(bar.proto.text, bar.proto.value) for bar in page.get("progress")]
    assert shown == [(f"{plain(name)}: {100 * probability:.2f} %", int(100 * float(probability)))
                     for name, probability in zip(names, probabilities)]


def test_every_layer_is_listed_with_its_shape(page):
    text = _text(page)
    for step in inside.trace(pretrained.load_pretrained(DEFAULT), _picture(DEFAULT, 0)):
        assert f"`{step.name}` · {step.kind}" in text
        if step.active:
            assert "→ **" + " × ".join(f"{size:,}" for size in step.shape) + "**" in text


def test_the_first_conv_unit_is_explained_with_its_window_sums_bias_and_value(page):
    explanation = _explained(DEFAULT, 0, "conv_1", (13, 13, 0))  # the middle of the map by default
    text = _text(page)
    for value in (explanation.value, explanation.pre_activation, explanation.bias, explanation.channel_sums[0]):
        assert number(value) in text
    (top, bottom), (left, right) = explanation.receptive_field
    assert f"rows {top} to {bottom} and columns {left} to {right}: a 3 × 3 patch" in text


def test_a_probability_is_explained_from_the_logits(page):
    unit = 3
    page.selectbox(key=keys.LAYER).set_value("predictions").run()
    page.number_input(key=keys.UNIT).set_value(unit).run()
    explanation = _explained(DEFAULT, 0, "predictions", (unit,))
    text = _text(page)
    assert number(explanation.value) in text and number(explanation.pre_activation) in text
    assert number(explanation.rest_sum) in text and number(explanation.bias) in text
    assert f"Those 8 terms: {number(sum(term[3] for term in explanation.top_terms))}" in text
    table = page.dataframe[-1].value
    np.testing.assert_allclose(table["logit"], explanation.logits, rtol=1e-5)
    assert table["probability"].sum() == pytest.approx(1.0)


def test_a_pooling_unit_names_the_largest_of_its_window():
    page = _open(layer="pool_1", row="2", column="3", channel="5")
    explanation = _explained(DEFAULT, 0, "pool_1", (2, 3, 5))
    assert f"the largest of its 4 values (outlined) is **{number(explanation.value)}**" in _text(page)


def test_a_flatten_entry_names_where_it_came_from():
    page = _open(layer="flatten", unit="40")
    explanation = _explained(DEFAULT, 0, "flatten", (40,))
    row, column, channel = explanation.source
    assert f"at row {row}, column {column}, channel {channel}, which is {number(explanation.value)}" in _text(page)


def test_a_link_opens_its_model_picture_and_number():
    page = _open(model="three_conv_mnist", picture="7", layer="conv_2", row="4", column="1", channel="9")
    assert not page.exception
    explanation = _explained("three_conv_mnist", 7, "conv_2", (4, 1, 9))
    assert number(explanation.pre_activation) in _text(page)
    assert page.query_params["layer"] == ["conv_2"] or page.query_params["layer"] == "conv_2"


def test_a_smaller_layer_brings_the_index_inside_its_shape():
    page = _open(layer="conv_1", row="25", column="25")
    page.selectbox(key=keys.LAYER).set_value("pool_3").run()
    assert not page.exception
    assert page.number_input(key=keys.ROW).value == 0  # pool_3 of the seed model is 1 × 1


def test_a_bad_link_value_gives_the_default_with_a_note():
    page = _open(layer="<script>", picture="100000")
    assert not page.exception
    notes = " ".join(info.value for info in page.info)
    assert "layer=" in notes and "picture=" in notes
    assert page.selectbox(key=keys.LAYER).value == "conv_1"


def test_an_own_photo_goes_in_as_the_28_by_28_the_model_receives():
    page = _open(input="photo")
    assert not page.exception
    sample = image_picker.SAMPLES_DIR / next(iter(image_picker.TRAINER_SAMPLES["fashion_mnist"].values()))
    picture = own_photos.photo_to_sample(images.load_image(sample, max_side=image_picker.MAX_SIDE))
    probabilities = pretrained.load_pretrained(DEFAULT).predict(datasets.to_model_input(picture[None]), verbose=0)[0]
    best = int(probabilities.argmax())
    name = datasets.CLASS_NAMES["fashion_mnist"][best]
    assert f"The model says **{name}**, with probability {100 * probabilities[best]:.2f} %." in _text(page)


def test_the_trainers_model_is_offered_once_this_tab_has_one():
    page = _open()
    assert not [label for label in page.selectbox(key=keys.MODEL).options if "Your model" in label]
    model = pretrained.load_pretrained("three_conv_mnist")
    memory = page.session_state["session_memory"] if "session_memory" in page.session_state else {}
    page.session_state["session_memory"] = {**memory, "trainer_session": Trained(
        model, models.PRESETS["three_conv"], "mnist", datasets.CLASS_NAMES["mnist"], label="three_conv, 2 epochs")}
    page = page.run()
    page = page.selectbox(key=keys.MODEL).set_value("trainer").run()
    assert not page.exception
    assert "The model you trained on the Trainer, on MNIST (handwritten digits)." in _text(page)


def test_the_filters_patterns_are_found_when_asked_and_named_for_a_deeper_layer():
    page = _open()
    page = page.toggle(key=keys.SHOW_PATTERNS).set_value(True).run()
    assert not page.exception
    assert f"(**gradient ascent**, {filter_patterns.STEPS} steps)" in _text(page)
    page = page.selectbox(key=keys.PATTERN_LAYER).set_value("conv_2").run()
    assert not page.exception
    assert "The weights of conv_2's filters span 32 input channels each" in _text(page)


def test_each_maps_caption_states_the_range_of_the_channels_drawn(page):
    traced = inside.trace(pretrained.load_pretrained(DEFAULT), _picture(DEFAULT, 0))
    text = _text(page)
    for step in traced:
        if step.output.ndim == 3:
            assert f"white the largest here ({float(step.output[..., :8].max()):.3g})" in text, step.name


def test_on_a_hosted_server_a_model_saved_in_one_tab_is_offered_there_only(monkeypatch):
    from cnn_core import model_store
    from ui.saved_models import PrivateFolder

    monkeypatch.setenv("CNN_HOSTED", "1")
    folder = PrivateFolder()
    metadata = model_store.ModelMetadata("mnist", datasets.CLASS_NAMES["mnist"], models.PRESETS["three_conv"],
                                         "2026-12-01 12:00")
    model_store.save_model(pretrained.load_pretrained("three_conv_mnist"), "mine", metadata, folder.path)
    owner = _open()
    owner.session_state["session_memory"] = {"saved_models": folder}
    owner = owner.run()
    assert "Saved in this tab: mine" in owner.selectbox(key=keys.MODEL).options
    owner = owner.selectbox(key=keys.MODEL).set_value("saved:mine").run()
    assert not owner.exception and "The model saved in this tab as “mine”." in _text(owner)
    assert not [label for label in _open().selectbox(key=keys.MODEL).options if label.startswith("Saved")]
    folder.close()
