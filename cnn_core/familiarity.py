"""Is a picture like the ones a model learned from? A simple out-of-distribution score.

A trained classifier gives a probability to every picture, a coffee cup
included, and can be confidently wrong about things it never saw. The score
here looks at what the network makes of the picture just before its output
layer (its last hidden features): a picture like the training pictures lands
near some of them, a picture unlike them lands far from all of them. The
distance is the mean cosine distance to the :data:`NEIGHBOURS` nearest of a
sample of training pictures (a k-nearest-neighbour score, as in Sun et al.,
"Out-of-Distribution Detection with Deep Nearest Neighbors", ICML 2022). It is
judged against held-out test pictures: a picture farther away than
:data:`LIMIT_SHARE` of them is called unlike the training pictures.

TensorFlow is imported only inside the functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import keras

#: Training pictures each picture is compared with.
NEIGHBOURS = 10
#: A picture farther from the training pictures than this share of held-out test pictures is unlike them.
LIMIT_SHARE = 0.99
#: A top probability below this is reported as the model being unsure.
UNSURE_BELOW = 0.6


@dataclass(frozen=True)
class Reference:
    """What a picture's features are compared with.

    ``training_features`` are unit vectors of shape (R, D), float32;
    ``held_out_distances`` the sorted distances of held-out test pictures, shape (H,).
    """

    training_features: np.ndarray
    held_out_distances: np.ndarray

    @property
    def limit(self) -> float:
        """The distance that :data:`LIMIT_SHARE` of the held-out pictures stay within."""
        return float(np.quantile(self.held_out_distances, LIMIT_SHARE))


@dataclass(frozen=True)
class Familiarity:
    """One picture's distance from the training pictures, and how it compares with the held-out ones."""

    distance: float
    limit: float
    closer_share: float  # share of held-out test pictures closer to the training pictures than this one

    @property
    def is_unlike_training(self) -> bool:
        return self.distance > self.limit


def hidden_features(model: keras.Model, inputs: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """The input of the model's last layer for each input, as unit vectors.

    Parameters
    ----------
    model : keras.Model
        Ending in a Dense output layer.
    inputs : ndarray of float32, shape (N, H, W, C)

    Returns
    -------
    ndarray of float32, shape (N, D)
        D is the width of the layer before the output (its units, or the flattened maps).
    """
    import keras

    features_model = keras.Model(model.inputs, model.layers[-1].input)
    features = np.asarray(features_model.predict(np.asarray(inputs, np.float32), batch_size=batch_size, verbose=0),
                          np.float32).reshape(len(inputs), -1)
    return unit_vectors(features)


def unit_vectors(features: np.ndarray) -> np.ndarray:
    """Each row of (N, D) ``features`` scaled to length 1 (a row of zeros stays zeros), for cosine similarities."""
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return features / np.maximum(norms, 1e-12)


def neighbour_distances(training_features: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Mean cosine distance from each row of ``features`` to its :data:`NEIGHBOURS` nearest training rows.

    Both are unit vectors, shapes (R, D) and (N, D); returns float64 of shape (N,),
    from 0 (the same direction as its neighbours) to 2 (the opposite).
    """
    count = min(NEIGHBOURS, len(training_features))
    distances = 1.0 - np.asarray(features, np.float64) @ np.asarray(training_features, np.float64).T
    nearest = np.partition(distances, count - 1, axis=1)[:, :count]
    return np.clip(nearest.mean(axis=1), 0.0, 2.0)


def make_reference(model: keras.Model, training_inputs: np.ndarray, held_out_inputs: np.ndarray,
                   reference_size: int = 2000, held_out_size: int = 1000, seed: int = 0) -> Reference:
    """Sample the training and held-out pictures that later pictures are judged against.

    ``training_inputs`` and ``held_out_inputs`` are float32 (N, H, W, C); the
    held-out ones must not be training pictures (the test set is right).
    """
    generator = np.random.default_rng(seed)
    training = training_inputs[np.sort(generator.choice(len(training_inputs), min(reference_size,
                                                                                   len(training_inputs)), False))]
    held_out = held_out_inputs[np.sort(generator.choice(len(held_out_inputs), min(held_out_size,
                                                                                   len(held_out_inputs)), False))]
    training_features = hidden_features(model, training)
    distances = np.sort(neighbour_distances(training_features, hidden_features(model, held_out)))
    return Reference(training_features, distances)


def familiarity(model: keras.Model, reference: Reference, inputs: np.ndarray) -> Familiarity:
    """How far one input (float32, shape (1, H, W, C)) lies from the training pictures."""
    distance = float(neighbour_distances(reference.training_features, hidden_features(model, inputs))[0])
    closer = float(np.searchsorted(reference.held_out_distances, distance, side="left")
                   / len(reference.held_out_distances))
    return Familiarity(distance, reference.limit, closer)
