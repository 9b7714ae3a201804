"""The pages' Plotly figures (grids, training curves, probabilities) and the colour scales every picture uses.

No Streamlit here: every function takes arrays and returns a ``go.Figure``, a table or the pixels of a colour
scale, so the figures can be tested and reused by any page. Photos, feature maps and other pictures are in
:mod:`ui.pictures`.
"""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cnn_core import curves, images
from cnn_core.training_progress import Snapshot

#: Signed values: blue below zero, mid-grey at zero, red above.
DIVERGING = [[0.0, "#1f4e9c"], [0.5, "#808080"], [1.0, "#b2182b"]]
#: Non-negative values: black at zero, white at the top of the range.
GREY = [[0.0, "#000000"], [1.0, "#ffffff"]]
GRID_HIGHLIGHT = "#f5a623"
#: Batch points drawn on a training curve at most (older batches are thinned out).
MAX_CURVE_POINTS = 300


def colour_pixels(values: np.ndarray, scale: dict) -> np.ndarray:
    """Colour each value as the Plotly colour scale ``scale`` would.

    Parameters
    ----------
    values : ndarray of shape (H, W)
    scale : dict
        ``colorscale`` (a list of [position, "#rrggbb"] stops), ``zmin`` and
        ``zmax``, as :func:`colour_scale` returns. Values outside the range
        take the end colours; NaN takes the first.

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)
    """
    span = max(scale["zmax"] - scale["zmin"], 1e-12)
    position = np.nan_to_num((np.asarray(values, dtype=np.float32) - scale["zmin"]) / span, nan=0.0)
    stops = [stop for stop, _ in scale["colorscale"]]
    colours = np.array([[int(colour[i:i + 2], 16) for i in (1, 3, 5)] for _, colour in scale["colorscale"]])
    channels = [np.interp(position, stops, colours[:, channel]) for channel in range(3)]
    return images.round_to_uint8(np.stack(channels, axis=-1))


def grey_levels(values: np.ndarray, scale: dict) -> np.ndarray:
    """What :func:`colour_pixels` gives for the :data:`GREY` scale, as one channel: uint8 of shape (H, W)."""
    span = max(scale["zmax"] - scale["zmin"], 1e-12)
    position = np.nan_to_num((np.asarray(values, dtype=np.float32) - scale["zmin"]) / span, nan=0.0)
    return images.round_to_uint8(np.clip(position.astype(np.float64), 0.0, 1.0) * 255.0)


def png_uri(pixels: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(images.encode_png(pixels)).decode("ascii")


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
                       **colour_scale(values, photo=False))
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


def colour_scale(values: np.ndarray, photo: bool) -> dict:
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
    return dict(colorscale=GREY, zmin=0, zmax=max(top, 1e-6))


def format_number(value: float, decimals: int = 2) -> str:
    """Whole numbers without decimals, others rounded: 3, -1, 0.06."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{decimals}f}"


def probability_bars(labels: list[str], probabilities: np.ndarray, height: int = 300,
                     show_values: bool = False) -> go.Figure:
    """Horizontal bars of class probabilities, the first label on top.

    ``probabilities`` are in [0, 1], one per label; the bars are in percent, with
    the value written beside each bar when ``show_values``.
    """
    percents = [100 * float(probability) for probability in probabilities][::-1]
    text = [f"{percent:.2f} %" for percent in percents] if show_values else None
    figure = go.Figure(go.Bar(x=percents, y=list(labels)[::-1], orientation="h", text=text,
                              hovertemplate="%{y}: %{x:.2f} %<extra></extra>"))
    figure.update_layout(height=height, margin=dict(l=0, r=0, t=10, b=0), xaxis_title="probability (%)")
    return figure


def coloured_table(values: np.ndarray, decimals: int = 3, dim_mask: np.ndarray | None = None,
                   highlight: tuple[int, int] | None = None):
    """A small matrix as a table whose cells take the colours of :func:`grid_figure`, for ``st.table``.

    A table draws at once in the browser, where a Plotly heatmap with text takes a tenth of a second.
    NaN cells are empty; ``dim_mask`` cells (zero padding) are faded; the ``highlight`` cell is outlined.
    """
    values = np.asarray(values, dtype=np.float64)
    colours = colour_pixels(values, colour_scale(values, photo=False))
    styles = np.empty(values.shape, dtype=object)
    for (row, column), value in np.ndenumerate(values):
        red, green, blue = (int(channel) for channel in colours[row, column])
        text = "#000" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "#fff"
        styles[row, column] = "" if np.isnan(value) else f"background-color: rgb({red},{green},{blue}); color: {text}"
        if dim_mask is not None and dim_mask[row, column]:
            styles[row, column] += "; opacity: 0.45"
        if highlight == (row, column):
            styles[row, column] += f"; outline: 3px solid {GRID_HIGHLIGHT}"
    frame = pd.DataFrame(values)
    return frame.style.format(lambda value: "" if np.isnan(value) else format_number(value, decimals)).apply(
        lambda _: styles, axis=None)


def curves_figure(snapshot: Snapshot, patience: int | None) -> go.Figure:
    """Loss and accuracy: every batch (faint), smoothed, and per epoch for training and validation."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=("Loss", "Accuracy"))
    batches_per_epoch = max(snapshot.batches_per_epoch, 1)
    step = max(1, len(snapshot.batch_loss) // MAX_CURVE_POINTS)
    position = np.arange(len(snapshot.batch_loss)) / batches_per_epoch  # in epochs
    complete = [result for result in snapshot.epochs if result.complete]
    ends = [result.epoch for result in complete]
    for column, batch_values, name, validation in (
            (1, snapshot.batch_loss, "loss", [result.val_loss for result in complete]),
            (2, snapshot.batch_accuracy, "accuracy", [result.val_accuracy for result in complete])):
        show = column == 1
        figure.add_trace(go.Scatter(x=position[::step], y=np.asarray(batch_values)[::step], name="each batch",
                                    line=dict(color="rgba(31,119,180,0.25)", width=1), showlegend=show,
                                    legendgroup="batch"), 1, column)
        figure.add_trace(go.Scatter(x=position[::step], y=curves.smooth(batch_values)[::step],
                                    name="batches, smoothed", line=dict(color="#1f77b4"), showlegend=show,
                                    legendgroup="smooth"), 1, column)
        epoch_values = [getattr(result, name) for result in complete]
        figure.add_trace(go.Scatter(x=ends, y=epoch_values, mode="lines+markers", name="training, per epoch",
                                    line=dict(color="#ff7f0e"), showlegend=show, legendgroup="train"), 1, column)
        figure.add_trace(go.Scatter(x=ends, y=validation, mode="lines+markers", name="validation, per epoch",
                                    line=dict(color="#2ca02c"), showlegend=show, legendgroup="val"), 1, column)
    if snapshot.best_epoch is not None:
        figure.add_vline(x=snapshot.best_epoch, line=dict(color="#2ca02c", dash="dash"),
                         annotation_text=f"best: epoch {snapshot.best_epoch}", annotation_position="top left")
        if patience is not None:
            figure.add_vrect(x0=snapshot.best_epoch, x1=snapshot.best_epoch + patience, fillcolor="#2ca02c",
                             opacity=0.08, line_width=0, annotation_text=f"patience: {patience}",
                             annotation_position="bottom right")
    figure.update_xaxes(title_text="epoch")
    figure.update_layout(height=330, margin=dict(l=0, r=0, t=30, b=0), legend=dict(orientation="h", y=-0.25))
    return figure
