#!/bin/sh
# The app's install step, as the image runs it (Dockerfile) and as tests/test_deploy.py runs it.
# Extra arguments go to pip (the test passes --dry-run).
set -eu
cd "$(dirname "$0")/.."
exec python -m pip install --no-cache-dir -r requirements.txt "$@"
