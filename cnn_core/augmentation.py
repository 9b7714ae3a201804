"""Data augmentation: the training pictures shifted (and flipped) at random, anew for every batch.

The model a page shows and saves never changes: :func:`training_model` puts
Keras' random layers in front of it in a second model that shares its
weights, and only that one is fitted. Keras' random layers act only while
training, so validation and the test set see the pictures as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnn_core import models
from cnn_core.training_config import TrainingConfig

if TYPE_CHECKING:
    import keras

#: The largest shift, in pixels, up, down, left or right.
MAX_SHIFT = 2
#: What augmentation does to the curves, in plain words, for the page.
NOTE = ("The model never sees exactly the same picture twice, so it cannot learn the training pictures by heart: "
        "training accuracy stays lower and the gap between the training and validation curves narrows. It "
        "needs more epochs to pay off.")


def training_model(model: keras.Model, config: TrainingConfig) -> keras.Model:
    """The model to fit: ``model`` itself, or ``model`` behind random shifts (and flips), compiled alike.

    Parameters
    ----------
    model : keras.Model
        Takes float32 (N, H, W, C) images with a black background (shifts fill with zeros).
    config : TrainingConfig
        ``augmentation`` says what to put in front; ``seed`` seeds the random layers;
        ``optimizer`` and ``learning_rate`` compile the new model.

    Returns
    -------
    keras.Model
        Its only weights are ``model``'s, so fitting it trains ``model``.
    """
    if config.augmentation == "none":
        return model
    import keras

    height, width = model.input_shape[1:3]
    layers = [keras.Input(model.input_shape[1:]),
              keras.layers.RandomTranslation(MAX_SHIFT / height, MAX_SHIFT / width, fill_mode="constant",
                                             interpolation="nearest", seed=config.seed, name="random_shift")]
    if config.augmentation == "shifts_and_flips":
        layers.append(keras.layers.RandomFlip("horizontal", seed=config.seed + 1, name="random_flip"))
    wrapped = keras.Sequential([*layers, model], name=f"{model.name}_augmented")
    models.compile_model(wrapped, config.optimizer, config.learning_rate)
    return wrapped
