"""The app in a real browser: headless Chromium against `streamlit run app.py`."""

import re

import numpy as np
import pytest

from cnn_core import conv, images, kernels
from tests.conftest import png_bytes
from tests.drive import (
    LIVE_STATUS,
    MAP_SHOWN,
    MAP_VIEW_FRAME,
    VGG16_ANSWERED,
    assert_no_exception,
    inspect_shipped_model,
    open_trainer,
    remember_text,
    settle,
    slider,
    upload,
    upload_files,
    wait_for_text_seen,
)
from ui import image_picker

pytestmark = pytest.mark.browser
#: The shape of the Playground's first feature map: the cat, through a 3 × 3 kernel.
CAT_MAP_ROWS, CAT_MAP_COLUMNS = 298, 449


def test_home_page_renders_and_links_to_the_playground(page, server_url):
    page.goto(server_url)
    page.get_by_role("heading", name="How CNNs see").wait_for()
    settle(page)
    assert_no_exception(page)
    page.locator("[data-testid='stSidebarNav']").get_by_text("Filter Playground").click()
    page.get_by_role("heading", name="Filter Playground").wait_for()
    page.get_by_text("Feature map: 298 × 449 × 1").wait_for()
    assert_no_exception(page)


def test_upload_then_change_the_stride_updates_the_shape(page, server_url, tmp_path):
    page.goto(f"{server_url}/filter_playground")
    page.get_by_text("Feature map: 298 × 449 × 1").wait_for()
    upload(page, tmp_path, "photo.png", png_bytes(200, 120))
    page.get_by_text("Input: 120 × 200 × 1").wait_for()
    page.get_by_text("Feature map: 118 × 198 × 1").wait_for()

    stride = slider(page, "Stride")
    stride.focus()
    stride.press("ArrowRight")  # 1 -> 2
    rows, cols = conv.output_size(120, 3, 2), conv.output_size(200, 3, 2)
    page.get_by_text(f"Feature map: {rows} × {cols} × 1").wait_for()
    settle(page)
    assert_no_exception(page)


def test_hovering_the_feature_map_reads_the_value_of_the_pixel_under_the_pointer(page, server_url):
    page.goto(f"{server_url}/filter_playground")
    page.get_by_text("Feature map: 298 × 449 × 1").wait_for()
    settle(page)
    row, col, value = _hovered_value(page, (0.3, 0.6))
    photo = _grey_cat()
    assert value == pytest.approx(conv.conv2d(photo, kernels.make_kernel("sobel_x", 3))[row, col], rel=1e-3)
    assert (row, col) == pytest.approx((0.6 * CAT_MAP_ROWS, 0.3 * CAT_MAP_COLUMNS), abs=3)


def test_a_pointer_resting_on_the_feature_map_reads_the_new_map_when_the_stride_changes(page, server_url):
    page.goto(f"{server_url}/filter_playground")
    page.get_by_text("Feature map: 298 × 449 × 1").wait_for()
    settle(page)
    _hovered_value(page, (0.3, 0.6))
    stride = slider(page, "Stride")
    stride.focus()  # the keyboard moves the slider; the mouse stays where it is
    stride.press("ArrowRight")  # 1 -> 2
    rows, columns = conv.output_size(300, 3, 2), conv.output_size(451, 3, 2)
    page.wait_for_function(MAP_SHOWN, arg=f"{rows},{columns}", polling="raf")
    reading = page.frame_locator(MAP_VIEW_FRAME).nth(1).locator("#reading").inner_text()
    row, col, value = re.fullmatch(r"row (\d+), column (\d+): value (\S+)", reading).groups()
    photo = _grey_cat()
    expected = conv.conv2d(photo, kernels.make_kernel("sobel_x", 3), stride=2)[int(row), int(col)]
    assert float(value.replace("−", "-")) == pytest.approx(expected, rel=1e-3)
    assert (int(row), int(col)) == pytest.approx((0.6 * rows, 0.3 * columns), abs=3)


def test_a_mouse_leaving_the_feature_map_brings_the_hint_back_and_a_new_map_is_not_read(page, server_url):
    page.goto(f"{server_url}/filter_playground")
    page.get_by_text("Feature map: 298 × 449 × 1").wait_for()
    settle(page)
    _hovered_value(page, (0.3, 0.6))
    page.mouse.move(1, 1)  # off the picture
    reading = page.frame_locator(MAP_VIEW_FRAME).nth(1).locator("#reading")
    reading.filter(has_text="Point at the picture to read a value.").wait_for()
    stride = slider(page, "Stride")
    stride.focus()
    stride.press("ArrowRight")  # 1 -> 2
    page.wait_for_function(MAP_SHOWN, arg=f"{conv.output_size(300, 3, 2)},{conv.output_size(451, 3, 2)}",
                           polling="raf")
    assert reading.inner_text() == "Point at the picture to read a value."


def _grey_cat() -> np.ndarray:
    """The sample photo the Playground opens with, in the grayscale it starts in."""
    return images.to_grayscale(images.load_image(image_picker.SAMPLES_DIR / image_picker.SAMPLES["Cat"]))


def _hovered_value(page, at: tuple[float, float]) -> tuple[int, int, float]:
    """(row, column, value) the feature map reads under the pointer at ``at`` (fractions of its width and height)."""
    page.wait_for_function(MAP_SHOWN, arg=f"{CAT_MAP_ROWS},{CAT_MAP_COLUMNS}", polling="raf")
    feature_map = page.frame_locator(MAP_VIEW_FRAME).nth(1)  # the input photo comes first
    feature_map.locator("#picture").scroll_into_view_if_needed()  # a mouse points where the screen shows
    picture = feature_map.locator("#picture").bounding_box()
    page.mouse.move(picture["x"] + at[0] * picture["width"], picture["y"] + at[1] * picture["height"])
    reading = feature_map.locator("#reading")
    reading.filter(has_text=re.compile(r"^row \d+")).wait_for()  # not the hint, which names "a value" too
    row, col, value = re.fullmatch(r"row (\d+), column (\d+): value (\S+)", reading.inner_text()).groups()
    return int(row), int(col), float(value.replace("−", "-"))


def test_a_negative_fraction_typed_into_a_selected_kernel_cell_becomes_the_kernel(page, server_url):
    page.goto(f"{server_url}/filter_playground?kernel=custom")
    page.get_by_text("Feature map: 298 × 449 × 1").wait_for()
    settle(page)
    page.wait_for_function(MAP_SHOWN, arg=f"{CAT_MAP_ROWS},{CAT_MAP_COLUMNS}", polling="raf")
    largest = page.frame_locator(MAP_VIEW_FRAME).nth(1).locator("#high")
    largest_before = largest.inner_text()  # the identity kernel's map: the photo, up to 255
    grid = page.locator("[data-testid='stDataFrame']").first  # the kernel's 3 × 3 grid
    grid.scroll_into_view_if_needed()
    editor = grid.bounding_box()
    page.mouse.click(editor["x"] + 15, editor["y"] + 1.5 * editor["height"] / 4)  # row 1, column 1
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")  # the centre cell, 1 in the identity kernel
    # At a person's typing speed: keys sent with no pause can reach the grid before its cell editor has opened.
    page.keyboard.type("-1/2", delay=100)  # a number cell took no fractions ("all 1/9 for a blur")
    page.keyboard.press("Enter")
    photo = _grey_cat()
    largest.filter(has_not_text=largest_before).wait_for()  # the new kernel's map is drawn
    row, col, value = _hovered_value(page, (0.3, 0.6))
    assert value == pytest.approx(-0.5 * float(photo[row + 1, col + 1]), rel=1e-3)  # half the centre pixel, negated
    assert_no_exception(page)


def test_unreadable_upload_shows_a_message_in_the_page(page, server_url, tmp_path):
    page.goto(f"{server_url}/filter_playground")
    page.get_by_text("Feature map: 298 × 449 × 1").wait_for()
    upload(page, tmp_path, "broken.png", b"definitely not a PNG")
    page.get_by_text("not an image this app can read").wait_for()
    settle(page)
    assert_no_exception(page)


def test_a_direct_link_on_a_fresh_server_runs_through_app_py(browser):
    """The first visitor of a new server opens a shared Playground link."""
    from tests.conftest import running_server

    with running_server() as fresh_url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{fresh_url}/filter_playground")
        page.get_by_text("Feature map: 298 × 449 × 1").wait_for(timeout=60_000)
        settle(page)
        navigation = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "Home" in navigation and "Filter Playground" in navigation
        assert page.locator("[role='dialog']").count() == 0  # no "Page not found"
        assert_no_exception(page)
        context.close()


def _open_the_vgg16_page(page, server_url: str) -> None:
    page.goto(f"{server_url}/vgg16_classifier")
    page.get_by_text("Heatmap opacity").wait_for(timeout=180_000)  # loads VGG16 on first use
    settle(page)


def test_vgg16_page_classifies_uploads_and_reports_a_broken_one(page, server_url, tmp_path):
    _open_the_vgg16_page(page, server_url)
    upload_files(page, tmp_path, {"photo.png": png_bytes(320, 240, seed=3), "broken.jpg": b"not a photo"})
    page.get_by_text("broken.jpg: This file is not an image").wait_for()
    page.get_by_text(VGG16_ANSWERED).wait_for()  # the caption under the top 5
    page.get_by_text("Heatmap opacity").wait_for()
    settle(page)
    assert page.get_by_text(re.compile(r"^[1-5]\. .+: \d+\.\d\d %$")).count() == 5  # the photo's top 5
    assert page.locator("[data-testid='stImage']").count() >= 2  # the photo and the Grad-CAM overlay
    assert_no_exception(page)


def test_vgg16_page_looks_at_ten_photos_of_an_upload_and_says_so(page, server_url, tmp_path):
    _open_the_vgg16_page(page, server_url)
    paths = upload_files(page, tmp_path, {f"photo_{number:02d}.png": png_bytes(40, 30, seed=number)
                                          for number in range(image_picker.MAX_PHOTOS_AT_ONCE + 1)})
    page.get_by_text(f"{len(paths)} photos chosen, so the page looks at the first "
                     f"{image_picker.MAX_PHOTOS_AT_ONCE}").wait_for()
    page.get_by_text(VGG16_ANSWERED).wait_for()
    settle(page)
    captions = page.locator("[data-testid='stImageCaption']").all_inner_texts()  # "All photos", the chosen one
    shown = sorted({caption for caption in captions if re.fullmatch(r"photo_\d\d\.png", caption)})
    assert shown == [path.name for path in paths[:image_picker.MAX_PHOTOS_AT_ONCE]]  # the eleventh waits
    assert_no_exception(page)


def test_trainer_trains_to_the_end_and_shows_curves_and_the_confusion_matrix(page, server_url):
    remember_text(page.context, LIVE_STATUS)  # two epochs of 1,000 pictures may be over before the page is read
    open_trainer(page, server_url, epochs=2)
    wait_for_text_seen(page, LIVE_STATUS)
    page.get_by_text("Test accuracy", exact=True).wait_for(timeout=300_000)
    settle(page)
    assert page.locator(".js-plotly-plot .annotation-text", has_text="Loss").count() == 1  # the curves
    assert page.locator("[data-testid='stDataFrame']").count() >= 2  # the architecture and the confusion matrix
    assert page.get_by_text("Mistakes", exact=False).count() >= 1
    assert_no_exception(page)


def test_clicking_a_square_of_the_confusion_grid_shows_its_mistakes(page, server_url):
    inspect_shipped_model(page, server_url)
    grid = page.locator(".js-plotly-plot").filter(has_text="Ankle boot")
    grid.scroll_into_view_if_needed()  # a mouse clicks where the screen shows
    area = grid.locator(".nsewdrag").first.bounding_box()
    cell = area["width"] / 10
    row, column = 6, 0  # true Shirt, answered T-shirt/top
    written = grid.locator(".textpoint text").nth(row * 10 + column).text_content()  # point k is row k // 10
    page.mouse.click(area["x"] + (column + 0.5) * cell, area["y"] + (row + 0.5) * cell)
    page.get_by_text(f"Shirt taken for T-shirt/top: {written} images").wait_for()
    settle(page)
    assert page.get_by_label("Mistakes of the true class").input_value() == "Shirt"
    assert_no_exception(page)


def test_trainer_stop_keeps_the_model_trained_so_far(page, server_url):
    open_trainer(page, server_url, epochs=50)
    page.get_by_text(LIVE_STATUS).first.wait_for()
    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_text("Stopped. The model keeps the weights trained so far.").wait_for(timeout=30_000)
    settle(page)
    from playwright.sync_api import expect

    expect(page.get_by_role("button", name="Continue")).to_be_enabled(timeout=30_000)
    assert_no_exception(page)


def test_a_shared_playground_link_opens_its_settings_and_the_address_bar_follows(page, server_url):
    page.goto(f"{server_url}/filter_playground?stride=2&kernel=mean")
    rows, cols = conv.output_size(300, 3, 2), conv.output_size(451, 3, 2)
    page.get_by_text(f"Feature map: {rows} × {cols} × 1").wait_for()
    settle(page)
    stride = slider(page, "Stride")
    stride.focus()
    stride.press("ArrowRight")  # 2 -> 3
    page.wait_for_url(re.compile(r"filter_playground\?(.*&)?stride=3"))
    assert "kernel=mean" in page.url
    page.locator("[data-testid='stSidebarNav']").get_by_text("Trainer").click()
    page.get_by_text("542,230 parameters in total").wait_for(timeout=120_000)
    settle(page)
    assert page.get_by_text("not a setting of this page").count() == 0  # the Playground's link stays behind
    assert_no_exception(page)
