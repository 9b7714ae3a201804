"""Your own classes: teach VGG16 new classes from a few photos (transfer learning), and see why it works."""

import streamlit as st

from ui import shared_vgg16, streamlit_adjustments
from ui.own_classes import class_editor, head_training, take_home, try_it, why_it_works
from ui.own_classes.photo_classes import own_classes

streamlit_adjustments.require_app_entry_point()

st.title("Your own classes")
st.markdown(
    "A CNN has two parts: a **convolutional part** that turns a photo into features, and a **classification "
    "part** that turns the features into classes. VGG16's convolutional part learned its features from over a "
    "million ImageNet photos, and they describe almost any photo well: each photo becomes 512 numbers, its "
    "**CNN code**. So to teach it classes of your own, only a new, small classification part (a *head*) has to "
    "learn, from the codes of a few photos per class, in seconds. This is **transfer learning**.")
st.caption("Your photos stay in this tab's session on the server, in memory only: they are never written to the "
           "server's disk, no other visitor can see them, and they are forgotten within seconds of closing this tab "
           "(reloading the page starts afresh).")

classifier = shared_vgg16.require_classifier()
state = own_classes()

st.header("1. Your classes")
class_editor.classes_section(state)

st.header("2. Train a new head")
head_training.train_section(state, classifier)
trained = state.trained
if trained is None or not trained.is_ready:
    st.stop()

st.header("3. Why it works")
why_it_works.code_map_section(trained)
why_it_works.scratch_section(trained, state.requests)

st.header("4. Try it")
try_it.try_section(state, trained, classifier)

st.header("5. Take it home")
take_home.take_home_section(trained, classifier)
