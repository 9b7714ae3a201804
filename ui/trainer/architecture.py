"""The architecture before training: every layer's shape and parameters with the arithmetic, a diagram, the code."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cnn_core import models
from ui.trainer import state_keys as keys

#: Each layer kind's colour in the diagram (Streamlit's named colours).
BOX_COLOURS = {"Conv2D": "blue", "MaxPooling2D": "green", "AveragePooling2D": "green", "Dense": "orange"}


def architecture_section(spec: models.Architecture) -> None:
    rows = models.describe(spec)
    table = pd.DataFrame({"layer": [row.name for row in rows], "kind": [row.kind for row in rows],
                          "output": [_shape(row) for row in rows],
                          "parameters": [row.parameters for row in rows]})
    total = sum(row.parameters for row in rows)
    st.dataframe(table, hide_index=True, key=keys.ARCHITECTURE_TABLE,
                 column_config={"parameters": st.column_config.NumberColumn(format="localized")})
    st.markdown(f"**{total:,} parameters** in total. Input: 28 × 28 × 1 (one grayscale channel).")
    with st.expander("How each shape and parameter count is worked out"):
        st.markdown("\n".join(f"- **{row.name}**: {row.arithmetic}" for row in rows))
    _diagram(rows)
    with st.expander("Keras code for this architecture"):
        keras_code_block(spec)


def keras_code_block(spec: models.Architecture) -> None:
    """The Keras code that builds ``spec``, with what to do with it."""
    st.markdown("The app builds the model with exactly this code. Copy it into a notebook, then "
                "`model.compile(...)` and `model.fit(...)`.")
    st.code(models.keras_code(spec), language="python")


def _diagram(rows: list[models.LayerRow]) -> None:
    """The stack as one box per layer with its output shape, in the order data flows; the boxes wrap onto more
    rows on a narrow screen instead of shrinking."""
    flow = st.container(horizontal=True, gap="small", vertical_alignment="center")
    for position, (kind, shape) in enumerate([("Input", "28 × 28 × 1"), *((row.kind, _shape(row)) for row in rows)]):
        if position:
            flow.markdown("→", width="content")
        flow.container(border=True, width="content").markdown(_box(kind, shape))


def _box(kind: str, shape: str) -> str:
    colour = BOX_COLOURS.get(kind, "gray")
    return f":{colour}-background[**{kind}**]  \n{shape}"


def _shape(row: models.LayerRow) -> str:
    return " × ".join(map(str, row.output_shape))
