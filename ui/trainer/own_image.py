"""The model's answer for a person's own photo, the 28 × 28 picture it actually receives, and how familiar it is."""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core import datasets, familiarity, own_photos
from cnn_core.training_data import PreparedData
from ui import figures, pictures
from ui.image_picker import PickedImage
from ui.text import plain
from ui.trainer import state_keys as keys
from ui.trainer.session import Trained, familiarity_reference_of


def how_judged(reference: familiarity.Reference) -> str:
    """The check in plain words, with the sizes of ``reference``."""
    width, training = reference.training_features.shape[1], len(reference.training_features)
    return ("A model gives every picture a probability for each of its classes, whatever the picture shows, so a "
            "high probability alone does not mean it recognised anything. This check looks at the "
            f"{width:,} numbers the network computes just before its output layer. For the photo, and for "
            f"{len(reference.held_out_distances):,} test pictures it never trained on, it measures how far those "
            f"numbers lie from the {familiarity.NEIGHBOURS} closest of {training:,} training pictures (cosine "
            f"distance: 0 is the same pattern). A photo farther away than {_percent(familiarity.LIMIT_SHARE)} of "
            "the test pictures is called unlike the training pictures.")


def _percent(share: float) -> str:
    """0.994 -> "99.4 %", 0.99 -> "99 %"."""
    return f"{100 * share:.1f}".removesuffix(".0") + " %"


def own_image_section(trained: Trained, data: PreparedData, picked: PickedImage) -> None:
    sample = own_photos.photo_to_sample(picked.pixels)
    inputs = datasets.to_model_input(sample)
    probabilities = np.asarray(trained.model.predict(inputs, verbose=0))[0]
    names = list(trained.class_names)
    columns = st.columns([1, 1, 2])
    columns[0].image(picked.pixels, caption=plain(picked.name), width="stretch")
    columns[1].image(pictures.enlarged(sample, 168), caption="What the model receives: 28 × 28, light item on black, "
                     "centred", width="stretch")
    best = int(probabilities.argmax())
    with columns[2]:
        st.markdown(f"The model says **{names[best]}** ({100 * probabilities[best]:.1f} %).")
        st.plotly_chart(figures.probability_bars(names, probabilities), key=keys.OWN_IMAGE_PROBABILITIES)
    if len(data.train_inputs):
        _familiarity_check(trained, data, inputs, float(probabilities[best]))
    else:
        st.caption("The training pictures could not be read (see the sidebar), so this photo cannot be compared "
                   "with them: the answer may come from a photo unlike anything the model learned from.")
    st.caption("The photo is made grayscale, inverted if its background is light, cropped to the item, scaled to "
               "fit 20 × 20 and centred in 28 × 28, as the dataset's pictures were made.")


def _familiarity_check(trained: Trained, data: PreparedData, inputs: np.ndarray, top_probability: float) -> None:
    """How far the photo lies from the training pictures, and what that says about the answer."""
    with st.spinner("Comparing with training and test pictures…"):
        reference = familiarity_reference_of(trained, data)
    judged = familiarity.familiarity(trained.model, reference, inputs)
    _verdict(judged, top_probability)
    with st.expander("How “unlike the training pictures” is judged"):
        st.markdown(how_judged(reference))
        st.markdown(f"This photo: distance **{judged.distance:.3f}**; {_percent(judged.closer_share)} of the test "
                    f"pictures are closer, and {_percent(familiarity.LIMIT_SHARE)} are within "
                    f"**{judged.limit:.3f}**.")


def _verdict(judged: familiarity.Familiarity, top_probability: float) -> None:
    if judged.is_unlike_training:
        st.warning(f"This picture is unlike the ones the model learned from: it lies farther from them than "
                   f"{_percent(judged.closer_share)} of the test pictures do. The model still has to pick one of its "
                   "classes, so treat its answer as a guess, however sure it sounds.", icon=":material/help:")
    elif top_probability < familiarity.UNSURE_BELOW:
        st.info(f"The picture is like the training pictures, but the model is unsure: its top answer gets only "
                f"{_percent(top_probability)}.", icon=":material/balance:")
    else:
        st.caption(f"The picture is like the training pictures: as close to them as a test picture can be "
                   f"({_percent(judged.closer_share)} of the test pictures are closer).")
