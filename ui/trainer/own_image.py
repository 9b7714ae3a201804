"""The model's answer for a person's own photo, and the 28 × 28 picture it actually receives."""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core import datasets
from ui import figures
from ui.image_picker import PickedImage
from ui.text import plain
from ui.trainer import state_keys as keys
from ui.trainer.session import Trained


def own_image_section(trained: Trained, picked: PickedImage) -> None:
    sample = datasets.photo_to_sample(picked.pixels)
    probabilities = np.asarray(trained.model.predict(datasets.to_model_input(sample), verbose=0))[0]
    names = list(trained.class_names)
    columns = st.columns([1, 1, 2])
    columns[0].image(picked.pixels, caption=plain(picked.name), width="stretch")
    columns[1].image(figures.enlarged(sample, 168), caption="What the model receives: 28 × 28, light item on black, "
                     "centred", width="stretch")
    best = int(probabilities.argmax())
    with columns[2]:
        st.markdown(f"The model says **{names[best]}** ({100 * probabilities[best]:.1f} %).")
        st.plotly_chart(figures.probability_bars(names, probabilities), key=keys.OWN_IMAGE_PROBABILITIES)
    st.caption("The photo is made grayscale, inverted if its background is light, cropped to the item, scaled to "
               "fit 20 × 20 and centred in 28 × 28, as the dataset's pictures were made.")
