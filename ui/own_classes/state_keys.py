"""Every session-state key of the Your-own-classes page, with what it holds. Widgets hold their own value under
theirs; the photos themselves are not in the session state but in :mod:`ui.session_memory`.

The image picker of "Try it" adds ``own_try_source``, ``own_try_sample``, ``own_try_upload`` and
``own_try_camera`` (see :mod:`ui.image_picker`).
"""

MEMORY = "own_classes"  # the key of the page's OwnClasses in the session's memory (ui.session_memory)

# Adding photos.
INTAKE = "own_intake"  # segmented control: from uploads, the camera or a zip file
TARGET_CLASS = "own_target_class"  # selectbox: the class new uploads and shots go to
ADD_CLASS = "own_add_class"  # button: one more class

# Training and its results.
TRAIN = "own_train"  # button: compute the codes and train a new head
STOP = "own_stop"  # button: stop the head's training
HEAD_CURVES = "own_head_curves"  # chart: the head's live loss and accuracy
CONFUSION = "own_confusion"  # dataframe: the held-out photos' confusion matrix

# Why it works.
CODE_MAP = "own_code_map"  # chart: the codes in 2-D
FROM_SCRATCH = "own_from_scratch"  # button: train the small CNN from scratch for the same time

# Try it.
TRY_BARS = "own_try_bars"  # chart: the new photo's probabilities
CAM_CLASS = "own_cam_class"  # selectbox: the class Grad-CAM explains
CAM_OPACITY = "own_cam_opacity"  # slider: the heatmap's opacity

# Take it home.
DOWNLOAD_MODEL = "own_download_model"  # download button: the whole model as .keras
DOWNLOAD_NAMES = "own_download_names"  # download button: the class names as JSON


def uploads(round_number: int) -> str:
    """File uploader: photos for the target class (a new key after each batch is added empties it)."""
    return f"own_uploads_{round_number}"


def camera(round_number: int) -> str:
    """Camera input: one shot for the target class (a new key after each shot readies it for the next)."""
    return f"own_camera_{round_number}"


def class_zip(round_number: int) -> str:
    """File uploader: a zip file with one folder per class."""
    return f"own_zip_{round_number}"


def class_name(class_number: int) -> str:
    """Text input: the name of one class."""
    return f"own_class_name_{class_number}"


def remove_class(class_number: int) -> str:
    """Button: remove one class and its photos."""
    return f"own_remove_class_{class_number}"


def remove_photo(class_number: int) -> str:
    """Pills: the photo of one class to remove (cleared once it is removed)."""
    return f"own_remove_photo_{class_number}"
