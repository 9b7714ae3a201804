"""Hand-made kernels: the filters people designed before CNNs learned their own.

Every kernel is a float32 array of shape (size, size), meant for
:func:`cnn_core.conv.conv2d`, which slides it unflipped (cross-correlation).
The x-derivative kernels therefore give positive values where the image gets
brighter from left to right, exactly as ``cv2.Sobel`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from cnn_core import checks

#: The largest kernel the custom editor and the presets offer.
MAX_KERNEL_SIZE = 15


@dataclass(frozen=True)
class KernelInfo:
    """A preset's plain name, what it does and which sizes it comes in."""

    label: str
    description: str
    sizes: tuple[int, ...]
    uses_sigma: bool = False


#: How alike a learned filter and a preset must be (the cosine of the two, in absolute value) to be shown as a
#: match: at 0.7, about half of the filter's pattern (0.7² ≈ 0.5 of its energy) is the preset's.
MATCH_THRESHOLD = 0.7


_ODD_SIZES = tuple(range(1, MAX_KERNEL_SIZE + 1, 2))
_ALL_SIZES = tuple(range(1, MAX_KERNEL_SIZE + 1))

_FIXED_3X3 = {
    "prewitt_x": [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]],
    "prewitt_y": [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],
    "scharr_x": [[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]],
    "scharr_y": [[-3, -10, -3], [0, 0, 0], [3, 10, 3]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
    "outline": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
}

#: Every preset :func:`make_kernel` knows, in the order a menu shows them.
KERNELS: dict[str, KernelInfo] = {
    "identity": KernelInfo("Identity", "Copies the image unchanged: a single 1 in the centre.", _ODD_SIZES),
    "mean": KernelInfo("Mean (box blur)", "Box blur: every output pixel is the plain average of its window.",
                       _ALL_SIZES),
    "gaussian": KernelInfo(
        "Gaussian blur", "Gaussian blur: a weighted average where nearby pixels count more; "
        "sigma sets how fast the weights fall off.", _ALL_SIZES, uses_sigma=True),
    "sobel_x": KernelInfo("Sobel x (vertical edges)",
                          "Vertical edges: brightness change from left to right, smoothed vertically.", (3, 5, 7)),
    "sobel_y": KernelInfo("Sobel y (horizontal edges)",
                          "Horizontal edges: brightness change from top to bottom, smoothed horizontally.", (3, 5, 7)),
    "prewitt_x": KernelInfo("Prewitt x", "Vertical edges, like Sobel but with equal weights in each column.", (3,)),
    "prewitt_y": KernelInfo("Prewitt y", "Horizontal edges, like Sobel but with equal weights in each row.", (3,)),
    "scharr_x": KernelInfo("Scharr x", "Vertical edges, weights tuned to respond equally in all directions.", (3,)),
    "scharr_y": KernelInfo("Scharr y", "Horizontal edges, weights tuned to respond equally in all directions.", (3,)),
    "laplacian": KernelInfo("Laplacian", "Second derivative: responds to edges in every direction at once, "
                            "zero on flat areas and smooth ramps.", (3,)),
    "sharpen": KernelInfo("Sharpen", "Adds the Laplacian's edges back onto the image, so edges look crisper.", (3,)),
    "emboss": KernelInfo("Emboss", "Lights the image from the top left, so it looks raised like a relief.", (3,)),
    "outline": KernelInfo("Outline", "Centre minus its eight neighbours: bright outlines, flat areas become 0.", (3,)),
}


def make_kernel(name: str, size: int = 3, sigma: float | None = None) -> np.ndarray:
    """Build a preset kernel.

    Parameters
    ----------
    name : str
        One of :data:`KERNELS` (``identity``, ``mean``, ``gaussian``,
        ``sobel_x``, ``sobel_y``, ``prewitt_x``, ``prewitt_y``, ``scharr_x``,
        ``scharr_y``, ``laplacian``, ``sharpen``, ``emboss``, ``outline``).
    size : int
        Side length; ``KERNELS[name].sizes`` lists the sizes each preset has.
    sigma : float, optional
        Gaussian only: standard deviation in pixels, > 0. By default OpenCV's
        rule ``0.3 * ((size - 1) * 0.5 - 1) + 0.8``, as ``cv2.GaussianBlur``.

    Returns
    -------
    ndarray of float32, shape (size, size)
        Blur kernels sum to 1, so they keep the image's brightness.

    Examples
    --------
    >>> make_kernel("mean", 2)
    array([[0.25, 0.25],
           [0.25, 0.25]], dtype=float32)
    """
    if name not in KERNELS:
        raise ValueError(f"Unknown kernel name. Valid names: {', '.join(KERNELS)}. Received: name={name!r}")
    info = KERNELS[name]
    if not checks.is_whole_number(size) or size not in info.sizes:
        raise ValueError(f"The {name} kernel comes in sizes {_describe_sizes(info.sizes)}. Received: size={size!r}")
    if sigma is not None and not info.uses_sigma:
        raise ValueError(f"sigma applies only to the gaussian kernel. Received: name={name!r}, sigma={sigma!r}")

    if name == "identity":
        kernel = np.zeros((size, size))
        kernel[size // 2, size // 2] = 1
    elif name == "mean":
        kernel = np.full((size, size), 1 / size**2)
    elif name == "gaussian":
        kernel = _gaussian(size, sigma)
    elif name in ("sobel_x", "sobel_y"):
        dx, dy = (1, 0) if name == "sobel_x" else (0, 1)
        column_weights, row_weights = cv2.getDerivKernels(dx, dy, size)
        kernel = row_weights @ column_weights.T  # (size, 1) @ (1, size) -> (size, size)
    else:
        kernel = np.array(_FIXED_3X3[name])
    return kernel.astype(np.float32)


def validate_kernel(values: np.ndarray, max_size: int | None = None) -> np.ndarray:
    """Check that ``values`` can be used as a kernel and return it as float32.

    Parameters
    ----------
    values : array_like of shape (kh, kw)
        Real numbers; every cell must be finite (no NaN, no infinity, no blank).
    max_size : int, optional
        Largest allowed side, for example :data:`MAX_KERNEL_SIZE` in an editor.

    Returns
    -------
    ndarray of float32, shape (kh, kw)

    Raises
    ------
    ValueError
        Naming the first bad cell, or the shape received.
    """
    try:
        kernel = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"A kernel must be a grid of numbers. Received: {values!r:.80}") from None
    if kernel.ndim != 2 or kernel.size == 0:
        raise ValueError(f"A kernel must be a non-empty 2-D grid (kh, kw). Received: shape={kernel.shape}")
    if max_size is not None and max(kernel.shape) > max_size:
        raise ValueError(f"A kernel may be at most {max_size}x{max_size}. Received: shape={kernel.shape}")
    bad_cells = np.argwhere(~np.isfinite(kernel))
    if len(bad_cells):
        row, col = bad_cells[0]
        raise ValueError(f"Every kernel cell must be a finite number. Received: {kernel[row, col]} "
                         f"in row {row + 1}, column {col + 1}")
    return kernel.astype(np.float32)


#: Signs people type for minus besides "-": the minus sign of typeset text (as in "−1") and the en dash.
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})


def kernel_from_text(cells: Sequence[Sequence[object]], max_size: int | None = None) -> np.ndarray:
    """A kernel from the cells of an editor, as typed: "-1", "−1", "0.25", "1/9", "2e-3".

    Parameters
    ----------
    cells : rows of str (or None for an emptied cell), shape (kh, kw)
        What was typed in each cell; spaces around a number are ignored.
    max_size : int, optional
        As in :func:`validate_kernel`.

    Returns
    -------
    ndarray of float32, shape (kh, kw)

    Raises
    ------
    ValueError
        Naming the row and column of the first cell that is not a number, and what it holds.
    """
    values = [[_number(cell, row, column) for column, cell in enumerate(cells_of_row, start=1)]
              for row, cells_of_row in enumerate(cells, start=1)]
    return validate_kernel(values, max_size)


def _number(cell: object, row: int, column: int) -> float:
    text = "" if cell is None else str(cell).strip().translate(_MINUS_SIGNS)
    numerator, slash, denominator = text.partition("/")
    try:
        if slash:
            return float(numerator) / float(denominator)
        return float(text)
    except (ValueError, ZeroDivisionError):
        shown = f"“{text}”" if text else "nothing"
        raise ValueError(f"Row {row}, column {column} holds {shown}: type a number such as -1, 0.5 or 1/9.") from None


def default_sigma(size: int) -> float:
    """OpenCV's default Gaussian sigma for a kernel of this size."""
    return 0.3 * ((size - 1) * 0.5 - 1) + 0.8


def _gaussian(size: int, sigma: float | None) -> np.ndarray:
    if sigma is None:
        sigma = default_sigma(size)
    if not (np.isfinite(sigma) and sigma > 0):
        raise ValueError(f"sigma must be a finite number > 0. Received: sigma={sigma!r}")
    offsets = np.arange(size) - (size - 1) / 2  # distance of each tap from the centre
    weights = np.exp(-(offsets**2) / (2 * sigma**2))
    weights /= weights.sum()
    return np.outer(weights, weights)


def _describe_sizes(sizes: tuple[int, ...]) -> str:
    if len(sizes) == 1:
        return str(sizes[0])
    if sizes == _ODD_SIZES:
        return f"odd sizes from 1 to {MAX_KERNEL_SIZE}"
    if sizes == _ALL_SIZES:
        return f"1 to {MAX_KERNEL_SIZE}"
    return ", ".join(map(str, sizes))


def closest_kernel(weights: np.ndarray) -> tuple[str, float]:
    """The preset a learned filter looks most like, and how much (cosine similarity).

    Parameters
    ----------
    weights : ndarray of shape (kh, kw)
        One channel of a learned conv filter, square.

    Returns
    -------
    (name, similarity)
        The preset of the same size with the largest absolute cosine
        similarity, and that similarity in [-1, 1]: near 1 means the same
        pattern, near -1 the same pattern inverted (dark and light swapped),
        near 0 nothing in common. ``("", 0.0)`` when no preset has that size or
        the filter is all zeros.
    """
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 2 or weights.shape[0] != weights.shape[1]:
        raise ValueError(f"weights must be a square (k, k) filter. Received: shape={weights.shape}")
    size = weights.shape[0]
    norm = np.linalg.norm(weights)
    best_name, best_similarity = "", 0.0
    for name, info in KERNELS.items():
        if size not in info.sizes or norm == 0:
            continue
        preset = make_kernel(name, size).astype(np.float64)
        similarity = float((weights * preset).sum() / (norm * np.linalg.norm(preset)))
        if abs(similarity) > abs(best_similarity) + 1e-12:
            best_name, best_similarity = name, similarity
    return best_name, best_similarity


@dataclass(frozen=True)
class KernelMatch:
    """A preset that a learned filter resembles, with the sign that makes them alike."""

    name: str  # the preset's key in KERNELS
    label: str  # its plain name, with "inverted" when the sign is negative
    similarity: float  # cosine in [-1, 1]; its absolute value is at least MATCH_THRESHOLD
    kernel: np.ndarray  # the preset times the sign of the similarity, float32 (k, k)


def kernel_match(weights: np.ndarray, threshold: float = MATCH_THRESHOLD) -> KernelMatch | None:
    """The preset ``weights`` resemble, inverted when they are alike with dark and light swapped.

    None when no preset reaches ``threshold`` in absolute cosine similarity (no close match).
    Raises ValueError as :func:`closest_kernel` does.
    """
    name, similarity = closest_kernel(weights)
    if not name or abs(similarity) < threshold:
        return None
    sign = 1.0 if similarity > 0 else -1.0
    label = KERNELS[name].label + ("" if sign > 0 else ", inverted")
    return KernelMatch(name, label, similarity, (sign * make_kernel(name, weights.shape[0])).astype(np.float32))
