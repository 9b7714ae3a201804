"""Every page at a phone's width: no horizontal overflow, no exception box, and a screenshot."""

import os
import re
from pathlib import Path

import pytest

from tests.conftest import png_bytes
from tests.drive import (
    MAP_SHOWN,
    MAP_VIEW_FRAME,
    VGG16_ANSWERED,
    assert_no_exception,
    inspect_shipped_model,
    upload_files,
    wait_until_drawn,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
#: Each page's path, and a text that shows its main content has rendered.
PAGES = {
    "home": ("", "How CNNs see"),
    "filter_playground": ("filter_playground", "Feature map: 298 × 449 × 1"),
    "trainer": ("trainer", "542,230 parameters in total"),
    "inside_cnn": ("inside_cnn", "The model says"),
    # Each kind of explanation: a conv unit of a one-channel input (the default), of many channels, a pooling
    # unit, a CNN-code entry, a dense unit, a logit (the widest table).
    "inside_cnn_conv_channels": ("inside_cnn?layer=conv_2", "Input channel drawn"),
    "inside_cnn_pooling": ("inside_cnn?layer=pool_2", "the others are dropped"),
    "inside_cnn_flatten": ("inside_cnn?layer=flatten", "Flatten only moves numbers"),
    "inside_cnn_dense": ("inside_cnn?layer=dense_1", "largest terms"),
    "inside_cnn_logit": ("inside_cnn?layer=predictions", "Softmax turns the"),
    "vgg16_classifier": ("vgg16_classifier", "Heatmap opacity"),
    "own_classes": ("own_classes", "1. Your classes"),
}
#: Elements that stick out to the right of the screen, unless a scrolling or clipping box of their own (a code
#: block) holds them, and tables that scroll sideways: every number of a table must be in sight on a phone.
OVERFLOWING = """() => {
    const main = document.querySelector("[data-testid='stMain']");
    const limit = window.innerWidth + 1;
    const clipped = (element) => {
        for (let box = element.parentElement; box && box !== main; box = box.parentElement) {
            if (getComputedStyle(box).overflowX !== "visible") return true;
        }
        return false;
    };
    const offenders = [];
    for (const element of main.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (box.width > 0 && box.right > limit && !clipped(element)) {
            const name = `${element.tagName.toLowerCase()}[data-testid=${element.dataset.testid}]`;
            offenders.push(`${name} ends at ${Math.round(box.right)} px`);
        }
    }
    if (main.scrollWidth > main.clientWidth + 1) offenders.push(`the page scrolls sideways (${main.scrollWidth} px)`);
    for (const table of main.querySelectorAll("[data-testid='stDataFrame'] .dvn-scroller")) {
        if (table.scrollWidth > table.clientWidth + 1) {
            offenders.push(`a table scrolls sideways (${table.scrollWidth} px)`);
        }
    }
    return offenders.slice(0, 5);
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.set_default_timeout(180_000)
    yield tab
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_a_phone_screen(phone, server_url, tmp_path, name):
    path, landmark = PAGES[name]
    phone.goto(f"{server_url}/{path}")
    phone.get_by_text(landmark).first.wait_for()
    wait_until_drawn(phone)
    assert phone.evaluate(OVERFLOWING) == []
    assert_no_exception(phone)
    _screenshot(phone, Path(os.environ.get("SCREENSHOT_DIR", tmp_path)) / f"{name}-390px.png")


def _screenshot(phone, path: Path) -> None:
    """The whole page in one picture: a phone-wide window as tall as the page (the width decides the layout)."""
    height = phone.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    phone.set_viewport_size({"width": PHONE["width"], "height": min(height, 12_000)})
    wait_until_drawn(phone)
    phone.screenshot(path=path)


def test_the_vgg16_answers_for_several_photos_fit_a_phone_screen(phone, server_url, tmp_path):
    phone.goto(f"{server_url}/vgg16_classifier")
    phone.get_by_text("Heatmap opacity").wait_for()
    phone.get_by_test_id("stExpandSidebarButton").click()  # on a phone the photo's source is in the sidebar
    upload_files(phone, tmp_path, {f"a_photo_with_a_long_name_{number}.png": png_bytes(320, 240, seed=number)
                                   for number in range(3)})
    phone.get_by_test_id("stSidebarCollapseButton").click()
    phone.get_by_text(VGG16_ANSWERED).wait_for()
    wait_until_drawn(phone)
    assert phone.get_by_text(re.compile(r"^[1-5]\. .+: \d+\.\d\d %$")).count() >= 5  # a top 5 in sight
    assert phone.evaluate(OVERFLOWING) == []
    assert_no_exception(phone)
    _screenshot(phone, Path(os.environ.get("SCREENSHOT_DIR", tmp_path)) / "vgg16_classifier_photos-390px.png")


def test_a_tap_on_the_feature_map_reads_the_value_under_the_finger(phone, server_url):
    phone.goto(f"{server_url}/filter_playground")
    phone.wait_for_function(MAP_SHOWN, arg="298,449", polling="raf")
    feature_map = phone.frame_locator(MAP_VIEW_FRAME).nth(1)
    feature_map.locator("#picture").tap(position={"x": 10, "y": 10})
    feature_map.locator("#reading").filter(has_text="value").wait_for()
    assert re.fullmatch(r"row \d+, column \d+: value \S+", feature_map.locator("#reading").inner_text())


def test_the_trainers_results_fit_a_phone_screen(phone, server_url):
    inspect_shipped_model(phone, server_url)
    phone.get_by_text("Precision, recall and F1 per class").click()
    report = phone.locator("[data-testid='stExpander']").filter(has_text="Precision, recall and F1 per class")
    report.locator("[data-testid='stDataFrame'] .dvn-scroller").wait_for()  # the table is drawn
    wait_until_drawn(phone)
    assert phone.evaluate(OVERFLOWING) == []  # the confusion grid and both tables, all in sight
    gallery = phone.locator("[data-testid='stImage']")
    lefts = [gallery.nth(position).bounding_box()["x"] for position in range(4)]
    assert lefts[0] < lefts[1] < lefts[2] and lefts[3] == lefts[0]  # three mistakes to a row, then the next row
    phone.get_by_label("Mistakes of the true class").click()  # the grid's squares are chosen in the boxes
    phone.get_by_role("option", name="Shirt", exact=True).click()
    phone.get_by_text("Shirt images the model got wrong").wait_for()
    assert_no_exception(phone)
