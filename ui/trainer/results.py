"""After training: the test accuracy, the confusion matrix whose cells filter the gallery of mistakes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cnn_core.evaluation import Evaluation, class_report, mistakes
from cnn_core.training_data import PreparedData
from ui import figures
from ui.confusion_table import confusion_table
from ui.shipped_models import seen_pictures_note
from ui.trainer import controls
from ui.trainer import state_keys as keys
from ui.trainer.session import Trained, evaluation_of

#: Misclassified test images shown at once.
GALLERY_SIZE = 24


def results_section(trained: Trained, data: PreparedData) -> None:
    evaluation = evaluation_of(trained, data)
    columns = st.columns(3)
    columns[0].metric("Test accuracy", f"{100 * evaluation.accuracy:.2f} %",
                      help=f"Share of the {len(evaluation.labels):,} test images classified correctly.")
    columns[1].metric("Test loss", f"{evaluation.loss:.4f}", help="Mean cross-entropy on the test images.")
    columns[2].metric("Mistakes", f"{int((evaluation.predictions != evaluation.labels).sum()):,}")
    note = seen_pictures_note(trained.shipped, data.test_images) if trained.shipped else None
    if note:
        st.warning(note, icon=":material/visibility:")
    if trained.run and trained.run.config.validation_split == 0:
        st.warning(controls.OPTIMISTIC_TEST, icon=":material/visibility:")
    names = list(trained.class_names)
    st.markdown("**Confusion matrix**: rows are the true class, columns what the model answered; the diagonal "
                "holds the correct answers. **Click a cell** to see those mistakes below.")
    event = st.dataframe(confusion_table(evaluation.confusion, names), key=keys.CONFUSION_MATRIX, on_select="rerun",
                         selection_mode="single-cell")
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
                     hide_index=True, key=keys.CLASS_REPORT,
                     column_config={name: st.column_config.NumberColumn(format="%.3f")
                                    for name in ("precision", "recall", "F1")})
    _gallery(evaluation, data, names, true_class, predicted_class)


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
        columns[position % 8].image(figures.enlarged(data.test_images[index]), caption=caption, width="stretch")
