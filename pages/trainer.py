"""Trainer: fit a CNN on Fashion-MNIST or MNIST live, stop it any time, then look inside."""

import streamlit as st

from cnn_core import datasets, models, recipes
from ui import image_picker, streamlit_adjustments, url_settings
from ui.megabyte_bar import MegabyteBar
from ui.text import plain
from ui.trainer import (
    architecture,
    controls,
    handover,
    inside_image,
    learned_filters,
    live_training,
    own_image,
    results,
    saving,
    session,
    shipped,
)
from ui.trainer import state_keys as keys

streamlit_adjustments.require_app_entry_point()
SECTIONS = ("Results and mistakes", "Learned filters", "Inside one image", "Your own image", "Save and code")

st.title("Trainer")
st.markdown("Train a CNN on 28 × 28 pictures of clothes (or digits) and watch it learn. Every **batch** of "
            "examples nudges the weights to lower the **loss**; an **epoch** is one pass over all training "
            "examples. After each epoch the model is checked on images it never trains on (**validation**).")

link = url_settings.UrlSettings("trainer", controls.LINKED_SETTINGS)
with st.sidebar:
    data_settings = controls.data_settings(link)
    try:
        config = controls.training_settings(link, data_settings.name)
    except ValueError as error:
        st.error(str(error))
        st.stop()

st.header("1. The model")
preset = controls.architecture_choice(link)
handover.take_over(link.private(handover.RUN_PARAMETER))
trained: session.Trained | None = session.current()
link.publish({handover.RUN_PARAMETER: trained.run_token} if trained and trained.run_token else None)
link.show_notes()

try:
    if data_settings.data_dir is None:
        download = MegabyteBar(f"Downloading {controls.DATASET_LABELS[data_settings.name]}")
        datasets.download_dataset(data_settings.name, download.update_part)
        download.close()
    with st.spinner(f"Reading {controls.DATASET_LABELS[data_settings.name]}: 70,000 pictures…"):
        data = session.load_data(data_settings.name, data_settings.train_size, data_settings.data_dir)
except (datasets.DatasetUnavailableError, ValueError) as error:
    st.error(controls.describe_dataset_error(error, data_settings.name))
    data = shipped.without_the_dataset(data_settings.name)
    if data is None:
        st.stop()
st.sidebar.caption(plain(data.source))

try:
    if preset == controls.CUSTOM:
        spec = controls.custom_architecture()
    else:
        spec = models.PRESETS[preset]
        st.caption(f"{spec.description} {recipes.RECIPES[preset].summary()}")
    architecture.architecture_section(spec)
except ValueError as error:
    st.error(f"This architecture cannot be trained: {error}")
    st.stop()

st.header("2. Training")
handover.show_note()
if len(data.train_labels):
    live_training.training_buttons(spec, data, config, trained)
active = bool(trained and trained.is_training)
saving.saved_models_section(active)
shipped.shipped_models_section(active, data.name)

if trained is None or active or (trained.run and not trained.run.snapshot().epochs):
    st.stop()
if trained.data_name != data.name:
    st.warning(f"This model learned {controls.DATASET_LABELS[trained.data_name]}; choose that dataset in the "
               "sidebar to inspect it.")
    st.stop()

st.header("3. What it learned")
section = st.segmented_control("Show", SECTIONS, default=SECTIONS[0], required=True, key=keys.SECTION)
if section == SECTIONS[0]:
    results.results_section(trained, data)
elif section == SECTIONS[1]:
    learned_filters.filters_section(trained)
elif section == SECTIONS[2]:
    inside_image.inside_section(trained, data)
elif section == SECTIONS[3]:
    picked = image_picker.pick_image("trainer", samples=image_picker.TRAINER_SAMPLES[trained.data_name])
    if picked is not None:
        own_image.own_image_section(trained, data, picked)
else:
    saving.save_section(trained)
    if trained.spec == spec:
        st.caption("This model's Keras code is under 1. The model (Keras code for this architecture).")
    else:
        st.markdown("**Keras code** of this model's architecture (not the one chosen above):")
        architecture.keras_code_block(trained.spec)
