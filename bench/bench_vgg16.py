"""Speed and memory of the VGG16 page's pipeline, against its peers, in one run.

Targets (issue 4):
- one photo's full path (load, preprocess, predict, top 5) costs at most 1.2x
  the bare ``model(batch)`` call on the same preprocessed batch, after warm-up;
- the process with VGG16 loaded and one prediction done stays under 1.8 GB
  resident, and loading never peaks above 2.2 GB.

Without the ImageNet weights (set VGG16_WEIGHTS to use them), the benchmark
saves Keras' VGG16(weights=None) in the official file's layout and loads that:
the same arrays and the same work, only the labels differ.

Run from the project root:  python bench/bench_vgg16.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.bench_conv import paired_ms  # noqa: E402
from cnn_core import images, vgg16  # noqa: E402
from tests.conftest import save_vgg16_weights  # noqa: E402

PHOTO = ROOT / "assets" / "samples" / "cat.jpg"


def memory_mb(pid: int | str = "self") -> dict[str, float]:
    """Resident (VmRSS) and peak resident (VmHWM) memory of a process (this one by default), in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {name: int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM")}


def measure_loading(loader: str, weights: str) -> None:
    """In this (fresh) process: load VGG16 one way, predict once, print memory as JSON."""
    import tensorflow  # noqa: F401  (counted apart: the import alone is a large share)

    after_import = memory_mb()["VmRSS"]
    if loader == "ours":
        classifier = vgg16.Classifier.load(weights)
        predict = classifier.predict
    else:
        import keras

        model = keras.applications.VGG16(weights=weights)
        predict = model.predict
    loaded = memory_mb()
    predict(vgg16.preprocess(images.load_image(PHOTO)))
    after_prediction = memory_mb()
    print(json.dumps({"after_import": after_import, "loaded": loaded["VmRSS"],
                      "after_prediction": after_prediction["VmRSS"], "peak": after_prediction["VmHWM"]}))


def measure_server(weights: str) -> dict[str, float] | None:
    """Memory of a real `streamlit run app.py` after one visitor got VGG16's answer.

    Needs Debian's chromium and Playwright; returns None (and says why) without them.
    """
    import shutil

    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        print("  (server figure skipped: needs Debian's chromium and the playwright package)")
        return None
    from tests.conftest import CHROMIUM_FLAGS, running_server, server_pid

    with running_server({vgg16.WEIGHTS_ENV_VAR: weights}) as url, sync_playwright() as playwright:
        pid = server_pid(url)
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(f"{url}/vgg16_classifier")
        page.get_by_text("Heatmap opacity").wait_for(timeout=300_000)
        browser.close()
        return memory_mb(pid)


def random_weights_file(directory: str) -> str:
    import keras

    path = os.path.join(directory, vgg16.WEIGHTS_FILE_NAME)
    save_vgg16_weights(keras.applications.VGG16(weights=None), path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--measure-loading", choices=("ours", "keras"), help=argparse.SUPPRESS)
    parser.add_argument("--weights", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_loading:
        measure_loading(args.measure_loading, args.weights)
        return

    with tempfile.TemporaryDirectory() as directory:
        weights = os.environ.get(vgg16.WEIGHTS_ENV_VAR)
        if weights is None:
            print("VGG16_WEIGHTS is not set: using random weights saved in the official file layout.")
            weights = random_weights_file(directory)

        print("\nMemory, each in a fresh process (MB; Streamlit Community Cloud gives about 2,700 in all):")
        for loader, description in (("ours", "vgg16.Classifier.load (layers built from the file's arrays)"),
                                    ("keras", "keras.applications.VGG16(weights=file), the peer")):
            output = subprocess.run([sys.executable, __file__, "--measure-loading", loader, "--weights", weights],
                                    capture_output=True, text=True, check=True).stdout
            figures = json.loads(output.strip().splitlines()[-1])
            print(f"  {description}:\n    after importing TensorFlow {figures['after_import']:.0f}, loaded "
                  f"{figures['loaded']:.0f}, after one prediction {figures['after_prediction']:.0f}, "
                  f"peak {figures['peak']:.0f}")

        server = measure_server(weights)
        if server:
            print(f"  `streamlit run app.py` after one visitor's photo was classified (top 5 and Grad-CAM): "
                  f"resident {server['VmRSS']:.0f}, peak {server['VmHWM']:.0f}")

        classifier = vgg16.Classifier.load(weights)
        model = classifier.model
        data = PHOTO.read_bytes()
        batch = vgg16.preprocess(images.load_image(data))

        def full_path() -> list[vgg16.Prediction]:
            return vgg16.top_k(classifier.predict(vgg16.preprocess(images.load_image(data)))[0])

        bare, full = paired_ms(lambda: model(batch), full_path, args.repeats)
        print(f"\nOne photo ({PHOTO.name}), median of {args.repeats}, timed alternately:")
        print(f"  bare model(batch): {bare:.1f} ms;  load + preprocess + predict + top 5: {full:.1f} ms;  "
              f"ratio {full / bare:.3f}")
        for size in (1, 8):
            many = np.repeat(batch, size, axis=0)
            start = time.perf_counter()
            for _ in range(3):
                model(many)
            per_image = 1000 * (time.perf_counter() - start) / (3 * size)
            print(f"  bare predict, batch {size}: {per_image:.1f} ms per image")


if __name__ == "__main__":
    main()
