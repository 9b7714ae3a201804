"""Try it: a new photo through VGG16's convolutional part and the new head, its probabilities, and Grad-CAM."""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core import explain, transfer, vgg16
from ui import figures, image_picker, pictures
from ui.own_classes import state_keys as keys
from ui.own_classes.photo_classes import OwnClasses, TrainedHead
from ui.text import plain, plotly_text

#: Below this top probability the page says the model is unsure (as the Trainer does for own photos).
LOW_CONFIDENCE = 0.6


def try_section(state: OwnClasses, trained: TrainedHead, classifier: vgg16.Classifier) -> None:
    st.markdown("Show the new model a photo it has not seen: a new camera shot, an upload, or one of the bundled "
                "photos (which belong to none of your classes).")
    picked = image_picker.pick_image("own_try")
    if picked is None:
        return
    probabilities = trained.head.predict(transfer.cnn_codes(classifier, [picked.pixels], cache=state.code_cache),
                                         verbose=0)[0]
    order = np.argsort(-probabilities, kind="stable")
    names = trained.class_names
    columns = st.columns([2, 3])
    columns[0].image(picked.pixels, caption=plain(picked.name), width="stretch")
    with columns[1]:
        bars = figures.probability_bars([plotly_text(names[index]) for index in order], probabilities[order],
                                        height=60 + 34 * len(names), show_values=True)
        st.plotly_chart(bars, key=keys.TRY_BARS)
        best = order[0]
        if probabilities[best] < LOW_CONFIDENCE:
            st.warning(f"The model is unsure: its best guess, “{plain(names[best])}”, has only "
                       f"{100 * probabilities[best]:.1f} %. The photo may show none of your classes, or look like "
                       "several of them.")
        st.caption("The model always answers with one of your classes, even for a photo of something else: it "
                   "knows nothing but them.")
    _grad_cam(trained, classifier, picked.pixels, order)


def _grad_cam(trained: TrainedHead, classifier: vgg16.Classifier, pixels: np.ndarray, order: np.ndarray) -> None:
    st.markdown("**Where it looks** (Grad-CAM): VGG16's last conv layer (`block5_conv3`, 14 × 14 maps) weighted by "
                "how much each map raises the chosen class's score in the new head, before the softmax.")
    names = trained.class_names
    columns = st.columns(2)
    chosen = columns[0].selectbox("Explain the class", [int(index) for index in order], key=keys.CAM_CLASS,
                                  format_func=lambda index: names[index],
                                  help="Grad-CAM for the top answer, or any other of your classes.")
    opacity = columns[1].slider("Heatmap opacity", 0.0, 1.0, 0.5, 0.05, key=keys.CAM_OPACITY,
                                help="0 shows only the photo VGG16 saw, 1 only the heatmap.")
    batch = vgg16.preprocess(pixels)
    with classifier.lock:
        heatmap = explain.grad_cam(trained.full_model(classifier), batch, chosen, layer_name="block5_conv3")
    picture, _ = st.columns([3, 2])
    picture.image(pictures.heatmap_overlay(vgg16.deprocess(batch), heatmap, opacity), width="stretch",
                  caption=f"Red: the strongest evidence for “{plain(names[chosen])}”")
