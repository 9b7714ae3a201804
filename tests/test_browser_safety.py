"""In a real browser, no visitor can damage the app's own files or see a server traceback."""

import hashlib
import subprocess

import pytest

from cnn_core import paths
from tests.conftest import running_server
from tests.drive import assert_no_exception, open_trainer, settle

pytestmark = pytest.mark.browser


def _shipped_files() -> dict[str, str]:
    """Every file that ships in models/, with the SHA-256 of its contents."""
    listed = subprocess.run(["git", "ls-files", "models"], cwd=paths.PROJECT_DIR, capture_output=True, text=True,
                            check=True).stdout.split()
    return {name: hashlib.sha256((paths.PROJECT_DIR / name).read_bytes()).hexdigest() for name in listed}


def test_saving_under_the_name_of_every_shipped_file_leaves_each_file_unchanged(page, server_url):
    before = _shipped_files()
    names = sorted({part for name in before for part in (name.split("/")[-1], name.split("/")[-1].split(".")[0])})
    assert "imagenet_class_names" in names and "imagenet_class_names.json" in names
    created = [paths.TRAINED_MODELS_DIR / f"{name}{suffix}" for name in names for suffix in (".keras", ".json")]
    assert not any(path.exists() for path in created), "left over from an earlier run: delete them first"
    try:
        open_trainer(page, server_url, epochs=1)
        page.get_by_text("Test accuracy", exact=True).wait_for(timeout=300_000)
        settle(page)
        page.get_by_role("radio", name="Save and code").click()
        name_box = page.get_by_role("textbox", name="Model name")
        name_box.wait_for()
        for name in names:
            name_box.fill(name)
            name_box.press("Enter")
            settle(page)
            if "." in name:
                page.get_by_text("A model name may hold only letters").wait_for()
                continue
            page.get_by_role("button", name="Save on the server").click()
            page.get_by_text(f"Saved: models/trained/{name}.keras.").wait_for()
        assert_no_exception(page)
        assert _shipped_files() == before
        saved = sorted(path.name for path in paths.TRAINED_MODELS_DIR.iterdir() if path.suffix == ".keras")
        assert [name for name in names if "." not in name] == [name.removesuffix(".keras") for name in saved
                                                                 if name.removesuffix(".keras") in names]
    finally:
        for path in created:
            path.unlink(missing_ok=True)


def test_an_unexpected_error_shows_no_traceback_or_server_path(browser, tmp_path):
    script = tmp_path / "failing.py"
    script.write_text("raise RuntimeError('secret detail at /srv/app/cnn_core/private.py')\n")
    with running_server(script=script) as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url)
        page.locator("[data-testid='stException']").wait_for(timeout=60_000)
        shown = page.locator("[data-testid='stMain']").inner_text()
        context.close()
    assert "secret detail" not in shown and "/srv/app" not in shown and "Traceback" not in shown
    assert "RuntimeError" not in shown
