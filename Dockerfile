# The app as a container image: slim, non-root, healthy when Streamlit says so. deploy/README.md tells how to
# run several behind nginx, and what was and was not executed of this file.
ARG PYTHON_IMAGE=python:3.12-slim-bookworm
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Many visitors share this server: saved models stay private to each tab (ui/server_settings.py).
    CNN_HOSTED=1 \
    # The VGG16 weights and the datasets: read from /data when mounted there, else downloaded once into
    # /cache (a volume the replicas can share).
    KERAS_HOME=/cache/keras

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin app \
    && mkdir -p /cache/keras \
    && chown 10001:10001 /cache/keras

WORKDIR /app
# The install step first, so that a change to the app's code does not reinstall TensorFlow.
COPY requirements.txt ./
COPY deploy/install.sh deploy/
RUN sh deploy/install.sh
COPY --chown=10001:10001 . .

USER 10001
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 CMD ["python", "deploy/healthcheck.py"]
CMD ["sh", "deploy/start.sh"]
