"""The load test of bench/bench_load.py, in a reduced size: strangers at once on one server."""

import pytest

pytestmark = pytest.mark.browser


def test_concurrent_sessions_all_get_their_results(browser):  # the fixture checks Chromium and Playwright
    from bench import bench_load

    report = bench_load.run(classifiers=1, trainers=3, playgrounds=1, epochs=3, changes=2, examples=600,
                            timeout=600)
    print(report.summary())
    assert report.failures == []
    assert report.vgg16_loads == 1
    assert any(session.queued for session in report.sessions if session.page == "train"), (
        "three trainings against a cap of two: one should have queued")
