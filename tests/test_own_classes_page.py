"""The Your-own-classes page under AppTest, with VGG16's architecture and random weights."""

import io
import json
import zipfile

import numpy as np
import pytest

from cnn_core import images, transfer, transfer_code
from tests.conftest import class_photos, png_of
from ui import image_picker, process_cache
from ui.own_classes import photo_classes
from ui.shared_vgg16 import load_classifier

PAGE = "pages/own_classes.py"


@pytest.fixture
def own_page(app, random_vgg16_weights, monkeypatch):
    monkeypatch.setenv("VGG16_WEIGHTS", str(random_vgg16_weights))
    return app.switch_page(PAGE).run()


def _files(label: int, count: int = 5, seed: int = 0) -> list[tuple[str, bytes, str]]:
    photos, labels = class_photos(per_class=count, seed=seed)
    return [(f"class{label}_{index}.png", png_of(photo), "image/png")
            for index, photo in enumerate(photo for photo, of in zip(photos, labels) if of == label)]


def _upload(page, class_position: int, files):
    page.selectbox(key="own_target_class").set_value(_class_numbers(page)[class_position]).run()
    page.get("file_uploader")[0].set_value(files)
    return page.run()


def _class_numbers(page) -> list[int]:
    return [photo_class.number for photo_class in _state(page).classes]


def _state(page) -> photo_classes.OwnClasses:
    return page.session_state["session_memory"]["own_classes"]


def _text(page) -> str:
    return " ".join(element.value for element in [*page.markdown, *page.caption, *page.info, *page.warning,
                                                     *page.error, *page.success])


def _two_classes(page, names=("Red stripes", "Blue stripes")):
    for position, name in enumerate(names):
        page.text_input(key=f"own_class_name_{_class_numbers(page)[position]}").set_value(name)
    page.run()
    _upload(page, 0, _files(0))
    return _upload(page, 1, _files(1))


def _trained(page):
    page.button(key="own_train").click().run()
    _state(page).trained.run.join(timeout=120)
    return page.run()


def test_without_weights_the_page_says_how_to_get_them(app, tmp_path, monkeypatch):
    process_cache.clear_all()
    monkeypatch.setenv("VGG16_WEIGHTS", str(tmp_path / "missing.h5"))
    page = app.switch_page(PAGE).run()
    assert not page.exception and "Set VGG16_WEIGHTS" in page.error[0].value
    process_cache.clear_all()


def test_the_page_starts_with_two_empty_classes_and_says_what_training_needs(own_page):
    assert not own_page.exception
    assert [photo_class.name for photo_class in _state(own_page).classes] == ["Class 1", "Class 2"]
    assert "each class needs at least 2 photos" in _text(own_page)
    assert own_page.button(key="own_train").disabled


def test_uploads_go_to_the_chosen_class(own_page):
    page = _two_classes(own_page)
    assert not page.exception
    assert [len(photo_class.photos) for photo_class in _state(page).classes] == [5, 5]
    assert "Added 5 photos to “Blue stripes”." in _text(page)


def test_the_split_and_the_held_out_accuracy_are_the_heads_own(own_page):
    page = _two_classes(own_page)
    labels = np.repeat([0, 1], 5)
    train, held_out = transfer.split_per_class(labels)
    assert f"**{len(train)} photos to learn from, {len(held_out)} held out**" in _text(page)
    page = _trained(page)
    trained = _state(page).trained
    codes = transfer.cnn_codes(load_classifier(), trained.photos)
    np.testing.assert_allclose(codes, trained.codes, atol=1e-5)
    answers = np.asarray(trained.head(codes[held_out])).argmax(axis=1)
    accuracy = 100 * np.mean(answers == labels[held_out])
    metric = next(metric for metric in page.metric if metric.label == "Accuracy on the held-out photos")
    assert metric.value == f"{accuracy:.1f} %" and accuracy == 100.0
    assert page.dataframe[0].value.to_numpy().trace() == len(held_out)
    same = transfer.same_class_neighbours(codes, labels)
    assert f"belongs to a photo of the same class for **{same} of 10** photos" in _text(page)


def test_class_names_are_shown_as_text_everywhere(own_page):
    page = _two_classes(own_page, names=("<b>bold</b>", "*stars* [x](y)"))
    assert r"Added 5 photos to “\*stars\* \[x\]\(y\)”." in _text(page)
    page = _trained(page)
    assert not page.exception
    assert list(page.dataframe[0].value.index) == ["<b>bold</b>", "*stars* [x](y)"]
    charts = json.dumps([json.loads(chart.proto.spec) for chart in page.get("plotly_chart")])
    assert "&lt;b&gt;bold&lt;/b&gt;" in charts and "<b>bold</b>" not in charts


def test_names_must_be_given_and_different(own_page):
    numbers = _class_numbers(own_page)
    own_page.text_input(key=f"own_class_name_{numbers[0]}").set_value("Cats")
    own_page.text_input(key=f"own_class_name_{numbers[1]}").set_value("cats")
    page = own_page.run()
    assert "Another class has this name." in _text(page) and page.button(key="own_train").disabled


def test_a_bad_file_is_reported_and_not_added(own_page):
    page = _upload(own_page, 0, [("notes.png", b"not an image", "image/png"), *_files(0, count=1)])
    assert "notes.png: This file is not an image" in _text(page).replace("\\", "")
    assert len(_state(page).classes[0].photos) == 1


def test_a_photo_is_removed_by_its_number(own_page):
    page = _upload(own_page, 0, _files(0))
    first_class = _state(page).classes[0]
    second = first_class.photos[1].number
    page.pills(key=f"own_remove_photo_{first_class.number}").set_value(second).run()
    assert second not in [photo.number for photo in _state(page).classes[0].photos]
    assert len(_state(page).classes[0].photos) == 4


def test_a_zip_makes_its_folders_classes_and_lists_what_it_skipped(own_page):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, _ in _files(0, count=2):
            archive.writestr(f"photos/apples/{name}", data)
        for name, data, _ in _files(1, count=2):
            archive.writestr(f"photos/pears/{name}", data)
        archive.writestr("photos/pears/readme.txt", "hello")
    own_page.segmented_control(key="own_intake").set_value("A zip file").run()
    own_page.get("file_uploader")[0].set_value([("fruit.zip", buffer.getvalue(), "application/zip")])
    page = own_page.run()
    assert [(photo_class.name, len(photo_class.photos)) for photo_class in _state(page).classes] == [
        ("apples", 2), ("pears", 2)]
    assert "Skipped 1 of the zip's files" in _text(page) and r"- photos/pears/readme\.txt: This file" in _text(page)


def test_more_photos_than_the_page_keeps_are_refused_with_a_message(own_page, monkeypatch):
    monkeypatch.setattr(photo_classes, "MAX_PHOTOS", 3)
    page = _upload(own_page, 0, _files(0))
    assert len(_state(page).classes[0].photos) == 3
    assert "The page keeps at most 3 photos" in _text(page)


def test_try_it_shows_the_heads_probabilities_for_a_new_photo(own_page):
    page = _trained(_two_classes(own_page))
    trained = _state(page).trained
    cat = images.load_image(image_picker.SAMPLES_DIR / "cat.jpg", max_side=image_picker.MAX_SIDE)
    expected = np.asarray(trained.head(transfer.cnn_codes(load_classifier(), [cat])))[0]
    bars = next(chart for chart in page.get("plotly_chart") if "own_try_bars" in chart.proto.id)
    shown = json.loads(bars.proto.spec)["data"][0]["x"]
    np.testing.assert_allclose(sorted(shown, reverse=True), sorted(100 * expected, reverse=True), atol=1e-3)
    assert len(page.get("image")) >= 3  # thumbnails, the photo, the Grad-CAM overlay


def test_the_take_home_code_is_the_libraries(own_page):
    page = _trained(_two_classes(own_page))
    trained = _state(page).trained
    assert page.code[0].value == transfer_code.keras_code(trained.class_names, trained.code_scale).rstrip("\n")


def test_the_small_cnn_from_scratch_is_compared_side_by_side(own_page):
    page = _trained(_two_classes(own_page))
    page.button(key="own_from_scratch").click().run()
    scratch = _state(page).trained.scratch
    labels = [metric.label for metric in page.metric]
    assert "Small CNN from scratch" in labels and "VGG16's codes + new head" in labels
    shown = next(metric for metric in page.metric if metric.label == "Small CNN from scratch")
    assert shown.value == f"{100 * scratch.accuracy:.1f} %"


def test_a_visitor_training_on_the_trainer_waits_for_it_before_training_here(own_page):
    class ActiveRun:
        is_active = True

    _state(own_page)  # the page's memory exists
    own_page.session_state["session_memory"]["trainings"] = {"Trainer": ActiveRun()}
    page = _two_classes(own_page)
    assert page.button(key="own_train").disabled
    assert "Your training on the Trainer page is still queued or running" in _text(page)
