"""The memory budget of a small hosted instance: VGG16, one prediction and two trainings at once.

Target (issue 5): a server with VGG16 loaded, one prediction done and two
trainings of the default preset running stays under 2.5 GB resident
(Streamlit Community Cloud gives about 2.7 GB in all).

Starts `streamlit run app.py` on a loopback port (VGG16 with random weights in
the official file layout unless VGG16_WEIGHTS is set; Fashion-MNIST from
CNN_DATA_DIR, else 60,000 generated pictures of the same size), then, in
headless Chromium: one visitor classifies the sample photo (top 5 and the
Grad-CAM shown by default), two more start the default preset on the default
10,000 examples. While both train it samples the server's resident memory for
--seconds, and prints the largest sample and the peak (VmHWM) of the whole run.

Run from the project root (needs Debian's chromium and the playwright package):
    python bench/bench_budget.py [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_trainer_memory import generated_dataset  # noqa: E402
from bench.bench_vgg16 import memory_mb, random_weights_file  # noqa: E402
from tests.conftest import CHROMIUM_FLAGS, running_server, server_pid  # noqa: E402
from tests.drive import LIVE_STATUS, VGG16_ANSWERED, open_trainer, settle  # noqa: E402

TARGET_MB = 2.5 * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30, help="how long to sample while both train")
    arguments = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        data_dir = os.environ.get("CNN_DATA_DIR") or scratch
        if data_dir == scratch:
            generated_dataset(Path(scratch))
        weights = os.environ.get("VGG16_WEIGHTS") or random_weights_file(scratch)
        with running_server({"CNN_DATA_DIR": data_dir, "VGG16_WEIGHTS": weights}) as url, \
                sync_playwright() as playwright:
            pid = server_pid(url)
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
            classifier = browser.new_page(viewport={"width": 1400, "height": 1000})
            classifier.set_default_timeout(600_000)
            classifier.goto(f"{url}/vgg16_classifier")
            classifier.get_by_text(VGG16_ANSWERED).wait_for()
            classifier.get_by_text("Heatmap opacity").wait_for()
            settle(classifier)
            after_prediction = memory_mb(pid)["VmRSS"]
            trainers = []
            for _ in range(2):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(600_000)
                open_trainer(page, url, epochs=50)  # long enough to be measured while running
                trainers.append(page)
            for page in trainers:
                page.get_by_text(LIVE_STATUS).first.wait_for()
            largest, deadline = 0.0, time.monotonic() + arguments.seconds
            while time.monotonic() < deadline:
                largest = max(largest, memory_mb(pid)["VmRSS"])
                time.sleep(0.5)
            both_running = all(page.get_by_text(LIVE_STATUS).count() for page in trainers)
            peak = memory_mb(pid)["VmHWM"]
            browser.close()
    print(f"Server memory (MB): VGG16 loaded and one photo classified (top 5 and Grad-CAM): {after_prediction:,.0f}"
          f"; then with two default trainings running{'' if both_running else ' (one had ended early)'}: "
          f"largest of {arguments.seconds:.0f} s of samples {largest:,.0f}, peak of the run {peak:,.0f}. "
          f"Target: under {TARGET_MB:,.0f}.")


if __name__ == "__main__":
    main()
