"""The layout stays as the README describes it: small modules, no generated code run, keys in one place."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted([*(ROOT / "cnn_core").rglob("*.py"), *(ROOT / "ui").rglob("*.py")])
PAGE_FOLDERS = {"pages/trainer.py": "ui/trainer", "pages/filter_playground.py": "ui/playground",
                "pages/vgg16_classifier.py": "ui/classifier", "pages/inside_cnn.py": "ui/inside_cnn",
                "pages/own_classes.py": "ui/own_classes"}


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_module_can_be_read_in_one_sitting(path):
    assert len(path.read_text().splitlines()) <= 300


@pytest.mark.parametrize("path", sorted((ROOT / "cnn_core").glob("*.py")), ids=lambda path: path.name)
def test_the_library_runs_no_generated_code_and_uses_only_public_keras(path):
    tree = ast.parse(path.read_text())
    calls = [node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    imports = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imports += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert "exec" not in calls and "eval" not in calls
    assert not [name for name in imports if name.startswith("keras.src")]


@pytest.mark.parametrize(("page", "folder"), list(PAGE_FOLDERS.items()))
def test_a_pages_widgets_take_their_keys_from_its_state_keys_module(page, folder):
    written = []
    for path in [ROOT / page, *sorted((ROOT / folder).glob("*.py"))]:
        if path.name == "state_keys.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg == "key" and isinstance(node.value, ast.Constant):
                written.append(f"{path.name}:{node.value.lineno} key={node.value.value!r}")
    assert written == [], f"add these to {folder}/state_keys.py"
