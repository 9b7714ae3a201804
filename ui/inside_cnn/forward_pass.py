"""The forward pass in the order data flows: every layer's output with its shape, each number clickable."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from cnn_core.inside import LayerTrace
from ui import clickable_maps, pictures
from ui.inside_cnn import state_keys as keys
from ui.inside_cnn.input_choice import ChosenInput
from ui.inside_cnn.model_choice import ChosenModel
from ui.inside_cnn.selection import Selection, index_controls, select_map_cell, select_vector_entry
from ui.probability_list import probability_list
from ui.url_settings import UrlSettings

#: Channels of a layer drawn at once; a control shows the others.
MAPS_SHOWN = 8


def shape_text(shape: tuple[int, ...]) -> str:
    return " × ".join(f"{size:,}" for size in shape)


def describe_layer(layer, step: LayerTrace, before: tuple[int, ...]) -> str:
    """One line: what the layer does, in words, and the shape it makes."""
    kind, arrow = step.kind, f"→ **{shape_text(step.shape)}**"
    activation = f", then {step.activation}" if step.activation and step.activation != "softmax" else ""
    if kind == "Conv2D":
        kernel = " × ".join(str(size) for size in layer.kernel_size)
        return (f"{layer.filters} kernels of {kernel} × {before[-1]}, stride {layer.strides[0]}, padding "
                f"“{layer.padding}”{activation} {arrow}")
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        window = " × ".join(str(size) for size in layer.pool_size)
        how = "the largest" if kind == "MaxPooling2D" else "the mean"
        return f"{window} pooling, stride {layer.strides[0]}: {how} of each window, per channel {arrow}"
    if kind == "Flatten":
        return f"the {shape_text(before)} maps laid out as one vector, the **CNN code** {arrow}"
    if kind == "Dense" and step.activation == "softmax":
        return (f"{before[-1]:,} inputs → {step.shape[0]} logits (one score per class), then softmax: "
                f"probabilities that add up to 1 {arrow}")
    if kind == "Dense":
        return f"{before[-1]:,} inputs, {step.shape[0]} units, each a weighted sum plus a bias{activation} {arrow}"
    if kind == "BatchNormalization":
        return f"batch normalisation: each channel shifted and scaled by numbers learned in training {arrow}"
    if not step.active:
        return "inactive when the model predicts: it passes its input through unchanged (it acts only in training)"
    return f"{kind}{activation} {arrow}"


def forward_pass_section(chosen: ChosenModel, chosen_input: ChosenInput, traced: list[LayerTrace], layer_name: str,
                         link: UrlSettings, explain: Callable[[Selection], None]) -> None:
    """Each layer in turn; the one called ``layer_name`` gets the index controls and ``explain`` under its picture."""
    shape = (28, 28, 1)
    st.markdown("**Input** → **28 × 28 × 1**: grey values from 0 (black) to 1 (white)")
    st.image(pictures.enlarged(chosen_input.picture, 168), width=168)
    for step in traced:
        layer = chosen.model.get_layer(step.name)
        st.markdown(f"`{step.name}` · {step.kind}: {describe_layer(layer, step, shape)}")
        shape = step.shape
        if step.name == layer_name:
            _selected_layer(chosen, step, link, explain)
        elif step.active:
            _draw(step, None, chosen.class_names)


@st.fragment
def _selected_layer(chosen: ChosenModel, step: LayerTrace, link: UrlSettings,
                    explain: Callable[[Selection], None]) -> None:
    """The selected layer on its own: a new row, column or channel, or a click on its picture, reruns only this."""
    selection = index_controls(link, step)
    if step.active:
        _draw(step, selection.index, chosen.class_names)
    with st.container(border=True):
        explain(selection)
    link.publish()


def _draw(step: LayerTrace, selected: tuple[int, ...] | None, class_names: tuple[str, ...]) -> None:
    if step.output.ndim == 3:
        channels = step.shape[2]
        first = 0
        if channels > MAPS_SHOWN:
            first = st.number_input(f"First channel shown of {step.name}", 0, channels - 1, 0, step=MAPS_SHOWN,
                                    key=keys.first_channel(step.name),
                                    help=f"{MAPS_SHOWN} of its {channels} channels are drawn at a time.")
        shown = range(first, min(first + MAPS_SHOWN, channels))
        key = keys.chart(step.name)
        clickable_maps.show_maps(step.output, shown, key, selected,
                                 lambda tiling: select_map_cell(step.name, key, tiling))
        st.caption(_scale_caption(step.output[..., list(shown)]))
        return
    if step.output.ndim != 1:
        st.caption(f"Output of shape {shape_text(step.shape)}: not drawn.")
        return
    unit = selected[0] if selected else None
    values = step.pre_activation if step.activation == "softmax" else step.output
    key = keys.chart(step.name)
    if step.activation == "softmax":
        st.caption("The logits (click one to see its sum):")
    clickable_maps.show_vector(values, key, unit,
                               lambda columns: select_vector_entry(step.name, key, len(values), columns))
    st.caption(_scale_caption(values))
    if step.activation == "softmax":
        st.caption("The probabilities the model gives, one per class:")
        probability_list(class_names, step.output)
        best = int(np.argmax(step.output))
        st.markdown(f"The model says **{class_names[best]}**, with probability {100 * step.output[best]:.2f} %.")


def _scale_caption(values: np.ndarray) -> str:
    """How to read the colours, with the range of the numbers drawn."""
    low, high = float(np.min(values)), float(np.max(values))
    if low < 0:
        return f"Blue is negative, grey 0, red positive (from {low:.3g} to {high:.3g}). Hover to see where a cell is."
    return f"Black is 0, white the largest here ({high:.3g}). Hover to see where a cell is."
