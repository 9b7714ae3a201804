"""Seeding Python, NumPy, TensorFlow and Keras at once, safely while other trainings run in other threads.

A model draws its starting weights from the global generators as it is built. A training that reseeds them in
its own thread while another model is being built would change that model's weights halfway through, so the
same seed would not give the same start. Seeding and building therefore happen under one lock.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

_SEEDING = threading.RLock()


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow at once: the starting weights, shuffling and dropout follow."""
    import keras

    with _SEEDING:
        keras.utils.set_random_seed(seed)


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed everything, and let no other thread reseed until the block (building a model) ends."""
    with _SEEDING:
        seed_everything(seed)
        yield
