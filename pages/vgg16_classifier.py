"""VGG16 classifier: a pretrained ImageNet CNN names what is in your photos, and shows why."""

import streamlit as st

from cnn_core import vgg16
from ui import image_picker, shared_vgg16, streamlit_adjustments
from ui.classifier import filter_patterns, sections
from ui.classifier import state_keys as keys
from ui.text import plain

streamlit_adjustments.require_app_entry_point()
SECTIONS = ("Why: Grad-CAM", "Preprocessing steps", "Feature maps", "What its filters look for")

st.title("VGG16 classifier")
st.markdown("**VGG16** is a 16-layer CNN trained on ImageNet: 13 convolutional layers in five blocks extract "
            "features, and three dense layers turn them into a probability for each of 1,000 classes. Give it "
            "photos and it answers with its five most likely classes.")

with st.sidebar:
    photos = image_picker.pick_images("vgg16")
    mode = st.radio("Resize", vgg16.PREPROCESS_MODES, key=keys.RESIZE_MODE, horizontal=True,
                    format_func={"center_crop": "Centre crop", "squash": "Squash"}.get,
                    help="VGG16 sees 224 × 224 pixels. Centre crop keeps proportions but cuts the edges; "
                         "squash keeps everything but distorts shapes.")

shared_vgg16.require_classifier()
if not photos:
    st.stop()

answers = [sections.classify(photo.pixels, mode) for photo in photos]
index = 0
if len(photos) > 1:
    st.subheader("All photos")
    sections.grid_section(photos, answers)
    index = st.selectbox("Look closer at", range(len(photos)), format_func=lambda i: photos[i].name,
                         key=keys.CHOSEN_PHOTO, help="Grad-CAM, preprocessing and feature maps for one photo.")
    st.subheader(plain(photos[index].name))
photo, answer = photos[index], answers[index]
sections.answer_section(photo.name, photo.pixels, answer)
section = st.segmented_control("Show", SECTIONS, default=SECTIONS[0], required=True, key=keys.SECTION)
if section == SECTIONS[0]:
    sections.grad_cam_section(answer, key=str(index))
elif section == SECTIONS[1]:
    sections.preprocessing_section(photo.pixels, answer, mode)
elif section == SECTIONS[2]:
    sections.feature_maps_section(answer)
else:
    filter_patterns.filter_patterns_section()
with st.expander("Model summary"):
    sections.summary_section()
