#!/bin/sh
# The app's start step, as the image runs it (Dockerfile) and as the balancer test starts each replica.
# CNN_ADDRESS and CNN_PORT choose where it listens (0.0.0.0:8501 in the image). The rest of the settings are
# in .streamlit/config.toml, and the operator's in the environment (ui/server_settings.py: CNN_HOSTED ...).
set -eu
cd "$(dirname "$0")/.."
exec python -m streamlit run app.py --server.headless true \
    --server.address "${CNN_ADDRESS:-0.0.0.0}" --server.port "${CNN_PORT:-8501}"
