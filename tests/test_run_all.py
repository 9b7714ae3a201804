"""bench/run_all.py: every benchmark is listed, and RESULTS.md says what ran, failed or was skipped."""

import datetime
from pathlib import Path

from bench import run_all

STARTED = datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.timezone.utc)


def test_every_benchmark_script_is_run():
    scripts = {path.name for path in (Path(run_all.__file__).parent).glob("bench_*.py")}
    assert {benchmark.script for benchmark in run_all.BENCHMARKS} == scripts


def test_results_keep_the_printed_figures_under_their_target():
    benchmark = run_all.BENCHMARKS[0]
    text = run_all.render([run_all.Outcome(benchmark, "ran", 1.5, 0.12, "ratio 1.03")], STARTED)
    section = text.split(f"## {benchmark.name}")[1]
    assert f"`{benchmark.command}`" in section
    assert f"Target: {benchmark.target}." in section
    assert "```\nratio 1.03\n```" in section
    assert f"| [{benchmark.name}](#{benchmark.name}) | ran | 1.5 | 12% |" in text


def test_a_skipped_benchmark_gives_its_reason():
    benchmark = run_all.BENCHMARKS[-1]
    text = run_all.render([run_all.Outcome(benchmark, "skipped: needs chromium")], STARTED)
    assert "Not run: needs chromium." in text
    assert "```" not in text.split(f"## {benchmark.name}")[1]


def test_a_failed_benchmark_shows_its_last_error_lines():
    benchmark = run_all.BENCHMARKS[0]
    outcome = run_all.Outcome(benchmark, "failed (exit status 1)", 0.2, 0.0, "", ["Traceback", "ValueError: bad"])
    text = run_all.render([outcome], STARTED)
    assert "failed (exit status 1)" in text
    assert "(printed nothing)" in text
    assert "ValueError: bad" in text.split("Last lines of its error output:")[1]


def test_a_skip_reason_is_given_when_fashion_mnist_is_missing(monkeypatch, tmp_path):
    monkeypatch.delenv("CNN_DATA_DIR", raising=False)
    monkeypatch.setattr(run_all.shutil, "which", lambda name: None)  # no npm to fetch the pictures with
    assert "CNN_DATA_DIR" in run_all._fashion_mnist_missing()
    monkeypatch.setenv("CNN_DATA_DIR", str(tmp_path))
    assert run_all._fashion_mnist_missing() is None
