"""The Trainer's training loop against a plain ``model.fit``, measured in one run.

Target (issues 3 and 12): on the same model, data, batch size and learning-rate
schedule, the page's training (a :class:`cnn_core.training.TrainingRun` in its
background thread, with the callback that records every batch, sets each
batch's learning rate and listens for Stop) runs at 0.98 times or more of the
samples per second of ``model.fit`` with no callbacks and Keras' own cosine
schedule.

Both models are the default preset with its recipe's batch size, built alike and warmed up (traced) before
timing. Epochs are timed alternately, plain then page, so that both meet the
same machine noise (in ABBA order, so that a drift in speed cancels out), and
the ratio is the median of the ratios of neighbouring epochs; the ratio of the
total times is printed beside it. The epochs are short (10,000 samples, about
3 s) and many: this virtual machine switches between a fast and a slow state
(epochs of 12 s and 21 s on all 60,000, for either loop) about once a minute,
and long epochs then compare one loop's fast state with the other's slow one. The share of CPU
time the hypervisor took (steal) during the run is printed, since on a busy
virtual machine it swings timings by 2x. The validation set of the page's run is 64 examples, so
its end-of-epoch check costs next to nothing. Each epoch is timed from outside
(start to end, thread start-up included).

Run from the project root:
    python bench/bench_training.py --samples 10000 --repeats 24
With CNN_DATA_DIR set to a folder whose fashion_mnist/ holds the IDX files it trains on them;
otherwise on generated 28 × 28 images of the same size (speed does not depend
on the pixels).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cnn_core import datasets, models, recipes, training  # noqa: E402


def training_data(samples: int) -> tuple[np.ndarray, np.ndarray, str]:
    data_dir = os.environ.get("CNN_DATA_DIR")
    if data_dir:
        (images, labels), _, _ = datasets.load_dataset("fashion_mnist", data_dir)
        source = f"Fashion-MNIST from {data_dir}"
    else:
        generator = np.random.default_rng(0)
        images = generator.integers(0, 256, (samples, 28, 28), dtype=np.uint8)
        labels = generator.integers(0, 10, samples).astype(np.uint8)
        source = "generated images"
    images, labels = datasets.subset(images, labels, samples, seed=0)
    return datasets.to_model_input(images), labels, source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=recipes.DEFAULT_RECIPE.config.batch_size)
    parser.add_argument("--repeats", type=int, default=24, help="timed epochs of each")
    arguments = parser.parse_args()

    import keras

    inputs, labels, source = training_data(arguments.samples)
    print(f"{models.DEFAULT_PRESET}, {len(labels):,} samples of {source}, batch {arguments.batch_size}, "
          f"Adam {recipes.DEFAULT_RECIPE.config.learning_rate:g} falling along a cosine, "
          f"{arguments.repeats} timed epochs each")
    recipe = recipes.DEFAULT_RECIPE.config
    config = training.TrainingConfig(epochs=1, batch_size=arguments.batch_size, learning_rate=recipe.learning_rate,
                                     schedule=recipe.schedule)
    steps = -(-len(labels) // arguments.batch_size)
    built = []
    for _ in range(2):
        keras.utils.set_random_seed(0)
        model = models.build_model(models.DEFAULT_PRESET)
        models.compile_model(model, config.optimizer, config.learning_rate)
        model.fit(inputs[:512], labels[:512], batch_size=arguments.batch_size, epochs=1, verbose=0)  # trace
        built.append(model)
    plain_model, page_model = built
    plain_model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(
        config.learning_rate, steps * arguments.repeats)), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    plain_model.fit(inputs[:512], labels[:512], batch_size=arguments.batch_size, epochs=1, verbose=0)  # re-trace
    run = training.TrainingRun(page_model, (inputs, labels), (inputs[:64], labels[:64]), config)

    def plain_epoch() -> None:
        plain_model.fit(inputs, labels, batch_size=arguments.batch_size, epochs=1, shuffle=True, verbose=0)

    def page_epoch() -> None:
        if run.snapshot().epochs:
            run.continue_training(1)
        else:
            run.start()
        run.join()
        assert run.snapshot().state == "finished", run.snapshot().message

    steal_before = cpu_steal()
    seconds: dict[str, list[float]] = {"plain model.fit": [], "page TrainingRun": []}
    order = (("plain model.fit", plain_epoch), ("page TrainingRun", page_epoch))
    for repeat in range(arguments.repeats):
        for name, epoch in order if repeat % 2 == 0 else order[::-1]:
            start = time.perf_counter()
            epoch()
            seconds[name].append(time.perf_counter() - start)
            print(f"  epoch {repeat + 1}, {name}: {seconds[name][-1]:.1f} s", flush=True)
    steal = cpu_steal(steal_before)
    for name, times in seconds.items():
        median = statistics.median(times)
        print(f"{name:<18} median epoch {median:6.1f} s (min {min(times):.1f} s), "
              f"{len(labels) / median:8,.0f} samples/s")
    ratios = [plain / page for plain, page in zip(seconds["plain model.fit"], seconds["page TrainingRun"])]
    print(f"speed ratio page / plain, median of {len(ratios)} neighbouring pairs: {statistics.median(ratios):.3f} "
          f"(target >= 0.98); ratio of the fastest epochs: "
          f"{min(seconds['plain model.fit']) / min(seconds['page TrainingRun']):.3f}; ratio of the total times: "
          f"{sum(seconds['plain model.fit']) / sum(seconds['page TrainingRun']):.3f}")
    print(f"CPU steal during the run: {steal:.0%} of CPU time")


def cpu_steal(since: tuple[int, int] | None = None):
    """(steal, total) jiffies from /proc/stat, or the steal share since an earlier reading."""
    try:
        values = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except OSError:
        return (0, 0) if since is None else float("nan")
    reading = (values[7], sum(values))
    if since is None:
        return reading
    return (reading[0] - since[0]) / max(1, reading[1] - since[1])


if __name__ == "__main__":
    main()
