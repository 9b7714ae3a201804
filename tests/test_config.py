"""The production settings in .streamlit/config.toml are what `streamlit run app.py` uses."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

EXPECTED = {
    "server.maxUploadSize": 20,
    "server.enableXsrfProtection": True,
    "server.fileWatcherType": "none",
    "server.runOnSave": False,
    "browser.gatherUsageStats": False,
    "runner.postScriptGC": False,
    "client.showErrorDetails": "none",
}


@pytest.fixture(scope="module")
def options() -> dict:
    """The options as Streamlit's own config reader sees them from the project folder."""
    code = ("import json; from streamlit import config; "
            f"print(json.dumps({{name: config.get_option(name) for name in {list(EXPECTED)!r}}}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", list(EXPECTED))
def test_production_setting(options, name):
    assert options[name] == EXPECTED[name]
