"""Where the app's files live: one home for every folder that more than one module reads."""

from pathlib import Path

#: The repository's root folder.
PROJECT_DIR = Path(__file__).resolve().parents[1]
#: The app's own model assets (ImageNet class names, shipped models); nothing is ever saved here.
MODELS_DIR = PROJECT_DIR / "models"
#: The only folder where visitors' trained models are saved; no file of the app lives in it.
TRAINED_MODELS_DIR = MODELS_DIR / "trained"
