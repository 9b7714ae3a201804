"""Test accuracy and epoch time of each architecture preset, to choose the presets by measurement.

Trains every preset (and any candidate defined below) with the same data,
optimizer and seed, with plain ``model.fit``, and prints a table.

Run from the project root, with the four IDX files of Fashion-MNIST in a folder:
    CNN_DATA_DIR=/path/to/folder python bench/bench_presets.py --epochs 5 --train-size 30000
Without CNN_DATA_DIR, Keras downloads Fashion-MNIST.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cnn_core import datasets, models  # noqa: E402

#: Variants tried against the presets when choosing the modern one.
CANDIDATES = {
    "modern_dense128": models.Architecture(models.PRESETS["modern"].conv_blocks, dense_units=(128,),
                                           dense_dropout_rate=0.5),
    "three_conv_same_bn": models.Architecture(
        tuple(models.ConvBlock(filters, padding="same", batch_norm=True, dropout_rate=0.25)
              for filters in (32, 64, 64)), dense_units=(256,), dense_dropout_rate=0.5),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--train-size", type=int, default=30_000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--only", nargs="*", help="names of the architectures to train")
    arguments = parser.parse_args()

    import keras

    (x_train, y_train), (x_test, y_test), _ = datasets.load_dataset("fashion_mnist", os.environ.get("CNN_DATA_DIR"))
    x_train, y_train = datasets.subset(x_train, y_train, arguments.train_size, seed=0)
    inputs_train, inputs_test = datasets.to_model_input(x_train), datasets.to_model_input(x_test)
    print(f"{len(y_train):,} training and {len(y_test):,} test images, {arguments.epochs} epochs, "
          f"batch {arguments.batch_size}, Adam 1e-3, seed 0")
    print(f"{'architecture':<22}{'parameters':>12}{'s / epoch':>11}  {'test accuracy per epoch'}")
    for name, spec in {**models.PRESETS, **CANDIDATES}.items():
        if arguments.only and name not in arguments.only:
            continue
        keras.utils.set_random_seed(0)
        model = models.build_model(spec)
        models.compile_model(model, "adam", 1e-3)
        accuracies, seconds = [], []
        for _ in range(arguments.epochs):
            start = time.perf_counter()
            model.fit(inputs_train, y_train, batch_size=arguments.batch_size, epochs=1, verbose=0)
            seconds.append(time.perf_counter() - start)
            accuracies.append(model.evaluate(inputs_test, y_test, batch_size=512, verbose=0)[1])
        print(f"{name:<22}{model.count_params():>12,}{sorted(seconds)[len(seconds) // 2]:>10.1f}  "
              + " ".join(f"{accuracy:.4f}" for accuracy in accuracies), flush=True)


if __name__ == "__main__":
    main()
