"""The load test of bench/bench_load.py, in a reduced size: strangers at once on one server."""

import pytest

pytestmark = pytest.mark.browser


def test_concurrent_sessions_all_get_their_results(browser):  # the fixture checks Chromium and Playwright
    from bench import bench_load

    report = bench_load.run(classifiers=1, trainers=2, playgrounds=1, epochs=2, changes=2, examples=600,
                            timeout=600, training_cap=1)
    print(report.summary())
    assert report.failures == []  # every session got its results, VGG16 loaded once, the second trainer queued
    assert report.vgg16_loads == 1
