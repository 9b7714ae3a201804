"""Speed of conv2d and pool2d against cv2.filter2D, measured in one run.

Targets (issue 2), on a 1024x1024 RGB uint8 image:
- conv2d at stride 1 takes at most 1.5x what cv2.filter2D alone takes, for
  kernels from 3x3 to 15x15;
- conv2d at stride s > 1 is not slower than at stride 1;
- pool2d takes under 10 ms.

Run from the project root:  python bench/bench_conv.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cnn_core import conv  # noqa: E402


def median_ms(function: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``function`` in milliseconds, after one warm-up call."""
    function()
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return 1000 * float(np.median(timings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1024, help="image side in pixels")
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (args.size, args.size, 3), dtype=np.uint8)
    print(f"image {image.shape} uint8, median of {args.repeats} runs, cv2 {cv2.__version__}, "
          f"{cv2.getNumThreads()} OpenCV threads\n")
    print(f"{'kernel':>7} {'filter2D ms':>12} {'conv2d ms':>10} {'ratio':>6}   "
          f"{'same ms':>8} {'ratio':>6}   {'stride 2 ms':>11} {'stride 4 ms':>11}")
    for kernel_size in (3, 5, 7, 9, 11, 15):
        kernel = rng.standard_normal((kernel_size, kernel_size)).astype(np.float32)
        reference = median_ms(lambda: cv2.filter2D(image, cv2.CV_32F, kernel), args.repeats)
        valid = median_ms(lambda: conv.conv2d(image, kernel), args.repeats)
        same = median_ms(lambda: conv.conv2d(image, kernel, padding="same"), args.repeats)
        stride_2 = median_ms(lambda: conv.conv2d(image, kernel, stride=2), args.repeats)
        stride_4 = median_ms(lambda: conv.conv2d(image, kernel, stride=4), args.repeats)
        print(f"{kernel_size:>4}x{kernel_size:<2} {reference:>12.2f} {valid:>10.2f} {valid / reference:>6.2f}   "
              f"{same:>8.2f} {same / reference:>6.2f}   {stride_2:>11.2f} {stride_4:>11.2f}")

    feature_map = conv.conv2d(image, np.ones((3, 3), np.float32) / 9, padding="same")
    print()
    for mode in conv.POOLING_MODES:
        for source, name in ((image, "uint8 image"), (feature_map, "float32 feature map")):
            elapsed = median_ms(lambda: conv.pool2d(source, 2, mode=mode), args.repeats)
            print(f"pool2d {mode:>7} 2x2 stride 2 on the {name} {source.shape}: {elapsed:.2f} ms")


if __name__ == "__main__":
    main()
