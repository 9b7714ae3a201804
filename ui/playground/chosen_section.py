"""The Playground below its "Show" choice: the layer's controls and the chosen section, as one fragment.

Moving a layer control (the stride, say) reruns only this fragment: the browser redraws the pictures, their
shapes and formulas, not the sidebar, the title and the photo picker too. Redrawing those took about a fifth
of a Stride move's time on a 1024 × 1024 photo (``bench/bench_browser.py``). The sidebar's controls and the
"Show" choice rerun the whole page, and the fragment with it.
"""

from __future__ import annotations

import streamlit as st

from ui.image_picker import PickedImage
from ui.playground import controls, sections, step_through
from ui.url_settings import UrlSettings

SECTIONS = ("Feature maps", "Step by step", "Compare two kernels", "Noise: mean vs Gaussian")
#: The sections a layer's stride, padding, ReLU and pooling change (the noise lab compares two blurs only).
LAYER_SECTIONS = SECTIONS[:3]


@st.fragment
def chosen_section(section: str, link: UrlSettings, picked: PickedImage | None,
                   settings: controls.LayerSettings) -> None:
    """Draw a custom kernel's editor, the layer's controls where ``section`` uses them, then ``section`` on
    ``picked`` with ``settings`` from the sidebar; write the page's settings into its URL (``link``) before
    the section."""
    try:
        layer_filter, problem = controls.build_filter(settings), None  # first, the custom kernel's editor
    except ValueError as error:
        layer_filter, problem = None, f"This kernel cannot be used yet: {error}"
    if section in LAYER_SECTIONS:
        settings = controls.layer_controls(link, settings)
    link.publish()
    link.show_notes()
    if problem:
        st.error(problem)
    if problem or picked is None:
        return
    clean, image = controls.prepare_input(picked, settings.grayscale, settings.noise_kind, settings.noise_level)
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
