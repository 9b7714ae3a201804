"""How each preset architecture is trained by default: its data size and training settings, chosen by measurement.

``bench/bench_presets.py`` trains every recipe on the real Fashion-MNIST
pictures and prints its test accuracy and training time; the figures in the
presets' descriptions (:data:`cnn_core.models.PRESETS`) come from it, on a
2-core machine without a GPU.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnn_core import models
from cnn_core.training_config import TrainingConfig


@dataclass(frozen=True)
class Recipe:
    """What a page sets when a person picks a preset: ``train_size`` examples (None: all) and ``config``.

    ``measured_accuracy`` (0 to 1) and ``measured_seconds`` are what ``bench/bench_presets.py`` printed for
    it: the test accuracy, and the seconds from the first batch to the end of the last validation.
    """

    train_size: int | None
    config: TrainingConfig
    measured_accuracy: float
    measured_seconds: float

    def summary(self) -> str:
        """The recipe and its measured result, in words, for the page."""
        config = self.config
        examples = "all 60,000 examples" if self.train_size is None else f"{self.train_size:,} examples"
        rate = (f"learning rate {config.learning_rate:g} falling to zero" if config.schedule == "cosine"
                else f"learning rate {config.learning_rate:g}")
        minutes = (f"{self.measured_seconds:.0f} s" if self.measured_seconds < 90
                   else f"{self.measured_seconds / 60:.1f} minutes")
        return (f"Its training settings: {examples} ({100 * config.validation_split:.0f} % held out for validation), "
                f"{config.epochs} epochs, batch {config.batch_size}, {rate}. Measured with them on 2 CPU cores: "
                f"{100 * self.measured_accuracy:.1f} % test accuracy after {minutes} of training.")


#: Held out of the training examples for validation in every recipe, so the test set stays unseen.
VALIDATION_SPLIT = 0.1

#: Measured by ``python bench/bench_presets.py`` (bench/RESULTS.md has the run). The default's: 3 epochs at a
#: high rate falling to zero beat 5 epochs at 0.003 (91.4 %, 75 s) and 4 (91.0 %), and a constant rate lost two
#: points (bench_presets.py --candidates).
RECIPES: dict[str, Recipe] = {
    "one_conv": Recipe(None, TrainingConfig(epochs=3, batch_size=256, learning_rate=1e-2,
                                            validation_split=VALIDATION_SPLIT, schedule="cosine"), 0.9166, 44),
    "three_conv": Recipe(None, TrainingConfig(epochs=5, batch_size=256, learning_rate=3e-3,
                                              validation_split=VALIDATION_SPLIT, schedule="cosine"), 0.8817, 126),
    "modern": Recipe(None, TrainingConfig(epochs=10, batch_size=128, learning_rate=3e-3,
                                          validation_split=VALIDATION_SPLIT, schedule="cosine"), 0.9316, 572),
}
DEFAULT_RECIPE = RECIPES[models.DEFAULT_PRESET]
