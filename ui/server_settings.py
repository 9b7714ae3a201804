"""What the operator of a shared server decides, read from environment variables.

Streamlit Community Cloud passes an app's root-level secrets to it as environment variables, so the same
names work there (``CNN_HOSTED = "1"`` in the app's Secrets).

``CNN_HOSTED=1``
    The server is shared by many visitors (a class): each visitor's saved models stay private to their tab,
    and the training limits below apply. Also on when the app runs from Community Cloud's folder. Off by
    default, so ``streamlit run app.py`` on one's own machine saves models into ``models/trained/``.
``CNN_MODEL_GALLERY=1``
    On a hosted server, save models into the shared ``models/trained/`` instead, where every visitor sees them.
``CNN_MAX_TRAINING_EXAMPLES``, ``CNN_MAX_EPOCHS``
    On a hosted server, the largest training subset and epoch count one visitor may ask for (defaults:
    :data:`HOSTED_MAX_TRAINING_EXAMPLES`, :data:`HOSTED_MAX_EPOCHS`).
``CNN_PRELOAD_VGG16=1`` or ``0``
    Whether the server loads VGG16 as it starts (see :mod:`ui.server_start`): by default on a hosted server,
    where someone will soon want it, and not on one's own machine.

The settings are read on each call, so a test can change them with ``monkeypatch.setenv``.
"""

from __future__ import annotations

import os
from pathlib import Path

from streamlit.logger import get_logger

from cnn_core import paths

_LOG = get_logger(__name__)

#: Where Streamlit Community Cloud checks out the apps it runs.
COMMUNITY_CLOUD_DIR = Path("/mount/src")
#: A hosted server's limits per training unless the operator sets others: the Trainer's default recipe fits.
HOSTED_MAX_TRAINING_EXAMPLES = 60_000
HOSTED_MAX_EPOCHS = 20
_YES = {"1", "true", "yes", "on"}
_NO = {"0", "false", "no", "off"}


def is_hosted() -> bool:
    """Whether many visitors share this server (CNN_HOSTED, or running on Streamlit Community Cloud)."""
    if os.environ.get("CNN_HOSTED", "").strip().lower() in _YES:
        return True
    return paths.PROJECT_DIR.is_relative_to(COMMUNITY_CLOUD_DIR)


def has_model_gallery() -> bool:
    """Whether saved models go to the server's shared folder: always locally, on a hosted server if asked."""
    return not is_hosted() or os.environ.get("CNN_MODEL_GALLERY", "").strip().lower() in _YES


def preloads_vgg16() -> bool:
    """Whether the server loads VGG16 as it starts: CNN_PRELOAD_VGG16 if set, else on a hosted server."""
    setting = os.environ.get("CNN_PRELOAD_VGG16", "").strip().lower()
    if setting in _YES | _NO:
        return setting in _YES
    if setting:
        _LOG.warning("CNN_PRELOAD_VGG16 must be 1 or 0 (received %r); deciding by CNN_HOSTED", setting)
    return is_hosted()


def max_training_examples() -> int | None:
    """The largest training subset a visitor may choose; None when there is no limit (not hosted)."""
    return _whole_number("CNN_MAX_TRAINING_EXAMPLES", HOSTED_MAX_TRAINING_EXAMPLES) if is_hosted() else None


def max_epochs() -> int | None:
    """The most epochs a visitor may ask for in one training; None when there is no limit (not hosted)."""
    return _whole_number("CNN_MAX_EPOCHS", HOSTED_MAX_EPOCHS) if is_hosted() else None


def _whole_number(name: str, default: int) -> int:
    setting = os.environ.get(name, "").strip()
    if not setting:
        return default
    if not (setting.isascii() and setting.isdigit() and int(setting) >= 1):
        _LOG.warning("%s must be a whole number of at least 1 (received %r); using %d", name, setting, default)
        return default
    return int(setting)
