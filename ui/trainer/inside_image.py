"""Inside one test image: where the evidence for a class lies (Grad-CAM), and every layer's feature maps."""

from __future__ import annotations

import streamlit as st

from cnn_core import explain
from cnn_core.training_data import PreparedData
from ui import pictures
from ui.map_view import map_view
from ui.trainer import state_keys as keys
from ui.trainer.session import Trained, evaluation_of


def inside_section(trained: Trained, data: PreparedData) -> None:
    evaluation = evaluation_of(trained, data)
    names = trained.class_names
    index = st.number_input("Test image number", 0, len(data.test_labels) - 1, 0, key=keys.INSIDE_INDEX,
                            help="Any of the test images; the mistakes gallery shows the numbers of wrong ones.")
    batch = data.test_inputs[index : index + 1]
    predicted = int(evaluation.predictions[index])
    columns = st.columns([1, 2])
    with columns[0]:
        st.image(pictures.enlarged(data.test_images[index], 168), caption=f"True: {names[data.test_labels[index]]}. "
                 f"Model: {names[predicted]} ({100 * evaluation.probabilities[index, predicted]:.1f} %)")
    with columns[1]:
        explained = st.selectbox("Grad-CAM for the class", range(len(names)), index=predicted,
                                 format_func=lambda i: names[i],
                                 key=keys.inside_cam_class(index, trained.weights_version()),
                                 help="Where in the picture the evidence for this class lies, from the last "
                                      "conv layer's maps weighted by their gradients.")
        try:
            heatmap = explain.grad_cam(trained.model, batch, explained)
            st.image(pictures.heatmap_overlay(pictures.enlarged(data.test_images[index], 168), heatmap), width=168,
                     caption=f"Grad-CAM: red is where the evidence for “{names[explained]}” lies")
        except ValueError as error:
            st.info(f"No Grad-CAM for this model: {error}")
    st.markdown("**Feature maps** of every conv and pooling layer for this image (the first 16 channels):")
    for layer in trained.model.layers:
        if type(layer).__name__ in ("Conv2D", "MaxPooling2D", "AveragePooling2D"):
            maps = explain.layer_output(trained.model, batch, layer.name)[0]
            height, width, channels = maps.shape
            st.markdown(f"`{layer.name}` ({type(layer).__name__}): {height} × {width} × {channels}")
            mosaic = explain.tile_channels(maps, 16, columns=8)
            map_view(mosaic, keys.inside_layer(layer.name), height=max(120, 12 * mosaic.shape[0]), photo_range=False)
