"""What the app keeps beside a saved model's weights, checked before anything is built from it.

A saved model's description names its dataset, its class names and its
architecture. :meth:`ModelMetadata.from_dict` reads one from JSON and refuses
anything this app never writes: unknown keys, values of the wrong kind, an
architecture :func:`cnn_core.models.describe` refuses.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from cnn_core import datasets, models

_METADATA_KEYS = {"dataset", "class_names", "spec", "saved"}


@dataclass(frozen=True)
class ModelMetadata:
    """What the app needs to know about a saved model besides its weights.

    ``dataset`` is a key of :data:`cnn_core.datasets.CLASS_NAMES`; ``class_names``
    has one name per output of the model; ``saved`` is when, as text.
    """

    dataset: str
    class_names: tuple[str, ...]
    spec: models.Architecture
    saved: str = ""

    def to_dict(self) -> dict:
        """A JSON-ready dict; :meth:`from_dict` reads it back."""
        return {"dataset": self.dataset, "class_names": list(self.class_names),
                "spec": spec_to_dict(self.spec), "saved": self.saved}

    @classmethod
    def from_dict(cls, values: object) -> ModelMetadata:
        """Check and read a metadata dict, building nothing.

        Raises
        ------
        ValueError
            Naming the first problem: an unknown or missing key, an unknown
            dataset, class names that are not 2 to 1000 short texts, or an
            architecture that :func:`cnn_core.models.describe` refuses for that
            many classes.
        """
        if not isinstance(values, dict):
            raise ValueError(f"the metadata must be a JSON object. Received: {type(values).__name__}")
        unknown, missing = set(values) - _METADATA_KEYS, {"dataset", "class_names", "spec"} - set(values)
        if unknown or missing:
            raise ValueError(f"the metadata has unknown keys {sorted(unknown)} or lacks {sorted(missing)}")
        dataset, names, saved = values["dataset"], values["class_names"], values.get("saved", "")
        if dataset not in datasets.CLASS_NAMES:
            raise ValueError(f"the dataset must be one of {', '.join(datasets.CLASS_NAMES)}. Received: {dataset!r}")
        if not (isinstance(names, list) and 2 <= len(names) <= 1000
                and all(isinstance(name, str) and 0 < len(name) <= 100 for name in names)):
            raise ValueError("the class names must be a list of 2 to 1000 texts of 1 to 100 characters")
        if len(names) != len(datasets.CLASS_NAMES[dataset]):
            raise ValueError(f"it names {len(names)} classes, but {dataset} has {len(datasets.CLASS_NAMES[dataset])}")
        if not isinstance(saved, str):
            raise ValueError(f"'saved' must be text. Received: {saved!r}")
        spec = spec_from_dict(values["spec"])
        models.describe(spec, num_classes=len(names))
        return cls(dataset, tuple(names), spec, saved)


def spec_to_dict(spec: models.Architecture) -> dict:
    """A JSON-ready dict of the architecture."""
    return asdict(spec)


def spec_from_dict(values: object) -> models.Architecture:
    """The inverse of :func:`spec_to_dict`, for a dict read from a file.

    Raises
    ------
    ValueError
        For anything but the keys :func:`spec_to_dict` writes, or a value of the
        wrong kind; the values themselves are checked by :func:`describe`.
    """
    _check_keys("the architecture", values, {item.name for item in fields(models.Architecture)})
    blocks, units = values["conv_blocks"], values["dense_units"]
    if not isinstance(blocks, list) or not isinstance(units, list):
        raise ValueError("the architecture's conv_blocks and dense_units must be lists")
    for number, block in enumerate(blocks, start=1):
        _check_keys(f"conv block {number}", block, {item.name for item in fields(models.ConvBlock)})
    if not isinstance(values["description"], str):
        raise ValueError("the architecture's description must be text")
    return models.Architecture(tuple(models.ConvBlock(**block) for block in blocks), tuple(units), values["activation"],
                        values["dense_dropout_rate"], values["description"])


def _check_keys(what: str, values: object, expected: set[str]) -> None:
    if not isinstance(values, dict) or set(values) != expected:
        found = sorted(values) if isinstance(values, dict) else type(values).__name__
        raise ValueError(f"{what} must have exactly the keys {sorted(expected)}. Received: {found}")
