"""Feature maps and vectors drawn so that a click on any cell tells the page which number it was.

The picture is a PNG on the signed colour scale of :mod:`ui.figures`; on top of
it lies one invisible marker per cell, carrying its (row, column, channel) or
unit, because Plotly reports clicks on markers but not on images.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui import figures

#: Cells between tiles.
GAP = 1
SELECTED_COLOUR = figures.GRID_HIGHLIGHT


def maps_figure(maps: np.ndarray, channels: Sequence[int], selected: tuple[int, int, int] | None = None,
                columns: int = 4, height: int | None = None) -> go.Figure:
    """Some channels of one layer's maps side by side, on one colour scale, every cell clickable.

    Parameters
    ----------
    maps : ndarray of float32, shape (H, W, C)
    channels : sequence of int
        The channels to draw, in order, ``columns`` to a row.
    selected : (row, column, channel), optional
        A cell to outline, when its channel is drawn.

    Returns
    -------
    go.Figure
        Its marker trace's ``customdata`` is ``[row, column, channel, value]`` per cell.
    """
    height_cells, width_cells = maps.shape[:2]
    row_gap = max(GAP, round(height_cells / 5))  # room for the channel names
    channels = list(channels)
    columns = max(1, min(columns, len(channels)))
    tile_rows = math.ceil(len(channels) / columns)
    canvas = np.full((tile_rows * (height_cells + row_gap) - row_gap, columns * (width_cells + GAP) - GAP),
                      np.nan, np.float32)
    rows, cells, data = [], [], []
    grid_rows, grid_columns = np.mgrid[0:height_cells, 0:width_cells]
    annotations, shapes = [], []
    for position, channel in enumerate(channels):
        top = (position // columns) * (height_cells + row_gap)
        left = (position % columns) * (width_cells + GAP)
        canvas[top : top + height_cells, left : left + width_cells] = maps[..., channel]
        rows.append((top + grid_rows).ravel())
        cells.append((left + grid_columns).ravel())
        data.append(np.stack([grid_rows.ravel(), grid_columns.ravel(), np.full(grid_rows.size, channel),
                              maps[..., channel].ravel()], axis=1))
        annotations.append(dict(x=left + width_cells / 2 - 0.5, y=top - 0.6, text=f"channel {channel}",
                                showarrow=False, yanchor="bottom", font=dict(size=11)))
        if selected is not None and selected[2] == channel:
            shapes.append(_outline(top + selected[0], left + selected[1]))
    scale = figures.colour_scale(maps[..., channels], photo=False)
    pixels = figures.colour_pixels(canvas, scale)
    pixels[np.isnan(canvas)] = 255  # white gaps between tiles
    markers = np.concatenate(data)
    traces = [go.Image(source=figures.png_uri(pixels), x0=0, dx=1, y0=0, dy=1, hoverinfo="skip"),
              _markers(np.concatenate(cells), np.concatenate(rows), markers,
                       "channel %{customdata[2]}, row %{customdata[0]}, column %{customdata[1]}<br>"
                       "value %{customdata[3]:.4~g}<extra></extra>"),
              figures.colour_bar(scale)]
    side = 150 * tile_rows + 30
    return _figure(traces, height or side, annotations, shapes)


def vector_figure(values: np.ndarray, selected: int | None = None, per_row: int = 64,
                  height: int | None = None) -> go.Figure:
    """A vector (a flattened CNN code, a dense layer) as strips of cells, ``per_row`` to a strip, each clickable.

    Its marker trace's ``customdata`` is ``[unit, value]`` per cell.
    """
    values = np.asarray(values, np.float32).ravel()
    per_row = max(1, min(per_row, len(values)))
    strips = math.ceil(len(values) / per_row)
    canvas = np.full(strips * per_row, np.nan, np.float32)
    canvas[: len(values)] = values
    canvas = canvas.reshape(strips, per_row)
    units = np.arange(len(values))
    scale = figures.colour_scale(values, photo=False)
    pixels = figures.colour_pixels(canvas, scale)
    pixels[np.isnan(canvas)] = 255
    traces = [go.Image(source=figures.png_uri(pixels), x0=0, dx=1, y0=0, dy=1, hoverinfo="skip"),
              _markers(units % per_row, units // per_row, np.stack([units, values], axis=1),
                       "number %{customdata[0]}<br>value %{customdata[1]:.4~g}<extra></extra>"),
              figures.colour_bar(scale)]
    shapes = [] if selected is None else [_outline(selected // per_row, selected % per_row)]
    return _figure(traces, height or min(60 + 14 * strips, 420), [], shapes)


def _markers(x: np.ndarray, y: np.ndarray, customdata: np.ndarray, hovertemplate: str) -> go.Scatter:
    # Small types: the browser receives every cell's numbers on every rerun (int64 and float64 tripled the
    # size, and a unit change took about 870 ms instead of 690 ms with six maps on the page).
    return go.Scatter(x=x.astype(np.int16), y=y.astype(np.int16), mode="markers",
                      customdata=customdata.astype(np.float32), hovertemplate=hovertemplate,
                      marker=dict(size=8, symbol="square", opacity=0),
                      selected=dict(marker=dict(opacity=0)), unselected=dict(marker=dict(opacity=0)))


def _outline(row: int, column: int) -> dict:
    return dict(type="rect", x0=column - 0.5, x1=column + 0.5, y0=row - 0.5, y1=row + 0.5,
                line=dict(color=SELECTED_COLOUR, width=3))


def _figure(traces: list, height: int, annotations: list, shapes: list) -> go.Figure:
    return go.Figure(traces, layout=dict(
        yaxis=dict(autorange="reversed", scaleanchor="x", constrain="domain", showgrid=False, zeroline=False,
                   showticklabels=False),
        xaxis=dict(constrain="domain", showgrid=False, zeroline=False, showticklabels=False), height=height,
        showlegend=False, annotations=annotations, shapes=shapes, clickmode="event+select", dragmode=False,
        margin=dict(l=0, r=0, t=24, b=0)))


def clicked(event: object) -> list[int] | None:
    """The cell a Streamlit selection event names: its ``customdata`` indices as whole numbers, or None.

    Plotly sends a NumPy ``customdata`` row back as ``{"0": ..., "1": ...}``; a list is taken as it is.
    The value (the last entry) is left out. Anything else the browser sends gives None.
    """
    try:
        points = list(event["selection"]["points"])
    except (KeyError, TypeError):
        return None
    for point in points:
        data = point.get("customdata") if isinstance(point, dict) else None
        try:
            if isinstance(data, dict):
                data = [data[key] for key in sorted(data, key=int)]
            indices = [int(value) for value in data[:-1]]
        except (TypeError, ValueError, KeyError):
            continue
        if indices and all(index >= 0 for index in indices):
            return indices
    return None
