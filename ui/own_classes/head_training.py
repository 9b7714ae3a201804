"""Train: the CNN codes of every photo, a new head trained on them live, and its score on the held-out photos."""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from cnn_core import transfer, vgg16
from cnn_core.evaluation import confusion_matrix
from ui import session_watch
from ui.confusion_matrix import confusion_table
from ui.live_training import keep_track, live_progress, one_at_a_time, training_elsewhere, training_slots
from ui.own_classes import photo_classes
from ui.own_classes import state_keys as keys
from ui.own_classes.photo_classes import OwnClasses, TrainedHead

#: Seconds between redraws of the head's curves: it trains in a few seconds.
REDRAW_SECONDS = 0.5
PAGE = "Your own classes"


def readiness(state: OwnClasses) -> list[str]:
    """What stops training now, in words (nothing when it can start)."""
    missing = []
    if photo_classes.name_problems(state):
        missing.append("every class needs its own name")
    short = [photo_class.name or "a class without a name" for photo_class in state.classes
             if len(photo_class.photos) < transfer.MIN_PHOTOS_PER_CLASS]
    if short:
        missing.append(f"each class needs at least {transfer.MIN_PHOTOS_PER_CLASS} photos (not yet: "
                       + ", ".join(f"“{name}”" for name in short) + ")")
    return missing


def train_section(state: OwnClasses, classifier: vgg16.Classifier) -> None:
    trained = state.trained
    active = bool(trained and trained.run.is_active)
    missing = readiness(state)
    if missing:
        st.info("To train, " + "; ".join(missing) + ".")
    else:
        train, held_out = transfer.split_per_class(_labels(state))
        st.markdown(f"Each class keeps about a quarter of its photos aside (at least one) to test the new head on "
                    f"photos it never learned from: **{len(train)} photos to learn from, {len(held_out)} held "
                    f"out**. The head trains for {transfer.HEAD_CONFIG.epochs} epochs.")
    elsewhere = training_elsewhere(PAGE)
    if elsewhere:
        one_at_a_time(elsewhere)
    columns = st.columns([1, 1, 3])
    columns[0].button("Train", type="primary", icon=":material/play_arrow:", key=keys.TRAIN,
                      disabled=bool(missing) or active or bool(elsewhere), on_click=state.requests.add, args=("train",),
                      help="Computes each new photo's CNN code with VGG16 (once per photo), then trains a new head "
                           "on the codes.")
    if trained:
        columns[1].button("Stop", icon=":material/stop:", key=keys.STOP, disabled=not active, on_click=trained.run.stop,
                          help="Stops after the current batch; the head keeps what it has learned so far.")
    if "train" in state.requests and not missing and not elsewhere:
        trained = _start(state, classifier)
        keep_track(PAGE, trained.run)
    state.requests.discard("train")
    if trained is None:
        return
    live_progress(trained.run, keys.HEAD_CURVES, REDRAW_SECONDS)
    if not trained.is_ready:
        return
    if trained.photo_numbers != state.photo_numbers() or trained.class_names != _names(state):
        st.info("Your classes have changed since this head was trained. Train again to include the changes; until "
                "then, “Try it” and the download use the head as it was trained.")
    _held_out_results(trained)


def _labels(state: OwnClasses) -> np.ndarray:
    """Each photo's class number, class by class in the page's order: (N,) int64."""
    return np.array([label for label, photo_class in enumerate(state.classes) for _ in photo_class.photos], np.int64)


def _names(state: OwnClasses) -> tuple[str, ...]:
    return tuple(photo_class.name.strip() for photo_class in state.classes)


def _start(state: OwnClasses, classifier: vgg16.Classifier) -> TrainedHead:
    photos = [photo.pixels for photo_class in state.classes for photo in photo_class.photos]
    labels = _labels(state)
    new = len({transfer.code_key(photo) for photo in photos} - set(state.code_cache))
    bar = st.progress(0.0, text=f"VGG16 is computing the CNN codes of {new} new photos…")
    start = time.perf_counter()
    before = set(state.code_cache)
    codes = transfer.cnn_codes(classifier, photos, cache=state.code_cache, progress=lambda done, total: bar.progress(
        done / total, text=f"VGG16 is computing the CNN codes of the new photos: {done} of {total}"))
    added = set(state.code_cache) - before
    for key in added:
        state.code_seconds[key] = (time.perf_counter() - start) / len(added)
    bar.empty()
    train, held_out = transfer.split_per_class(labels)
    run = transfer.start_head_training(codes[train], labels[train], len(state.classes),
                                       (codes[held_out], labels[held_out]), slots=training_slots())
    session_watch.watch(run, None)
    seconds = sum(state.code_seconds.get(transfer.code_key(photo), 0.0) for photo in photos)
    state.trained = TrainedHead(run, _names(state), state.photo_numbers(), photos, labels, codes, train, held_out,
                                seconds)
    return state.trained


def _held_out_results(trained: TrainedHead) -> None:
    held_out = trained.held_out_indices
    answers = trained.held_out_answers()
    right = int(np.sum(answers == trained.labels[held_out]))
    st.metric("Accuracy on the held-out photos", f"{100 * right / len(held_out):.1f} %",
              help="Photos the head never learned from, one or more of each class.")
    st.caption(f"{right} of {len(held_out)} held-out photos answered correctly. With so few photos, one photo more "
               f"or less right moves this by {100 / len(held_out):.0f} points.")
    st.markdown("**Confusion matrix of the held-out photos**: rows are the true class, columns the head's answer; "
                "the diagonal holds the correct answers.")
    confusion = confusion_matrix(trained.labels[held_out], answers, len(trained.class_names))
    st.dataframe(confusion_table(confusion, list(trained.class_names)), key=keys.CONFUSION)
