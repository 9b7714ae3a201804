"""Feature maps and vectors drawn as one picture of cells, so that a click on any cell names its number.

The picture is a PNG on the signed colour scale of :mod:`ui.figures`, shown by
:mod:`ui.clickable_picture`; a :class:`Tiling` turns a clicked cell of the
picture back into (row, column, channel) of the maps, or a position in a vector.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ui import figures
from ui.clickable_picture import clickable_picture

#: Cells between tiles, side by side.
GAP = 1


@dataclass(frozen=True)
class Tiling:
    """Where each channel's tile lies in the picture: ``per_row`` tiles of (rows, columns) to a row of tiles."""

    rows: int
    columns: int
    channels: tuple[int, ...]
    per_row: int
    gap_rows: int
    gap_columns: int = GAP

    @property
    def cells(self) -> tuple[int, int]:
        """(rows, columns) of the whole picture."""
        tile_rows = math.ceil(len(self.channels) / self.per_row)
        return (tile_rows * (self.rows + self.gap_rows) - self.gap_rows,
                min(self.per_row, len(self.channels)) * (self.columns + self.gap_columns) - self.gap_columns)

    def corner(self, position: int) -> tuple[int, int]:
        """The picture cell of the top left of the ``position``-th tile drawn."""
        return ((position // self.per_row) * (self.rows + self.gap_rows),
                (position % self.per_row) * (self.columns + self.gap_columns))

    def cell(self, row: int, column: int, channel: int) -> tuple[int, int] | None:
        """The picture cell of (row, column, channel), or None when that channel is not drawn."""
        if channel not in self.channels:
            return None
        top, left = self.corner(self.channels.index(channel))
        return top + row, left + column

    def unit(self, picture_row: int, picture_column: int) -> tuple[int, int, int] | None:
        """(row, column, channel) of a picture cell, or None for a gap or past the last tile."""
        tile_row, row = divmod(picture_row, self.rows + self.gap_rows)
        tile_column, column = divmod(picture_column, self.columns + self.gap_columns)
        position = tile_row * self.per_row + tile_column
        if row >= self.rows or column >= self.columns or tile_column >= self.per_row or position >= len(self.channels):
            return None
        return row, column, self.channels[position]

    def describe(self) -> dict:
        """What the browser needs to name a hovered cell."""
        return {"tile_rows": self.rows, "tile_columns": self.columns, "gap_rows": self.gap_rows,
                "gap_columns": self.gap_columns, "per_row": self.per_row, "channels": list(self.channels)}


def tiling_of(maps: np.ndarray, channels: Sequence[int], per_row: int = 4) -> Tiling:
    """How :func:`maps_pixels` lays out ``channels`` of (H, W, C) maps."""
    rows, columns = maps.shape[:2]
    return Tiling(rows, columns, tuple(int(channel) for channel in channels),
                  max(1, min(per_row, len(channels))), max(GAP, round(rows / 5)))


def maps_pixels(maps: np.ndarray, tiling: Tiling) -> np.ndarray:
    """The drawn channels side by side on one colour scale: uint8 RGB of shape ``tiling.cells`` + (3,), gaps white."""
    canvas = np.full(tiling.cells, np.nan, np.float32)
    for position, channel in enumerate(tiling.channels):
        top, left = tiling.corner(position)
        canvas[top : top + tiling.rows, left : left + tiling.columns] = maps[..., channel]
    pixels = figures.colour_pixels(canvas, figures.colour_scale(maps[..., list(tiling.channels)], photo=False))
    pixels[np.isnan(canvas)] = 255
    return pixels


def show_maps(maps: np.ndarray, channels: Sequence[int], key: str, selected: tuple[int, int, int] | None,
              on_click: Callable[[Tiling], None]) -> Tiling:
    """Draw some channels of one layer's maps, every cell clickable; ``on_click(tiling)`` runs on a click."""
    tiling = tiling_of(maps, channels)
    labels = [{"text": f"channel {channel}", "row": tiling.corner(position)[0],
               "column": tiling.corner(position)[1] + tiling.columns / 2}
              for position, channel in enumerate(tiling.channels)]
    cell = tiling.cell(*selected) if selected is not None else None
    tile_rows = tiling.cells[0] // (tiling.rows + tiling.gap_rows) + 1
    clickable_picture(figures.png_uri(maps_pixels(maps, tiling)), tiling.cells, key, cell, labels,
                      tiling.describe(), height=min(150 * tile_rows, 320), on_click=lambda: on_click(tiling))
    return tiling


def vector_cells(count: int, per_row: int | None = None) -> tuple[int, int]:
    """(rows, columns) of the picture of a vector of ``count`` numbers, ``per_row`` to a strip.

    By default 64 to a strip, or 128 for a long vector (a CNN code of thousands), so cells stay clickable.
    """
    per_row = per_row or (64 if count <= 1024 else 128)
    per_row = max(1, min(per_row, count))
    return math.ceil(count / per_row), per_row


def vector_pixels(values: np.ndarray, per_row: int | None = None) -> np.ndarray:
    """A vector as strips of cells, ``per_row`` to a strip: uint8 RGB, the cells past its end white."""
    values = np.asarray(values, np.float32).ravel()
    rows, columns = vector_cells(len(values), per_row)
    canvas = np.full(rows * columns, np.nan, np.float32)
    canvas[: len(values)] = values
    canvas = canvas.reshape(rows, columns)
    pixels = figures.colour_pixels(canvas, figures.colour_scale(values, photo=False))
    pixels[np.isnan(canvas)] = 255
    return pixels


def show_vector(values: np.ndarray, key: str, selected: int | None, on_click: Callable[[int], None],
                per_row: int | None = None) -> None:
    """Draw a vector, every number clickable; ``on_click(columns)`` runs on a click (columns: numbers per strip)."""
    rows, columns = vector_cells(len(values), per_row)
    cell = None if selected is None else divmod(selected, columns)
    clickable_picture(figures.png_uri(vector_pixels(values, per_row)), (rows, columns), key, cell,
                      height=min(max(12 * rows, 24), 300) if columns > 8 else 40,
                      on_click=lambda: on_click(columns))
