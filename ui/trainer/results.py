"""After training: the test accuracy, the confusion matrix whose cells filter the gallery of mistakes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cnn_core.evaluation import Evaluation, class_report, mistakes
from cnn_core.training_data import PreparedData
from ui import pictures
from ui.confusion_matrix import confusion_figure
from ui.picture_grid import picture_grid
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
                "holds the correct answers. **Click a square**, or pick the two classes under it, to see those "
                "mistakes below.")
    st.plotly_chart(confusion_figure(evaluation.confusion, names), key=keys.CONFUSION_MATRIX, width="content",
                    on_select=_show_the_chosen_square, selection_mode="points", config={"displayModeBar": False})
    true_class, predicted_class = _chosen_classes(names)
    report = class_report(evaluation.confusion)
    with st.expander("Precision, recall and F1 per class"):
        st.markdown("**Precision**: of the images the model called this class, the share that were. **Recall**: "
                    "of the images of this class, the share it found. **F1** balances the two.")
        st.dataframe(pd.DataFrame({"class": names, "precision": report["precision"], "recall": report["recall"],
                                   "F1": report["f1"], "test images": report["support"]}),
                     hide_index=True, key=keys.CLASS_REPORT,
                     column_config={**{name: st.column_config.NumberColumn(format="%.3f")
                                       for name in ("precision", "recall", "F1")},
                                    "test images": st.column_config.NumberColumn(
                                        "images", help="Test images of this class")})
    _gallery(evaluation, data, names, true_class, predicted_class)


def _show_the_chosen_square() -> None:
    """A clicked square of the grid picks its true class and answer in the two boxes under it."""
    points = st.session_state[keys.CONFUSION_MATRIX]["selection"]["points"]
    if points:
        st.session_state[keys.MISTAKES_TRUE_CLASS] = int(points[0]["y"])
        st.session_state[keys.MISTAKES_ANSWER] = int(points[0]["x"])


def _chosen_classes(names: list[str]) -> tuple[int | None, int | None]:
    """The true class and the answer whose mistakes the gallery shows (None: any)."""
    choices = [None, *range(len(names))]

    def any_class(choice: int | None) -> str:
        return "any class" if choice is None else names[choice]

    columns = st.columns(2)
    true_class = columns[0].selectbox("Mistakes of the true class", choices, format_func=any_class,
                                      key=keys.MISTAKES_TRUE_CLASS)
    answer = columns[1].selectbox("taken for", choices, format_func=any_class, key=keys.MISTAKES_ANSWER)
    return true_class, answer


def _gallery(evaluation: Evaluation, data: PreparedData, names: list[str], true_class: int | None,
             predicted_class: int | None) -> None:
    if true_class is not None and true_class == predicted_class:
        st.markdown(f"That square holds the **{names[true_class]}** images the model got right; pick a square off "
                    "the diagonal to see mistakes.")
        return
    indices = mistakes(evaluation, true_class, predicted_class)
    if true_class is None and predicted_class is None:
        st.markdown(f"**Mistakes**, most confident first ({len(indices):,} in all):")
    elif predicted_class is None:
        st.markdown(f"**{names[true_class]}** images the model got wrong: {len(indices):,}, most confident first.")
    elif true_class is None:
        st.markdown(f"Images wrongly taken for **{names[predicted_class]}**: {len(indices):,}, most confident first.")
    else:
        st.markdown(f"**{names[true_class]}** taken for **{names[predicted_class]}**: {len(indices):,} images, "
                    "most confident first.")
    if not len(indices):
        st.info("No mistakes here.")
        return
    shown = indices[:GALLERY_SIZE]
    predictions = evaluation.predictions
    captions = [f"#{index}: {names[evaluation.labels[index]]} → {names[predictions[index]]} "
                f"({100 * evaluation.probabilities[index, predictions[index]]:.0f}\u00a0%)" for index in shown]
    picture_grid([pictures.enlarged(data.test_images[index]) for index in shown], captions)
