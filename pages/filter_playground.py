"""Filter Playground: slide kernels over a photo and watch the feature maps appear."""

import streamlit as st

from ui import image_picker, streamlit_adjustments, url_settings
from ui.playground import controls, sections, step_through
from ui.playground import state_keys as keys

streamlit_adjustments.require_app_entry_point()
SECTIONS = ("Feature maps", "Step by step", "Compare two kernels", "Noise: mean vs Gaussian")
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
link.publish()
link.show_notes()
if picked is None:
    st.stop()

try:
    layer_filter = controls.build_filter(settings)
except ValueError as error:
    st.error(f"This kernel cannot be used yet: {error}")
    st.stop()

clean, image = controls.prepare_input(picked, settings.grayscale, settings.noise_kind,
                                            settings.noise_level)
try:
    if section == "Feature maps":
        sections.feature_map_section(image, layer_filter, settings)
    elif section == "Step by step":
        step_through.step_through_section(layer_filter, settings)
    elif section == "Compare two kernels":
        sections.compare_section(image, layer_filter, settings)
    else:
        sections.noise_lab_section(clean, image, settings)
except ValueError as error:
    st.error(f"These settings do not work on this image: {error}")
