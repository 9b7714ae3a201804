"""Why it works: the photos' CNN codes drawn in 2-D, and the small CNN that has to learn from the photos alone."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import qualitative

from cnn_core import from_scratch, transfer
from ui.live_training import one_at_a_time, training_elsewhere, training_slots
from ui.own_classes import head_training
from ui.own_classes import state_keys as keys
from ui.own_classes.photo_classes import TrainedHead
from ui.text import plotly_text

#: One colour per class (Plotly's ten).
CLASS_COLOURS = qualitative.Plotly


def code_map_section(trained: TrainedHead) -> None:
    """The codes projected on their two main directions, one colour per class, and how often neighbours agree."""
    points, explained = transfer.project_codes(trained.codes)
    same = transfer.same_class_neighbours(trained.codes, trained.labels)
    st.markdown(
        "Before any training, VGG16 has already turned each photo into 512 numbers, its **CNN code**. Below, each "
        "dot is one photo's code, flattened onto the two directions in which your photos' codes differ most "
        f"(**principal component analysis**; they hold {100 * explained[0]:.0f} % and {100 * explained[1]:.0f} % "
        "of the differences). Photos of one class that sit together, apart from the others, are what lets a small "
        "head learn your classes from a few photos: VGG16's features, learned on ImageNet, already tell them apart.")
    figure = go.Figure()
    held_out = np.isin(np.arange(len(trained.labels)), trained.held_out_indices)
    for label, name in enumerate(trained.class_names):
        for kept, symbol, role in ((~held_out, "circle", "learned from"), (held_out, "diamond-open", "held out")):
            chosen = (trained.labels == label) & kept
            figure.add_trace(go.Scatter(x=points[chosen, 0], y=points[chosen, 1], mode="markers",
                                        name=f"{plotly_text(name)} ({role})", legendgroup=str(label),
                                        marker=dict(size=11, symbol=symbol, color=CLASS_COLOURS[label]),
                                        hovertemplate=f"{plotly_text(name)}, {role}<extra></extra>"))
    figure.update_layout(height=380, margin=dict(l=0, r=0, t=10, b=0), xaxis_title="first direction",
                         yaxis_title="second direction", legend=dict(orientation="h", y=-0.2))
    st.plotly_chart(figure, key=keys.CODE_MAP)
    st.markdown(f"In all 512 numbers, not just these two, the code most like each photo's own (by cosine "
                f"similarity) belongs to a photo of the same class for **{same} of {len(trained.labels)}** photos.")


def scratch_section(trained: TrainedHead, requests: set[str]) -> None:
    """The small CNN trained from scratch on the same photos for as long as the transfer took, side by side."""
    snapshot = trained.run.snapshot()
    seconds = max(1.0, trained.code_seconds + snapshot.elapsed_seconds)
    st.markdown(
        "The contrast: the Trainer's small CNN, starting from random weights, learns from the same photos (shrunk "
        f"to its 28 × 28 pixels, in colour) for **{seconds:.0f} s**, as long as computing the codes and training "
        "the head took together. Both are tested on the same held-out photos.")
    elsewhere = training_elsewhere(head_training.PAGE)
    if elsewhere:
        one_at_a_time(elsewhere)
    st.button("Train the small CNN from scratch", icon=":material/play_arrow:", key=keys.FROM_SCRATCH,
              on_click=requests.add, args=("from_scratch",), disabled=bool(elsewhere),
              help="Takes a place in the server's training queue, like any training.")
    if "from_scratch" in requests and not elsewhere:
        requests.discard("from_scratch")
        with st.spinner(f"The small CNN is learning from {len(trained.train_indices)} photos for {seconds:.0f} s…"):
            trained.scratch = from_scratch.train_from_scratch(
                trained.photos, trained.labels, trained.train_indices, trained.held_out_indices,
                len(trained.class_names), seconds, slots=training_slots())
    if trained.scratch is None:
        return
    transfer_accuracy = trained.held_out_accuracy()
    scratch = trained.scratch
    columns = st.columns(2)
    columns[0].metric("VGG16's codes + new head", f"{100 * transfer_accuracy:.1f} %",
                      help=f"Held-out accuracy; {trained.head.count_params():,} weights learned from your photos.")
    columns[1].metric("Small CNN from scratch", f"{100 * scratch.accuracy:.1f} %",
                      delta=f"{100 * (scratch.accuracy - transfer_accuracy):+.1f} points", delta_color="normal",
                      help=f"Held-out accuracy after {scratch.epochs} epochs in {scratch.seconds:.0f} s; "
                           f"{scratch.parameters:,} weights, all learned from your photos.")
    st.markdown(_verdict(transfer_accuracy, scratch.accuracy, len(trained.train_indices)))


def _verdict(transfer_accuracy: float, scratch_accuracy: float, photo_count: int) -> str:
    """Plain sentences on what the two scores show."""
    if transfer_accuracy > scratch_accuracy:
        return (f"The head wins. It learned only how to weigh features that VGG16 had already learned from over a "
                f"million ImageNet photos; the small CNN had to find its own features in your {photo_count} photos, "
                "which is far too few. That is why transfer learning works with a handful of photos per class.")
    if transfer_accuracy == scratch_accuracy:
        return ("A tie here. Your classes may differ in something simple that even 28 × 28 pixels show (a colour, "
                "say), or there are too few held-out photos to tell the two apart. Classes that differ in shape or "
                "texture show the difference better.")
    return ("The small CNN did better here. Your classes may differ in something simple that 28 × 28 pixels show "
            "(a colour, say) while VGG16's features, made for ImageNet's objects, mix them. With so few held-out "
            "photos, one or two answers decide it; try more photos per class.")
