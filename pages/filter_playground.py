"""Filter Playground: slide kernels over a photo and watch the feature maps appear."""

import streamlit as st

from ui import image_picker, streamlit_adjustments, url_settings
from ui.playground import controls, sections
from ui.playground import state_keys as keys
from ui.playground.chosen_section import LAYER_SECTIONS, SECTIONS, chosen_section

streamlit_adjustments.require_app_entry_point()
SECTION_TOKENS = dict(zip(SECTIONS, ("maps", "steps", "compare", "noise")))
#: Every setting a link can hold; some are used only with some choices (noise_level with noise, for one).
LINKED_SETTINGS = ("photo", "section", *controls.LINKED_SETTINGS)

st.title("Filter Playground")
st.markdown(
    "A convolutional layer slides a small grid of numbers, the **kernel**, over the image. At every stop it "
    "multiplies the pixels under the kernel by its numbers and adds the products up: one value of the "
    "**feature map**. Like Keras' `Conv2D`, this is a cross-correlation (the kernel is not flipped). "
    "**Pooling** then shrinks the map by keeping the largest or the mean value of each window."
)

link = url_settings.UrlSettings("playground", LINKED_SETTINGS)
with st.sidebar:
    picked = image_picker.pick_image("playground", link)
    settings = controls.sidebar_settings(link)
start = link.choice("section", keys.SECTION, SECTIONS, SECTIONS[0], SECTION_TOKENS)
section = st.segmented_control("Show", SECTIONS, required=True, **start.as_default())
if section in LAYER_SECTIONS:
    sections.kernel_numbers(settings)
chosen_section(section, link, picked, settings)
