"""What goes into the network: a shipped test picture, an own photo or a drawing, as the 28 × 28 it receives."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from cnn_core import datasets, own_photos, pretrained
from ui import image_picker, pictures
from ui.drawing_canvas import drawing_canvas
from ui.inside_cnn import state_keys as keys
from ui.inside_cnn.model_choice import ChosenModel
from ui.text import plain
from ui.url_settings import UrlSettings

INPUTS = {"test": "A test picture", "photo": "Your own photo", "drawing": "A drawing"}


@dataclass(frozen=True)
class ChosenInput:
    """The picture the model receives and where it came from."""

    picture: np.ndarray  # uint8 (28, 28)
    description: str
    true_class: int | None = None  # for a test picture

    @property
    def model_input(self) -> np.ndarray:
        """float32 (28, 28, 1) in [0, 1], as the models take it."""
        return datasets.to_model_input(self.picture[None])[0]


def _random_picture(count: int) -> None:
    st.session_state[keys.PICTURE] = int(np.random.default_rng().integers(count))


def choose_input(link: UrlSettings, chosen: ChosenModel) -> ChosenInput | None:
    """The input picker; None (with a message shown) until there is a picture."""
    tokens = list(INPUTS)
    source = st.radio("Input", tokens, format_func=INPUTS.get, horizontal=True,
                      **link.choice("input", keys.INPUT, tokens, "test").as_index(tokens),
                      help="A test picture the model never trained on, a photo of your own, or a drawing made "
                           "with the mouse or a finger.")
    test_pictures, labels = pretrained.held_out_sample(chosen.dataset)
    if source == "test":
        columns = st.columns([3, 2], vertical_alignment="bottom")
        index = columns[0].number_input(
            "Test picture number", 0, len(labels) - 1, step=1,
            **link.whole_number("picture", keys.PICTURE, 0, len(labels) - 1, 0).as_value(),
            help=f"One of {len(labels)} test pictures shipped with the app, which no shipped model trained on.")
        columns[1].button("A random one", on_click=_random_picture, args=(len(labels),),
                          icon=":material/casino:")
        chosen_input = ChosenInput(test_pictures[index], f"test picture {index}", int(labels[index]))
    elif source == "photo":
        picked = image_picker.pick_image("inside", samples=image_picker.TRAINER_SAMPLES[chosen.dataset])
        if picked is None:
            return None
        chosen_input = ChosenInput(own_photos.photo_to_sample(picked.pixels), f"your photo “{plain(picked.name)}”")
    else:
        st.caption("Draw one item or digit, large, in the middle of the square; the prediction follows each stroke.")
        try:
            drawing = drawing_canvas(keys.CANVAS)
        except ValueError as error:  # includes images.ImageError
            st.error(str(error))
            return None
        if drawing is None:
            st.info("Draw something in the black square to send it through the network.")
            return None
        strokes = f"{drawing.strokes} stroke" + ("s" if drawing.strokes > 1 else "")
        chosen_input = ChosenInput(own_photos.photo_to_sample(drawing.pixels), f"your drawing after {strokes}")
    true = "" if chosen_input.true_class is None else f" · true class: {chosen.class_names[chosen_input.true_class]}"
    st.image(pictures.enlarged(chosen_input.picture, 140), width=140, caption=f"What the model receives: 28 × 28 grey "
             f"values · {chosen_input.description}{true}")
    return chosen_input
