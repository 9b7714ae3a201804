"""Trained models saved on the server: names that cannot collide or escape, files checked before use.

A saved model is two files in :data:`~cnn_core.paths.TRAINED_MODELS_DIR`:
``<name>.keras`` (Keras' own format) and ``<name>.json`` (its
:class:`ModelMetadata`: dataset, class names, architecture). No file of the app
lives in that folder. A name is used exactly as typed or refused, so two names
never become one file and no name reaches another folder, and saving never
replaces a model unless the caller asks it to. Loading checks the metadata and
the file before Keras builds anything, and turns every problem into one
:class:`SavedModelError` whose message is meant for people.

TensorFlow is imported only when a model is loaded.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cnn_core import datasets, models, paths
from cnn_core.model_metadata import ModelMetadata

if TYPE_CHECKING:
    import keras

MAX_NAME_LENGTH = 64
#: A name: letters, digits, ``-`` and ``_``, starting with a letter or digit (so never hidden, never a path).
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*", re.ASCII)
#: Names Windows reserves for devices, refused so that a model saved on Linux can be copied anywhere.
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{digit}" for digit in range(1, 10)),
                            *(f"lpt{digit}" for digit in range(1, 10))})
#: Larger metadata or Keras configuration files are damaged, not models this app saved.
MAX_METADATA_BYTES = 1_000_000
MAX_CONFIG_BYTES = 5_000_000
_SAVING = threading.Lock()


class SavedModelError(ValueError):
    """A saved model that cannot be loaded; the message says why, in words."""


class ModelNameTakenError(FileExistsError):
    """A model of that name is already saved and replacing it was not asked for."""


def check_model_name(name: object) -> str:
    """Return ``name`` unchanged when it can name a saved model, or refuse it saying why.

    A name is 1 to :data:`MAX_NAME_LENGTH` letters (A to Z), digits, ``-`` and
    ``_``, starting with a letter or digit, and not a Windows device name.
    Nothing is replaced or cut, so two different names are two different files.

    Raises
    ------
    ValueError
        Naming the characters that are not allowed, or the length.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"A model name needs at least one letter or digit. Received: {name!r}")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"A model name may have at most {MAX_NAME_LENGTH} characters. "
                         f"Received: {len(name)} characters")
    if not NAME_PATTERN.fullmatch(name):
        others = sorted({character for character in name if not NAME_PATTERN.fullmatch("a" + character)})
        problem = (f"it holds {', '.join(repr(character) for character in others)}" if others
                   else "it starts with - or _")
        raise ValueError(f"A model name may hold only letters A to Z, digits, - and _, and start with a letter "
                         f"or digit; {problem}. Received: {name!r}")
    if name.lower() in RESERVED_NAMES:
        raise ValueError(f"{name!r} is reserved for a device on Windows; choose another model name.")
    return name


def is_saved(name: str, folder: str | os.PathLike | None = None) -> bool:
    """Whether a complete model called ``name`` is saved (on a case-blind disk, in any case)."""
    folder = _folder(folder)
    return (folder / f"{name}.keras").is_file() and (folder / f"{name}.json").is_file()


def save_model(model: keras.Model, name: str, metadata: ModelMetadata, folder: str | os.PathLike | None = None,
               replace: bool = False) -> Path:
    """Save ``model`` as ``<folder>/<name>.keras`` with its metadata beside it as JSON.

    ``folder`` defaults to :data:`~cnn_core.paths.TRAINED_MODELS_DIR`. Both
    files are written to temporary names and renamed into place, the metadata
    last, so a crash never leaves a half-written model that :func:`saved_models`
    would list. Saves in one process happen one at a time.

    Raises
    ------
    ValueError
        For a name :func:`check_model_name` refuses.
    ModelNameTakenError
        When a model of that name is saved and ``replace`` is False.
    """
    check_model_name(name)
    if not isinstance(metadata, ModelMetadata):
        raise ValueError(f"metadata must be a ModelMetadata. Received: {type(metadata).__name__}")
    folder = _folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model_path = folder / f"{name}.keras"
    with _SAVING:
        if not replace and is_saved(name, folder):
            raise ModelNameTakenError(f"A model called {name!r} is already saved on this server.")
        _write_atomically(model_path, lambda path: model.save(path), suffix=".keras")
        _write_atomically(folder / f"{name}.json",
                          lambda path: Path(path).write_text(json.dumps(metadata.to_dict(), indent=2)),
                          suffix=".json")
    return model_path


def saved_models(folder: str | os.PathLike | None = None) -> list[str]:
    """Names of the complete saved models in ``folder`` (a model file and its metadata), sorted."""
    folder = _folder(folder)
    if not folder.is_dir():
        return []
    return sorted(path.stem for path in folder.glob("*.keras")
                  if NAME_PATTERN.fullmatch(path.stem) and (folder / f"{path.stem}.json").is_file())


def saved_metadata(name: str, folder: str | os.PathLike | None = None) -> ModelMetadata:
    """The checked metadata of the saved model ``name``, without loading the model.

    Raises
    ------
    SavedModelError
        When there is no such model or its metadata is damaged.
    """
    name = _saved_name(name, folder)
    path = _folder(folder) / f"{name}.json"
    try:
        if path.stat().st_size > MAX_METADATA_BYTES:
            raise ValueError(f"its description is larger than {MAX_METADATA_BYTES:,} bytes")
        return ModelMetadata.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError, TypeError) as error:
        raise SavedModelError(f"The saved model {name!r} cannot be used: its description ({path.name}) is "
                              f"damaged ({_reason(error)}).") from None


def load_saved_model(name: str, folder: str | os.PathLike | None = None) -> tuple[keras.Model, ModelMetadata]:
    """Load a model this app saved, and its metadata.

    Only names from :func:`saved_models` resolve. The metadata is checked
    first, then the ``.keras`` file (a complete archive whose configuration
    names only Keras' own classes), then Keras loads it in safe mode, and the
    model must match its metadata (input, number of classes, parameters).

    Raises
    ------
    SavedModelError
        For every problem, with a message a person can act on.
    """
    metadata = saved_metadata(name, folder)
    path = _folder(folder) / f"{name}.keras"
    _check_keras_file(path, name)
    import keras

    try:
        model = keras.models.load_model(path, safe_mode=True)
    except Exception as error:  # Keras raises many types for a file it cannot read
        raise SavedModelError(f"The saved model {name!r} is damaged: Keras could not read {path.name} "
                              f"({type(error).__name__}).") from None
    _check_matches(model, metadata, name)
    return model, metadata


def _saved_name(name: str, folder: str | os.PathLike | None) -> str:
    try:
        check_model_name(name)
    except ValueError:
        listed = False
    else:
        listed = name in saved_models(folder)
    if not listed:
        raise SavedModelError(f"No saved model called {name!r}. Saved models: "
                              f"{', '.join(saved_models(folder)) or 'none'}.")
    return name


def _check_keras_file(path: Path, name: str) -> None:
    """Refuse a file that is not a whole .keras archive, or whose configuration names code outside Keras."""
    damaged = f"The saved model {name!r} is damaged: {path.name}"
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("config.json")
            if info.file_size > MAX_CONFIG_BYTES:
                raise SavedModelError(f"{damaged} has a configuration of {info.file_size:,} bytes.")
            config = json.loads(archive.read(info))
            if "model.weights.h5" not in archive.namelist():
                raise SavedModelError(f"{damaged} holds no weights.")
    except SavedModelError:
        raise
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError):
        raise SavedModelError(f"{damaged} is not a complete .keras file (truncated or overwritten).") from None
    outside = sorted({module for module in _modules(config) if module != "keras" and not (
        isinstance(module, str) and module.startswith("keras."))}, key=str)
    if outside:
        raise SavedModelError(f"The saved model {name!r} was not made by this app: its configuration names code "
                              f"outside Keras ({', '.join(map(repr, outside[:3]))}), which is never loaded.")


def _modules(config: object):
    """Every value of a "module" key in a Keras configuration, at any depth."""
    if isinstance(config, dict):
        for key, value in config.items():
            if key == "module" and value is not None:
                yield value
            yield from _modules(value)
    elif isinstance(config, list):
        for value in config:
            yield from _modules(value)


def _check_matches(model: keras.Model, metadata: ModelMetadata, name: str) -> None:
    classes = len(metadata.class_names)
    expected = models.count_parameters(metadata.spec, num_classes=classes)
    problems = []
    if tuple(model.input_shape[1:]) != (datasets.IMAGE_SIDE, datasets.IMAGE_SIDE, 1):
        problems.append(f"it takes inputs of shape {tuple(model.input_shape[1:])}, not 28 × 28 × 1")
    if model.output_shape[-1] != classes:
        problems.append(f"it has {model.output_shape[-1]} outputs but its description names {classes} classes")
    elif model.count_params() != expected:
        problems.append(f"it has {model.count_params():,} parameters where its architecture has {expected:,}")
    if problems:
        raise SavedModelError(f"The saved model {name!r} does not match its description: {'; '.join(problems)}.")


def _reason(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return "not valid JSON"
    if isinstance(error, UnicodeDecodeError):
        return "not text"
    return str(error) or type(error).__name__


def _folder(folder: str | os.PathLike | None) -> Path:
    return paths.TRAINED_MODELS_DIR if folder is None else Path(folder)


def _write_atomically(path: Path, write: Callable[[str], object], suffix: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=suffix)
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def model_bytes(model: keras.Model) -> bytes:
    """``model`` as the bytes of a ``.keras`` file, for a download.

    Keras writes only to a path, so the file passes through a temporary folder that is deleted at once; in
    ``/dev/shm`` (memory) where the system has it, so that nothing of a visitor's model reaches the disk.
    """
    memory = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(dir=memory) as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()
