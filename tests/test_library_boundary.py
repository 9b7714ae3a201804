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
