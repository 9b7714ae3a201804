"""How fast the default recipe trains against what the CPU can do, and what each known speed-up changes.

Target (issue 12): report the default's training samples per second and its
share of the CPU's float32 peak (a large NumPy matmul, measured in the same
run), then try what is known to help Keras on a CPU and keep only what
measurably helps: XLA (``jit_compile``), bfloat16 mixed precision (only useful
where the CPU has native bf16 instructions), the batch size, a ``tf.data``
input pipeline, and oneDNN on or off. Each variant trains in a fresh process
(oneDNN is chosen when TensorFlow loads), for one timed pass over
``--samples`` examples after a warm-up, and every variant runs twice, in
alternating order, so that both meet the same machine noise; the figure is
the better of the two. The arithmetic per example is three times the forward
pass's multiply-adds, two floating-point operations each.

Run from the project root:
    python bench/bench_speed.py [--samples 27000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: name -> (what it changes, environment, options for the worker)
VARIANTS: dict[str, tuple[str, dict, dict]] = {
    "default": ("the default recipe as the page trains it: NumPy arrays, float32, batch 256", {}, {}),
    "xla": ("jit_compile=True (XLA)", {}, {"jit": True}),
    "bfloat16": ("mixed_bfloat16 policy", {}, {"bfloat16": True}),
    "batch_128": ("batch 128", {}, {"batch_size": 128}),
    "batch_512": ("batch 512", {}, {"batch_size": 512}),
    "tf_data": ("tf.data pipeline (shuffle, batch, prefetch)", {}, {"tf_data": True}),
    "onednn_off": ("TF_ENABLE_ONEDNN_OPTS=0", {"TF_ENABLE_ONEDNN_OPTS": "0"}, {}),
}


def matmul_peak(side: int = 4096, repeats: int = 5) -> float:
    """The best float32 GFLOP/s of a side × side NumPy matmul (2 side³ operations)."""
    generator = np.random.default_rng(0)
    left, right = (generator.random((side, side), dtype=np.float32) for _ in range(2))
    left @ right
    best = min(_timed(lambda: left @ right) for _ in range(repeats))
    return 2 * side**3 / best / 1e9


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bf16_flags() -> list[str]:
    """The CPU's native bfloat16 instruction flags, from /proc/cpuinfo (empty when it has none)."""
    try:
        flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags"))
    except (OSError, StopIteration):
        return []
    return sorted(flag for flag in flags.split() if "bf16" in flag)


def worker(options: dict, samples: int) -> dict:
    """Train the default preset on generated pictures once warm, and time one pass over ``samples``."""
    import keras
    import tensorflow as tf

    from cnn_core import models, recipes

    config = recipes.DEFAULT_RECIPE.config
    if options.get("bfloat16"):
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    batch_size = options.get("batch_size", config.batch_size)
    samples -= samples % batch_size
    generator = np.random.default_rng(0)
    inputs = generator.random((samples, 28, 28, 1), dtype=np.float32)
    labels = generator.integers(0, 10, samples).astype(np.uint8)
    keras.utils.set_random_seed(0)
    model = models.build_model(models.DEFAULT_PRESET)
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=bool(options.get("jit")))

    def fit(count: int) -> None:
        if options.get("tf_data"):
            data = (tf.data.Dataset.from_tensor_slices((inputs[:count], labels[:count])).shuffle(count, seed=0)
                    .batch(batch_size).prefetch(tf.data.AUTOTUNE))
            model.fit(data, epochs=1, verbose=0)
        else:
            model.fit(inputs[:count], labels[:count], batch_size=batch_size, epochs=1, shuffle=True, verbose=0)

    fit(batch_size * 20)  # trace and warm up
    seconds = _timed(lambda: fit(samples))
    return {"samples_per_second": samples / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=27_000)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        print(json.dumps(worker(json.loads(arguments.worker), arguments.samples)))
        return

    from cnn_core import models

    peak = matmul_peak()
    flops = 3 * 2 * models.multiply_adds(models.DEFAULT_PRESET)
    flags = bf16_flags()
    print(f"float32 peak: NumPy 4096 × 4096 matmul, best of 5: {peak:.0f} GFLOP/s")
    print(f"default preset {models.DEFAULT_PRESET}: {models.multiply_adds(models.DEFAULT_PRESET):,} multiply-adds "
          f"forward, about {flops / 1e6:.1f} MFLOP per training example")
    print("native bfloat16 instructions: " + (", ".join(flags) if flags else
                                              "none (no avx512_bf16 or amx_bf16 in /proc/cpuinfo)"))
    print(f"{arguments.samples:,} generated examples per timed pass, each variant in a fresh process, twice")
    speeds: dict[str, list[float]] = {name: [] for name in VARIANTS}
    order = list(VARIANTS) + list(reversed(VARIANTS))
    for name in order:
        _, environment, options = VARIANTS[name]
        result = subprocess.run(
            [sys.executable, __file__, "--samples", str(arguments.samples), "--worker", json.dumps(options)],
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **environment}, capture_output=True, text=True)
        if result.returncode != 0:
            print(f"  {name}: failed: {result.stderr.strip().splitlines()[-1:]}")
            continue
        speeds[name].append(json.loads(result.stdout.strip().splitlines()[-1])["samples_per_second"])
    baseline = max(speeds["default"]) if speeds["default"] else float("nan")
    print(f"{'variant':<12}{'examples/s':>11}{'GFLOP/s':>9}{'of peak':>9}{'vs default':>11}  what")
    for name, (what, _, _) in VARIANTS.items():
        if not speeds[name]:
            continue
        best = max(speeds[name])
        print(f"{name:<12}{best:>11,.0f}{best * flops / 1e9:>9.1f}{best * flops / 1e9 / peak:>9.1%}"
              f"{best / baseline:>10.2f}×  {what}")


if __name__ == "__main__":
    main()
