"""Values made once per server process: one maker per key, failures not kept, the least recently used dropped."""

import threading

import pytest

from ui.process_cache import ProcessCache


def test_a_value_is_made_once_while_other_callers_wait_for_it():
    cache, made, started, release = ProcessCache(), [], threading.Event(), threading.Event()

    def make():
        made.append(1)
        started.set()
        release.wait(10)
        return "vgg16"

    answers = []
    first = threading.Thread(target=lambda: answers.append(cache.get("model", make)))
    first.start()
    started.wait(10)
    waiting = [threading.Thread(target=lambda: answers.append(cache.get("model", make))) for _ in range(3)]
    for thread in waiting:
        thread.start()
    release.set()
    for thread in [first, *waiting]:
        thread.join(10)
    assert answers == ["vgg16"] * 4 and made == [1]


def test_a_failure_is_not_kept():
    cache = ProcessCache()
    with pytest.raises(OSError):
        cache.get("model", lambda: (_ for _ in ()).throw(OSError("no weights")))
    assert cache.get("model", lambda: "loaded") == "loaded"


def test_beyond_its_size_the_least_recently_used_value_goes():
    cache = ProcessCache(max_entries=2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    cache.get("a", lambda: -1)  # a is used again, so b is the oldest
    cache.get("c", lambda: 3)
    assert cache.get("a", lambda: -1) == 1 and cache.get("b", lambda: 20) == 20


def test_clear_forgets_every_value():
    cache = ProcessCache()
    cache.get("a", lambda: 1)
    cache.clear()
    assert cache.get("a", lambda: 2) == 2
