"""A confusion matrix as a table: true classes in rows, answers in columns, correct answers green, mistakes red."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler


def confusion_table(confusion: np.ndarray, names: list[str]) -> Styler:
    """``confusion`` (classes × classes counts) with class names on both axes, coloured by count.

    The diagonal is green, the rest red; the more images in a cell, the stronger its colour (each scaled to the
    largest count of its kind). Empty cells stay white.
    """
    frame = pd.DataFrame(confusion, index=names, columns=names)
    largest_off_diagonal = max(1, int((confusion - np.diag(np.diag(confusion))).max()))
    return frame.style.apply(lambda shown: _colours(shown, largest_off_diagonal), axis=None)


def _colours(frame: pd.DataFrame, largest_off_diagonal: int) -> pd.DataFrame:
    values = frame.to_numpy()
    diagonal = np.eye(len(values), dtype=bool)
    strength = np.where(diagonal, values / max(1, values.max()), values / largest_off_diagonal)
    colours = np.where(diagonal, "44, 160, 44", "214, 39, 40")
    styles = [[f"background-color: rgba({colour}, {0.1 + 0.7 * level:.2f})" if value else ""
               for colour, level, value in zip(colour_row, level_row, value_row)]
              for colour_row, level_row, value_row in zip(colours, strength, values)]
    return pd.DataFrame(styles, index=frame.index, columns=frame.columns)
