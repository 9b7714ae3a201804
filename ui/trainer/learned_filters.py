"""What the first conv layer learned: its kernels beside the hand-made kernels they resemble."""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core import kernels
from ui import figures
from ui.trainer.session import Trained


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
    per_row = 4
    for start in range(0, filters, per_row):
        columns = st.columns(per_row * 2)
        for offset in range(min(per_row, filters - start)):
            learned = weights[:, :, 0, start + offset]
            match = kernels.kernel_match(learned)
            columns[2 * offset].image(figures.kernel_picture(learned), caption=f"learned #{start + offset + 1}",
                                      width="stretch")
            if match is None:
                columns[2 * offset + 1].caption("no close match")
            else:
                columns[2 * offset + 1].image(figures.kernel_picture(match.kernel), width="stretch",
                                              caption=f"≈ {match.label} ({match.similarity:+.2f})")
