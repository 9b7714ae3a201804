"""Inside a CNN: one picture through a trained network, from its pixels to the probabilities, every number explained."""

import streamlit as st

from cnn_core import inside
from ui import streamlit_adjustments, url_settings
from ui.inside_cnn import filter_patterns, forward_pass, input_choice, model_choice, selection, unit_explanation
from ui.inside_cnn import state_keys as keys

streamlit_adjustments.require_app_entry_point()
LINKED_SETTINGS = ("model", "input", "picture", "layer", "row", "column", "channel", "unit")

st.title("Inside a CNN")
st.markdown("Follow one picture through a trained network: convolutions make **feature maps**, pooling shrinks "
            "them, **flatten** lays them out as one vector (the *CNN code*), and dense layers turn that into a "
            "**probability** for each class. **Click any number** in a layer's picture, or pick it below, to "
            "see exactly how it was computed from the layer before.")

link = url_settings.UrlSettings("inside_cnn", LINKED_SETTINGS)
chosen = model_choice.choose_model(link)
if chosen is None:
    link.publish()
    st.stop()
st.caption(chosen.about)
chosen_input = input_choice.choose_input(link, chosen)
if chosen_input is None:
    link.publish()
    link.show_notes()
    st.stop()

traced = inside.trace(chosen.model, chosen_input.model_input)
st.subheader("Pick a number to explain")
layer_name = selection.layer_choice(link, traced)


def explain(picked: selection.Selection) -> None:
    names = [step.name for step in traced]
    position = names.index(picked.layer)
    before = (unit_explanation.Before(f"`{names[position - 1]}`", traced[position - 1].shape) if position else
              unit_explanation.Before("the input", tuple(chosen_input.model_input.shape)))
    try:
        explanation = inside.explain_unit(chosen.model, chosen_input.model_input, picked.layer, picked.index, traced)
    except ValueError as error:
        st.info(str(error))
        return
    unit_explanation.explanation_section(explanation, before, chosen.class_names, chosen_input.picture)


st.subheader("The forward pass")
forward_pass.forward_pass_section(chosen, chosen_input, traced, layer_name, link, explain)
link.publish()
link.show_notes()

st.subheader("What each filter looks for")
if st.toggle("Find the pattern each filter answers most", key=keys.SHOW_PATTERNS,
             help="A few seconds per group of filters the first time; then kept."):
    filter_patterns.filter_patterns_section(chosen, traced)
