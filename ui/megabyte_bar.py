"""A progress bar in megabytes for a download or a load a page waits for: shared by the Trainer and VGG16 pages."""

from __future__ import annotations

import streamlit as st

MEGABYTE = 1_000_000


def megabyte_text(doing: str, received: int, total: int | None) -> str:
    """The bar's text.

    >>> megabyte_text("Downloading VGG16's ImageNet weights", 52_800_000, 553_467_096)
    "Downloading VGG16's ImageNet weights: 52.8 of 553.5 MB"
    """
    arrived = f"{received / MEGABYTE:,.1f}"
    size = f"{arrived} of {total / MEGABYTE:,.1f} MB" if total else f"{arrived} MB so far"
    return f"{doing}: {size}"


class MegabyteBar:
    """Shows "<doing>: 12.3 of 29.5 MB" from the first report on; nothing when nothing is reported.

    Pass :meth:`update` as the ``progress`` of :func:`cnn_core.downloads.download` or
    :func:`cnn_core.vgg16.load_model`, and call :meth:`close` when the wait is over.
    """

    def __init__(self, doing: str) -> None:
        self._doing = doing
        self._bar = None

    def update(self, received: int, total: int | None, part: str = "") -> None:
        """``part`` names the file when a download has several."""
        text = megabyte_text(f"{self._doing} ({part})" if part else self._doing, received, total)
        share = min(received / total, 1.0) if total else 0.0
        if self._bar is None:
            self._bar = st.progress(share, text=text)
        else:
            self._bar.progress(share, text=text)

    def update_part(self, part: str, received: int, total: int | None) -> None:
        """:meth:`update` in the argument order of :func:`cnn_core.datasets.download_dataset`'s ``progress``."""
        self.update(received, total, part)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.empty()
