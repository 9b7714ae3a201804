"""Where a visitor's saved models go: the server's folder locally or with the gallery on, a private folder of
their own on a hosted server, which nobody else can list or load from by any name, and which closes with them."""

import pytest
from streamlit.testing.v1 import AppTest

from cnn_core import paths
from ui import server_settings
from ui.saved_models import PrivateFolder


@pytest.fixture
def server_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "TRAINED_MODELS_DIR", tmp_path / "trained")
    for name in ("CNN_HOSTED", "CNN_MODEL_GALLERY", "CNN_MAX_TRAINING_EXAMPLES", "CNN_MAX_EPOCHS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "trained"


def _visitor(saves: str | None = None, loads: str | None = None) -> AppTest:
    """A visitor's session that saves a tiny model under ``saves`` and tries to load ``loads``."""

    def script(saves, loads):
        import streamlit as st

        from cnn_core import model_store, models
        from ui.saved_models import visitor_models

        saved = visitor_models()
        if saves and not saved.is_saved(saves):
            tiny = models.Architecture((models.ConvBlock(4),), dense_units=(8,))
            metadata = model_store.ModelMetadata("mnist", tuple("0123456789"), tiny, "2026-12-01 12:00")
            st.session_state["place"] = saved.save(models.build_model(tiny), saves, metadata)
        st.session_state["names"] = saved.names()
        st.session_state["folder"] = str(saved.folder)
        if loads:
            try:
                saved.load(loads)
                st.session_state["loaded"] = True
            except (model_store.SavedModelError, ValueError) as error:
                st.session_state["loaded"] = str(error)

    return AppTest.from_function(script, args=(saves, loads), default_timeout=60).run()


def test_running_on_ones_own_machine_saves_into_the_servers_folder(server_folder):
    visitor = _visitor(saves="mine")
    assert visitor.session_state["place"] == "models/trained/mine.keras"
    assert (server_folder / "mine.keras").is_file() and _visitor().session_state["names"] == ["mine"]


def test_on_a_hosted_server_a_saved_model_is_listed_only_in_its_own_tab(server_folder, monkeypatch):
    monkeypatch.setenv("CNN_HOSTED", "1")
    owner = _visitor(saves="mine")
    assert owner.session_state["place"] == "mine" and owner.session_state["names"] == ["mine"]
    assert not server_folder.exists()
    assert _visitor().session_state["names"] == []


@pytest.mark.parametrize("reach", ["mine", "../{folder}/mine", "{folder}/mine", "/{folder}/mine.keras"])
def test_another_visitor_cannot_load_it_by_any_name_or_path(server_folder, monkeypatch, reach):
    monkeypatch.setenv("CNN_HOSTED", "1")
    owner_folder = _visitor(saves="mine").session_state["folder"]
    name = reach.format(folder=owner_folder.strip("/"))
    other = _visitor(loads=name)
    assert other.session_state["loaded"].startswith(f"No saved model called {name!r}. Saved models: none.")
    assert other.session_state["folder"] != owner_folder


def test_with_the_gallery_on_every_visitor_sees_the_servers_folder(server_folder, monkeypatch):
    monkeypatch.setenv("CNN_HOSTED", "1")
    monkeypatch.setenv("CNN_MODEL_GALLERY", "1")
    _visitor(saves="shared")
    assert (server_folder / "shared.keras").is_file()
    assert _visitor(loads="shared").session_state["loaded"] is True


def test_a_private_folder_is_deleted_when_closed():
    folder = PrivateFolder()
    (folder.path / "mine.keras").write_bytes(b"weights")
    folder.close()
    assert not folder.path.exists()


def test_a_private_folder_lives_in_memory_where_the_machine_has_it():
    folder = PrivateFolder()
    try:
        if paths.Path("/dev/shm").is_dir():
            assert folder.path.parent == paths.Path("/dev/shm")
    finally:
        folder.close()


@pytest.mark.parametrize(("setting", "hosted"), [("1", True), ("true", True), ("", False), ("0", False)])
def test_hosted_follows_the_operators_setting(monkeypatch, setting, hosted):
    monkeypatch.setenv("CNN_HOSTED", setting)
    assert server_settings.is_hosted() is hosted


def test_the_training_limits_apply_only_on_a_hosted_server(server_folder, monkeypatch):
    assert server_settings.max_training_examples() is None and server_settings.max_epochs() is None
    monkeypatch.setenv("CNN_HOSTED", "1")
    assert server_settings.max_training_examples() == server_settings.HOSTED_MAX_TRAINING_EXAMPLES
    monkeypatch.setenv("CNN_MAX_EPOCHS", "5")
    assert server_settings.max_epochs() == 5


def test_a_bad_limit_setting_falls_back_to_the_default(server_folder, monkeypatch):
    monkeypatch.setenv("CNN_HOSTED", "1")
    monkeypatch.setenv("CNN_MAX_EPOCHS", "-3")
    assert server_settings.max_epochs() == server_settings.HOSTED_MAX_EPOCHS

