"""Memory of a real server while one visitor trains the default preset on all 60,000 examples.

Target (issue 3): one session training the default preset stays under 1.5 GB
resident. Starts `streamlit run app.py` on a loopback port, drives the Trainer
page with Playwright and headless Chromium (choose "All 60,000", one epoch,
Train), waits for the results, and prints the server's resident memory and its
peak (VmHWM, which covers the whole training).

Run from the project root (needs Debian's chromium and the playwright package):
    CNN_DATA_DIR=/path/to/folder python bench/bench_trainer_memory.py   (Fashion-MNIST in folder/fashion_mnist/)
Without CNN_DATA_DIR it writes 60,000 generated images as IDX files to a
temporary folder (memory does not depend on the pixels).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_vgg16 import memory_mb  # noqa: E402
from cnn_core import datasets  # noqa: E402


def generated_dataset(folder: Path) -> None:
    """60,000 + 10,000 random pictures as Fashion-MNIST's IDX files, in ``folder``/fashion_mnist."""
    folder = folder / "fashion_mnist"
    folder.mkdir(parents=True, exist_ok=True)
    generator = np.random.default_rng(0)
    for stem, count in zip(datasets.IDX_FILES, (60_000, 60_000, 10_000, 10_000)):
        shape = (count,) if "labels" in stem else (count, 28, 28)
        values = generator.integers(0, 10 if "labels" in stem else 256, shape).astype(np.uint8)
        datasets.write_idx(folder / f"{stem}.gz", values)


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM_FLAGS, running_server, server_pid

    with tempfile.TemporaryDirectory() as scratch:
        data_dir = os.environ.get("CNN_DATA_DIR")
        if not data_dir:
            data_dir = scratch
            generated_dataset(Path(scratch))
        with running_server({"CNN_DATA_DIR": data_dir}) as url, sync_playwright() as playwright:
            pid = server_pid(url)
            print(f"server started: {memory_mb(pid)['VmRSS']:.0f} MB resident")
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/trainer")
            page.get_by_text("542,230 parameters in total").wait_for(timeout=300_000)
            page.locator("[data-testid='stSelectbox']").filter(has_text="Training examples").click()
            page.get_by_role("option", name="All 60,000").click()
            slider = (page.locator("[data-testid='stSlider']").filter(has=page.get_by_text("Epochs", exact=True))
                      .get_by_role("slider"))
            slider.focus()
            for _ in range(4):
                slider.press("ArrowLeft")  # 5 -> 1 epoch
            time.sleep(2)
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
            print(f"page open, data loaded: {memory_mb(pid)['VmRSS']:.0f} MB resident")
            start = time.perf_counter()
            page.get_by_role("button", name="Train a new model").click()
            page.get_by_text("Test accuracy", exact=True).wait_for(timeout=600_000)
            memory = memory_mb(pid)
            print(f"after one epoch on 60,000 examples ({time.perf_counter() - start:.0f} s including the "
                  f"evaluation): {memory['VmRSS']:.0f} MB resident, peak {memory['VmHWM']:.0f} MB "
                  "(target: under 1,536 MB)")
            browser.close()


if __name__ == "__main__":
    main()
