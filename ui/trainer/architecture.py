"""The architecture before training: every layer's shape and parameters with the arithmetic, a diagram, the code."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cnn_core import models
from ui.trainer import state_keys as keys


def architecture_section(spec: models.Architecture) -> None:
    rows = models.describe(spec)
    table = pd.DataFrame({"layer": [row.name for row in rows], "kind": [row.kind for row in rows],
                          "output shape": [" × ".join(map(str, row.output_shape)) for row in rows],
                          "parameters": [row.parameters for row in rows],
                          "how": [row.arithmetic for row in rows]})
    total = sum(row.parameters for row in rows)
    st.dataframe(table, hide_index=True, key=keys.ARCHITECTURE_TABLE, column_config={
        "parameters": st.column_config.NumberColumn(format="localized"),
        "how": st.column_config.TextColumn("shape and parameter arithmetic", width="large")})
    st.markdown(f"**{total:,} parameters** in total. Input: 28 × 28 × 1 (one grayscale channel).")
    st.graphviz_chart(_diagram(rows), width="stretch")
    with st.expander("Keras code for this architecture"):
        keras_code_block(spec)


def keras_code_block(spec: models.Architecture) -> None:
    """The Keras code that builds ``spec``, with what to do with it."""
    st.markdown("The app builds the model with exactly this code. Copy it into a notebook, then "
                "`model.compile(...)` and `model.fit(...)`.")
    st.code(models.keras_code(spec), language="python")


def _diagram(rows: list[models.LayerRow]) -> str:
    """The stack as a Graphviz diagram: one box per layer with its output shape."""
    colours = {"Conv2D": "#cfe2f3", "MaxPooling2D": "#d9ead3", "AveragePooling2D": "#d9ead3", "Dense": "#fce5cd"}
    nodes = ['input [label="input\\n28 × 28 × 1", fillcolor="#eeeeee"]']
    for row in rows:
        shape = " × ".join(map(str, row.output_shape))
        nodes.append(f'{row.name} [label="{row.kind}\\n{shape}", fillcolor="{colours.get(row.kind, "#ffffff")}"]')
    names = ["input", *(row.name for row in rows)]
    edges = " -> ".join(names)
    return ("digraph { rankdir=LR; node [shape=box, style=\"rounded,filled\", fontname=\"sans-serif\", fontsize=10]; "
            + "; ".join(nodes) + f"; {edges} }}")
