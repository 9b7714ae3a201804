"""Keep TensorFlow's start-up chatter out of a newcomer's terminal: CUDA and oneDNN notices, on every CPU machine.

TensorFlow prints them from C++ as it is imported, some before its own log
level applies, so :func:`quiet_tensorflow_logs` both sets that level and
imports TensorFlow (whenever something first imports it) with the process's
standard error sent to a temporary file; if the import fails, what it printed
is passed on before the error. Set ``CNN_TENSORFLOW_LOGS=all`` to see everything.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import os
import sys
import tempfile
from types import ModuleType

#: The environment variable that keeps TensorFlow's own logging as it is, when set to "all".
SETTING = "CNN_TENSORFLOW_LOGS"


def quiet_tensorflow_logs() -> None:
    """Hide TensorFlow's notices and C++ log lines from now on, unless ``CNN_TENSORFLOW_LOGS=all``.

    Call it before anything imports TensorFlow; it imports nothing itself. Python
    warnings and exceptions are untouched.
    """
    if os.environ.get(SETTING, "").lower() == "all" or "tensorflow" in sys.modules:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # C++ info, warning and error lines after start-up
    if not any(isinstance(finder, _QuietImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _QuietImport())


class _QuietImport(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` as usual, but runs its import with file descriptor 2 sent to a temporary file."""

    def find_spec(self, name: str, path, target: ModuleType | None = None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once: the real finders do the rest
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        with tempfile.TemporaryFile() as captured:
            try:
                with _standard_error_to(captured):
                    self._loader.exec_module(module)
            except BaseException:
                captured.seek(0)
                sys.stderr.write(captured.read().decode(errors="replace"))
                raise


@contextlib.contextmanager
def _standard_error_to(file):
    """Point file descriptor 2 (C++'s stderr as well as Python's) at ``file`` for a while."""
    sys.stderr.flush()
    saved = os.dup(2)
    os.dup2(file.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
