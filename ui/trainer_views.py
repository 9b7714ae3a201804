"""Sections of the Trainer page: the architecture, live training, and what the model learned."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from cnn_core import curves, datasets, explain, kernels, model_store, models, training, training_data
from cnn_core.evaluation import Evaluation, class_report, evaluate, mistakes
from cnn_core.training_data import PreparedData
from cnn_core.training_slots import TrainingSlots
from ui import figures
from ui.text import plain

#: Trainings that may run at once in this server process unless CNN_MAX_TRAININGS says otherwise;
#: the others queue. Each default training takes about one core.
MAX_CONCURRENT_TRAININGS = 2
#: Misclassified test images shown at once.
GALLERY_SIZE = 24
#: Batch points drawn on the live curve at most (older batches are thinned out).
MAX_CURVE_POINTS = 300
#: Seconds between redraws while training. Each redraw costs the server about 0.1 s of Python (the
#: training thread waits for it) and the browser a Plotly redraw, so redrawing every second slowed
#: training on a 2-core machine several times over.
REDRAW_SECONDS = 2.0
SESSION_KEY = "trainer_session"
SAVED_KEY = "trainer_saved_message"
LOAD_ERROR_KEY = "trainer_load_error"


@dataclass
class Trained:
    """The session's current model: being trained, trained, or loaded from disk."""

    model: object
    spec: models.Architecture
    data_name: str
    class_names: tuple[str, ...]
    run: training.TrainingRun | None = None
    label: str = ""
    run_token: str | None = None  # names the run in the page address, so that a reload finds it again
    evaluation_cache: dict = field(default_factory=dict)  # weights version -> Evaluation

    def weights_version(self) -> int:
        """Changes whenever the weights may have changed (each finished epoch)."""
        return len(self.run.snapshot().epochs) if self.run else 0


@st.cache_resource(max_entries=4, show_spinner=False)
def load_data(name: str, train_size: int | None, data_dir: str | None) -> PreparedData:
    """The dataset ready for training, read once for every session of the server."""
    return training_data.prepare_dataset(name, train_size, data_dir)


@st.cache_resource(show_spinner=False)
def training_slots() -> TrainingSlots:
    """One cap for the whole server process: CNN_MAX_TRAININGS, or MAX_CONCURRENT_TRAININGS."""
    setting = os.environ.get("CNN_MAX_TRAININGS", "")
    capacity = int(setting) if setting.isascii() and setting.isdigit() and int(setting) >= 1 else MAX_CONCURRENT_TRAININGS
    return TrainingSlots(capacity)


# ----- before training -----

def architecture_section(spec: models.Architecture) -> None:
    rows = models.describe(spec)
    table = pd.DataFrame({"layer": [row.name for row in rows], "kind": [row.kind for row in rows],
                          "output shape": [" × ".join(map(str, row.output_shape)) for row in rows],
                          "parameters": [row.parameters for row in rows],
                          "how": [row.arithmetic for row in rows]})
    total = sum(row.parameters for row in rows)
    st.dataframe(table, hide_index=True, key="architecture_table", column_config={
        "parameters": st.column_config.NumberColumn(format="localized"),
        "how": st.column_config.TextColumn("shape and parameter arithmetic", width="large")})
    st.markdown(f"**{total:,} parameters** in total. Input: 28 × 28 × 1 (one grayscale channel).")
    st.graphviz_chart(_diagram(rows), width="stretch")
    with st.expander("Keras code for this architecture"):
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


# ----- while training -----

def progress_section(trained: Trained) -> None:
    """Progress, speed and curves of the session's run, redrawn every REDRAW_SECONDS while it is active."""
    snapshot = trained.run.snapshot()

    @st.fragment(run_every=REDRAW_SECONDS if snapshot.is_active else None)
    def live() -> None:
        current = trained.run.snapshot()
        _status(current)
        if current.batch_loss:
            st.plotly_chart(curves_figure(current, trained.run.config.patience), key="training_curves")
        if snapshot.is_active and not current.is_active:
            st.rerun()  # the whole page: show the results and re-enable the buttons

    live()


def _status(snapshot: training.Snapshot) -> None:
    if snapshot.state == "queued":
        capacity = training_slots().capacity
        places = "one training" if capacity == 1 else f"{capacity} trainings"
        st.info(f"Queued: this server runs {places} at once, and all places are taken. Yours starts when one "
                f"frees up (you are number {snapshot.queue_position} in line).", icon="⏳")
        return
    done = ((snapshot.epoch - 1) * snapshot.batches_per_epoch + snapshot.batch) / max(
        1, snapshot.total_epochs * snapshot.batches_per_epoch)
    left = "" if snapshot.seconds_left is None else f", about {_duration(snapshot.seconds_left)} left"
    text = (f"Epoch {snapshot.epoch}/{snapshot.total_epochs}, batch {snapshot.batch}/{snapshot.batches_per_epoch}"
            f", {snapshot.samples_per_second:,.0f} examples per second{left}")
    if snapshot.is_active:
        st.progress(min(max(done, 0.0), 1.0), text=text)
    elif snapshot.state == "failed":
        st.error(snapshot.message)
    elif snapshot.message:
        st.success(snapshot.message) if snapshot.state == "finished" else st.warning(snapshot.message)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def curves_figure(snapshot: training.Snapshot, patience: int | None) -> go.Figure:
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


# ----- after training -----

def evaluation_of(trained: Trained, data: PreparedData) -> Evaluation:
    """The test-set evaluation, computed once per version of the weights."""
    version = trained.weights_version()
    if version not in trained.evaluation_cache:
        trained.evaluation_cache.clear()
        trained.evaluation_cache[version] = evaluate(trained.model, data.test_inputs, data.test_labels)
    return trained.evaluation_cache[version]


def results_section(trained: Trained, data: PreparedData) -> None:
    evaluation = evaluation_of(trained, data)
    columns = st.columns(3)
    columns[0].metric("Test accuracy", f"{100 * evaluation.accuracy:.2f} %",
                      help=f"Share of the {len(evaluation.labels):,} test images classified correctly.")
    columns[1].metric("Test loss", f"{evaluation.loss:.4f}", help="Mean cross-entropy on the test images.")
    columns[2].metric("Mistakes", f"{int((evaluation.predictions != evaluation.labels).sum()):,}")
    names = list(trained.class_names)
    st.markdown("**Confusion matrix**: rows are the true class, columns what the model answered; the diagonal "
                "holds the correct answers. **Click a cell** to see those mistakes below.")
    confusion = pd.DataFrame(evaluation.confusion, index=names, columns=names)
    largest_off_diagonal = max(1, int((evaluation.confusion - np.diag(np.diag(evaluation.confusion))).max()))
    styled = confusion.style.apply(lambda frame: _confusion_colours(frame, largest_off_diagonal), axis=None)
    event = st.dataframe(styled, key="confusion_matrix", on_select="rerun", selection_mode="single-cell")
    true_class = predicted_class = None
    if event.selection.cells:
        row, column_name = event.selection.cells[0]
        true_class, predicted_class = row, names.index(column_name)
    report = class_report(evaluation.confusion)
    with st.expander("Precision, recall and F1 per class"):
        st.markdown("**Precision**: of the images the model called this class, the share that were. **Recall**: "
                    "of the images of this class, the share it found. **F1** balances the two.")
        st.dataframe(pd.DataFrame({"class": names, "precision": report["precision"], "recall": report["recall"],
                                   "F1": report["f1"], "test images": report["support"]}),
                     hide_index=True, key="class_report",
                     column_config={name: st.column_config.NumberColumn(format="%.3f")
                                    for name in ("precision", "recall", "F1")})
    _gallery(evaluation, data, names, true_class, predicted_class)


def _confusion_colours(frame: pd.DataFrame, largest_off_diagonal: int) -> pd.DataFrame:
    """Green diagonal, red mistakes; the more images, the stronger the colour."""
    values = frame.to_numpy()
    diagonal = np.eye(len(values), dtype=bool)
    strength = np.where(diagonal, values / max(1, values.max()), values / largest_off_diagonal)
    colours = np.where(diagonal, "44, 160, 44", "214, 39, 40")
    styles = [[f"background-color: rgba({colour}, {0.1 + 0.7 * level:.2f})" if value else ""
               for colour, level, value in zip(colour_row, level_row, value_row)]
              for colour_row, level_row, value_row in zip(colours, strength, values)]
    return pd.DataFrame(styles, index=frame.index, columns=frame.columns)


def _gallery(evaluation: Evaluation, data: PreparedData, names: list[str], true_class: int | None,
             predicted_class: int | None) -> None:
    indices = mistakes(evaluation, true_class, predicted_class)
    if true_class is None:
        st.markdown(f"**Mistakes**, most confident first ({len(indices):,} in all):")
    elif true_class == predicted_class:
        st.markdown(f"That cell holds the **{names[true_class]}** images the model got right; pick a cell off the "
                    "diagonal to see mistakes.")
        return
    else:
        st.markdown(f"**{names[true_class]}** taken for **{names[predicted_class]}**: {len(indices):,} images, "
                    "most confident first.")
    if not len(indices):
        st.info("No mistakes here.")
        return
    shown = indices[:GALLERY_SIZE]
    predictions = evaluation.predictions
    captions = [f"#{index}: {names[evaluation.labels[index]]} → {names[predictions[index]]} "
                f"({100 * evaluation.probabilities[index, predictions[index]]:.0f} %)" for index in shown]
    columns = st.columns(8)
    for position, (index, caption) in enumerate(zip(shown, captions)):
        columns[position % 8].image(_enlarge(data.test_images[index]), caption=caption, width="stretch")


def _enlarge(image: np.ndarray, side: int = 112) -> np.ndarray:
    return cv2.resize(image, (side, side), interpolation=cv2.INTER_NEAREST)


def filters_section(trained: Trained) -> None:
    first_conv = next(layer for layer in trained.model.layers if type(layer).__name__ == "Conv2D")
    weights = np.asarray(first_conv.get_weights()[0])  # (k, k, 1, filters)
    size, filters = weights.shape[0], weights.shape[-1]
    st.markdown(f"The **{filters} kernels** that `{first_conv.name}` learned ({size} × {size} each), beside the "
                "hand-made kernel of the Filter Playground each most resembles. Similarity is the cosine of the "
                "two as vectors: 1 is the same pattern, −1 the same pattern with dark and light swapped, 0 "
                "nothing in common. Blue is negative, red positive.")
    per_row = 4
    for start in range(0, filters, per_row):
        columns = st.columns(per_row * 2)
        for offset in range(min(per_row, filters - start)):
            learned = weights[:, :, 0, start + offset]
            name, similarity = kernels.closest_kernel(learned)
            columns[2 * offset].image(_kernel_picture(learned), caption=f"learned #{start + offset + 1}",
                                      width="stretch")
            if name:
                columns[2 * offset + 1].image(_kernel_picture(kernels.make_kernel(name, size)),
                                              caption=f"≈ {name} ({similarity:+.2f})", width="stretch")


def _kernel_picture(kernel: np.ndarray, side: int = 96) -> np.ndarray:
    """A kernel as an RGB picture: blue negative, grey zero, red positive, scaled to its largest magnitude."""
    scale = float(np.abs(kernel).max()) or 1.0
    level = np.clip(kernel / scale, -1, 1)[..., None]  # (k, k, 1) in [-1, 1]
    grey, blue, red = np.array([128, 128, 128]), np.array([31, 78, 156]), np.array([178, 24, 43])
    colours = np.where(level < 0, grey + (blue - grey) * -level, grey + (red - grey) * level)
    return cv2.resize(colours.astype(np.uint8), (side, side), interpolation=cv2.INTER_NEAREST)


def inside_section(trained: Trained, data: PreparedData) -> None:
    evaluation = evaluation_of(trained, data)
    names = trained.class_names
    index = st.number_input("Test image number", 0, len(data.test_labels) - 1, 0, key="inside_index",
                            help="Any of the test images; the mistakes gallery shows the numbers of wrong ones.")
    batch = data.test_inputs[index : index + 1]
    predicted = int(evaluation.predictions[index])
    columns = st.columns([1, 2])
    with columns[0]:
        st.image(_enlarge(data.test_images[index], 168), caption=f"True: {names[data.test_labels[index]]}. "
                 f"Model: {names[predicted]} ({100 * evaluation.probabilities[index, predicted]:.1f} %)")
    with columns[1]:
        explained = st.selectbox("Grad-CAM for the class", range(len(names)), index=predicted,
                                 format_func=lambda i: names[i], key="inside_cam_class",
                                 help="Where in the picture the evidence for this class lies, from the last "
                                      "conv layer's maps weighted by their gradients.")
        try:
            heatmap = explain.grad_cam(trained.model, batch, explained)
            st.image(_overlay(data.test_images[index], heatmap), width=168,
                     caption=f"Grad-CAM: red is where the evidence for “{names[explained]}” lies")
        except ValueError as error:
            st.info(f"No Grad-CAM for this model: {error}")
    st.markdown("**Feature maps** of every conv and pooling layer for this image (the first 16 channels):")
    for layer in trained.model.layers:
        if type(layer).__name__ in ("Conv2D", "MaxPooling2D", "AveragePooling2D"):
            maps = explain.layer_output(trained.model, batch, layer.name)[0]
            height, width, channels = maps.shape
            st.markdown(f"`{layer.name}` ({type(layer).__name__}): {height} × {width} × {channels}")
            mosaic = explain.tile_channels(maps, 16, columns=8)
            st.plotly_chart(figures.feature_map_figure(mosaic, height=max(120, 12 * mosaic.shape[0]),
                                                       photo_range=False), key=f"inside_{layer.name}")


def _overlay(image: np.ndarray, heatmap: np.ndarray, side: int = 168) -> np.ndarray:
    photo = cv2.cvtColor(_enlarge(image, side), cv2.COLOR_GRAY2RGB)
    coloured = cv2.applyColorMap(np.uint8(255 * cv2.resize(heatmap, (side, side))), cv2.COLORMAP_JET)
    return cv2.addWeighted(cv2.cvtColor(coloured, cv2.COLOR_BGR2RGB), 0.45, photo, 0.55, 0)


def own_image_section(trained: Trained, picked) -> None:
    sample = datasets.photo_to_sample(picked.pixels)
    probabilities = np.asarray(trained.model.predict(datasets.to_model_input(sample), verbose=0))[0]
    names = list(trained.class_names)
    columns = st.columns([1, 1, 2])
    columns[0].image(picked.pixels, caption=plain(picked.name), width="stretch")
    columns[1].image(_enlarge(sample, 168), caption="What the model receives: 28 × 28, light item on black, "
                     "centred", width="stretch")
    best = int(probabilities.argmax())
    with columns[2]:
        st.markdown(f"The model says **{names[best]}** ({100 * probabilities[best]:.1f} %).")
        bars = go.Figure(go.Bar(x=100 * probabilities[::-1], y=names[::-1], orientation="h",
                                hovertemplate="%{y}: %{x:.2f} %<extra></extra>"))
        bars.update_layout(height=300, margin=dict(l=0, r=0, t=10, b=0), xaxis_title="probability (%)")
        st.plotly_chart(bars, key="own_image_probabilities")
    st.caption("The photo is made grayscale, inverted if its background is light, cropped to the item, scaled to "
               "fit 20 × 20 and centred in 28 × 28, as the dataset's pictures were made.")


def save_section(trained: Trained) -> None:
    st.markdown("Save the model on this server to come back to it, or download it as a `.keras` file to load "
                "with `keras.models.load_model` in a notebook.")
    name = st.text_input("Model name", trained.label or f"{trained.data_name}_model", key="save_name",
                         max_chars=model_store.MAX_NAME_LENGTH,
                         help="1 to 64 letters (A to Z), digits, - and _, starting with a letter or digit. "
                              "Everyone on this server sees the saved models' names.")
    try:
        model_store.check_model_name(name)
    except ValueError as error:
        st.error(str(error))
        return
    taken = model_store.is_saved(name)
    replace = taken and trained.label == name  # this very model, saved or loaded under that name
    if replace:
        st.caption(f"This model is saved as “{plain(name)}”; saving again replaces that file with its weights "
                   "as they are now.")
    elif taken:
        st.warning(f"A model called “{plain(name)}” is already saved on this server. Choose another name, or "
                   "tick the box to replace that model with this one.")
        replace = st.checkbox(f"Replace the saved model “{plain(name)}”", key=f"save_replace_{name}")
    columns = st.columns(2)
    columns[0].button("Replace on the server" if taken else "Save on the server", key="save_model",
                      icon=":material/save:", disabled=taken and not replace, on_click=_save,
                      args=(trained, name, replace))
    columns[1].download_button("Download .keras", lambda: _model_bytes(trained.model), file_name=f"{name}.keras",
                               mime="application/octet-stream", key="download_model", icon=":material/download:",
                               on_click="ignore")
    if SAVED_KEY in st.session_state:
        kind, text = st.session_state.pop(SAVED_KEY)
        (st.success if kind == "success" else st.warning)(text)


def _save(trained: Trained, name: str, replace: bool) -> None:
    metadata = model_store.ModelMetadata(trained.data_name, trained.class_names, trained.spec,
                                         time.strftime("%Y-%m-%d %H:%M"))
    try:
        path = model_store.save_model(trained.model, name, metadata, replace=replace)
    except model_store.ModelNameTakenError:
        st.session_state[SAVED_KEY] = ("warning", f"Someone saved a model called “{plain(name)}” a moment ago, "
                                                  "so this one was not saved. Choose another name.")
        return
    except OSError as error:
        reason = error.strerror or type(error).__name__
        st.session_state[SAVED_KEY] = ("warning", f"The server could not write the model ({reason}), so it was "
                                                  "not saved. Download it instead.")
        return
    trained.label = name
    done = "Replaced the saved model with this one" if replace else "Saved"
    st.session_state[SAVED_KEY] = ("success", f"{done}: models/trained/{plain(path.name)}.")


def _model_bytes(model) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def load_into_session(name: str) -> None:
    """Make a model this app saved the session's current model; a bad file becomes a message."""
    try:
        model, metadata = model_store.load_saved_model(name)
    except model_store.SavedModelError as error:
        st.session_state[LOAD_ERROR_KEY] = plain(str(error))
        return
    st.session_state[SESSION_KEY] = Trained(model, metadata.spec, metadata.dataset, metadata.class_names, label=name)
