"""The server's start-up work (ui.server_start): what it imports, the settings that decide VGG16's preload."""

import ast
import threading

import pytest

from cnn_core import paths, vgg16
from ui import process_cache, server_settings, server_start, shared_vgg16


def test_the_pages_project_modules_are_all_imported_at_start_up():
    imported = server_start.page_imports()
    assert {"ui.inside_cnn.forward_pass", "ui.trainer.live_training", "ui.classifier.sections", "cnn_core.images",
            "ui.map_view"} <= set(imported)
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


@pytest.fixture
def no_vgg16_loaded():
    """No VGG16 in the process cache before the test, nor the test's stand-in after it."""
    process_cache.clear_all()
    yield
    process_cache.clear_all()


def _preload_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "vgg16-preload"]


def test_weights_on_disk_are_loaded_before_the_server_answers(monkeypatch, no_vgg16_loaded):
    stand_in, loads = object(), []
    monkeypatch.setattr(vgg16, "weights_on_disk", lambda: "/weights/vgg16.h5")
    monkeypatch.setattr(vgg16.Classifier, "load", classmethod(lambda cls, progress=None: loads.append(1) or stand_in))
    monkeypatch.setenv("CNN_PRELOAD_VGG16", "1")
    server_start.warm_up()
    assert loads == [1] and not _preload_threads()  # loaded by the time warm_up returned, in its own thread
    assert shared_vgg16.load_classifier() is stand_in and loads == [1]  # kept: not loaded again


def test_weights_still_to_download_are_loaded_in_the_background(monkeypatch, no_vgg16_loaded):
    release, loading, loaded = threading.Event(), threading.Event(), threading.Event()
    stand_in = object()

    def slow_load(cls, progress=None):
        loading.set()
        release.wait(timeout=30)
        loaded.set()
        return stand_in

    monkeypatch.setattr(vgg16, "weights_on_disk", lambda: None)
    monkeypatch.setattr(vgg16.Classifier, "load", classmethod(slow_load))
    monkeypatch.setenv("CNN_PRELOAD_VGG16", "1")
    server_start.warm_up()  # returns while the load is under way
    assert loading.wait(timeout=30) and not loaded.is_set()
    release.set()
    for thread in _preload_threads():
        thread.join(timeout=30)
    loaded.clear()
    assert shared_vgg16.load_classifier() is stand_in and not loaded.is_set()  # kept: not loaded again


def test_no_preload_on_ones_own_machine(monkeypatch, no_vgg16_loaded):
    loads = []
    monkeypatch.setattr(vgg16.Classifier, "load", classmethod(lambda cls, progress=None: loads.append(1)))
    monkeypatch.setenv("CNN_PRELOAD_VGG16", "0")
    server_start.warm_up()
    assert loads == [] and not _preload_threads()


def test_a_download_that_fails_is_logged_not_raised(monkeypatch, no_vgg16_loaded):
    attempted, warnings = threading.Event(), []

    def unavailable(progress=None):
        attempted.set()
        raise vgg16.WeightsUnavailableError("no network")

    # The file, not load_classifier: warm_up imports pages that bind load_classifier by name for good.
    monkeypatch.setattr(vgg16, "weights_on_disk", lambda: None)
    monkeypatch.setattr(vgg16, "weights_file", unavailable)
    monkeypatch.setattr(server_start._LOG, "warning", lambda message, *values: warnings.append(message % values))
    monkeypatch.setenv("CNN_PRELOAD_VGG16", "1")
    server_start.warm_up()
    assert attempted.wait(timeout=30)
    for thread in _preload_threads():
        thread.join(timeout=30)
    assert warnings == ["VGG16 was not loaded at start-up: no network"]


def test_a_damaged_weights_file_is_logged_and_the_server_starts(monkeypatch, no_vgg16_loaded):
    logged, loads = [], []

    def damaged(cls, progress=None):
        loads.append(1)
        raise OSError("Unable to synchronously open file (truncated file)")

    monkeypatch.setattr(vgg16, "weights_on_disk", lambda: "/weights/vgg16.h5")
    monkeypatch.setattr(vgg16.Classifier, "load", classmethod(damaged))
    monkeypatch.setattr(server_start._LOG, "exception", lambda message, *values: logged.append(message % values))
    monkeypatch.setenv("CNN_PRELOAD_VGG16", "1")
    server_start.warm_up()
    assert logged == ["VGG16 was not loaded at start-up"] and loads == [1]
    with pytest.raises(OSError, match="truncated file"):  # the failure was not kept: the next call tries again
        shared_vgg16.load_classifier()
    assert loads == [1, 1]
