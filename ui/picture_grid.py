"""Small pictures side by side, as many to a row as the screen has room for: three on a phone, more on a desktop
(``st.columns`` would stack them one per row on a phone)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

#: Each picture's width on screen in CSS pixels: three of them and their gaps fit a 390 px phone.
PICTURE_WIDTH = 104


def picture_grid(pictures: Sequence[np.ndarray], captions: Sequence[str], width: int = PICTURE_WIDTH) -> None:
    """``pictures`` (each (H, W) or (H, W, 3) uint8) in rows that wrap, each ``width`` px wide over its caption."""
    grid = st.container(horizontal=True, gap="small")
    for picture, caption in zip(pictures, captions, strict=True):
        grid.image(picture, caption=caption, width=width)
