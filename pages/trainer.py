"""Trainer: fit a CNN on Fashion-MNIST or MNIST live, stop it any time, then look inside."""

import streamlit as st

from cnn_core import datasets, model_store, models, training
from ui import entry, session_watch, sources, url_settings
from ui.text import plain
from ui import trainer_controls as controls
from ui import trainer_handover as handover
from ui import trainer_views as views

entry.require_app_entry_point()
SECTIONS = ("Results and mistakes", "Learned filters", "Inside one image", "Your own image", "Save and code")

st.title("Trainer")
st.markdown("Train a CNN on 28 × 28 pictures of clothes (or digits) and watch it learn. Every **batch** of "
            "examples nudges the weights to lower the **loss**; an **epoch** is one pass over all training "
            "examples. After each epoch the model is checked on images it never trains on (**validation**).")

link = url_settings.UrlSettings("trainer", controls.LINKED_SETTINGS)
with st.sidebar:
    data_settings = controls.data_settings(link)
    try:
        config = controls.training_settings(link)
    except ValueError as error:
        st.error(str(error))
        st.stop()

st.header("1. The model")
preset = controls.architecture_choice(link)
handover.take_over(link.private(handover.RUN_PARAMETER))
trained: views.Trained | None = st.session_state.get(views.SESSION_KEY)
link.publish({handover.RUN_PARAMETER: trained.run_token} if trained and trained.run_token else None)
link.show_notes()

try:
    with st.spinner("Loading the dataset (the first time, Keras downloads it: about 30 MB)…"):
        data = views.load_data(data_settings.name, data_settings.train_size, data_settings.data_dir)
except (datasets.DatasetUnavailableError, ValueError) as error:
    st.error(controls.describe_dataset_error(error, data_settings.name))
    st.stop()
st.sidebar.caption(plain(data.source))

try:
    if preset == controls.CUSTOM:
        spec = controls.custom_architecture()
    else:
        spec = models.PRESETS[preset]
        st.caption(spec.description)
    views.architecture_section(spec)
except ValueError as error:
    st.error(f"This architecture cannot be trained: {error}")
    st.stop()

st.header("2. Training")
handover.show_note()
active = bool(trained and trained.run and trained.run.snapshot().is_active)


def start_training() -> None:
    handover.forget_note()
    run = training.start_training(spec, data, config, views.training_slots())
    started = views.Trained(run.model, spec, data.name, data.class_names, run)
    st.session_state[views.SESSION_KEY] = started
    started.run_token = session_watch.watch(run, started)


def continue_training(continued: views.Trained, epochs: int) -> None:
    handover.forget_note()
    continued.run.continue_training(epochs)
    continued.run_token = session_watch.watch(continued.run, continued, continued.run_token)


def load_saved(name: str) -> None:
    handover.forget_note()
    views.load_into_session(name)


columns = st.columns([1, 1, 2])
columns[0].button("Train a new model", type="primary", disabled=active, on_click=start_training,
                  icon=":material/play_arrow:", key="train",
                  help=f"Trains the architecture above on {len(data.train_labels):,} examples, "
                       f"{config.epochs} epochs.")
if trained and trained.run:
    columns[1].button("Stop", disabled=not active, on_click=trained.run.stop, icon=":material/stop:", key="stop",
                      help="Stops after the current batch; the model keeps what it has learned so far.")
    more = columns[2].number_input("More epochs", 1, 50, 2, key="more_epochs", disabled=active,
                                   help="Continue training the current model from where it stopped.")
    columns[2].button("Continue", disabled=active, on_click=continue_training, args=(trained, int(more)),
                      icon=":material/fast_forward:", key="continue")
    views.progress_section(trained)
elif trained:
    st.info(f"Inspecting the saved model “{trained.label}”. Train a new model to see live curves.")
else:
    st.info("Press **Train a new model** to start. The curves appear here as it learns.")

with st.expander("Saved models"):
    if views.LOAD_ERROR_KEY in st.session_state:
        st.error(st.session_state.pop(views.LOAD_ERROR_KEY))
    saved = model_store.saved_models()
    if saved:
        chosen = st.selectbox("Saved model", saved, key="saved_model", help="Models saved on this server.")
        st.button("Load to inspect", disabled=active, key="load_saved", on_click=load_saved, args=(chosen,))
    else:
        st.caption("None yet: train a model, then save it under Save and code.")

if trained is None or active or (trained.run and not trained.run.snapshot().epochs):
    st.stop()
if trained.data_name != data.name:
    st.warning(f"This model learned {controls.DATASET_LABELS[trained.data_name]}; choose that dataset in the "
               "sidebar to inspect it.")
    st.stop()

st.header("3. What it learned")
section = st.segmented_control("Show", SECTIONS, default=SECTIONS[0], required=True, key="trainer_section")
if section == SECTIONS[0]:
    views.results_section(trained, data)
elif section == SECTIONS[1]:
    views.filters_section(trained)
elif section == SECTIONS[2]:
    views.inside_section(trained, data)
elif section == SECTIONS[3]:
    picked = sources.pick_image("trainer")
    if picked is not None:
        views.own_image_section(trained, picked)
else:
    views.save_section(trained)
    st.markdown("**Keras code** of this model's architecture:")
    st.code(models.keras_code(trained.spec), language="python")
