"""Shareable links: the Playground's and the Trainer's settings live in the page URL.

A link opens exactly its settings; what the person changes is written back; a
missing value gives the default; an invalid, unknown or hostile one gives the
default with a note that shows it as text.
"""

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cnn_core import recipes
from tests.conftest import APP_PATH, APP_TIMEOUT_S, write_dataset

PLAYGROUND = "pages/filter_playground.py"
TRAINER = "pages/trainer.py"


def _open(page: str, **parameters: str) -> AppTest:
    app = AppTest.from_file(APP_PATH, default_timeout=APP_TIMEOUT_S)
    for name, value in parameters.items():
        app.query_params[name] = value
    return app.switch_page(page).run()


def _notes(app: AppTest) -> str:
    return " ".join(info.value for info in app.info if "this link" in info.value)


@pytest.fixture
def trainer_data(tmp_path, monkeypatch):
    write_dataset(tmp_path / "fashion_mnist", count=200)
    monkeypatch.setenv("CNN_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()


# ----- Filter Playground -----

PLAYGROUND_LINK = {"photo": "coffee", "channels": "rgb", "kernel": "gaussian", "kernel_size": "5",
                   "auto_sigma": "false", "sigma": "2.5", "stride": "2", "padding": "same", "relu": "true",
                   "pool": "average", "pool_size": "3", "pool_stride": "2", "section": "compare"}


def test_without_a_link_the_playground_opens_on_its_defaults_and_a_clean_url():
    app = _open(PLAYGROUND)
    assert not app.exception and _notes(app) == ""
    assert app.slider(key="stride").value == 1 and app.selectbox(key="kernel_name").value == "sobel_x"
    assert dict(app.query_params) == {}


def test_a_playground_link_opens_exactly_its_settings():
    app = _open(PLAYGROUND, **PLAYGROUND_LINK)
    assert not app.exception and _notes(app) == ""
    assert app.selectbox(key="playground_sample").value == "Coffee cup"
    assert app.radio(key="channels").value == "RGB"
    assert app.selectbox(key="kernel_name").value == "gaussian"
    assert app.select_slider(key="kernel_size_gaussian").value == 5
    assert app.checkbox(key="auto_sigma").value is False and app.slider(key="sigma").value == 2.5
    assert app.slider(key="stride").value == 2 and app.radio(key="padding_mode").value == "same"
    assert app.checkbox(key="relu").value is True and app.radio(key="pool_mode").value == "average"
    assert app.slider(key="pool_size").value == 3 and app.slider(key="pool_stride_3").value == 2
    assert app.get("segmented_control")[0].value == "Compare two kernels"
    assert dict(app.query_params) == PLAYGROUND_LINK  # the page keeps its own link in the URL


def test_a_changed_setting_is_written_into_the_url_and_a_default_leaves_it():
    app = _open(PLAYGROUND)
    app = app.slider(key="stride").set_value(3).run()
    assert dict(app.query_params) == {"stride": "3"}
    app = app.slider(key="stride").set_value(1).run()
    assert dict(app.query_params) == {}


@pytest.mark.parametrize(("name", "value", "reason"), [
    ("stride", "99", "a whole number from 1 to 8 is needed"),
    ("stride", "1.5", "a whole number from 1 to 8 is needed"),
    ("kernel", "median", "one of identity, mean, gaussian"),
    ("noise_level", "0.9", "a number from 0.01 to 0.5 is needed"),
    ("relu", "maybe", "true or false is needed"),
    ("photo", "dog", "one of cat, coffee, astronaut, rocket is needed"),
])
def test_an_invalid_playground_value_falls_back_to_the_default_with_a_note(name, value, reason):
    parameters = {"noise": "gaussian"} if name == "noise_level" else {}
    app = _open(PLAYGROUND, **parameters, **{name: value})
    assert not app.exception
    assert app.slider(key="stride").value == 1 and app.selectbox(key="kernel_name").value == "sobel_x"
    note = _notes(app).replace("\\", "")
    assert f"{name}='{value}' ({reason}" in note


@pytest.mark.parametrize(("name", "value"), [
    ("stride", "<script>alert(1)</script>"),
    ("kernel", "../../etc/passwd"),
    ("noise_level", "nan"),
    ("sigma", "1e309"),
    ("pool_size", "-0"),
    ("[x](javascript:alert(1))", "1"),
    ("section", "**bold** <img src=x onerror=alert(1)>"),
])
def test_a_hostile_value_is_refused_and_quoted_as_text(name, value):
    app = _open(PLAYGROUND, noise="gaussian", auto_sigma="false", pool="max", **{name: value})
    assert not app.exception
    assert app.slider(key="stride").value == 1 and app.selectbox(key="kernel_name").value == "sobel_x"
    note = _notes(app)
    assert note, "a refused value needs a note"
    for special in "<>[]()*":
        assert special not in note.replace(f"\\{special}", ""), f"{special!r} reached Markdown unescaped"
    assert name not in dict(app.query_params)  # the refused value leaves the URL


def test_a_setting_hidden_by_the_other_choices_is_called_unused_not_unknown():
    app = _open(PLAYGROUND, noise_level="0.2")  # no noise chosen, so no noise level slider
    note = _notes(app).replace("\\", "")
    assert "'noise_level' (not used with these settings)" in note and "not a setting" not in note


def test_a_name_no_page_setting_has_is_called_not_a_setting():
    assert "'colour' (not a setting of this page)" in _notes(_open(PLAYGROUND, colour="red")).replace("\\", "")


def test_a_number_with_many_decimals_is_rounded_to_the_slider_step():
    app = _open(PLAYGROUND, noise="gaussian", noise_level="0.3333333333333")
    assert not app.exception and _notes(app) == ""
    assert app.slider(key="noise_level").value == pytest.approx(0.33)


@pytest.mark.parametrize(("name", "value"), [("stride", "\uff12"), ("noise_level", "0.\uff13"),
                                             ("kernel_size", "\uff15")])
def test_full_width_digits_are_refused_like_any_other_non_number(name, value):
    app = _open(PLAYGROUND, noise="gaussian", kernel="gaussian", **{name: value})
    assert not app.exception
    assert f"{name}='{value}'" in _notes(app).replace("\\", "")
    assert name not in dict(app.query_params)


def test_a_huge_value_is_refused_unread_and_quoted_short():
    app = _open(PLAYGROUND, stride="9" * 100_000)
    assert not app.exception and app.slider(key="stride").value == 1
    assert "longer than any setting" in _notes(app) and len(_notes(app)) < 300


def test_the_note_goes_once_the_person_changes_a_setting():
    app = _open(PLAYGROUND, stride="99")
    assert _notes(app)
    app = app.slider(key="stride").set_value(2).run()
    assert _notes(app) == ""


# ----- Trainer -----

DEFAULT_EPOCHS = recipes.DEFAULT_RECIPE.config.epochs
TRAINER_LINK = {"train_size": "5000", "preset": "three_conv", "epochs": "12", "batch_size": "128",
                "optimizer": "sgd", "learning_rate": "0.03", "schedule": "constant", "augment": "true",
                "validation": "test", "early_stopping": "true", "patience": "3", "seed": "7"}


def test_without_a_link_the_trainer_opens_on_its_defaults_and_a_clean_url(trainer_data):
    app = _open(TRAINER)
    assert not app.exception and _notes(app) == ""
    assert app.slider(key="trainer_epochs").value == DEFAULT_EPOCHS
    assert app.selectbox(key="trainer_preset").value == "one_conv"
    assert dict(app.query_params) == {}


def test_a_trainer_link_opens_exactly_its_settings(trainer_data):
    app = _open(TRAINER, **TRAINER_LINK)
    assert not app.exception and _notes(app) == ""
    assert app.selectbox(key="trainer_train_size").value == "5,000 (seconds per epoch)"
    assert app.selectbox(key="trainer_preset").value == "three_conv"
    assert "94,154 parameters" in " ".join(element.value for element in [*app.caption, *app.markdown])
    assert app.slider(key="trainer_epochs").value == 12
    assert app.select_slider(key="trainer_batch_size").value == 128
    assert app.selectbox(key="trainer_optimizer").value == "sgd"
    assert app.select_slider(key="trainer_learning_rate").value == 0.03
    assert app.radio(key="trainer_schedule").value == "constant" and app.checkbox(key="trainer_augment").value
    assert app.radio(key="trainer_validation").value == "Test set"
    assert app.checkbox(key="trainer_early_stopping").value is True
    assert app.slider(key="trainer_patience").value == 3 and app.number_input(key="trainer_seed").value == 7
    assert dict(app.query_params) == TRAINER_LINK


@pytest.mark.parametrize(("name", "value", "reason"), [
    ("epochs", "0", "a whole number from 1 to 50 is needed"),
    ("batch_size", "100", "one of 16, 32, 64, 128, 256, 512 is needed"),
    ("learning_rate", "fast", "one of 0.0001, 0.0003, 0.001"),
    ("schedule", "linear", "one of cosine, constant is needed"),
    ("augment", "maybe", "true or false is needed"),
    ("seed", "-1", "a whole number from 0 to 2147483647 is needed"),
    ("dataset", "cifar10", "one of fashion_mnist, mnist is needed"),
])
def test_an_invalid_trainer_value_falls_back_to_the_default_with_a_note(trainer_data, name, value, reason):
    app = _open(TRAINER, **{name: value})
    assert not app.exception
    assert app.slider(key="trainer_epochs").value == DEFAULT_EPOCHS and app.number_input(key="trainer_seed").value == 0
    assert f"{name}='{value}' ({reason}" in _notes(app).replace("\\", "")


def test_a_hostile_trainer_value_is_refused_and_quoted_as_text(trainer_data):
    app = _open(TRAINER, preset="<img src=x onerror=alert(1)>", optimizer="__import__('os')")
    assert not app.exception and app.selectbox(key="trainer_preset").value == "one_conv"
    note = _notes(app)
    assert r"preset='\<img src=x onerror=alert" in note and "__import__" in note.replace("\\", "")
    assert dict(app.query_params) == {}
