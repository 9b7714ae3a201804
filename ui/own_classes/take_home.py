"""Take it home: the whole model as a .keras file, the class names, and the Keras code to use and retrain it."""

from __future__ import annotations

import json

import streamlit as st

from cnn_core import model_store, transfer_code, vgg16
from ui.own_classes import state_keys as keys
from ui.own_classes.photo_classes import TrainedHead


def take_home_section(trained: TrainedHead, classifier: vgg16.Classifier) -> None:
    model = trained.full_model(classifier)
    head_weights = trained.head.count_params()
    convolutional_weights = model.count_params() - head_weights
    st.markdown(f"The download is the whole model: VGG16's convolutional part ({convolutional_weights:,} weights, "
                f"from ImageNet), the averaging into the CNN code, and your new head ({head_weights:,} weights), "
                f"about {4 * model.count_params() / 1e6:.0f} MB. It takes a 224 × 224 photo prepared as this page "
                "prepares it (the `prepare` function below) and answers with a probability for each class, in the "
                "order of the class names.")
    columns = st.columns(2)
    columns[0].download_button("Download the model (.keras)", lambda: model_store.model_bytes(model),
                               file_name=transfer_code.MODEL_FILE_NAME, mime="application/octet-stream",
                               icon=":material/download:", key=keys.DOWNLOAD_MODEL, on_click="ignore")
    columns[1].download_button("Download the class names (.json)",
                               json.dumps(list(trained.class_names), ensure_ascii=False, indent=1),
                               file_name="class_names.json", mime="application/json", icon=":material/download:",
                               key=keys.DOWNLOAD_NAMES, on_click="ignore")
    st.markdown("Keras code that loads the download, answers a photo, and rebuilds and retrains the head on "
                "photos of your own:")
    st.code(transfer_code.keras_code(trained.class_names, trained.code_scale), language="python")
