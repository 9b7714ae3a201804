"""Where a visitor's saved models go: the server's folder, or a folder of their own that closes with their tab.

On one's own machine (and on a hosted server whose operator turned the gallery on, see
:mod:`ui.server_settings`) models are saved in ``models/trained/``, and everyone on the server sees them. On a
hosted server each visitor gets a private folder in memory (``/dev/shm`` where there is one), made the first
time they save: nobody else can list it, and no model name can reach outside it (:func:`model_store.check_model_name`
allows no paths). It lives in the visitor's :mod:`ui.session_memory` and is deleted when that is forgotten,
within seconds of the tab closing. The Trainer and the Inside-a-CNN page both save and load through here.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cnn_core import model_store, paths
from cnn_core.model_metadata import ModelMetadata
from ui import server_settings
from ui.session_memory import own_memory

if TYPE_CHECKING:
    import keras

_MEMORY_KEY = "saved_models"
_IN_MEMORY_ROOT = Path("/dev/shm")


class PrivateFolder:
    """A temporary folder in memory, deleted by :meth:`close` (which the session's memory calls when it forgets)."""

    def __init__(self) -> None:
        root = _IN_MEMORY_ROOT if _IN_MEMORY_ROOT.is_dir() else None
        self._directory = tempfile.TemporaryDirectory(prefix="cnn-visitor-models-", dir=root)
        self.path = Path(self._directory.name)

    def close(self) -> None:
        self._directory.cleanup()


@dataclass(frozen=True)
class SavedModels:
    """The saved models one visitor can see: a folder, and how the page speaks of it."""

    folder: Path
    is_private: bool

    @property
    def where(self) -> str:
        """``on this server`` or ``in this tab``, to finish a sentence."""
        return "in this tab" if self.is_private else "on this server"

    def names(self) -> list[str]:
        return model_store.saved_models(self.folder)

    def is_saved(self, name: str) -> bool:
        return model_store.is_saved(name, self.folder)

    def save(self, model: keras.Model, name: str, metadata: ModelMetadata, replace: bool = False) -> str:
        """Save ``model``; returns where it went, in words (``models/trained/x.keras``, or ``x`` for a private one).

        Raises what :func:`model_store.save_model` raises.
        """
        path = model_store.save_model(model, name, metadata, self.folder, replace=replace)
        return name if self.is_private else f"models/trained/{path.name}"

    def load(self, name: str) -> tuple[keras.Model, ModelMetadata]:
        """Raises :class:`model_store.SavedModelError` for a model that is not there or cannot be used."""
        return model_store.load_saved_model(name, self.folder)

    def version(self, name: str) -> int:
        """A number that changes whenever the model's file is saved again (0 when it is not there)."""
        path = self.folder / f"{name}.keras"
        return path.stat().st_mtime_ns if path.is_file() else 0


def visitor_models() -> SavedModels:
    """The calling visitor's saved models: the server's shared folder, or their private one."""
    if server_settings.has_model_gallery():
        return SavedModels(paths.TRAINED_MODELS_DIR, is_private=False)
    memory = own_memory()
    if _MEMORY_KEY not in memory:
        memory[_MEMORY_KEY] = PrivateFolder()
    return SavedModels(memory[_MEMORY_KEY].path, is_private=True)
