"""The home page and the Filter Playground under Streamlit's AppTest."""

import numpy as np
import pytest

from cnn_core import conv, images, kernels
from tests.conftest import ROOT, png_bytes, sent_maps
from ui import image_picker

PLAYGROUND = "pages/filter_playground.py"
CAT_HEIGHT, CAT_WIDTH = 300, 451  # assets/samples/cat.jpg, the default sample


def _shapes(app) -> dict[str, str]:
    """{'Input': '300 × 451 × 1', 'Feature map': ..., 'After max pooling': ...} as shown."""
    shown = {}
    for markdown in app.markdown:
        if markdown.value.startswith("**") and "**: " in markdown.value:
            title, shape = markdown.value[2:].split("**: ", 1)
            shown[title] = shape
    return shown


def _expected(rows: int, cols: int, channels: int = 1) -> str:
    return f"{rows} × {cols} × {channels}"


@pytest.fixture
def playground(app):
    return app.switch_page(PLAYGROUND).run()


def test_home_page_explains_both_parts_and_links_to_the_playground(app):
    assert not app.exception
    text = " ".join(markdown.value for markdown in app.markdown)
    assert "convolutional part extracts features" in text and "classification part decides" in text
    assert any("Filter Playground" in link.label for link in app.get("page_link"))


def test_home_page_links_to_every_page(app):
    pages = {path.stem for path in (ROOT / "pages").glob("*.py")}  # each page's address is its file's name
    assert {link.proto.page for link in app.get("page_link")} == pages


def test_home_page_demo_shapes_follow_the_formula(app):
    text = " ".join(markdown.value for markdown in app.markdown)
    rows, cols = conv.output_size(CAT_HEIGHT, 3), conv.output_size(CAT_WIDTH, 3)
    assert f"{rows} × {cols}" in text
    assert f"{conv.output_size(rows, 2, 2)} × {conv.output_size(cols, 2, 2)}" in text


def test_playground_opens_on_the_cat_with_a_sobel_feature_map(playground):
    assert not playground.exception
    assert _shapes(playground) == {"Input": _expected(CAT_HEIGHT, CAT_WIDTH),
                                   "Feature map": _expected(CAT_HEIGHT - 2, CAT_WIDTH - 2)}


def test_the_pointer_reads_the_photos_grey_levels_and_the_sobel_maps_true_values(playground):
    photo = images.to_grayscale(images.load_image(image_picker.SAMPLES_DIR / image_picker.SAMPLES["Cat"]))
    shown_photo, shown_map = sent_maps(playground)
    np.testing.assert_array_equal(shown_photo["values"], photo)
    np.testing.assert_allclose(shown_map["values"], conv.conv2d(photo, kernels.make_kernel("sobel_x", 3)), atol=1e-3)
    assert shown_map["map_shape"] == [CAT_HEIGHT - 2, CAT_WIDTH - 2] and shown_map["step"] == 1


@pytest.mark.parametrize("stride", [2, 3, 5, 8])
def test_stride_changes_the_feature_map_shape_as_the_formula_says(playground, stride):
    playground.slider(key="stride").set_value(stride).run()
    expected = _expected(conv.output_size(CAT_HEIGHT, 3, stride), conv.output_size(CAT_WIDTH, 3, stride))
    assert _shapes(playground)["Feature map"] == expected


@pytest.mark.parametrize("mode, amount, expected", [
    ("same", None, _expected(CAT_HEIGHT, CAT_WIDTH)),
    ("number", 2, _expected(CAT_HEIGHT + 2, CAT_WIDTH + 2)),
    ("number", 0, _expected(CAT_HEIGHT - 2, CAT_WIDTH - 2)),
])
def test_padding_changes_the_shape(playground, mode, amount, expected):
    playground.radio(key="padding_mode").set_value(mode).run()
    if amount is not None:
        playground.number_input(key="padding_amount").set_value(amount).run()
    assert _shapes(playground)["Feature map"] == expected


def test_same_padding_with_stride_gives_the_ceiling(playground):
    playground.radio(key="padding_mode").set_value("same").run()
    playground.slider(key="stride").set_value(4).run()
    assert _shapes(playground)["Feature map"] == _expected(-(-CAT_HEIGHT // 4), -(-CAT_WIDTH // 4))


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pooling_adds_a_pooled_map_with_the_formula_shape(playground, mode):
    playground.radio(key="pool_mode").set_value(mode).run()
    playground.slider(key="pool_size").set_value(3).run()
    rows, cols = CAT_HEIGHT - 2, CAT_WIDTH - 2
    assert _shapes(playground)[f"After {mode} pooling"] == _expected(
        conv.output_size(rows, 3, 3), conv.output_size(cols, 3, 3))


def test_pool_stride_can_differ_from_the_size(playground):
    playground.radio(key="pool_mode").set_value("max").run()
    playground.slider(key="pool_stride_2").set_value(1).run()
    assert _shapes(playground)["After max pooling"] == _expected(CAT_HEIGHT - 3, CAT_WIDTH - 3)


def test_kernel_size_changes_the_shape(playground):
    playground.select_slider(key="kernel_size_sobel_x").set_value(7).run()
    assert _shapes(playground)["Feature map"] == _expected(CAT_HEIGHT - 6, CAT_WIDTH - 6)


def test_kernel_choice_changes_the_shape(playground):
    playground.selectbox(key="kernel_name").set_value("mean").run()
    playground.select_slider(key="kernel_size_mean").set_value(4).run()
    assert _shapes(playground)["Feature map"] == _expected(CAT_HEIGHT - 3, CAT_WIDTH - 3)


def test_rgb_keeps_three_channels(playground):
    playground.radio(key="channels").set_value("RGB").run()
    assert _shapes(playground)["Feature map"] == _expected(CAT_HEIGHT - 2, CAT_WIDTH - 2, 3)


def test_shape_arithmetic_shows_the_users_numbers(playground):
    playground.slider(key="stride").set_value(2).run()
    formulas = [latex.value for latex in playground.get("latex")]
    assert any(f"{CAT_HEIGHT} + 0 - 3" in formula and "{2}" in formula and
               f"= {conv.output_size(CAT_HEIGHT, 3, 2)}" in formula for formula in formulas)


def test_custom_kernel_starts_as_identity(playground):
    playground.selectbox(key="kernel_name").set_value("custom").run()
    assert not playground.exception and not playground.error
    assert _shapes(playground)["Feature map"] == _expected(CAT_HEIGHT - 2, CAT_WIDTH - 2)


@pytest.mark.parametrize("section", ["Step by step", "Compare two kernels", "Noise: mean vs Gaussian"])
def test_every_section_renders(playground, section):
    playground.segmented_control(key="section").set_value(section).run()
    assert not playground.exception and not playground.error


def test_step_through_sum_matches_the_feature_map_and_next_advances(playground):
    playground.segmented_control(key="section").set_value("Step by step").run()
    first = playground.code[0].value
    playground.button(key="lab_conv_step_next").click().run()
    assert playground.slider(key="lab_conv_step").value == 2
    assert playground.code[0].value != first
    assert "Output cell (row 0, column 1)" in " ".join(markdown.value for markdown in playground.markdown)


def test_noise_lab_measures_both_filters(playground):
    playground.selectbox(key="noise").set_value("gaussian").run()
    playground.segmented_control(key="section").set_value("Noise: mean vs Gaussian").run()
    assert [metric.label for metric in playground.metric].count("PSNR vs clean") == 3
    assert any("On this photo the Gaussian filter keeps" in markdown.value for markdown in playground.markdown)


def _upload(playground, name: str, data: bytes):
    playground.radio(key="playground_source").set_value("Upload").run()
    playground.get("file_uploader")[0].upload(name, data, "image/png")
    return playground.run()


def test_uploaded_photo_is_used(playground):
    _upload(playground, "wide.png", png_bytes(200, 120))
    assert _shapes(playground)["Input"] == _expected(120, 200)


def test_unreadable_upload_shows_the_image_error_not_a_traceback(playground):
    _upload(playground, "notes.png", b"this is not a picture")
    assert not playground.exception
    assert "not an image this app can read" in playground.error[0].value


def test_huge_upload_is_downsized_with_a_note(playground):
    _upload(playground, "big.png", png_bytes(2048, 1024))
    assert _shapes(playground)["Input"] == _expected(512, 1024)
    assert any("downsized from 2048×1024" in caption.value for caption in playground.caption)


def test_file_name_is_shown_as_text_not_markdown(playground):
    _upload(playground, "[click](http://example.com).png", b"broken")
    assert playground.error[0].value.startswith(r"\[click\]\(http\:")


def test_kernel_larger_than_the_image_shows_a_message_not_a_traceback(playground):
    _upload(playground, "tiny.png", png_bytes(2, 2))
    assert not playground.exception
    assert "kernel_size=3 is larger than the padded input" in playground.error[0].value
