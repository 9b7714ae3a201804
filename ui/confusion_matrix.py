"""A confusion matrix, true classes in rows and answers in columns, correct answers green and mistakes red: as a
table (for a few classes) or as a grid of clickable squares that fits a phone (for ten)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler

#: The grid's squares are this many CSS pixels apart: ten of them and the class names fit a 390 px phone.
CELL_PIXELS = 26
#: Room for the class names: left of the rows, below the columns (written at a slant).
NAMES_PIXELS = 82


def confusion_table(confusion: np.ndarray, names: list[str]) -> Styler:
    """``confusion`` (classes × classes counts) with class names on both axes, coloured by count.

    The diagonal is green, the rest red; the more images in a cell, the stronger its colour (each scaled to the
    largest count of its kind). Empty cells stay white.
    """
    frame = pd.DataFrame(confusion, index=names, columns=names)
    colours = cell_colours(confusion)
    return frame.style.apply(lambda shown: pd.DataFrame(
        [[f"background-color: {colour}" if colour else "" for colour in row] for row in colours],
        index=shown.index, columns=shown.columns), axis=None)


def confusion_figure(confusion: np.ndarray, names: list[str]) -> go.Figure:
    """``confusion`` as one square per cell with its count written in it, coloured as :func:`confusion_table`.

    Point ``k`` of the figure's one trace is the cell at row ``k // len(names)``, column ``k % len(names)``
    (its x is the answered class, its y the true class), so a clicked square names its cell. Plotly selects
    nothing on a tap (touch screens show the square's count instead), and dragging does nothing, so that a
    finger scrolls the page over it.
    """
    count = len(names)
    true_classes, answers = np.indices(confusion.shape)
    colours = [colour or "white" for row in cell_colours(confusion) for colour in row]
    side = CELL_PIXELS * count
    figure = go.Figure(go.Scatter(
        x=answers.ravel(), y=true_classes.ravel(), mode="markers+text", text=[str(cell) for cell in confusion.ravel()],
        textfont={"size": 10, "color": "#222222"}, marker={"symbol": "square", "size": CELL_PIXELS - 2,
                                                            "color": colours, "line": {"width": 1, "color": "#d0d0d0"}},
        customdata=[[names[row], names[column]] for row, column in zip(true_classes.ravel(), answers.ravel())],
        hovertemplate="true class %{customdata[0]}, answered %{customdata[1]}: %{text} images<extra></extra>"))
    axis = {"tickvals": list(range(count)), "ticktext": names, "fixedrange": True, "showgrid": False,
            "zeroline": False, "tickfont": {"size": 10}}
    figure.update_xaxes(**axis, range=[-0.5, count - 0.5], tickangle=-50)
    figure.update_yaxes(**axis, range=[count - 0.5, -0.5])
    figure.update_layout(width=side + NAMES_PIXELS + 8, height=side + NAMES_PIXELS + 8, showlegend=False,
                         margin={"l": NAMES_PIXELS, "b": NAMES_PIXELS, "t": 8, "r": 8}, clickmode="event+select",
                         dragmode=False, plot_bgcolor="white")
    return figure


def cell_colours(confusion: np.ndarray) -> list[list[str]]:
    """Each cell's CSS colour ('' for an empty cell): green on the diagonal scaled to its largest count, red
    elsewhere scaled to the largest mistake count."""
    diagonal = np.eye(len(confusion), dtype=bool)
    largest_off_diagonal = max(1, int(confusion[~diagonal].max(initial=0)))
    strength = np.where(diagonal, confusion / max(1, confusion.max()), confusion / largest_off_diagonal)
    base = np.where(diagonal, "44, 160, 44", "214, 39, 40")
    return [[f"rgba({colour}, {0.1 + 0.7 * level:.2f})" if value else ""
             for colour, level, value in zip(colour_row, level_row, value_row)]
            for colour_row, level_row, value_row in zip(base, strength, confusion)]
