"""The VGG16 page under AppTest, with VGG16's architecture and random weights."""

import pytest

from cnn_core import images, vgg16
from tests.conftest import png_bytes
from ui import image_picker, process_cache
from ui.classifier import sections
from ui.text import plain

PAGE = "pages/vgg16_classifier.py"


@pytest.fixture
def classifier_page(app, random_vgg16_weights, monkeypatch):
    monkeypatch.setenv("VGG16_WEIGHTS", str(random_vgg16_weights))
    return app.switch_page(PAGE).run()


def _text(page) -> str:
    return " ".join(element.value for element in [*page.markdown, *page.caption, *page.warning, *page.error])


def test_without_weights_the_page_says_how_to_get_them(app, tmp_path, monkeypatch):
    process_cache.clear_all()
    monkeypatch.setenv("VGG16_WEIGHTS", str(tmp_path / "missing.h5"))
    page = app.switch_page(PAGE).run()
    assert not page.exception
    assert "Set VGG16_WEIGHTS" in page.error[0].value
    process_cache.clear_all()  # let the next test load the real file


def test_the_top_five_are_vgg16s_five_most_likely_classes_with_their_probabilities(classifier_page):
    page = classifier_page
    assert not page.exception
    cat = images.load_image(image_picker.SAMPLES_DIR / image_picker.SAMPLES["Cat"])
    answer = sections.classify(cat, "center_crop")  # the page's own cached answer for the cat
    rows = vgg16.top_k(answer.probabilities, 5)
    labels = [plain(f"{rank}. {row.label}") for rank, row in enumerate(rows, start=1)]
    expected = [(f"{label}: {100 * row.probability:.2f} %", int(100 * row.probability))
                for label, row in zip(labels, rows)]
    assert [(bar.proto.text, bar.proto.value) for bar in page.get("progress")] == expected


def test_the_heatmap_and_the_timings_are_shown_for_the_cat(classifier_page):
    page = classifier_page
    assert len(page.get("image")) >= 2  # photo and Grad-CAM overlay
    assert "Preprocessing" in _text(page) and "prediction" in _text(page)


def test_random_weights_are_flagged_as_unsure(classifier_page):
    assert "VGG16 is unsure" in _text(classifier_page)


def test_another_class_and_the_opacity_can_be_chosen(classifier_page):
    classifier_page.selectbox(key="cam_class_0").set_value(3).run()
    classifier_page.slider(key="cam_opacity_0").set_value(0.9).run()
    assert not classifier_page.exception


def test_feature_maps_show_each_layers_shape(classifier_page):
    classifier_page.segmented_control(key="vgg16_section").set_value("Feature maps").run()
    assert "block1_conv1** outputs 224 × 224 × 64" in _text(classifier_page)
    classifier_page.selectbox(key="feature_layer").set_value("block5_pool").run()
    assert "block5_pool** outputs 7 × 7 × 512" in _text(classifier_page)


def test_preprocessing_steps_render(classifier_page):
    classifier_page.segmented_control(key="vgg16_section").set_value("Preprocessing steps").run()
    assert not classifier_page.exception
    assert "BGR" in _text(classifier_page)


def test_model_summary_counts_every_parameter(classifier_page):
    assert "**138,357,544** parameters" in _text(classifier_page)


def test_a_bad_file_in_a_batch_does_not_stop_the_others(classifier_page):
    classifier_page.radio(key="vgg16_source").set_value("Upload").run()
    classifier_page.get("file_uploader")[0].set_value([
        ("first.png", png_bytes(64, 48, seed=1), "image/png"),
        ("broken.png", b"not an image", "image/png"),
        ("second.png", png_bytes(300, 200, seed=2), "image/png"),
    ])
    page = classifier_page.run()
    assert not page.exception
    assert "broken.png: This file is not an image" in page.error[0].value.replace("\\", "")
    assert "All photos" in [header.value for header in page.subheader]
    assert page.selectbox(key="chosen_photo").options == ["first.png", "second.png"]
    assert len(page.get("progress")) == 3 * 5  # a top 5 per photo in the grid, and for the closer look


def test_a_rerun_with_the_same_photo_does_not_predict_again(classifier_page, monkeypatch):
    from cnn_core import vgg16

    calls = []
    original = vgg16.Classifier.predict
    monkeypatch.setattr(vgg16.Classifier, "predict", lambda self, batch: calls.append(1) or original(self, batch))
    classifier_page.slider(key="cam_opacity_0").set_value(0.2).run()
    classifier_page.segmented_control(key="vgg16_section").set_value("Preprocessing steps").run()
    assert not classifier_page.exception
    assert calls == []


def test_a_photos_file_name_is_shown_as_text_not_markdown(classifier_page):
    classifier_page.radio(key="vgg16_source").set_value("Upload").run()
    classifier_page.get("file_uploader")[0].set_value([("[click](http://example.com) *x*.png", png_bytes(64, 48),
                                                         "image/png"),
                                                        ("second.png", png_bytes(64, 48, seed=1), "image/png")])
    page = classifier_page.run()
    assert not page.exception
    assert page.subheader[-1].value.startswith(r"\[click\]\(http\:")


def test_what_a_filter_looks_for_is_found_for_the_chosen_layer(classifier_page):
    page = classifier_page.segmented_control(key="vgg16_section").set_value("What its filters look for").run()
    assert not page.exception and "gradient ascent" in _text(page)
    page = page.selectbox(key="vgg16_pattern_layer").set_value("block1_conv2").run()
    assert not page.exception
    captions = [image.caption for element in page.get("image") for image in element.proto.imgs]
    assert "What filter 0 of block1_conv2 answers most (128 × 128, shown larger)" in captions


def test_a_pattern_seen_again_comes_from_the_cache_without_its_progress_bar(classifier_page):
    page = classifier_page.segmented_control(key="vgg16_section").set_value("What its filters look for").run()
    page = page.selectbox(key="vgg16_pattern_layer").set_value("block1_conv1").run()
    page = page.selectbox(key="vgg16_pattern_layer").set_value("block1_conv2").run()
    page = page.selectbox(key="vgg16_pattern_layer").set_value("block1_conv1").run()
    assert not page.exception
    assert not [bar for bar in page.get("progress") if bar.proto.text.startswith("Gradient ascent")]


def test_the_loading_bar_is_gone_once_vgg16_is_loaded(app, random_vgg16_weights, monkeypatch):
    process_cache.clear_all()
    monkeypatch.setenv("VGG16_WEIGHTS", str(random_vgg16_weights))
    page = app.switch_page(PAGE).run()
    page = page.run()
    assert not page.exception
    assert not [bar for bar in page.get("progress") if "VGG16" in bar.proto.text]  # the top 5 bars stay
