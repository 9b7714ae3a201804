"""Your own classes in a real browser: two classes from uploads, trained, then a new photo classified; the same
at a phone's width; and a closed tab's photos forgotten by the server."""

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import CHROMIUM_FLAGS, class_photos, png_of, running_server
from tests.drive import assert_no_exception, settle, wait_for_line
from tests.test_phone import OVERFLOWING, PHONE

pytestmark = pytest.mark.browser
#: The camera widget shows live video (Chromium's fake camera), so a shot has a picture to take.
CAMERA_STREAMING = """() => {
    const video = document.querySelector("[data-testid='stCameraInput'] video");
    return video !== null && video.readyState >= 2 && video.videoWidth > 0;
}"""


def _photo_files(folder: Path) -> dict[int, list[str]]:
    photos, labels = class_photos(per_class=5)
    files: dict[int, list[str]] = {0: [], 1: []}
    for index, (photo, label) in enumerate(zip(photos, labels)):
        path = folder / f"class{label}_{index}.png"
        path.write_bytes(png_of(photo))
        files[int(label)].append(str(path))
    return files


def _upload(page, files: list[str], class_name: str, dropzone: int = 0) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").nth(dropzone).click()
    chooser.value.set_files(files)
    page.get_by_text(f"Added {len(files)} photos to “{class_name}”.").wait_for()
    settle(page)


def _two_classes_trained(page, server_url: str, folder: Path) -> None:
    page.goto(f"{server_url}/own_classes")
    page.get_by_text("1. Your classes").wait_for(timeout=180_000)  # VGG16 may still be loading
    settle(page)
    files = _photo_files(folder)
    page.get_by_role("textbox", name="Class name").first.fill("Red stripes")
    page.get_by_role("textbox", name="Class name").first.press("Enter")
    settle(page)
    _upload(page, files[0], "Red stripes")
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Class 2").click()
    settle(page)
    _upload(page, files[1], "Class 2")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Accuracy on the held-out photos").wait_for(timeout=180_000)
    settle(page)


def test_two_classes_from_uploads_train_and_a_new_upload_is_classified(page, server_url, tmp_path):
    _two_classes_trained(page, server_url, tmp_path)
    expect(page.get_by_text(re.compile(r"\d of 2 held-out photos answered correctly"))).to_be_visible()
    try_section = page.get_by_text("Show the new model a photo it has not seen")
    try_section.scroll_into_view_if_needed()
    page.get_by_text("Upload", exact=True).last.click()
    settle(page)
    new_photo = tmp_path / "new_blue.png"
    new_photo.write_bytes(png_of(class_photos(per_class=1, seed=7)[0][1]))
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").last.click()
    chooser.value.set_files(str(new_photo))
    page.get_by_text("new_blue.png", exact=True).last.wait_for()
    page.get_by_text("Red: the strongest evidence for").wait_for()
    settle(page)
    expect(page.get_by_role("button", name="Download the model (.keras)")).to_be_visible()
    assert_no_exception(page)


def test_the_page_works_and_fits_at_a_phones_width(browser, server_url, tmp_path):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(180_000)
    try:
        _two_classes_trained(phone, server_url, tmp_path)
        phone.get_by_text("Where it looks").wait_for()
        settle(phone)
        assert phone.evaluate(OVERFLOWING) == []
        assert_no_exception(phone)
    finally:
        context.close()


def test_a_closed_tabs_photos_are_forgotten_by_the_server(browser, random_vgg16_weights, tmp_path):
    log = tmp_path / "server.log"
    with running_server({"VGG16_WEIGHTS": str(random_vgg16_weights)}, log=log) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        tab = context.new_page()
        tab.set_default_timeout(180_000)
        tab.goto(f"{url}/own_classes")
        tab.get_by_text("1. Your classes").wait_for()
        settle(tab)
        _upload(tab, _photo_files(tmp_path)[0][:2], "Class 1")
        assert "Forgot what the closed session" not in log.read_text()
        context.close()
        assert wait_for_line(log, "Forgot what the closed session", timeout=60), \
            "the closed tab's photos were still kept after 60 s"


def test_camera_shots_are_added_one_click_each(browser, server_url):
    """Chromium's fake camera stands in for a webcam; each Take Photo adds a shot and readies the next."""
    camera_browser = browser.browser_type.launch(
        executable_path=shutil.which("chromium"), headless=True,
        args=[*CHROMIUM_FLAGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"])
    try:
        context = camera_browser.new_context(viewport={"width": 1400, "height": 1000}, permissions=["camera"])
        tab = context.new_page()
        tab.set_default_timeout(180_000)
        tab.goto(f"{server_url}/own_classes")
        tab.get_by_text("1. Your classes").wait_for()
        settle(tab)
        tab.get_by_role("radio", name="Camera").click()  # a segmented control's options are radios
        settle(tab)
        for shots in (1, 2):
            tab.wait_for_function(CAMERA_STREAMING)
            tab.get_by_role("button", name="Take Photo").click()
            tab.get_by_text("Added 1 photo to “Class 1”.").wait_for()
            settle(tab)
            expect(tab.get_by_text(re.compile(rf"^{shots} photos?\b")).first).to_be_visible()  # the class's count
        assert_no_exception(tab)
    finally:
        camera_browser.close()


def test_without_the_vgg16_weights_the_page_says_what_to_provide(browser, tmp_path):
    with running_server({"VGG16_WEIGHTS": str(tmp_path / "missing.h5")}) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        tab = context.new_page()
        tab.goto(f"{url}/own_classes")
        tab.get_by_text("No VGG16 weights file at").wait_for(timeout=120_000)
        expect(tab.get_by_text("Set VGG16_WEIGHTS", exact=False)).to_be_visible()
        assert_no_exception(tab)
        context.close()
