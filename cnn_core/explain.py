"""Why a CNN gave its answer: Grad-CAM heatmaps.

TensorFlow is imported inside the function, so importing this module is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from cnn_core import checks

if TYPE_CHECKING:
    import keras


def grad_cam(model: keras.Model, batch: np.ndarray, class_index: int, layer_name: str | None = None) -> np.ndarray:
    """Where in the picture the evidence for one class lies (Grad-CAM).

    Each channel of a conv layer's output is weighted by the mean gradient of
    the class score with respect to it; the weighted sum, with negatives set to
    zero, shows the places that raise the score. The score is taken *before*
    the softmax (the logit), since the softmax also mixes in every other class.

    Parameters
    ----------
    model : keras.Model
        Ending in a Dense layer, with or without a softmax activation, and
        whose layers form a single chain (as in VGG16 and Sequential-style
        CNNs).
    batch : ndarray of shape (1, H, W, C)
        One preprocessed input, as given to ``model``.
    class_index : int
        The class to explain.
    layer_name : str, optional
        A conv layer; by default the last Conv2D of the model.

    Returns
    -------
    ndarray of float32, shape (H, W), values in [0, 1]
        Resized from the layer's own grid to the input's height and width;
        all zeros when nothing in the picture raises the score.
    """
    import keras
    import tensorflow as tf

    batch = np.asarray(batch, dtype=np.float32)
    if batch.ndim != 4 or batch.shape[0] != 1:
        raise ValueError(f"batch must hold one input, shape (1, H, W, C). Received: shape={batch.shape}")
    classes = model.output_shape[-1]
    if not (checks.is_whole_number(class_index) and 0 <= class_index < classes):
        raise ValueError(f"class_index must be from 0 to {classes - 1}. Received: class_index={class_index!r}")
    layer = model.get_layer(layer_name) if layer_name else _last_conv_layer(model)
    head = model.layers[-1]
    if not isinstance(head, keras.layers.Dense):
        raise ValueError(f"The model must end in a Dense layer. Received: {type(head).__name__}")

    # Run up to the conv layer outside the tape, then only the layers after it
    # under a tape that watches nothing but the activations. A plain tape also
    # watches every weight it reads, and its backward pass through VGG16's fc1
    # then allocates kernel-sized tensors: about 800 MB more.
    # Layer by layer, rather than a model from the layer's output, which names the first graph a shared layer
    # was called in (VGG16's own, for the page's model of a person's classes).
    activations = batch
    for earlier_layer in chain_through(model, layer.name):
        activations = earlier_layer(activations, training=False)  # ends as (1, h, w, c)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(activations)
        features = activations
        for later_layer in model.layers[model.layers.index(layer) + 1 : -1]:
            features = later_layer(features, training=False)  # ends as (1, units), the head's input
        logits = tf.matmul(features, head.kernel) + (head.bias if head.use_bias else 0.0)
        score = logits[:, class_index]
    gradients = tape.gradient(score, activations)  # (1, h, w, c)
    channel_weights = tf.reduce_mean(gradients, axis=(1, 2))  # (1, c)
    heatmap = tf.nn.relu(tf.reduce_sum(activations * channel_weights[:, None, None, :], axis=-1))[0].numpy()
    largest = float(heatmap.max())
    heatmap = heatmap / largest if largest > 0 else np.zeros_like(heatmap)
    height, width = batch.shape[1:3]
    resized = cv2.resize(heatmap.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)
    return np.clip(resized, 0, 1)


def _last_conv_layer(model: keras.Model) -> keras.layers.Conv2D:
    import keras

    for layer in reversed(model.layers):
        if isinstance(layer, keras.layers.Conv2D):
            return layer
    raise ValueError(f"Model {model.name!r} has no Conv2D layer to explain; pass layer_name.")


def chain_through(model: keras.Model, layer_name: str | None = None) -> list:
    """The model's layers in order, without its InputLayer, up to and including ``layer_name`` (all by default)."""
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    if layer_name is None:
        return layers
    return layers[: layers.index(model.get_layer(layer_name)) + 1]


def layer_output(model: keras.Model, batch: np.ndarray, layer_name: str) -> np.ndarray:
    """What one layer of ``model`` outputs for ``batch``: float32 (N, h, w, channels)."""
    import keras

    probe = keras.Model(model.inputs[0], model.get_layer(layer_name).output)
    return np.asarray(probe(np.asarray(batch, dtype=np.float32), training=False))


def layer_table(model: keras.Model) -> list[dict[str, object]]:
    """One row per layer: its name, kind, output shape (batch axis left out) and parameter count."""
    return [{"layer": layer.name, "kind": type(layer).__name__,
             "output shape": " × ".join(str(size) for size in layer.output.shape[1:]),
             "parameters": layer.count_params()} for layer in model.layers]


def tile_channels(feature_maps: np.ndarray, count: int = 16, columns: int = 4) -> np.ndarray:
    """The first ``count`` channels of (h, w, channels) side by side in one 2-D mosaic.

    Channels are separated by a one-pixel NaN gap. Returns float32 of shape
    (rows * (h + 1) - 1, columns * (w + 1) - 1).
    """
    for name, value in (("count", count), ("columns", columns)):
        if not (checks.is_whole_number(value) and value >= 1):
            raise ValueError(f"{name} must be a whole number of at least 1. Received: {name}={value!r}")
    height, width, channels = feature_maps.shape
    count = min(count, channels)
    rows = -(-count // columns)
    mosaic = np.full((rows * (height + 1) - 1, columns * (width + 1) - 1), np.nan, np.float32)
    for index in range(count):
        row, col = divmod(index, columns)
        mosaic[row * (height + 1) : row * (height + 1) + height,
               col * (width + 1) : col * (width + 1) + width] = feature_maps[:, :, index]
    return mosaic


#: Gradient-ascent settings of :func:`filter_pattern`: step size (in units of the input range per step, after the
#: gradient is scaled to unit standard deviation), pull back to grey per step, largest jitter in pixels, and how
#: often the pattern is blurred.
ASCENT_STEP, ASCENT_DECAY, ASCENT_JITTER, ASCENT_BLUR_EVERY = 0.1, 0.005, 1, 4


def filter_pattern(model: keras.Model, layer_name: str, filter_index: int, steps: int = 64, size: int | None = None,
                   value_range: tuple[float, float] = (0.0, 1.0), preprocess=None, seed: int = 0,
                   progress=None) -> np.ndarray:
    """The input pattern that excites one filter of a conv layer most, found by gradient ascent.

    It starts from a grey picture with a little noise and climbs the mean
    activation of the filter over the map, with the usual regularisation:
    the picture is shifted by up to :data:`ASCENT_JITTER` pixels at random
    before each step (so no single pixel grid is exploited), pulled back
    towards grey a little each step (decay), blurred lightly every few steps,
    and kept inside ``value_range``.

    Parameters
    ----------
    model : keras.Model
        Whose layers up to ``layer_name`` form one chain (the Trainer's models, VGG16).
    layer_name : str
        A Conv2D layer.
    filter_index : int
        Its output channel.
    steps : int
        Ascent steps.
    size : int, optional
        Side of the square pattern; by default the model's input side. Convolutions take any size, so a
        smaller one (VGG16's 224 cut to 128) makes the search faster.
    value_range : (low, high)
        The pixel range the model's inputs live in (0 to 1 for the Trainer's models, 0 to 255 for VGG16's
        photos before ``preprocess``).
    preprocess : callable, optional
        Applied to the picture (a TensorFlow tensor) before the layers, such as VGG16's channel flip and mean
        subtraction.
    progress : callable, optional
        ``progress(done, steps)`` after each step.

    Returns
    -------
    ndarray of float32, shape (size, size, channels)
        In ``value_range``.
    """
    import keras
    import tensorflow as tf

    layer = model.get_layer(layer_name)
    if not isinstance(layer, keras.layers.Conv2D):
        raise ValueError(f"layer_name must name a Conv2D layer; {layer_name!r} is a {type(layer).__name__}.")
    if not (checks.is_whole_number(filter_index) and 0 <= filter_index < layer.filters):
        raise ValueError(f"filter_index must be from 0 to {layer.filters - 1} for {layer_name!r}. "
                         f"Received: filter_index={filter_index!r}")
    if not (checks.is_whole_number(steps) and steps >= 1):
        raise ValueError(f"steps must be a whole number of at least 1. Received: steps={steps!r}")
    side = size if size is not None else model.input_shape[1]
    if not (checks.is_whole_number(side) and 8 <= side <= 512):
        raise ValueError(f"size must be a whole number from 8 to 512. Received: size={size!r}")
    channels = model.input_shape[-1]
    layers = chain_through(model, layer_name)
    low, high = (float(value) for value in value_range)
    grey, span = (low + high) / 2, high - low
    generator = np.random.default_rng(seed)
    pattern = tf.Variable(grey + 0.02 * span * generator.standard_normal((1, side, side, channels)), dtype=tf.float32)

    @tf.function
    def ascend(shift_rows, shift_columns):
        shifted = tf.roll(pattern, shift=[shift_rows, shift_columns], axis=[1, 2])
        with tf.GradientTape() as tape:
            tape.watch(shifted)
            flowing = preprocess(shifted) if preprocess is not None else shifted
            for step_layer in layers:
                flowing = step_layer(flowing, training=False)
            score = tf.reduce_mean(flowing[..., filter_index])
        gradient = tf.roll(tape.gradient(score, shifted), shift=[-shift_rows, -shift_columns], axis=[1, 2])
        gradient = gradient / (tf.math.reduce_std(gradient) + 1e-8)
        updated = pattern + ASCENT_STEP * span * gradient
        updated = grey + (updated - grey) * (1.0 - ASCENT_DECAY)
        pattern.assign(tf.clip_by_value(updated, low, high))
        return score

    for done in range(steps):
        rows, columns = (int(value) for value in generator.integers(-ASCENT_JITTER, ASCENT_JITTER + 1, 2))
        ascend(tf.constant(rows), tf.constant(columns))
        if (done + 1) % ASCENT_BLUR_EVERY == 0:
            blurred = cv2.GaussianBlur(pattern.numpy()[0], (3, 3), 0.5).reshape(1, side, side, channels)
            pattern.assign(blurred)
        if progress is not None:
            progress(done + 1, steps)
    return pattern.numpy()[0].astype(np.float32)


def filter_response(model: keras.Model, layer_name: str, filter_index: int, picture: np.ndarray,
                    preprocess=None) -> float:
    """The mean activation of one filter over its map for one picture (H, W, C): what :func:`filter_pattern` climbs."""
    import tensorflow as tf

    layers = chain_through(model, layer_name)
    flowing = tf.constant(np.asarray(picture, np.float32)[None])
    flowing = preprocess(flowing) if preprocess is not None else flowing
    for layer in layers:
        flowing = layer(flowing, training=False)
    return float(tf.reduce_mean(flowing[..., filter_index]))


def vgg16_pattern(model: keras.Model, layer_name: str, filter_index: int, steps: int = 64, size: int = 128,
                  progress=None) -> np.ndarray:
    """:func:`filter_pattern` for a VGG16 conv layer, as a photo: uint8 RGB of shape (size, size, 3).

    The ascent works on RGB pixels from 0 to 255, put through VGG16's own preprocessing (channels flipped to
    BGR, the ImageNet mean taken away) before its layers. ``bench/bench_inside.py`` times one filter of
    ``block3_conv3`` at the default 128 × 128 (target: 20 s or less on 2 CPU cores).
    """
    import tensorflow as tf

    from cnn_core import images, vgg16

    mean = tf.constant(vgg16.IMAGENET_MEAN_BGR, tf.float32)

    @tf.autograph.experimental.do_not_convert
    def caffe_preprocess(pixels):
        return pixels[..., ::-1] - mean

    pattern = filter_pattern(model, layer_name, filter_index, steps=steps, size=size, value_range=(0.0, 255.0),
                             preprocess=caffe_preprocess, progress=progress)
    return images.round_to_uint8(pattern)
