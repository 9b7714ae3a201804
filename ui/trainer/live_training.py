"""While a model trains: its progress and speed, and the live loss and accuracy curves."""

from __future__ import annotations

import streamlit as st

from cnn_core import models, pretrained, training
from cnn_core.training_data import PreparedData, validation_data
from ui import session_watch
from ui.live_training import keep_track, live_progress, one_at_a_time, training_elsewhere, training_slots
from ui.trainer import handover, session
from ui.trainer import state_keys as keys
from ui.trainer.session import Trained

#: Seconds between redraws while training. Each redraw costs the server about 0.1 s of Python (the
#: training thread waits for it) and the browser a Plotly redraw, so redrawing every second slowed
#: training on a 2-core machine several times over.
REDRAW_SECONDS = 2.0
PAGE = "Trainer"


def training_buttons(spec: models.Architecture, data: PreparedData, config: training.TrainingConfig,
                     trained: Trained | None) -> None:
    """Train, Stop, More epochs and Continue, then the progress and curves of the session's run."""
    active = bool(trained and trained.is_training)
    elsewhere = training_elsewhere(PAGE)
    held_out = len(data.train_labels) - len(validation_data(data.train_inputs, data.train_labels, data.test_inputs,
                                                           data.test_labels, config.validation_split)[0][1])
    columns = st.columns([1, 1, 2])
    columns[0].button("Train a new model", type="primary", disabled=active or bool(elsewhere), on_click=_start,
                      args=(spec, data, config), icon=":material/play_arrow:", key=keys.TRAIN,
                      help=f"Trains the architecture above for {config.epochs} epochs on the "
                           f"{len(data.train_labels) - held_out:,} training examples left after holding out "
                           f"{held_out:,} for validation." if held_out else
                           f"Trains the architecture above for {config.epochs} epochs on "
                           f"{len(data.train_labels):,} examples, validating on the test set.")
    if trained and trained.run:
        columns[1].button("Stop", disabled=not active, on_click=trained.run.stop, icon=":material/stop:", key=keys.STOP,
                          help="Stops after the current batch; the model keeps what it has learned so far.")
        more = columns[2].number_input("More epochs", 1, 50, 2, key=keys.MORE_EPOCHS, disabled=active,
                                       help="Continue training the current model from where it stopped.")
        columns[2].button("Continue", disabled=active or bool(elsewhere), on_click=_continue,
                          args=(trained, int(more)), icon=":material/fast_forward:", key=keys.CONTINUE)
        if elsewhere:
            one_at_a_time(elsewhere)
        progress_section(trained)
    elif trained and trained.shipped:
        st.info(f"Inspecting the shipped model “{pretrained.PRETRAINED[trained.shipped].title}”. Train a new model "
                "to see live curves.")
    elif trained:
        st.info(f"Inspecting the saved model “{trained.label}”. Train a new model to see live curves.")
    elif elsewhere:
        one_at_a_time(elsewhere)
    else:
        st.info("Press **Train a new model** to start. The curves appear here as it learns.")


def _start(spec: models.Architecture, data: PreparedData, config: training.TrainingConfig) -> None:
    handover.forget_note()
    run = training.start_training(spec, data, config, training_slots())
    started = Trained(run.model, spec, data.name, data.class_names, run)
    session.keep(started)
    started.run_token = session_watch.watch(run, started)
    keep_track(PAGE, run)


def _continue(continued: Trained, epochs: int) -> None:
    handover.forget_note()
    continued.run.continue_training(epochs)
    continued.run_token = session_watch.watch(continued.run, continued, continued.run_token)


def progress_section(trained: Trained) -> None:
    """Progress, speed and curves of the session's run, redrawn every REDRAW_SECONDS while it is active."""
    live_progress(trained.run, keys.TRAINING_CURVES, REDRAW_SECONDS)
