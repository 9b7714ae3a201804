"""Every session-state key of the Inside-a-CNN page, with what it holds. Widgets hold their own value under theirs.

The image picker of "Your own photo" adds ``inside_source``, ``inside_sample``, ``inside_upload`` and
``inside_camera`` (see :mod:`ui.image_picker`); the page link is kept under ``url_settings_inside_cnn``.
"""

# The model and the input (each also a page-link setting, named after the = sign).
MODEL = "inside_model"  # selectbox: a shipped model, the Trainer's, or a saved one (model=)
INPUT = "inside_input"  # radio: a test picture, an own photo or a drawing (input=)
PICTURE = "inside_picture"  # number input: which shipped test picture (picture=)
CANVAS = "inside_canvas"  # the drawing canvas component's last value

# The number explained (page-link settings too).
LAYER = "inside_layer"  # selectbox: the layer whose number is explained (layer=)
ROW = "inside_row"  # number input: its row, for a map (row=)
COLUMN = "inside_column"  # number input: its column, for a map (column=)
CHANNEL = "inside_channel"  # number input: its channel, for a map (channel=)
UNIT = "inside_unit"  # number input: its position, for a vector (unit=)
INPUT_CHANNEL = "inside_input_channel"  # number input: which input channel of a conv window is drawn

# What each filter looks for.
SHOW_PATTERNS = "inside_show_patterns"  # toggle: search for and show the filters' patterns
PATTERN_LAYER = "inside_pattern_layer"  # selectbox: the conv layer whose filters are shown
PATTERNS = "inside_patterns"  # (model token, layer, filter) -> pattern, for models that are not shipped


def first_channel(layer_name: str) -> str:
    """Number input: the first channel drawn of a layer's maps."""
    return f"inside_first_channel_{layer_name}"


def chart(layer_name: str) -> str:
    """A layer's clickable picture: its selection event."""
    return f"inside_chart_{layer_name}"


def pattern_first(layer_name: str) -> str:
    """Number input: the first filter of a layer whose pattern is shown."""
    return f"inside_pattern_first_{layer_name}"
