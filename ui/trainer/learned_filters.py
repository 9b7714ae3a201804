"""What the first conv layer learned: its kernels beside the hand-made kernels they resemble."""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core import kernels
from ui import pictures
from ui.trainer.session import Trained

#: Each kernel's width on screen in CSS pixels: two learned-and-preset pairs fit a 390 px phone.
KERNEL_WIDTH = 68


def filters_section(trained: Trained) -> None:
    first_conv = next(layer for layer in trained.model.layers if type(layer).__name__ == "Conv2D")
    weights = np.asarray(first_conv.get_weights()[0])  # (k, k, 1, filters)
    size, filters = weights.shape[0], weights.shape[-1]
    st.markdown(f"The **{filters} kernels** that `{first_conv.name}` learned ({size} × {size} each), beside the "
                "hand-made kernel of the Filter Playground each most resembles. Similarity is the cosine of the "
                "two as vectors: 1 is the same pattern, −1 the same pattern with dark and light swapped (shown as "
                "the inverted preset), 0 nothing in common. Below "
                f"{kernels.MATCH_THRESHOLD:.1f} either way, less than half of the pattern is the preset's, so it "
                "says no close match. Blue is negative, red positive.")
    grid = st.container(horizontal=True, gap="medium")  # the pairs wrap: two to a row on a phone
    for index in range(filters):
        learned = weights[:, :, 0, index]
        match = kernels.kernel_match(learned)
        pair = grid.container(horizontal=True, gap="small", width="content")
        pair.image(pictures.kernel_picture(learned), caption=f"learned #{index + 1}", width=KERNEL_WIDTH)
        if match is None:
            pair.caption("no close match", width=KERNEL_WIDTH)
        else:
            pair.image(pictures.kernel_picture(match.kernel), caption=f"≈ {match.label} ({match.similarity:+.2f})",
                       width=KERNEL_WIDTH)
