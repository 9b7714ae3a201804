"""What a stranger can send the app is shown as text, read as a photo, or refused.

The pages take three kinds of input from a person: photos (the uploaders),
names (file names, model names) and settings (widgets and the page URL). None of
it is ever run as Markdown, HTML or code, and no uploaded file is ever
deserialised as a model.
"""

import ast
from pathlib import Path

import pytest

from cnn_core import model_store, models
from ui import image_picker

ROOT = Path(__file__).resolve().parents[1]
PAGE_SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").rglob("*.py"))]
IMAGE_TYPES = {"png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff"}


def _calls(name: str):
    """Every call to a function or method called ``name`` in the app's page code, with its file."""
    for path in PAGE_SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if called == name:
                    yield path.name, node


def test_no_page_lets_html_through():
    offenders = [f"{file}:{node.lineno}" for file, node in _calls_with_keyword("unsafe_allow_html")]
    offenders += [f"{file}:{node.lineno}" for file, node in _calls("html")]
    assert offenders == []


def _calls_with_keyword(keyword: str):
    for path in PAGE_SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and any(argument.arg == keyword for argument in node.keywords):
                yield path.name, node


def test_the_uploaders_take_photos_only_or_a_zip_of_photos_read_by_read_class_zip():
    assert set(image_picker.UPLOAD_TYPES) <= IMAGE_TYPES
    uploaders = list(_calls("file_uploader"))
    assert uploaders, "the pages should have photo uploaders"
    for file, node in uploaders:
        kinds = [ast.unparse(argument.value) for argument in node.keywords if argument.arg == "type"]
        allowed = [["UPLOAD_TYPES"]] + ([["ZIP_TYPES"]] if str(file).endswith("class_editor.py") else [])
        assert kinds in allowed, f"{file}:{node.lineno} accepts {kinds or 'any file'}"
    editor = (ROOT / "ui" / "own_classes" / "class_editor.py").read_text()
    assert 'ZIP_TYPES = ["zip"]' in editor and "transfer.read_class_zip(archive.getvalue())" in editor


def test_models_are_only_loaded_from_the_apps_own_folder():
    loaders = [f"{file}:{node.lineno}" for file, node in _calls("load_model")]
    assert loaders == [], "pages must load models through model_store.load_saved_model"


@pytest.mark.parametrize("name", ["../../etc/passwd", "/tmp/evil", "..", "model.keras/../../x"])
def test_a_model_name_cannot_reach_outside_the_models_folder(tmp_path, name):
    folder = tmp_path / "models"
    folder.mkdir()
    with pytest.raises(model_store.SavedModelError, match="No saved model called"):
        model_store.load_saved_model(name, folder)


@pytest.mark.parametrize("name", ["../../escaped", "/tmp/escaped", "sub/../../escaped", ".hidden"])
def test_saving_under_a_hostile_name_is_refused_and_writes_nothing(tmp_path, name):
    import keras

    folder = tmp_path / "deep" / "models"
    folder.mkdir(parents=True)
    metadata = model_store.ModelMetadata("mnist", tuple("0123456789"), models.PRESETS["three_conv"])
    with pytest.raises(ValueError, match="A model name may hold only"):
        model_store.save_model(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]), name, metadata, folder)
    assert [item for item in tmp_path.rglob("*") if item.is_file()] == []
