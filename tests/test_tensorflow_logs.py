"""TensorFlow's start-up notices stay out of the terminal, unless asked for; a failing import still tells why."""

import os
import subprocess
import sys
import types

import pytest

from cnn_core import tensorflow_logs
from tests.conftest import ROOT

IMPORT_AND_RUN = ("from cnn_core import tensorflow_logs; tensorflow_logs.quiet_tensorflow_logs(); "
                  "import keras; keras.layers.Dense(2)(keras.ops.ones((1, 2))); print('ran')")


def _run(**environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if key not in ("TF_CPP_MIN_LOG_LEVEL", "CNN_TENSORFLOW_LOGS")}
    return subprocess.run([sys.executable, "-c", IMPORT_AND_RUN], cwd=ROOT, capture_output=True, text=True,
                          env={**env, "PYTHONPATH": str(ROOT), **environment}, check=True)


def test_importing_and_using_tensorflow_prints_nothing():
    result = _run()
    assert result.stdout.strip() == "ran"
    assert result.stderr == ""


def test_all_shows_tensorflows_own_lines_again():
    quiet, chatty = _run(), _run(CNN_TENSORFLOW_LOGS="all")
    assert chatty.stdout.strip() == "ran" and len(chatty.stderr) >= len(quiet.stderr)


def test_a_failing_import_passes_on_what_it_printed(capsys):
    class Failing:
        def create_module(self, spec):
            return None

        def exec_module(self, module):
            os.write(2, b"libcudart.so: cannot open shared object file\n")
            raise ImportError("broken install")

    with pytest.raises(ImportError, match="broken install"):
        tensorflow_logs._QuietLoader(Failing()).exec_module(types.ModuleType("tensorflow"))
    assert "libcudart.so: cannot open shared object file" in capsys.readouterr().err
