"""Noise, and how close a filtered photo stays to the clean one: PSNR and edge retention.

The Filter Playground's "mean vs Gaussian" lab uses these to put numbers on
what a blur removes (noise) and what it costs (edges). Images are uint8 of
shape (H, W) or (H, W, C).
"""

from __future__ import annotations

import numpy as np

from cnn_core import conv
from cnn_core.images import round_to_uint8

NOISE_KINDS = ("gaussian", "salt_and_pepper")


def add_noise(image: np.ndarray, kind: str, level: float, seed: int = 0) -> np.ndarray:
    """Return a noisy copy of a uint8 image.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W) or (H, W, C)
    kind : {"gaussian", "salt_and_pepper"}
        "gaussian" adds normal noise whose standard deviation is ``level``
        times 255; "salt_and_pepper" turns a fraction ``level`` of the pixels
        pure black or pure white.
    level : float
        Between 0 and 1.
    seed : int
        The same seed gives the same noise, so a page can redraw it.

    Returns
    -------
    ndarray of uint8, same shape
    """
    if kind not in NOISE_KINDS:
        raise ValueError(f"kind must be one of {NOISE_KINDS}. Received: kind={kind!r}")
    if not 0 <= level <= 1:
        raise ValueError(f"level must be between 0 and 1. Received: level={level!r}")
    rng = np.random.default_rng(seed)
    if kind == "gaussian":
        noisy = image + rng.normal(0, level * 255, image.shape)
        return round_to_uint8(noisy)
    noisy = image.copy()
    hit = rng.random(image.shape[:2]) < level  # (H, W): the same pixels in every channel
    salt = rng.random(image.shape[:2]) < 0.5
    noisy[hit & salt] = 255
    noisy[hit & ~salt] = 0
    return noisy


def psnr(reference: np.ndarray, image: np.ndarray) -> float:
    """Peak signal-to-noise ratio in decibels, for 8-bit images (peak 255).

    Higher is closer to the reference; identical images give ``inf``.
    """
    reference, image = np.asarray(reference, np.float64), np.asarray(image, np.float64)
    if reference.shape != image.shape:
        raise ValueError(f"Both images must have the same shape. Received: {reference.shape} and {image.shape}")
    mean_squared_error = np.mean((reference - image) ** 2)
    if mean_squared_error == 0:
        return float("inf")
    return float(10 * np.log10(255**2 / mean_squared_error))


def edge_retention(reference: np.ndarray, image: np.ndarray, edge_fraction: float = 0.1) -> float:
    """How much of the reference's edge strength ``image`` keeps, as a fraction.

    The strongest ``edge_fraction`` of the reference's pixels by Sobel gradient
    magnitude are its edges; the result is the mean gradient magnitude of
    ``image`` there divided by the reference's own. A blur lowers it (1.0 means
    edges as crisp as the reference). Measuring only at the reference's edges
    keeps leftover noise in flat areas from counting as sharpness.

    Parameters
    ----------
    reference, image : ndarray of shape (H, W)
        Grayscale, same shape.
    """
    if reference.shape != image.shape or np.ndim(reference) != 2:
        raise ValueError(f"Both images must be 2-D with the same shape. "
                         f"Received: {np.shape(reference)} and {np.shape(image)}")
    reference_strength = conv.gradient_magnitude(reference, padding="same")
    threshold = np.quantile(reference_strength, 1 - edge_fraction)
    edges = reference_strength >= threshold
    reference_mean = reference_strength[edges].mean()
    if reference_mean == 0:
        raise ValueError("The reference image is flat: it has no edges to compare.")
    return float(conv.gradient_magnitude(image, padding="same")[edges].mean() / reference_mean)
