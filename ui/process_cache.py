"""Values made once per server process and shared by every session, kept without Streamlit's caches.

``st.cache_resource`` and ``st.cache_data`` record every element drawn while the cached function runs and draw
them again on every later hit. A progress bar drawn while VGG16 loaded stayed on the page, at 100 %, for good;
a bar drawn before the call and moved inside it made every later hit fail (``CacheReplayClosureError``).
Whatever shows its progress while it is made is kept here instead.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
_ALL_CACHES: weakref.WeakSet = weakref.WeakSet()


class ProcessCache:
    """Key -> value, each made once by the first caller while later callers for the same key wait.

    A failure is not kept: the next call tries again. Beyond ``max_entries`` the least recently used value is
    dropped. Thread-safe.
    """

    def __init__(self, max_entries: int | None = None) -> None:
        self._max_entries = max_entries
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}
        _ALL_CACHES.add(self)

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        while True:
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]
                maker = self._making.setdefault(key, threading.Lock())
            with maker:
                with self._lock:
                    if key in self._values:  # made while this caller waited
                        continue
                try:
                    value = make()
                except BaseException:
                    with self._lock:
                        self._making.pop(key, None)
                    raise
                with self._lock:
                    self._values[key] = value
                    self._making.pop(key, None)
                    while self._max_entries is not None and len(self._values) > self._max_entries:
                        self._values.popitem(last=False)
                return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def clear_all() -> None:
    """Forget every value of every process cache (for tests that need a cold start)."""
    for cache in list(_ALL_CACHES):
        cache.clear()
