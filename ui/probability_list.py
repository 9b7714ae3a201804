"""Class probabilities as a list of labelled bars, drawn with Streamlit's own progress bars.

No chart library has to reach the browser first (Plotly's 2 s of loading on a fresh page, on 2 cores, was
most of the time Inside a CNN took to appear), every label and percentage is written out in full, and the
list reads the same on a phone's narrow screen as on a desktop.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from ui.text import plain


def probability_lines(labels: Sequence[str], probabilities: np.ndarray) -> list[tuple[str, float]]:
    """(text, bar length in [0, 1]) for each class, in the order given: "Dress: 92.31 %"."""
    return [(f"{plain(label)}: {100 * float(probability):.2f} %", min(max(float(probability), 0.0), 1.0))
            for label, probability in zip(labels, probabilities, strict=True)]


def probability_list(labels: Sequence[str], probabilities: np.ndarray) -> None:
    """One bar per class with its label and percentage; ``probabilities`` in [0, 1], one per label."""
    for text, length in probability_lines(labels, probabilities):
        st.progress(length, text=text)
