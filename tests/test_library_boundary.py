"""cnn_core is a plain library: no Streamlit inside, and cheap to import."""

import ast
import subprocess
import sys
from pathlib import Path

LIBRARY = Path(__file__).resolve().parents[1] / "cnn_core"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_module_of_cnn_core_imports_streamlit():
    offenders = [path.name for path in LIBRARY.rglob("*.py") if "streamlit" in _imported_modules(path)]
    assert offenders == []


def test_the_convolution_modules_do_not_pull_in_tensorflow():
    code = ("import sys; from cnn_core import conv, kernels, images; "
            "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=LIBRARY.parent)
    assert result.stdout.strip() == "False"


def test_the_home_page_and_the_playground_render_without_tensorflow():
    """The first pages a visitor sees must not wait for TensorFlow's import (seconds on a small instance)."""
    code = ("import sys; from streamlit.testing.v1 import AppTest; "
            "app = AppTest.from_file('app.py', default_timeout=120).run(); "
            "app.switch_page('pages/filter_playground.py').run(); "
            "assert not app.exception and app.get('plotly_chart'), 'the playground did not render'; "
            "print(sorted({'tensorflow', 'keras'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=LIBRARY.parent)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_streamlit_no_longer_clears_keras_after_each_run(app):
    """Streamlit's clear_session after every run cleared TensorFlow's kernel cache under running trainings."""
    from streamlit.runtime.scriptrunner import script_runner

    from ui import streamlit_adjustments

    assert script_runner._clean_problem_modules is streamlit_adjustments._close_matplotlib_figures
