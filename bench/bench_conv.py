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


def paired_ms(reference: Callable[[], object], candidate: Callable[[], object],
              repeats: int) -> tuple[float, float]:
    """Median milliseconds of ``reference`` and ``candidate``, timed alternately.

    Alternating the two calls exposes both to the same machine noise, so their
    ratio stays meaningful on a busy or throttled machine.
    """
    reference(), candidate()  # warm-up
    timings: dict[str, list[float]] = {"reference": [], "candidate": []}
    for _ in range(repeats):
        for name, function in (("reference", reference), ("candidate", candidate)):
            start = time.perf_counter()
            function()
            timings[name].append(time.perf_counter() - start)
    return 1000 * float(np.median(timings["reference"])), 1000 * float(np.median(timings["candidate"]))


def timings_ms(function: Callable[[], object], repeats: int) -> np.ndarray:
    """Wall times of ``repeats`` calls in milliseconds, after one warm-up call."""
    function()
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return 1000 * np.array(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1024, help="image side in pixels")
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (args.size, args.size, 3), dtype=np.uint8)
    print(f"image {image.shape} uint8, median of {args.repeats} runs, cv2 {cv2.__version__}, "
          f"{cv2.getNumThreads()} OpenCV threads\n")
    print("Each conv2d variant is timed alternately with its peer; ratio = conv2d / peer.")
    print("Stride columns: conv2d at stride s against conv2d at stride 1 ('valid'), timed alternately.")
    print(f"{'kernel':>7} | {'filter2D':>8} {'valid':>7} {'ratio':>5} | {'filter2D':>8} {'same':>7} {'ratio':>5} | "
          f"{'s=1':>7} {'s=2':>7} {'ratio':>5} | {'s=1':>7} {'s=4':>7} {'ratio':>5}   (ms)")
    for kernel_size in (3, 5, 7, 9, 11, 15):
        kernel = rng.standard_normal((kernel_size, kernel_size)).astype(np.float32)
        opencv = lambda: cv2.filter2D(image, cv2.CV_32F, kernel)  # noqa: E731
        row = [kernel_size, kernel_size]
        for padding in ("valid", "same"):
            peer, ours = paired_ms(opencv, lambda: conv.conv2d(image, kernel, padding=padding), args.repeats)
            row += [peer, ours, ours / peer]
        for stride in (2, 4):
            stride_1, strided = paired_ms(lambda: conv.conv2d(image, kernel),
                                          lambda: conv.conv2d(image, kernel, stride=stride), args.repeats)
            row += [stride_1, strided, strided / stride_1]
        print("{:>4}x{:<2} | {:>8.2f} {:>7.2f} {:>5.2f} | {:>8.2f} {:>7.2f} {:>5.2f} | "
              "{:>7.2f} {:>7.2f} {:>5.2f} | {:>7.2f} {:>7.2f} {:>5.2f}".format(*row))

    feature_map = conv.conv2d(image, np.ones((3, 3), np.float32) / 9, padding="same")
    print()
    print("pool2d, 2x2 windows, stride 2 (target: under 10 ms). The minimum is the cost without "
          "interference from other work on the machine.")
    for mode in conv.POOLING_MODES:
        for source, name in ((image, "uint8 image"), (feature_map, "float32 feature map")):
            timings = timings_ms(lambda: conv.pool2d(source, 2, mode=mode), args.repeats)
            print(f"  {mode:>7} on the {name} {source.shape}: median {np.median(timings):.2f} ms, "
                  f"min {np.min(timings):.2f} ms")


if __name__ == "__main__":
    main()
