"""A Keras model written once, as a list of layer calls: built from that list, and printed from it as code a
learner can copy, so that the model and its code cannot drift apart."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras

#: ``(kind, arguments, options)``: ``keras.Input(*arguments, **options)`` when kind is "Input", else
#: ``keras.layers.<kind>(*arguments, **options)``.
LayerCall = tuple[str, tuple, dict]


def sequential_model(calls: list[LayerCall], name: str | None = None) -> keras.Model:
    """The ``keras.Sequential`` model of ``calls`` (the first one a ``keras.Input``), not compiled."""
    import keras

    return keras.Sequential([getattr(keras.layers, kind)(*arguments, **options)
                             for kind, arguments, options in calls], name=name)


def sequential_code(calls: list[LayerCall], variable: str = "model") -> str:
    """``variable = keras.Sequential([...])``, one line per call, as Python source."""
    lines = []
    for kind, arguments, options in calls:
        written = [repr(argument) for argument in arguments] + [f"{key}={value!r}" for key, value in options.items()]
        prefix = "keras" if kind == "Input" else "keras.layers"
        lines.append(f"    {prefix}.{kind}({', '.join(written)}),")
    return f"{variable} = keras.Sequential([\n" + "\n".join(lines) + "\n])\n"
