"""A photo or feature map as a picture whose values the pointer reads: a Streamlit component of plain HTML.

A Plotly image chart of the same picture cost about a third of a Filter Playground slider move on a
1024 × 1024 photo: Plotly decoded the values from base64 and rebuilt the chart in JavaScript on every move.
This sends the values as bytes with their colour scale; the browser colours them onto a canvas
(``frontend/colours.js``, as :attr:`ui.pictures.MapPicture.pixels` does) and keeps them for the pointer (a
mouse, or a finger on a phone). Colouring and encoding a PNG on the server instead took a fifth of a slider
move's time there, and sent the picture beside the values it is made of.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit.components.v1 as components

from ui.pictures import map_picture

FRONTEND = Path(__file__).parent / "frontend"
#: The typed array the browser reads each dtype of :attr:`ui.pictures.MapPicture.values` into.
VALUE_TYPES = {np.dtype(np.uint8): "u1", np.dtype(np.int16): "i2", np.dtype(np.float32): "f4"}

_view = components.declare_component("map_view", path=str(FRONTEND))


def map_view(feature_map: np.ndarray, key: str, height: int = 340, show_scale: bool = True,
             photo_range: bool = True) -> None:
    """Draw ``feature_map`` (H, W) or (H, W, 3) at most ``height`` pixels high and as wide as its column allows.

    ``show_scale`` draws the colour bar of a one-channel map under it; ``photo_range`` as for
    :func:`ui.pictures.map_picture`.
    """
    drawn = map_picture(feature_map, photo_range)
    scale = None
    if drawn.scale is not None:
        scale = {"stops": drawn.scale["colorscale"], "low": drawn.scale["zmin"], "high": drawn.scale["zmax"]}
    _view(values=drawn.values.tobytes(), value_type=VALUE_TYPES[drawn.values.dtype], shape=list(drawn.values.shape),
          step=drawn.step, map_shape=list(np.shape(feature_map)[:2]), scale=scale, show_scale=show_scale,
          height=height, key=key, default=None)
