"""Fashion-MNIST and MNIST: loading, validating and preparing 28 × 28 grayscale images.

Without a folder, :func:`load_dataset` downloads the files Keras' loaders
download, from the same address into the same cache (``~/.keras/datasets``),
once, and reads them as those loaders do. Behind a firewall, put the
four standard IDX files of each dataset (as published by Zalando and Yann
LeCun, gzipped or not) in a subfolder named after it, and pass the folder above
as ``data_dir``:

    data_dir/fashion_mnist/train-images-idx3-ubyte.gz  (and the other three)
    data_dir/mnist/train-images-idx3-ubyte.gz          (and the other three)

Both datasets' files have the same names, so a dataset is read only from its
own subfolder: files lying in ``data_dir`` itself are never taken for either.
TensorFlow is never imported here.
"""

from __future__ import annotations

import functools
import gzip
import os
from collections.abc import Callable
from pathlib import Path

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
#: Where Keras' loaders download each dataset from, and the files they keep in their cache
#: (:func:`cnn_core.downloads.keras_cache` of the folder): :func:`download_dataset` fetches the same.
KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
KERAS_FILES = {
    "fashion_mnist": ("datasets/fashion-mnist", ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                                                 "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")),
    "mnist": ("datasets", ("mnist.npz",)),
}
#: The SHA-256 that Keras checks a downloaded file against, where it has one.
KERAS_FILE_HASHES = {"mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"}
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
        module docstring). Without it, the dataset is read from Keras' cache,
        downloaded there first when missing.

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


def download_dataset(name: str, progress: Callable[[str, int, int | None], None] | None = None) -> None:
    """Download the files Keras' loader of ``name`` reads into its cache, unless they are there already.

    ``progress(file_name, bytes_so_far, file_bytes)`` is called after every chunk,
    so a page can show how far the download is; afterwards :func:`load_dataset`
    (without a folder) reads the cache and needs no network.

    Raises
    ------
    DatasetUnavailableError
        When a file cannot be downloaded, saying why and how to provide the data.
    """
    if name not in CLASS_NAMES:
        raise ValueError(f"name must be one of {', '.join(CLASS_NAMES)}. Received: name={name!r}")
    subfolder, files = KERAS_FILES[name]
    for file_name in files:
        target = downloads.keras_cache(subfolder) / file_name
        if target.is_file():
            continue
        report = None if progress is None else functools.partial(progress, file_name)
        try:
            downloads.download(KERAS_ORIGIN + file_name, target, report, KERAS_FILE_HASHES.get(file_name))
        except (OSError, ValueError) as error:
            raise _unavailable(name, error) from None


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


def _download(name: str) -> tuple[Split, Split]:
    """What Keras' loader of ``name`` returns, read from its cache (downloaded first when missing)."""
    download_dataset(name)
    subfolder, files = KERAS_FILES[name]
    folder = downloads.keras_cache(subfolder)
    try:
        if name == "mnist":
            with np.load(folder / files[0]) as arrays:
                return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
        y_train, x_train, y_test, x_test = (read_idx(folder / file_name) for file_name in files)
    except (OSError, KeyError, ValueError) as error:
        raise ValueError(f"Keras' copy of {name} in {folder} is damaged ({error}); delete it to download it "
                         "again.") from None
    return (x_train, y_train), (x_test, y_test)


def _unavailable(name: str, error: Exception) -> DatasetUnavailableError:
    return DatasetUnavailableError(
        f"{name} could not be downloaded: {downloads.download_problem(error)}. Without internet access, "
        f"download its four IDX files ({', '.join(IDX_FILES)}, gzipped or not) from {SOURCES[name]} on "
        f"another machine, put them in a folder named {name}, and set the CNN_DATA_DIR environment variable "
        "to the folder that holds it.")


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
