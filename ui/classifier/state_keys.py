"""Every session-state key of the VGG16 classifier page, with what it holds. Widgets hold their own value under theirs.

The image picker adds ``vgg16_source``, ``vgg16_samples``, ``vgg16_uploads`` and ``vgg16_camera``
(see :mod:`ui.image_picker`).
"""

RESIZE_MODE = "resize_mode"  # radio: centre crop or squash to 224 × 224
SECTION = "vgg16_section"  # segmented control: Grad-CAM, preprocessing or feature maps
CHOSEN_PHOTO = "chosen_photo"  # selectbox: which photo the sections explain
FEATURE_LAYER = "feature_layer"  # selectbox: the layer whose feature maps are shown
FEATURE_MOSAIC = "feature_mosaic"  # chart: that layer's feature maps
SUMMARY = "vgg16_summary"  # dataframe: VGG16's layer table
PATTERN_LAYER = "vgg16_pattern_layer"  # selectbox: the conv layer whose filter's pattern is found
PATTERN_FILTER = "vgg16_pattern_filter"  # number input: that filter


def cam_class(photo: str) -> str:
    """Selectbox: the class Grad-CAM explains for one photo."""
    return f"cam_class_{photo}"


def cam_opacity(photo: str) -> str:
    """Slider: the heat map's opacity for one photo."""
    return f"cam_opacity_{photo}"


def channel(photo: str) -> str:
    """Chart: one channel of the preprocessing steps of one photo."""
    return f"channel_{photo}"
