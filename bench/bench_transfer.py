"""Your own classes: CNN codes against a bare VGG16 predict, the head's training time, and a server's memory.

Targets (issue 14):
- the CNN codes of 60 photos: at most 1.15 × a bare batched predict of Keras' own VGG16 convolutional base
  (``keras.applications.VGG16(include_top=False, pooling="avg")`` with the same weights, Keras' default batches
  of 32) on the same 60 photos already preprocessed, timed in the same run, alternately;
- the head trained on 60 codes for 30 epochs: 3 s or less on 2 cores (the first training of a process, which
  traces Keras' step functions, and the median of the next ones);
- a server with VGG16 loaded and one visitor's 60 photos (two classes of 30) and trained head: at most
  1.6 GB resident. A real ``streamlit run app.py`` driven by Chromium: upload, Train, Try it with Grad-CAM.

Without the ImageNet weights (set VGG16_WEIGHTS to use them) it uses Keras' VGG16(weights=None) saved in the
official file's layout: the time and memory are the same. Run from the project root:
    python bench/bench_transfer.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_vgg16 import memory_mb, random_weights_file  # noqa: E402
from cnn_core import transfer, vgg16  # noqa: E402
from tests.conftest import class_photos, png_of  # noqa: E402

PHOTOS = 60


def time_codes(classifier: vgg16.Classifier, photos: list[np.ndarray], repeats: int) -> None:
    import keras

    bare = keras.applications.VGG16(include_top=False, pooling="avg", weights=None)
    bare.set_weights(classifier.model.get_weights()[: len(bare.get_weights())])
    batch = np.concatenate([vgg16.preprocess(photo) for photo in photos])
    transfer.cnn_codes(classifier, photos[:16])  # both warmed up once
    bare.predict(batch[:16], verbose=0)
    ratios, ours, peers = [], [], []
    for _ in range(repeats):
        start = time.perf_counter()
        codes = transfer.cnn_codes(classifier, photos)  # as the page calls it, no cache: every code computed
        middle = time.perf_counter()
        expected = bare.predict(batch, verbose=0)  # Keras' default batches of 32
        end = time.perf_counter()
        np.testing.assert_allclose(codes, expected, rtol=1e-4, atol=1e-5)
        ours.append(middle - start)
        peers.append(end - middle)
        ratios.append(ours[-1] / peers[-1])
    print(f"CNN codes of {PHOTOS} photos ({photos[0].shape[1]} × {photos[0].shape[0]} and others, resized by the "
          f"page's preprocessing): median {statistics.median(ours):.2f} s; bare batched predict of the same "
          f"{PHOTOS} preprocessed images: median {statistics.median(peers):.2f} s")
    print(f"  ratio per repeat: {', '.join(f'{ratio:.3f}' for ratio in ratios)}; median "
          f"{statistics.median(ratios):.3f} × (target 1.15 × or less)")


def time_head(repeats: int) -> None:
    codes = np.random.default_rng(0).gamma(2.0, 0.5, (PHOTOS, transfer.CODE_SIZE)).astype(np.float32)
    labels = np.repeat([0, 1], PHOTOS // 2)
    codes[labels == 1, :64] += 1.0
    train, held_out = transfer.split_per_class(labels)
    seconds = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        _, history = transfer.fit_head(codes[train], labels[train], 2, validation=(codes[held_out], labels[held_out]))
        seconds.append(time.perf_counter() - start)
    print(f"head on {PHOTOS} codes ({len(train)} trained on, {len(held_out)} validated each epoch), "
          f"{len(history)} epochs: first in this process {seconds[0]:.2f} s, then median "
          f"{statistics.median(seconds[1:]):.2f} s ({', '.join(f'{value:.2f}' for value in seconds[1:])}); "
          "target 3 s or less")


def measure_server(weights: str, folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM_FLAGS, running_server, server_pid
    from tests.drive import settle

    photos, labels = class_photos(per_class=PHOTOS // 2)
    files = {0: [], 1: []}
    for index, (photo, label) in enumerate(zip(photos, labels)):
        large = np.kron(photo, np.ones((3, 3, 1), np.uint8))[:900, :1200]  # phone-photo sized, kept at 448 px
        path = folder / f"class{label}_{index}.png"
        path.write_bytes(png_of(large))
        files[int(label)].append(str(path))
    with running_server({vgg16.WEIGHTS_ENV_VAR: weights}) as url, sync_playwright() as playwright:
        pid = server_pid(url)
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(600_000)
        page.goto(f"{url}/own_classes")
        page.get_by_text("1. Your classes").wait_for()
        settle(page)
        loaded = memory_mb(pid)
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # the peak from here on: the visitor's work alone
        for label, class_name in ((0, "Class 1"), (1, "Class 2")):
            if label:
                page.get_by_test_id("stSelectbox").first.click()
                page.get_by_role("option", name=class_name).click()
                settle(page)
            with page.expect_file_chooser() as chooser:
                page.get_by_test_id("stFileUploaderDropzone").first.click()
            chooser.value.set_files(files[label])
            page.get_by_text(f"Added {len(files[label])} photos to “{class_name}”.").wait_for()
            settle(page)
        start = time.perf_counter()
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("Accuracy on the held-out photos").wait_for()
        page.get_by_text("Red: the strongest evidence for").wait_for()  # Try it, with the Grad-CAM overlay
        settle(page)
        trained = time.perf_counter() - start
        after = memory_mb(pid)
        browser.close()
    print(f"server with VGG16 loaded: {loaded['VmRSS']:.0f} MB resident (loading peaked at {loaded['VmHWM']:.0f} MB); "
          f"with one visitor's {PHOTOS} photos (uploaded at 1200 × 900), codes, trained head and Grad-CAM: "
          f"{after['VmRSS']:.0f} MB resident (target 1,600 MB or less), peak {after['VmHWM']:.0f} MB while the "
          f"visitor worked; Train to the Grad-CAM on screen took {trained:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-server", action="store_true", help="skip the server memory measurement")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        weights = os.environ.get(vgg16.WEIGHTS_ENV_VAR)
        if weights is None:
            print("VGG16_WEIGHTS is not set: using random weights saved in the official file layout.")
            weights = random_weights_file(scratch)
        if not arguments.no_server:
            measure_server(weights, Path(scratch))
        classifier = vgg16.Classifier.load(weights)
        photos, _ = class_photos(per_class=PHOTOS // 2)
        photos = [np.kron(photo, np.ones((2, 2, 1), np.uint8)) for photo in photos]
        time_codes(classifier, photos, arguments.repeats)
        time_head(arguments.repeats + 2)


if __name__ == "__main__":
    main()
