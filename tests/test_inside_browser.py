"""The Inside-a-CNN page in a real browser: a click on a feature map explains that number; a drawing is classified."""

import re

import pytest
from playwright.sync_api import expect

from tests.drive import assert_no_exception, settle

pytestmark = pytest.mark.browser


def _open(page, server_url: str, query: str = "") -> None:
    page.goto(f"{server_url}/inside_cnn{query}")
    page.get_by_text("The model says").wait_for()
    settle(page)


def test_clicking_a_cell_of_a_feature_map_explains_that_number_and_keeps_it_in_the_link(page, server_url):
    _open(page, server_url)
    picture = page.frame_locator("iframe[title*='clickable_picture']").first.locator("img")  # conv_1's maps
    picture.scroll_into_view_if_needed()
    area = picture.bounding_box()
    picture.click(position={"x": area["width"] * 0.3, "y": area["height"] * 0.3})
    page.wait_for_function("() => !document.body.innerText.includes('at row 13, column 13, channel 0 was')")
    settle(page)
    row = page.get_by_role("spinbutton", name="Row", exact=True).input_value()
    column = page.get_by_role("spinbutton", name="Column", exact=True).input_value()
    channel = page.get_by_role("spinbutton", name="Channel", exact=True).input_value()
    assert (row, column, channel) != ("13", "13", "0")  # moved from the default, the middle of channel 0
    expect(page.get_by_text(f"at row {row}, column {column}, channel {channel} was computed")).to_be_visible()
    assert f"row={row}" in page.url and f"channel={channel}" in page.url
    assert_no_exception(page)


def _draw(page, points: list[tuple[float, float]]) -> None:
    """One stroke through ``points``, given as shares of the canvas' width and height."""
    canvas = page.frame_locator("iframe[title*='drawing_canvas']").locator("canvas")
    canvas.wait_for()
    box = canvas.bounding_box()
    x, y = (lambda share: box["x"] + share * box["width"]), (lambda share: box["y"] + share * box["height"])
    page.mouse.move(x(points[0][0]), y(points[0][1]))
    page.mouse.down()
    for across, down in points[1:]:
        page.mouse.move(x(across), y(down), steps=8)
    page.mouse.up()


def test_a_drawn_digit_goes_through_the_network_and_each_stroke_updates_the_answer(page, server_url):
    page.goto(f"{server_url}/inside_cnn?model=three_conv_mnist&input=drawing")
    page.get_by_text("Draw something in the black square").wait_for()
    _draw(page, [(0.5, 0.15), (0.5, 0.85)])  # a one
    page.get_by_text("The model says").wait_for()
    settle(page)
    first = page.get_by_text(re.compile(r"^The model says")).inner_text()
    _draw(page, [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)])  # the top bar and the stem of a seven
    expect(page.get_by_text(re.compile(r"^The model says"))).not_to_have_text(first)
    assert_no_exception(page)


def test_a_fresh_server_shows_the_forward_pass_of_a_shipped_model_without_tensorflow(browser):
    from bench.bench_browser import server_uses_tensorflow
    from tests.conftest import running_server

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    with running_server() as url:
        page.goto(f"{url}/inside_cnn")
        page.get_by_text("The model says").wait_for(timeout=120_000)
        settle(page)
        assert not server_uses_tensorflow(url)  # the shipped models run in NumPy (cnn_core.keras_archive)
    page.close()
