"""Fashion-MNIST and MNIST: loading, validating and preparing 28 × 28 grayscale images.

Without a folder, :func:`load_dataset` uses Keras' loaders, which download the
data once and cache it under ``~/.keras/datasets``. Behind a firewall, put the
four standard IDX files of each dataset (as published by Zalando and Yann
LeCun, gzipped or not) in a subfolder named after it, and pass the folder above
as ``data_dir``:

    data_dir/fashion_mnist/train-images-idx3-ubyte.gz  (and the other three)
    data_dir/mnist/train-images-idx3-ubyte.gz          (and the other three)

Both datasets' files have the same names, so a dataset is read only from its
own subfolder: files lying in ``data_dir`` itself are never taken for either.
TensorFlow is imported only when Keras' loaders are used.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import cv2
import numpy as np

from cnn_core import checks, downloads

#: Class names of each dataset, in label order.
CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "fashion_mnist": ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
    "mnist": tuple(str(digit) for digit in range(10)),
}
#: Where each dataset's IDX files can be downloaded by hand.
SOURCES = {
    "fashion_mnist": "https://github.com/zalandoresearch/fashion-mnist#get-the-data",
    "mnist": "https://ossci-datasets.s3.amazonaws.com/mnist/ (a mirror of http://yann.lecun.com/exdb/mnist/)",
}
#: The four files of a dataset folder, without the optional ``.gz``.
IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
IMAGE_SIDE = 28

_UNSIGNED_BYTE = 0x08
_MAX_ITEMS = 1_000_000

Split = tuple[np.ndarray, np.ndarray]


class DatasetUnavailableError(RuntimeError):
    """The dataset is neither downloadable nor in a local folder; the message says how to provide it."""


def load_dataset(name: str = "fashion_mnist", data_dir: str | os.PathLike | None = None,
                 ) -> tuple[Split, Split, tuple[str, ...]]:
    """The training and test images and labels of a dataset, with its class names.

    Parameters
    ----------
    name : {"fashion_mnist", "mnist"}
    data_dir : str or path, optional
        A folder whose subfolder ``name`` holds the four IDX files (see the
        module docstring). Without it, Keras downloads the dataset (once) or
        reads its cache.

    Returns
    -------
    (x_train, y_train), (x_test, y_test), class_names
        Images are uint8 of shape (N, 28, 28), light items on a black
        background; labels are uint8 of shape (N,) with values 0 to 9.

    Raises
    ------
    ValueError
        For an unknown name, or a local file that is corrupt or truncated
        (the message names the file).
    DatasetUnavailableError
        When no folder is given and Keras cannot download the data, or the
        folder lacks the dataset's subfolder or one of its files; the message
        says how to provide them.
    """
    if name not in CLASS_NAMES:
        raise ValueError(f"name must be one of {', '.join(CLASS_NAMES)}. Received: name={name!r}")
    if data_dir is None:
        (x_train, y_train), (x_test, y_test) = _download(name)
    else:
        x_train, y_train, x_test, y_test = (read_idx(path) for path in dataset_files(name, data_dir))
    for images, labels, split in ((x_train, y_train, "training"), (x_test, y_test, "test")):
        _check_split(images, labels, split, name)
    return (x_train, y_train), (x_test, y_test), CLASS_NAMES[name]


def dataset_files(name: str, data_dir: str | os.PathLike) -> tuple[Path, ...]:
    """The four IDX files :func:`load_dataset` reads for ``name``, in the order of :data:`IDX_FILES`.

    Raises
    ------
    DatasetUnavailableError
        When ``data_dir`` has no subfolder ``name`` (saying so when IDX files
        lie in ``data_dir`` itself, whose dataset cannot be told), or the
        subfolder lacks a file.
    """
    data_dir = Path(data_dir)
    folder = data_dir / name
    if not folder.is_dir():
        loose = sorted(path.name for path in data_dir.glob("*-idx?-ubyte*")) if data_dir.is_dir() else []
        found = (f"{data_dir} holds IDX files itself ({', '.join(loose[:4])}), but Fashion-MNIST and MNIST use "
                 f"the same file names, so they are read only from a subfolder named after their dataset. "
                 if loose else f"{data_dir} has no subfolder {name}. ")
        raise DatasetUnavailableError(f"{found}Put the four IDX files of {name} in {folder}; they can be "
                                      f"downloaded from {SOURCES[name]}.")
    return tuple(_find_file(folder, stem, name) for stem in IDX_FILES)


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file of unsigned bytes (images or labels), gzipped or not.

    Returns
    -------
    ndarray of uint8
        Shape (N,) for a labels file (magic 0x00000801), (N, rows, cols) for an
        images file (magic 0x00000803).

    Raises
    ------
    ValueError
        Naming the file, when its header is not an IDX header of unsigned
        bytes with one or three dimensions, or its size does not match.
    """
    path = Path(path)
    try:
        with (gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")) as file:
            data = file.read()
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise ValueError(f"{path.name} cannot be read: {error}") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != _UNSIGNED_BYTE or data[3] not in (1, 3):
        raise ValueError(f"{path.name} is not an IDX file of bytes: it does not start with the magic number "
                         "0x00000801 (labels) or 0x00000803 (images).")
    dimensions = data[3]
    header_size = 4 + 4 * dimensions
    if len(data) < header_size:
        raise ValueError(f"{path.name} is truncated: its header is cut off.")
    shape = tuple(int.from_bytes(data[4 + 4 * axis : 8 + 4 * axis], "big") for axis in range(dimensions))
    if shape[0] > _MAX_ITEMS or any(size > 1024 for size in shape[1:]):
        raise ValueError(f"{path.name} claims an implausible shape {shape}.")
    expected = header_size + int(np.prod(shape))
    if len(data) != expected:
        state = "truncated" if len(data) < expected else "longer than its header says"
        raise ValueError(f"{path.name} is {state}: {len(data):,} bytes where its header "
                         f"{shape} needs {expected:,}.")
    return np.frombuffer(data, np.uint8, offset=header_size).reshape(shape).copy()


def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write a uint8 array of shape (N,) or (N, rows, cols) as an IDX file; gzipped when ``path`` ends in .gz."""
    array = np.asarray(array)
    if array.dtype != np.uint8 or array.ndim not in (1, 3):
        raise ValueError(f"array must be uint8 with 1 or 3 dimensions. Received: dtype={array.dtype}, "
                         f"shape={array.shape}")
    header = bytes([0, 0, _UNSIGNED_BYTE, array.ndim]) + b"".join(size.to_bytes(4, "big") for size in array.shape)
    path = Path(path)
    with (gzip.open(path, "wb") if path.suffix == ".gz" else open(path, "wb")) as file:
        file.write(header + array.tobytes())


def to_model_input(images: np.ndarray) -> np.ndarray:
    """Images as a model takes them: float32 (N, 28, 28, 1) in [0, 1].

    ``images`` is uint8 of shape (N, 28, 28) or a single (28, 28) image, which
    becomes a batch of one.
    """
    images = np.asarray(images)
    if images.ndim == 2:
        images = images[None]
    if images.ndim != 3:
        raise ValueError(f"images must have shape (N, height, width). Received: shape={images.shape}")
    return (images.astype(np.float32) / 255.0)[..., None]


def subset(images: np.ndarray, labels: np.ndarray, size: int | None, seed: int = 0) -> Split:
    """A random subset of ``size`` examples with the same share of each class (all of them when None).

    Returns the images and labels in a shuffled order that depends only on ``seed``.
    """
    if size is not None and not (checks.is_whole_number(size) and size >= 1):
        raise ValueError(f"size must be a whole number of at least 1, or None. Received: size={size!r}")
    if size is None or size >= len(labels):
        return images, labels
    generator = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    shares = size * counts / len(labels)
    takes = np.floor(shares).astype(int)
    leftover = size - int(takes.sum())
    takes[np.argsort(takes - shares)[:leftover]] += 1  # largest remainders first
    chosen = [generator.choice(np.flatnonzero(labels == label), size=take, replace=False)
              for label, take in zip(classes, takes)]
    picked = generator.permutation(np.concatenate(chosen))
    return images[picked], labels[picked]


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


def _download(name: str) -> tuple[Split, Split]:
    import keras

    loader = {"fashion_mnist": keras.datasets.fashion_mnist, "mnist": keras.datasets.mnist}[name]
    try:
        return loader.load_data()
    except Exception as error:  # Keras raises several kinds when the network or cache fails
        raise DatasetUnavailableError(
            f"{name} could not be downloaded: {downloads.download_problem(error)}. Without internet access, "
            f"download its four IDX files ({', '.join(IDX_FILES)}, gzipped or not) from {SOURCES[name]} on "
            f"another machine, put them in a folder named {name}, and set the CNN_DATA_DIR environment variable "
            "to the folder that holds it."
        ) from None


def _find_file(folder: Path, stem: str, name: str) -> Path:
    for candidate in (folder / f"{stem}.gz", folder / stem):
        if candidate.is_file():
            return candidate
    raise DatasetUnavailableError(
        f"{folder} has no {stem}.gz (or {stem}). Put the four IDX files of {name} there; they can be "
        f"downloaded from {SOURCES[name]}.")


def _check_split(images: np.ndarray, labels: np.ndarray, split: str, name: str) -> None:
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE):
        raise ValueError(f"The {split} images of {name} must be 28 × 28. Received: shape={images.shape}")
    if len(images) != len(labels):
        raise ValueError(f"The {split} set of {name} has {len(images):,} images but {len(labels):,} labels.")
    if labels.size and int(labels.max()) >= len(CLASS_NAMES[name]):
        raise ValueError(f"The {split} labels of {name} must be 0 to 9. Received: a label {int(labels.max())}")
