"""Training curves: smoothing the noisy loss and accuracy of single batches."""

from __future__ import annotations

import numpy as np

from cnn_core import checks


def smooth(values: np.ndarray | list[float], weight: float = 0.9) -> np.ndarray:
    """An exponential moving average with TensorBoard's start-up correction, float64 of the same length.

    ``weight`` 0 returns the values unchanged; closer to 1 is smoother. The
    corrected average is pandas' ``ewm(alpha=1 - weight, adjust=True)``: value
    ``t`` is the mean of all values up to ``t`` weighted by ``weight ** age``.
    """
    import pandas as pd

    checks.check_rate("weight", weight)
    return pd.Series(values, dtype=np.float64).ewm(alpha=1 - weight, adjust=True).mean().to_numpy()
