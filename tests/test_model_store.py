"""cnn_core.model_store: names that never collide or escape, no silent replacing, damaged files in words."""

import json
import subprocess
import zipfile

import numpy as np
import pytest

from cnn_core import model_metadata, model_store, models, paths

TINY = models.Architecture((models.ConvBlock(4),), dense_units=(8,))
METADATA = model_store.ModelMetadata("mnist", tuple("0123456789"), TINY, "2026-12-01 09:00")


@pytest.fixture(scope="module")
def tiny_model():
    return models.build_model(TINY)


@pytest.fixture
def saved(tmp_path, tiny_model):
    """A folder holding one saved model called "tiny"."""
    model_store.save_model(tiny_model, "tiny", METADATA, folder=tmp_path)
    return tmp_path


# ----- names -----

@pytest.mark.parametrize("name", ["my_model", "Fashion-CNN-2", "a", "x" * 64])
def test_a_name_of_letters_digits_dashes_and_underscores_is_kept_as_it_is(name):
    assert model_store.check_model_name(name) == name


@pytest.mark.parametrize(("name", "reason"), [
    ("../my model", r"it holds ' ', '\.', '/'"),
    ("a b", r"it holds ' '"),
    ("a\x00b", r"it holds '\\x00'"),
    ("ünï", r"it holds 'ï', 'ü'"),
    ("imagenet_class_names.json", r"it holds '\.'"),
    ("_hidden", "it starts with - or _"),
    ("x" * 65, "at most 64 characters. Received: 65 characters"),
    ("", "at least one letter or digit"),
    ("NUL", "reserved for a device on Windows"),
])
def test_a_name_that_would_have_to_be_changed_is_refused_saying_why(name, reason):
    with pytest.raises(ValueError, match=reason):
        model_store.check_model_name(name)


def test_the_trained_models_folder_holds_none_of_the_apps_own_files():
    shipped = subprocess.run(["git", "ls-files", "models"], cwd=paths.PROJECT_DIR, capture_output=True, text=True,
                             check=True).stdout.split()
    assert shipped, "models/ ships the ImageNet class names at least"
    inside = [name for name in shipped if (paths.PROJECT_DIR / name).resolve().is_relative_to(
        paths.TRAINED_MODELS_DIR.resolve())]
    assert inside == []


# ----- saving -----

def test_save_then_load_gives_the_same_predictions_and_metadata(saved, tiny_model):
    assert model_store.saved_models(saved) == ["tiny"]
    loaded, metadata = model_store.load_saved_model("tiny", saved)
    batch = np.random.default_rng(0).random((2, 28, 28, 1), np.float32)
    np.testing.assert_allclose(loaded.predict(batch, verbose=0), tiny_model.predict(batch, verbose=0), rtol=1e-6)
    assert metadata == METADATA


def test_saving_under_a_taken_name_is_refused_and_leaves_the_saved_model_alone(saved, tiny_model):
    before = {path.name: path.read_bytes() for path in saved.iterdir()}
    with pytest.raises(model_store.ModelNameTakenError, match="'tiny' is already saved"):
        model_store.save_model(tiny_model, "tiny", METADATA, folder=saved)
    assert {path.name: path.read_bytes() for path in saved.iterdir()} == before


def test_replace_true_replaces_the_saved_model(saved):
    other = models.Architecture((models.ConvBlock(2),), dense_units=(4,))
    model_store.save_model(models.build_model(other), "tiny", model_store.ModelMetadata(
        "mnist", METADATA.class_names, other), folder=saved, replace=True)
    model, metadata = model_store.load_saved_model("tiny", saved)
    assert metadata.spec == other and model.count_params() == models.count_parameters(other)


def test_saving_refuses_a_name_instead_of_changing_it(tmp_path, tiny_model):
    with pytest.raises(ValueError, match="it holds"):
        model_store.save_model(tiny_model, "../escaped", METADATA, folder=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_save_that_fails_midway_leaves_nothing_listed(tmp_path):
    class Exploding:
        def save(self, path):
            with open(path, "wb") as file:
                file.write(b"half a model")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        model_store.save_model(Exploding(), "broken", METADATA, folder=tmp_path)
    assert model_store.saved_models(tmp_path) == [] and list(tmp_path.iterdir()) == []


def test_the_default_folder_is_the_trained_models_folder(tmp_path, monkeypatch, tiny_model):
    monkeypatch.setattr(paths, "TRAINED_MODELS_DIR", tmp_path / "trained")
    path = model_store.save_model(tiny_model, "tiny", METADATA)
    assert path == tmp_path / "trained" / "tiny.keras" and model_store.saved_models() == ["tiny"]


# ----- loading what is damaged or foreign -----

def _edit_metadata(folder, change):
    path = folder / "tiny.json"
    values = json.loads(path.read_text())
    change(values)
    path.write_text(json.dumps(values))


@pytest.mark.parametrize(("change", "reason"), [
    (lambda values: values["spec"].update(kernels=3), "must have exactly the keys"),
    (lambda values: values.update(owner="me"), r"unknown keys \['owner'\]"),
    (lambda values: values.update(class_names=["a", "b", "c", "d"]), "it names 4 classes, but mnist has 10"),
    (lambda values: values.update(dataset="cifar10"), "the dataset must be one of fashion_mnist, mnist"),
    (lambda values: values["spec"]["conv_blocks"][0].update(filters="32"), "conv_1 filters must be a whole number"),
])
def test_damaged_metadata_is_refused_in_words_before_keras_reads_anything(saved, change, reason, monkeypatch):
    _edit_metadata(saved, change)
    monkeypatch.setattr(model_store, "_check_keras_file", lambda *arguments: pytest.fail("read the model file"))
    with pytest.raises(model_store.SavedModelError, match=f"'tiny' cannot be used: its description .*{reason}"):
        model_store.load_saved_model("tiny", saved)


def test_metadata_that_is_not_json_is_called_damaged(saved):
    (saved / "tiny.json").write_text("{'dataset': ")
    with pytest.raises(model_store.SavedModelError, match="description \\(tiny.json\\) is damaged \\(not valid JSON"):
        model_store.load_saved_model("tiny", saved)


@pytest.mark.parametrize("damage", [lambda data: data[: len(data) // 2], lambda data: bytes(range(256)) * 40],
                         ids=["half a file", "random bytes"])
def test_a_damaged_model_file_is_called_damaged_not_missing(saved, damage):
    path = saved / "tiny.keras"
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(model_store.SavedModelError,
                       match="'tiny' is damaged: tiny.keras is not a complete .keras file") as caught:
        model_store.load_saved_model("tiny", saved)
    assert "not found" not in str(caught.value).lower()


def test_a_configuration_naming_code_outside_keras_is_never_loaded(saved, monkeypatch):
    path = saved / "tiny.keras"
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"][1].update(module="os", class_name="system")
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    import keras

    monkeypatch.setattr(keras.models, "load_model", lambda *arguments, **options: pytest.fail("Keras was called"))
    with pytest.raises(model_store.SavedModelError, match=r"names code outside Keras \('os'\)"):
        model_store.load_saved_model("tiny", saved)


def test_a_model_that_does_not_match_its_description_is_refused(saved):
    bigger = models.Architecture((models.ConvBlock(8),), dense_units=(8,))
    _edit_metadata(saved, lambda values: values.update(spec=model_metadata.spec_to_dict(bigger)))
    expected = "does not match its description: it has 5,546 parameters where its architecture has 10,994"
    with pytest.raises(model_store.SavedModelError, match=expected):
        model_store.load_saved_model("tiny", saved)


def test_a_model_file_without_metadata_is_neither_listed_nor_loaded(tmp_path):
    (tmp_path / "dropped.keras").write_bytes(b"PK\x03\x04 anything")
    assert model_store.saved_models(tmp_path) == []
    with pytest.raises(model_store.SavedModelError, match="No saved model called 'dropped'. Saved models: none"):
        model_store.load_saved_model("dropped", tmp_path)
