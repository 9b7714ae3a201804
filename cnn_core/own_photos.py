"""A person's own photo made into the kind of picture Fashion-MNIST and MNIST are made of."""

from __future__ import annotations

import cv2
import numpy as np

from cnn_core.datasets import IMAGE_SIDE


def photo_to_sample(image_rgb: np.ndarray) -> np.ndarray:
    """Turn a person's photo into what a Fashion-MNIST or MNIST model expects.

    The item is made light on a black background (the photo is inverted when
    its border is lighter than its middle, as with a garment on a white
    table), cropped to its bounding box, scaled to fit 20 × 20 keeping its
    proportions, and centred in 28 × 28, as in the original datasets.

    Parameters
    ----------
    image_rgb : ndarray of uint8, shape (H, W, 3) or (H, W)

    Returns
    -------
    ndarray of uint8, shape (28, 28)
    """
    image_rgb = np.asarray(image_rgb)
    if image_rgb.dtype != np.uint8 or image_rgb.ndim not in (2, 3) or min(image_rgb.shape[:2]) < 1:
        raise ValueError(f"image must be uint8 of shape (H, W) or (H, W, 3). Received: dtype={image_rgb.dtype}, "
                         f"shape={image_rgb.shape}")
    gray = cv2.cvtColor(image_rgb, cv2.COLOR_RGB2GRAY) if image_rgb.ndim == 3 else image_rgb
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    if float(border.mean()) > 127:
        gray = 255 - gray
    background = float(np.median(np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])))
    foreground = np.clip(gray.astype(np.float32) - background, 0, None)
    rows, cols = np.nonzero(foreground > 0.1 * max(float(foreground.max()), 1.0))
    sample = np.zeros((IMAGE_SIDE, IMAGE_SIDE), np.uint8)
    if rows.size == 0:
        return sample
    item = foreground[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    item = 255 * item / max(float(item.max()), 1.0)
    scale = 20 / max(item.shape)
    height, width = max(1, round(item.shape[0] * scale)), max(1, round(item.shape[1] * scale))
    resized = cv2.resize(item, (width, height), interpolation=cv2.INTER_AREA)
    top, left = (IMAGE_SIDE - height) // 2, (IMAGE_SIDE - width) // 2
    sample[top : top + height, left : left + width] = np.clip(np.rint(resized), 0, 255).astype(np.uint8)
    return sample
