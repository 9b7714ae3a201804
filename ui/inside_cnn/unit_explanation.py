"""How the selected number was computed, written out with the real numbers so a person can check it by hand."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core.unit_arithmetic import UnitExplanation
from ui import figures, pictures
from ui.inside_cnn import state_keys as keys


def number(value: float) -> str:
    """Four significant digits: 0.1235, -12.35, 1.235e-05."""
    return f"{float(value):.4g}"


def place(explanation: UnitExplanation) -> str:
    if len(explanation.index) == 3:
        row, column, channel = explanation.index
        return f"row {row}, column {column}, channel {channel}"
    return f"number {explanation.index[0]}"


@dataclass(frozen=True)
class Before:
    """The layer the inputs come from: its name in words ("the input", "`pool_1`") and its output shape."""

    name: str
    shape: tuple[int, ...]

    def __str__(self) -> str:
        return self.name


def explanation_section(explanation: UnitExplanation, before: Before, class_names: tuple[str, ...],
                        picture: np.ndarray) -> None:
    """``picture``: the uint8 (28, 28) input, on which a map unit's receptive field is outlined."""
    st.markdown(f"**How `{explanation.layer_name}` at {place(explanation)} was computed** · value "
                f"**{number(explanation.value)}**")
    if not explanation.active:
        st.markdown(f"This layer is inactive when the model predicts, so the value is the one it received from "
                    f"{before}: {number(explanation.input_value)}.")
        return
    {"Conv2D": _conv, "MaxPooling2D": _pooling, "AveragePooling2D": _pooling, "GlobalAveragePooling2D": _pooling,
     "GlobalMaxPooling2D": _pooling, "Flatten": _flatten, "Dense": _dense, "BatchNormalization": _batch_norm,
     }.get(explanation.kind, _elementwise)(explanation, before, class_names)
    if explanation.receptive_field is not None:
        (top, bottom), (left, right) = explanation.receptive_field
        st.image(pictures.outlined(picture, (top, bottom), (left, right)), width=168)
        st.caption(f"It depends on the input pixels of rows {top} to {bottom} and columns {left} to {right}: a "
                   f"{bottom - top + 1} × {right - left + 1} patch (its receptive field), outlined above.")


def _activation_line(explanation: UnitExplanation) -> str:
    pre, value = number(explanation.pre_activation), number(explanation.value)
    if explanation.activation is None:
        return f"No activation follows, so the value is {pre}."
    if explanation.activation == "relu":
        return f"ReLU keeps positive numbers and makes negative ones 0: max(0, {pre}) = **{value}**."
    return f"Then {explanation.activation}({pre}) = **{value}**."


def _conv(explanation: UnitExplanation, before: str, class_names) -> None:
    window = explanation.inputs
    height, width, channels = window.shape
    (top, bottom), (left, right) = explanation.window_rows, explanation.window_columns
    at_row, at_column = np.arange(top, bottom)[:, None], np.arange(left, right)[None, :]
    padded = (at_row < 0) | (at_row >= before.shape[0]) | (at_column < 0) | (at_column >= before.shape[1])
    padding = (" Where the window reaches past the edge, padding “same” adds zeros (faded)."
               if padded.any() else "")
    across = "in its one channel" if channels == 1 else f"across all {channels} of its channels"
    st.markdown(f"The {height} × {width} window of {before} at rows {top} to {bottom - 1} and columns {left} to "
                f"{right - 1}, {across}, is multiplied cell by cell with this output channel's {height} × {width} × "
                f"{channels} kernel, and everything is added up.{padding}")
    shown = 0
    if channels > 1:
        shown = st.number_input("Input channel drawn", 0, channels - 1, 0, step=1, key=keys.INPUT_CHANNEL,
                                help="The window, kernel and products of one input channel at a time.")
        shown = min(int(shown), channels - 1)
    columns = st.columns(3)
    for column, title, values in zip(columns, ("Window", "Kernel", "Window × kernel"),
                                     (window, explanation.weights, explanation.products)):
        column.caption(f"{title}, channel {shown}")
        column.table(figures.coloured_table(values[..., shown], dim_mask=None if title == "Kernel" else padded))
    sums = explanation.channel_sums
    st.markdown(f"Channel {shown}: the products add up to **{number(sums[shown])}**.")
    if channels > 1:
        with st.expander(f"The sum for each of the {channels} input channels"):
            st.dataframe(pd.DataFrame({"input channel": np.arange(channels), "sum of products": sums}),
                         hide_index=True, height=min(38 + 35 * channels, 300))
    total = float(sums.sum(dtype=np.float64))
    over = f"Over all {channels} channels: {number(total)}; plus" if channels > 1 else "Plus"
    st.markdown(f"{over} the bias {number(explanation.bias)}: **{number(explanation.pre_activation)}** before the "
                f"activation. {_activation_line(explanation)}")


def _pooling(explanation: UnitExplanation, before: str, class_names) -> None:
    window = explanation.inputs
    cells = int(np.isfinite(window).sum())
    st.table(figures.coloured_table(window, highlight=explanation.winner))
    channel = explanation.index[-1]
    if explanation.kind in ("MaxPooling2D", "GlobalMaxPooling2D"):
        st.markdown(f"The window of {before}, channel {channel}: the largest of its {cells} values (outlined) is "
                    f"**{number(explanation.value)}**; the others are dropped.")
    else:
        st.markdown(f"The window of {before}, channel {channel}: the mean of its {cells} values is "
                    f"**{number(explanation.value)}**.")


def _flatten(explanation: UnitExplanation, before: str, class_names) -> None:
    row, column, channel = explanation.source
    st.markdown(f"Flatten only moves numbers: number {explanation.index[0]} of the CNN code is {before} at row {row}, "
                f"column {column}, channel {channel}, which is {number(explanation.input_value)}. The order runs "
                "through the channels first, then the columns, then the rows.")


def _dense(explanation: UnitExplanation, before: str, class_names) -> None:
    count = len(explanation.inputs)
    rows = [{"input number": index, "input": value, "weight": weight, "weight × input": product}
            for index, value, weight, product in explanation.top_terms]
    what = "logit" if explanation.activation == "softmax" else "unit"
    st.markdown(f"This {what} multiplies each of the {count:,} numbers of {before} by its own weight and adds "
                f"them up. The {len(rows)} largest terms:")
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.markdown(f"Those {len(rows)} terms: {number(sum(row['weight × input'] for row in rows))}; the other "
                f"{count - len(rows):,}: {number(explanation.rest_sum)}; plus the bias {number(explanation.bias)}: "
                f"**{number(explanation.pre_activation)}**.")
    if explanation.activation == "softmax":
        logits = explanation.logits.astype(np.float64)
        exponentials = np.exp(logits - logits.max())
        unit = explanation.index[0]
        st.markdown(f"That is the logit of **{class_names[unit]}**. Softmax turns the {len(logits)} logits into "
                    "probabilities: e to the power of each logit, divided by the sum of them all (computed here after "
                    "subtracting the largest logit from each, which changes nothing but avoids overflow).")
        st.dataframe(pd.DataFrame({"class": list(class_names), "logit": logits,
                                   "e^(logit − largest)": exponentials,
                                   "probability": exponentials / exponentials.sum()}), hide_index=True,
                     column_config={"logit": st.column_config.NumberColumn(format="%.3f"),  # narrow enough for
                                    "e^(logit − largest)": st.column_config.NumberColumn(  # a phone
                                        "e^(logit − max)", format="%.3g",
                                        help="e to the power of (this logit minus the largest logit)"),
                                    "probability": st.column_config.NumberColumn(format="%.4f")})
        st.markdown(f"{number(exponentials[unit])} / {number(exponentials.sum())} = **{number(explanation.value)}**.")
        return
    st.markdown(_activation_line(explanation))


def _batch_norm(explanation: UnitExplanation, before: str, class_names) -> None:
    n = explanation.normalisation
    st.markdown(f"From {before}: {number(explanation.input_value)}. Batch normalisation uses the mean "
                f"{number(n['mean'])} and variance {number(n['variance'])} of this channel, measured during training, "
                f"and the learned scale γ = {number(n['gamma'])} and shift β = {number(n['beta'])}:  \n"
                f"({number(explanation.input_value)} − {number(n['mean'])}) / √({number(n['variance'])} + "
                f"{number(n['epsilon'])}) × {number(n['gamma'])} + {number(n['beta'])} = "
                f"**{number(explanation.value)}**.")


def _elementwise(explanation: UnitExplanation, before: str, class_names) -> None:
    st.markdown(f"From {before}: {number(explanation.input_value)}. {explanation.activation}"
                f"({number(explanation.input_value)}) = **{number(explanation.value)}**.")
