"""What the server does once when it starts, before it lets the first visitor in, so that no visitor waits for it.

Streamlit runs app.py afresh for every visitor, and the first run of a page in a server process pays for
importing what the page needs: Plotly, OpenCV, pandas, the page's sections (1.3 s of a fresh server's first
page on 2 cores), and for reading the shipped models. app.py hands :func:`lifespan` to ``st.App``, which
runs it after the server has started and before it answers its first request: the health check, and the
first visitor, then find all of that done.

On a shared server (see :mod:`ui.server_settings`) VGG16 is also loaded here. When its weights are on disk it is
loaded before the server answers: the server then takes longer to become healthy (on 2 cores, 8.7 to 10.9 s from
its start in ``bench/bench_classroom.py`` instead of 1.6 s), which a load balancer or a container's health check
waits out, but no visitor shares the CPU with that load, which otherwise slowed every page for its whole length.
When the weights must first be downloaded (half a gigabyte, for minutes), the download and the load run in a
background thread instead, so that the other pages work meanwhile; the first visitor of the VGG16 page then
finds it loaded, or waits for the load already under way.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
from streamlit.logger import get_logger

from cnn_core import paths, pretrained, vgg16
from ui import server_settings, streamlit_adjustments

_LOG = get_logger(__name__)

#: The start of the log line :func:`warm_up` writes when it is done; the server answers right after it.
WARMED_UP = "Server warmed up in"
#: The packages of this project, whose modules the pages import.
PROJECT_PACKAGES = ("ui", "cnn_core")


@contextlib.asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    """``st.App``'s start-up hook: :func:`warm_up`, then serve."""
    warm_up()
    yield


def warm_up() -> None:
    """Import what the pages import, read the shipped models, and on a shared server start loading VGG16.

    Also tells Streamlit that app.py's navigation decides the pages, so a visitor's first page is run once.
    """
    start = time.perf_counter()
    streamlit_adjustments.navigate_from_the_first_run()
    for name in page_imports():
        importlib.import_module(name)
    _register_components()
    _read_shipped_models()
    _build_one_figure()
    vgg16_state = ""
    if server_settings.preloads_vgg16() and vgg16.weights_on_disk() is not None:
        vgg16_state = ", VGG16 loaded" if _load_vgg16() else ", VGG16 not loaded (see above)"
    elif server_settings.preloads_vgg16():
        threading.Thread(target=_load_vgg16, name="vgg16-preload", daemon=True).start()
        vgg16_state = ", VGG16 downloading and loading in the background"
    _LOG.info("%s %.1f s: the pages' modules imported, the shipped models read%s", WARMED_UP,
              time.perf_counter() - start, vgg16_state)


def page_imports(root: Path = paths.PROJECT_DIR) -> list[str]:
    """The project modules that app.py and the pages in ``pages/`` import, sorted, read from their source."""
    found = set()
    for script in [root / "app.py", *sorted((root / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names
                             if _is_module(f"{node.module}.{alias.name}"))
    return sorted(name for name in found if name.split(".")[0] in PROJECT_PACKAGES)


def _is_module(name: str) -> bool:
    """Whether ``name`` (``package.attribute``) names a module rather than something inside a module."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _register_components() -> None:
    """Register the custom components that :func:`warm_up` imported.

    ``declare_component`` registers a component with the server only when a script run declares it; one
    declared at import here would otherwise never be served (its frame would say "Component not found").
    """
    from streamlit import runtime
    from streamlit.components.v1.custom_component import CustomComponent

    if not runtime.exists():  # imported outside a server (a test): nothing serves components
        return
    registry = runtime.get_instance().component_registry
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in PROJECT_PACKAGES:
            for value in vars(module).values():
                if isinstance(value, CustomComponent):
                    registry.register_component(value)


def _read_shipped_models() -> None:
    """Inside a CNN opens on a shipped model: read each archive into the process-wide cache the page uses."""
    from ui.shipped_models import shipped_archive

    for name in pretrained.PRETRAINED:
        shipped_archive(name)


def _build_one_figure() -> None:
    """Plotly makes its validators for the first figure built (50 ms here); do it here, not on a visitor's page."""
    from ui import figures

    figures.probability_bars(["a", "b"], np.array([0.25, 0.75], np.float32), show_values=True)


def _load_vgg16() -> bool:
    """Load the shared VGG16; whether it loaded. A failure is logged, and the VGG16 page tries again when opened."""
    from ui.shared_vgg16 import load_classifier

    try:
        load_classifier()
    except vgg16.WeightsUnavailableError as error:
        _LOG.warning("VGG16 was not loaded at start-up: %s", error)
    except Exception:  # a damaged file, too little memory: the server starts anyway, the page says what is wrong
        _LOG.exception("VGG16 was not loaded at start-up")
    else:
        return True
    return False
