"""Sections of the VGG16 page: answers, Grad-CAM, preprocessing steps, feature maps."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core import explain, vgg16
from ui import pictures
from ui.classifier import state_keys as keys
from ui.map_view import map_view
from ui.probability_list import probability_list
from ui.shared_vgg16 import load_classifier
from ui.text import plain

#: Below this top probability the page says VGG16 is unsure.
LOW_CONFIDENCE = 0.25
#: Channels shown in the feature-map mosaic.
FEATURE_CHANNELS_SHOWN = 16


@dataclass(frozen=True)
class Answer:
    batch: np.ndarray  # (1, 224, 224, 3) float32, BGR minus the ImageNet mean
    probabilities: np.ndarray  # (1000,) float32
    preprocess_ms: float
    predict_ms: float


@st.cache_data(max_entries=64, show_spinner=False)
def classify(pixels: np.ndarray, mode: str) -> Answer:
    """Preprocess and predict one photo; a rerun with the same photo and mode is served from the cache."""
    start = time.perf_counter()
    batch = vgg16.preprocess(pixels, mode)
    preprocessed = time.perf_counter()
    probabilities = load_classifier().predict(batch)[0]
    done = time.perf_counter()
    return Answer(batch, probabilities, 1000 * (preprocessed - start), 1000 * (done - preprocessed))


@st.cache_data(max_entries=64, show_spinner=False)
def grad_cam(batch: np.ndarray, class_index: int) -> np.ndarray:
    return load_classifier().grad_cam(batch, class_index)


@st.cache_data(max_entries=32, show_spinner=False)
def feature_mosaic(batch: np.ndarray, layer_name: str) -> tuple[tuple[int, int, int], np.ndarray]:
    """A layer's output shape and a mosaic of its first channels; only the small mosaic is cached."""
    maps = load_classifier().feature_maps(batch, layer_name)
    return maps.shape, explain.tile_channels(maps, FEATURE_CHANNELS_SHOWN)


def top5_section(rows: list[vgg16.Prediction]) -> None:
    """The five most likely classes (``vgg16.top_k``), each with its full label and probability written out and
    drawn as a bar: readable at a phone's width, where a table's probability column was cut off behind long labels."""
    probability_list([f"{rank}. {row.label}" for rank, row in enumerate(rows, start=1)],
                     np.array([row.probability for row in rows]))


def grid_section(photos: list, answers: list[Answer]) -> None:
    """Every photo with its own top 5, four to a row."""
    for start in range(0, len(photos), 4):
        for offset, column in enumerate(st.columns(4)):
            if start + offset < len(photos):
                photo, answer = photos[start + offset], answers[start + offset]
                column.image(photo.pixels, caption=plain(photo.name), width="stretch")
                with column:
                    top5_section(vgg16.top_k(answer.probabilities, 5))


def answer_section(name: str, pixels: np.ndarray, answer: Answer) -> None:
    rows = vgg16.top_k(answer.probabilities, 5)
    columns = st.columns([2, 3])
    columns[0].image(pixels, caption=plain(name), width="stretch")
    with columns[1]:
        st.markdown("**VGG16's five best guesses** of its 1,000 ImageNet classes:")
        top5_section(rows)
        if rows[0].probability < LOW_CONFIDENCE:
            st.warning(f"VGG16 is unsure: its best guess has only {100 * rows[0].probability:.1f} %. The photo may "
                       "show nothing among the 1,000 ImageNet classes it knows (no people, for example).")
        st.caption(f"Preprocessing {answer.preprocess_ms:.0f} ms, prediction {answer.predict_ms:.0f} ms "
                   "(measured when this photo was first classified).")


def grad_cam_section(answer: Answer, key: str) -> None:
    st.markdown("**Grad-CAM** weighs each of the last conv layer's 512 maps (`block5_conv3`, 14×14) by how much it "
                "raises the class's score before the softmax, and paints where that evidence lies.")
    rows = vgg16.top_k(answer.probabilities, 5)
    choice = st.selectbox("Explain the class", range(5), key=keys.cam_class(key),
                          format_func=lambda i: f"{i + 1}. {rows[i].label} ({100 * rows[i].probability:.1f} %)",
                          help="Grad-CAM for the top answer, or any of the other four.")
    opacity = st.slider("Heatmap opacity", 0.0, 1.0, 0.5, 0.05, key=keys.cam_opacity(key),
                        help="0 shows only the photo VGG16 saw, 1 only the heatmap.")
    heatmap = grad_cam(answer.batch, rows[choice].class_id)
    overlay = pictures.heatmap_overlay(vgg16.deprocess(answer.batch), heatmap, opacity)
    # Twice VGG16's 224 pixels on a wide screen; a column so that a phone's narrow screen shrinks it.
    picture, _ = st.columns([3, 2])
    picture.image(overlay, caption=f"Red: strongest evidence for “{rows[choice].label.split(',')[0]}”",
                  width="stretch")


def preprocessing_section(pixels: np.ndarray, answer: Answer, mode: str) -> None:
    st.markdown("What VGG16 actually receives. A photo prepared differently from how the model was trained is "
                "the classic reason a model disagrees with itself.")
    columns = st.columns(2)
    columns[0].image(pixels, caption=f"1. Your photo, {pixels.shape[0]} × {pixels.shape[1]}", width="stretch")
    step = "cut to its central square and scaled" if mode == "center_crop" else "squashed"
    columns[1].image(vgg16.deprocess(answer.batch), caption=f"2. {step.capitalize()} to 224 × 224", width="stretch")
    st.markdown("3. Channels reordered to **BGR** (the order of the original Caffe model) and the ImageNet mean of "
                "each channel subtracted: B − 103.939, G − 116.779, R − 123.68. Zero is mid-grey.")
    for column, (index, name) in zip(st.columns(3), enumerate("BGR")):
        with column:
            st.markdown(f"**{name}** channel")
            map_view(answer.batch[0, :, :, index], keys.channel(name), height=220, show_scale=False)


def feature_maps_section(answer: Answer) -> None:
    classifier = load_classifier()
    names = [layer.name for layer in classifier.model.layers if "conv" in layer.name or "pool" in layer.name]
    layer_name = st.selectbox("Layer", names, index=0, key=keys.FEATURE_LAYER,
                              help="Early layers respond to edges and colours, later ones to parts and objects.")
    (height, width, channels), mosaic = feature_mosaic(answer.batch, layer_name)
    st.markdown(f"**{layer_name}** outputs {height} × {width} × {channels}: {channels} feature maps of "
                f"{height} × {width}. The first {min(FEATURE_CHANNELS_SHOWN, channels)}:")
    map_view(mosaic, keys.FEATURE_MOSAIC, height=520, photo_range=False)
    st.page_link("pages/filter_playground.py", label="The first layer's 3×3 filters do what the Filter Playground's "
                 "kernels do: try them there", icon=":material/blur_on:")


def summary_section() -> None:
    table = pd.DataFrame(explain.layer_table(load_classifier().model))
    st.dataframe(table, hide_index=True, key=keys.SUMMARY)
    st.markdown(f"Total: **{table['parameters'].sum():,}** parameters; "
                f"{table['parameters'].iloc[-3:].sum():,} of them in the three dense layers.")
