"""A picture of cells (feature maps, a vector) that says which cell was clicked: a Streamlit component of plain HTML.

A Plotly chart reports clicks only on markers, and a marker per cell made every rerun send and draw thousands
of them (a unit change took 700 to 900 ms with six maps on the page); this sends one small PNG.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit.components.v1 as components

FRONTEND = Path(__file__).parent / "frontend"

_picture = components.declare_component("clickable_picture", path=str(FRONTEND))


def clickable_picture(source: str, cells: tuple[int, int], key: str, selected: tuple[int, int] | None = None,
                      labels: Sequence[dict] = (), describe: dict | None = None, height: int = 160,
                      on_click: Callable[[], None] | None = None) -> None:
    """Show ``source`` (a PNG data URL, one pixel per cell, ``cells`` = (rows, columns)) ``height`` pixels high.

    ``selected`` (row, column) is outlined; ``labels`` are ``{"text", "row", "column"}`` drawn above those
    cells; ``describe`` tells the browser how to name a hovered cell (see the frontend). A click stores
    ``{"row", "column", "clicks"}`` under ``key`` and calls ``on_click``.
    """
    _picture(src=source, cells=list(cells), selected=list(selected) if selected else None, labels=list(labels),
             describe=describe, height=height, key=key, default=None, on_change=on_click)


def clicked_cell(value: object) -> tuple[int, int] | None:
    """The (row, column) a click stored, or None for anything else the browser may send."""
    if not isinstance(value, dict):
        return None
    row, column = value.get("row"), value.get("column")
    if not all(isinstance(number, int) and not isinstance(number, bool) and number >= 0 for number in (row, column)):
        return None
    return row, column
