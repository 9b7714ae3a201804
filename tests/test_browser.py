"""The app in a real browser: headless Chromium against `streamlit run app.py`."""

import re

import pytest

from cnn_core import conv
from tests.conftest import png_bytes

pytestmark = pytest.mark.browser

SETTLED = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _settle(page) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_timeout(300)  # let a rerun that a widget just triggered begin
    page.wait_for_selector(SETTLED)


def _assert_no_exception(page) -> None:
    exceptions = page.locator("[data-testid='stException']")
    assert exceptions.count() == 0, exceptions.first.inner_text()


def _upload(page, tmp_path, name: str, data: bytes) -> None:
    page.get_by_text("Upload", exact=True).click()
    path = tmp_path / name
    path.write_bytes(data)
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone']").click()
    chooser.value.set_files(path)


def test_home_page_renders_and_links_to_the_playground(page, server_url):
    page.goto(server_url)
    page.get_by_role("heading", name="How CNNs see").wait_for()
    _settle(page)
    _assert_no_exception(page)
    page.locator("[data-testid='stSidebarNav']").get_by_text("Filter Playground").click()
    page.get_by_role("heading", name="Filter Playground").wait_for()
    page.get_by_text("Feature map: 298 × 449 × 1").wait_for()
    _assert_no_exception(page)


def test_upload_then_change_the_stride_updates_the_shape(page, server_url, tmp_path):
    page.goto(f"{server_url}/filter_playground")
    page.get_by_text("Feature map: 298 × 449 × 1").wait_for()
    _upload(page, tmp_path, "photo.png", png_bytes(200, 120))
    page.get_by_text("Input: 120 × 200 × 1").wait_for()
    page.get_by_text("Feature map: 118 × 198 × 1").wait_for()

    stride = page.locator("[data-testid='stSlider']").filter(has_text="Stride").get_by_role("slider")
    stride.focus()
    stride.press("ArrowRight")  # 1 -> 2
    rows, cols = conv.output_size(120, 3, 2), conv.output_size(200, 3, 2)
    page.get_by_text(f"Feature map: {rows} × {cols} × 1").wait_for()
    _settle(page)
    _assert_no_exception(page)


def test_unreadable_upload_shows_a_message_in_the_page(page, server_url, tmp_path):
    page.goto(f"{server_url}/filter_playground")
    page.get_by_text("Feature map: 298 × 449 × 1").wait_for()
    _upload(page, tmp_path, "broken.png", b"definitely not a PNG")
    page.get_by_text("not an image this app can read").wait_for()
    _settle(page)
    _assert_no_exception(page)


def test_a_direct_link_on_a_fresh_server_runs_through_app_py(browser):
    """The first visitor of a new server opens a shared Playground link."""
    from tests.conftest import running_server

    with running_server() as fresh_url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{fresh_url}/filter_playground")
        page.get_by_text("Feature map: 298 × 449 × 1").wait_for(timeout=60_000)
        _settle(page)
        navigation = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "Home" in navigation and "Filter Playground" in navigation
        assert page.locator("[role='dialog']").count() == 0  # no "Page not found"
        _assert_no_exception(page)
        context.close()


def test_vgg16_page_classifies_uploads_and_reports_a_broken_one(page, server_url, tmp_path):
    page.goto(f"{server_url}/vgg16_classifier")
    page.get_by_text("Heatmap opacity").wait_for(timeout=180_000)  # loads VGG16 on first use
    _settle(page)
    page.get_by_text("Upload", exact=True).click()
    paths = []
    for name, data in (("photo.png", png_bytes(320, 240, seed=3)), ("broken.jpg", b"not a photo")):
        paths.append(tmp_path / name)
        paths[-1].write_bytes(data)
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone']").click()
    chooser.value.set_files(paths)
    page.get_by_text("broken.jpg: This file is not an image").wait_for()
    # The caption under the top 5 (a table's header cells are hidden from Playwright, Plotly's axis titles may be).
    page.get_by_text(re.compile(r"Preprocessing \d+ ms, prediction \d+ ms")).wait_for()
    page.get_by_text("Heatmap opacity").wait_for()
    _settle(page)
    assert page.locator("[data-testid='stDataFrame']").count() >= 1
    assert page.locator("[data-testid='stPlotlyChart']").count() >= 1
    assert page.locator("[data-testid='stImage']").count() >= 2  # the photo and the Grad-CAM overlay
    _assert_no_exception(page)


def _open_trainer(page, server_url, epochs: int) -> None:
    page.goto(f"{server_url}/trainer")
    page.get_by_text("94,154 parameters in total").wait_for(timeout=120_000)
    _settle(page)
    slider = (page.locator("[data-testid='stSlider']").filter(has=page.get_by_text("Epochs", exact=True))
              .get_by_role("slider"))
    slider.focus()
    for _ in range(abs(epochs - 5)):
        slider.press("ArrowRight" if epochs > 5 else "ArrowLeft")
    for _ in range(100):
        if slider.get_attribute("aria-valuetext") == str(epochs):
            break
        page.wait_for_timeout(100)
    assert slider.get_attribute("aria-valuetext") == str(epochs)
    _settle(page)
    page.get_by_role("button", name="Train a new model").click()


def test_trainer_trains_to_the_end_and_shows_curves_and_the_confusion_matrix(page, server_url):
    _open_trainer(page, server_url, epochs=2)
    page.get_by_text("examples per second").first.wait_for()
    page.get_by_text("Test accuracy").wait_for(timeout=300_000)
    _settle(page)
    assert page.locator(".js-plotly-plot .annotation-text", has_text="Loss").count() == 1  # the curves
    assert page.locator("[data-testid='stDataFrame']").count() >= 2  # the architecture and the confusion matrix
    assert page.get_by_text("Mistakes", exact=False).count() >= 1
    _assert_no_exception(page)


def test_trainer_stop_keeps_the_model_trained_so_far(page, server_url):
    _open_trainer(page, server_url, epochs=50)
    page.get_by_text("examples per second").first.wait_for()
    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_text("Stopped. The model keeps the weights trained so far.").wait_for(timeout=30_000)
    _settle(page)
    from playwright.sync_api import expect

    expect(page.get_by_role("button", name="Continue")).to_be_enabled(timeout=30_000)
    _assert_no_exception(page)
