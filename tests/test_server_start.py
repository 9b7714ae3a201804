"""The server's start-up work (ui.server_start): what it imports, the settings that decide VGG16's preload."""

import ast
import threading

import pytest

from cnn_core import paths, vgg16
from ui import process_cache, server_settings, server_start


def test_the_pages_project_modules_are_all_imported_at_start_up():
    imported = server_start.page_imports()
    assert {"ui.inside_cnn.forward_pass", "ui.trainer.live_training", "ui.classifier.sections", "cnn_core.images",
            "ui.figures"} <= set(imported)
    assert all(name.split(".")[0] in ("ui", "cnn_core") for name in imported)  # no Streamlit, no TensorFlow


def test_what_the_pages_import_from_a_module_is_not_mistaken_for_a_module():
    # pages/trainer.py imports names like `keys` (an alias) and functions; only modules are listed.
    imported = server_start.page_imports()
    assert "ui.url_settings" in imported and "ui.url_settings.UrlSettings" not in imported


def test_app_py_serves_through_st_app_with_the_start_up_hook():
    tree = ast.parse((paths.PROJECT_DIR / "app.py").read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and ast.unparse(node.func) == "st.App"]
    assert len(calls) == 1 and [keyword.arg for keyword in calls[0].keywords] == ["lifespan"]
    assert ast.unparse(calls[0].keywords[0].value) == "server_start.lifespan"


@pytest.mark.parametrize(("environment", "preloads"), [
    ({}, False), ({"CNN_HOSTED": "1"}, True), ({"CNN_HOSTED": "1", "CNN_PRELOAD_VGG16": "0"}, False),
    ({"CNN_PRELOAD_VGG16": "yes"}, True), ({"CNN_HOSTED": "1", "CNN_PRELOAD_VGG16": "later"}, True),
])
def test_vgg16_is_preloaded_on_a_hosted_server_unless_the_operator_says_otherwise(monkeypatch, environment,
                                                                                  preloads):
    for name in ("CNN_HOSTED", "CNN_PRELOAD_VGG16"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert server_settings.preloads_vgg16() is preloads


def test_the_preload_runs_in_the_background_and_a_missing_file_is_logged_not_raised(monkeypatch):
    attempted, warnings = threading.Event(), []

    def unavailable(progress=None):
        attempted.set()
        raise vgg16.WeightsUnavailableError("no network")

    # The file, not load_classifier: warm_up imports pages that bind load_classifier by name for good.
    monkeypatch.setattr(vgg16, "weights_file", unavailable)
    process_cache.clear_all()  # a VGG16 that an earlier test loaded would be served without looking for a file
    monkeypatch.setattr(server_start._LOG, "warning", lambda message, *values: warnings.append(message % values))
    monkeypatch.setenv("CNN_PRELOAD_VGG16", "1")
    server_start.warm_up()
    assert attempted.wait(timeout=30)
    for thread in threading.enumerate():
        if thread.name == "vgg16-preload":
            thread.join(timeout=30)
    assert warnings == ["VGG16 was not loaded at start-up: no network"]
