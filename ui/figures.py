"""Plotly figures for images, feature maps and small teaching grids.

No Streamlit here: every function takes arrays and returns a ``go.Figure``,
so the figures can be tested and reused by any page.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from cnn_core import images

#: Larger maps are shown by sampling every n-th pixel; hover keeps true coordinates.
DISPLAY_MAX_SIDE = 480
#: Signed values: blue below zero, mid-grey at zero, red above.
DIVERGING = [[0.0, "#1f4e9c"], [0.5, "#808080"], [1.0, "#b2182b"]]
GRID_HIGHLIGHT = "#f5a623"


def feature_map_figure(feature_map: np.ndarray, height: int = 340, show_scale: bool = True,
                       photo_range: bool = True) -> go.Figure:
    """A photo or feature map, with its true values on hover.

    Parameters
    ----------
    feature_map : ndarray of shape (H, W) or (H, W, 3)
        Grayscale maps are a heatmap: grey for non-negative values, the
        diverging scale with zero at mid-grey when any value is negative.
        Three-channel maps are a colour picture, scaled as
        :func:`cnn_core.images.to_display` does.
    show_scale : bool
        Draw the colour bar beside a grayscale map.
    photo_range : bool
        Grey scale from 0 to at least 255, like a photo; False stretches it to
        the map's own largest value.
    """
    step = max(1, int(np.ceil(max(feature_map.shape[:2]) / DISPLAY_MAX_SIDE)))
    sampled = np.asarray(feature_map)[::step, ::step]
    rows, cols = np.arange(0, feature_map.shape[0], step), np.arange(0, feature_map.shape[1], step)
    if sampled.ndim == 2:
        trace = go.Heatmap(z=sampled.astype(np.float32), x=cols, y=rows, hovertemplate=(
            "row %{y}, column %{x}<br>value %{z:.4g}<extra></extra>"), showscale=show_scale,
            **_colour_scale(sampled, photo=photo_range))
    elif sampled.dtype == np.uint8:  # a photo: the pixels drawn are its true values
        trace = go.Image(z=sampled, x0=0, dx=step, y0=0, dy=step, hovertemplate=(
            "row %{y}, column %{x}<br>R %{z[0]}, G %{z[1]}, B %{z[2]}<extra></extra>"))
    else:  # a three-channel feature map: drawn scaled, its true values on hover
        trace = go.Image(z=images.to_display(sampled), x0=0, dx=step, y0=0, dy=step,
                         customdata=sampled.astype(np.float32), hovertemplate=(
                             "row %{y}, column %{x}<br>R %{customdata[0]:.4g}, G %{customdata[1]:.4g}, "
                             "B %{customdata[2]:.4g}<extra></extra>"))
    # One constructor call: three update_* calls afterwards cost as much again on every slider move.
    return go.Figure(trace, layout=dict(
        yaxis=dict(autorange="reversed", scaleanchor="x", constrain="domain", showgrid=False),
        xaxis=dict(constrain="domain", showgrid=False), height=height, margin=dict(l=0, r=0, t=10, b=0)))


def grid_figure(values: np.ndarray, highlight: tuple[int, int, int, int] | None = None,
                dim_mask: np.ndarray | None = None, decimals: int = 2, height: int = 260) -> go.Figure:
    """A small matrix with every value written in its cell.

    Parameters
    ----------
    values : ndarray of shape (rows, cols)
        Cells holding NaN are drawn empty (not computed yet).
    highlight : (top, left, height, width), optional
        A block of cells to outline, such as the current window.
    dim_mask : ndarray of bool, shape (rows, cols), optional
        Cells to draw faded, such as zero padding.
    """
    values = np.asarray(values, dtype=np.float64)
    text = np.where(np.isnan(values), "", np.vectorize(lambda v: format_number(v, decimals))(values))
    trace = go.Heatmap(z=values, text=text, texttemplate="%{text}", showscale=False, xgap=2, ygap=2,
                       hovertemplate="row %{y}, column %{x}: %{text}<extra></extra>",
                       **_colour_scale(values, photo=False))
    shapes = [dict(type="rect", x0=col - 0.5, x1=col + 0.5, y0=row - 0.5, y1=row + 0.5,
                   fillcolor="rgba(255,255,255,0.6)", line_width=0)
              for row, col in (np.argwhere(dim_mask) if dim_mask is not None else ())]
    if highlight is not None:
        top, left, block_height, block_width = highlight
        shapes.append(dict(type="rect", x0=left - 0.5, x1=left + block_width - 0.5, y0=top - 0.5,
                           y1=top + block_height - 0.5, line=dict(color=GRID_HIGHLIGHT, width=4)))
    return go.Figure(trace, layout=dict(
        shapes=shapes, yaxis=dict(autorange="reversed", scaleanchor="x", dtick=1, showgrid=False, zeroline=False),
        xaxis=dict(dtick=1, showgrid=False, zeroline=False, side="top"), height=height,
        margin=dict(l=0, r=0, t=20, b=0), showlegend=False))


def _colour_scale(values: np.ndarray, photo: bool) -> dict:
    """Diverging around zero for signed values; grey from 0 otherwise.

    With ``photo`` the grey scale spans 0 to 255 (like the photo itself) unless
    values exceed it, matching :func:`cnn_core.images.to_display`.
    """
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() < 0:
        largest = float(np.abs(finite).max())
        return dict(colorscale=DIVERGING, zmid=0, zmin=-largest, zmax=largest)
    top = float(finite.max()) if finite.size else 1.0
    if photo:
        top = max(top, 255.0)
    return dict(colorscale="gray", zmin=0, zmax=max(top, 1e-6))


def format_number(value: float, decimals: int = 2) -> str:
    """Whole numbers without decimals, others rounded: 3, -1, 0.06."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{decimals}f}"
