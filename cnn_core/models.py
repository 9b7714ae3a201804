"""Small CNN architectures for 28 × 28 images: specs, their shape arithmetic, Keras models and code.

An architecture is a frozen :class:`Architecture`: conv blocks (Conv2D, optionally batch normalisation, pooling
and dropout), dense layers and the softmax output. :func:`describe` works out every layer's output shape and
parameter count with :func:`cnn_core.conv.output_size`, without TensorFlow, and refuses an architecture that
cannot work before Keras sees it. Shipped trained models: :data:`PRETRAINED`, :func:`load_pretrained`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cnn_core import checks, conv
from cnn_core.keras_calls import LayerCall, sequential_code, sequential_model
from cnn_core.pretrained import PRETRAINED, load_pretrained  # noqa: F401 (the names the app uses)

if TYPE_CHECKING:
    import keras

ACTIVATIONS = ("relu", "elu", "gelu", "tanh", "sigmoid")
PADDINGS = ("valid", "same")
POOLINGS = ("max", "average", "none")
#: What :func:`compile_model` accepts; "sgd" uses momentum 0.9.
OPTIMIZERS = ("adam", "sgd", "rmsprop")


@dataclass(frozen=True)
class ConvBlock:
    """One Conv2D layer, then optionally batch normalisation, pooling and dropout."""

    filters: int = 32
    kernel_size: int = 3
    stride: int = 1
    padding: str = "valid"
    batch_norm: bool = False
    pooling: str = "max"  # "max", "average" or "none"
    pool_size: int = 2
    dropout_rate: float = 0.0


@dataclass(frozen=True)
class Architecture:
    """Conv blocks, then Flatten, dense layers with ``activation``, and a softmax Dense output."""

    conv_blocks: tuple[ConvBlock, ...]
    dense_units: tuple[int, ...] = (512,)
    activation: str = "relu"
    dense_dropout_rate: float = 0.0
    description: str = field(default="", compare=False)


@dataclass(frozen=True)
class LayerRow:
    """A layer as the summary table shows it; ``output_shape`` leaves out the batch axis."""

    name: str
    kind: str
    output_shape: tuple[int, ...]
    parameters: int
    arithmetic: str = ""


#: Named architectures. The first two are those of the seed articles, with their exact parameter counts.
#: How each is trained by default, and what that measured, is in :mod:`cnn_core.recipes`.
PRESETS: dict[str, Architecture] = {
    "three_conv": Architecture(
        (ConvBlock(32), ConvBlock(64), ConvBlock(64)), dense_units=(512,),
        description="An article's model: three conv layers (32, 64, 64 filters of 3×3), each followed by 2×2 "
                    "max pooling, then Dense 512: 94,154 parameters. Its valid convolutions and poolings shrink "
                    "each picture to 1×1×64, so only 64 numbers reach the dense layer, and it costs 3.8 times the "
                    "arithmetic of the one-conv model."),
    "one_conv": Architecture(
        (ConvBlock(32),), dense_units=(100,),
        description="An article's model: one conv layer of 32 3×3 filters and 2×2 max pooling, then Dense 100: "
                    "542,230 parameters, almost all in the dense layer that reads 13×13×32 = 5,408 values. The "
                    "least arithmetic of the presets, so the quickest to train."),
    "modern": Architecture(
        (ConvBlock(32, padding="same", batch_norm=True),
         ConvBlock(64, padding="same", batch_norm=True, dropout_rate=0.1)),
        dense_units=(128,), dense_dropout_rate=0.3,
        description="Two conv blocks ('same' padding, batch normalisation, 2×2 max pooling after each), then "
                    "Dense 128, with a little dropout against overfitting: 422,026 parameters, 5.8 times the "
                    "arithmetic of the one-conv model."),
}
DEFAULT_PRESET = "one_conv"


def describe(spec: Architecture | str, input_shape: tuple[int, int, int] = (28, 28, 1),
             num_classes: int = 10) -> list[LayerRow]:
    """Every layer of the model :func:`build_model` makes, with output shape, parameters and arithmetic.

    Raises
    ------
    ValueError
        For a setting out of range, or naming the first layer whose output
        would be empty (for example ``pool_3: 1 × 1 input, 2 × 2 window``).
    """
    spec = _resolve(spec)
    _check_spec(spec, input_shape, num_classes)
    height, width, channels = input_shape
    rows = []
    for number, block in enumerate(spec.conv_blocks, start=1):
        name = f"conv_{number}"
        new_height = _checked_size(name, height, block.kernel_size, block.stride, block.padding)
        new_width = _checked_size(name, width, block.kernel_size, block.stride, block.padding)
        weights = block.kernel_size**2 * channels * block.filters
        rows.append(LayerRow(name, "Conv2D", (new_height, new_width, block.filters), weights + block.filters,
                             _conv_arithmetic(height, block, new_height)
                             + f"; {block.kernel_size}×{block.kernel_size}×{channels}×{block.filters} + "
                               f"{block.filters} biases"))
        height, width, channels = new_height, new_width, block.filters
        if block.batch_norm:
            rows.append(LayerRow(f"batch_norm_{number}", "BatchNormalization", (height, width, channels),
                                 4 * channels, f"scale, shift, mean and variance for each of {channels} channels"))
        if block.pooling != "none":
            name = f"pool_{number}"
            size = block.pool_size
            new_height = _checked_size(name, height, size, size, "valid")
            new_width = _checked_size(name, width, size, size, "valid")
            kind = "MaxPooling2D" if block.pooling == "max" else "AveragePooling2D"
            rows.append(LayerRow(name, kind, (new_height, new_width, channels), 0,
                                 f"⌊({height} − {size}) / {size}⌋ + 1 = {new_height}"))
            height, width = new_height, new_width
        if block.dropout_rate:
            rows.append(LayerRow(f"dropout_{number}", "Dropout", (height, width, channels), 0,
                                 f"zeroes {block.dropout_rate:.0%} of values while training"))
    features = height * width * channels
    rows.append(LayerRow("flatten", "Flatten", (features,), 0, f"{height} × {width} × {channels} = {features}"))
    for number, units in enumerate((*spec.dense_units, num_classes), start=1):
        is_output = number == len(spec.dense_units) + 1
        name = "predictions" if is_output else f"dense_{number}"
        rows.append(LayerRow(name, "Dense", (units,), features * units + units,
                             f"{features} × {units} weights + {units} biases"))
        if not is_output and spec.dense_dropout_rate:
            rows.append(LayerRow(f"dense_dropout_{number}", "Dropout", (units,), 0,
                                 f"zeroes {spec.dense_dropout_rate:.0%} of values while training"))
        features = units
    return rows


def count_parameters(spec: Architecture | str, input_shape: tuple[int, int, int] = (28, 28, 1),
                     num_classes: int = 10) -> int:
    """All parameters of the model, trainable or not, as Keras' ``count_params`` counts them."""
    return sum(row.parameters for row in describe(spec, input_shape, num_classes))


def multiply_adds(spec: Architecture | str, input_shape: tuple[int, int, int] = (28, 28, 1),
                  num_classes: int = 10) -> int:
    """Multiply-adds of one image's forward pass: each conv weight once per output position, each dense weight once.

    Pooling, activations and biases are left out. Training costs about three times this (forward, two gradients).
    """
    total = 0
    for row in describe(spec, input_shape, num_classes):
        if row.kind == "Conv2D":
            height, width, filters = row.output_shape
            total += (row.parameters - filters) * height * width
        elif row.kind == "Dense":
            total += row.parameters - row.output_shape[0]
    return total


def build_model(spec: Architecture | str, input_shape: tuple[int, int, int] = (28, 28, 1),
                num_classes: int = 10) -> keras.Model:
    """The Keras model of an architecture or a preset name, not yet compiled.

    Layer names match :func:`describe`; the output layer ``predictions`` is a
    softmax Dense, so Grad-CAM can read the score before the softmax. The
    layers are made from the same list of calls that :func:`keras_code` prints.

    Raises
    ------
    ValueError
        As :func:`describe`, before any Keras layer is made.
    """
    return sequential_model(layer_calls(spec, input_shape, num_classes))


def keras_code(spec: Architecture | str, input_shape: tuple[int, int, int] = (28, 28, 1), num_classes: int = 10,
               imports: bool = True) -> str:
    """Python code that builds the same model with Keras, for a learner to copy into a notebook.

    It prints the calls :func:`build_model` makes, so the two cannot drift apart.
    """
    header = "import keras\n\n" if imports else ""
    return header + sequential_code(layer_calls(spec, input_shape, num_classes))


def layer_calls(spec: Architecture | str, input_shape: tuple[int, int, int] = (28, 28, 1),
                num_classes: int = 10) -> list[LayerCall]:
    """The model as ``(kind, arguments, options)`` calls: ``keras.Input`` first, then ``keras.layers.<kind>``.

    Raises
    ------
    ValueError
        As :func:`describe`.
    """
    spec = _resolve(spec)
    describe(spec, input_shape, num_classes)
    calls: list[LayerCall] = [("Input", (), {"shape": tuple(input_shape)})]
    for number, block in enumerate(spec.conv_blocks, start=1):
        calls.append(("Conv2D", (block.filters, block.kernel_size), {
            "strides": block.stride, "padding": block.padding, "activation": spec.activation,
            "name": f"conv_{number}"}))
        if block.batch_norm:
            calls.append(("BatchNormalization", (), {"name": f"batch_norm_{number}"}))
        if block.pooling != "none":
            kind = "MaxPooling2D" if block.pooling == "max" else "AveragePooling2D"
            calls.append((kind, (block.pool_size,), {"name": f"pool_{number}"}))
        if block.dropout_rate:
            calls.append(("Dropout", (block.dropout_rate,), {"name": f"dropout_{number}"}))
    calls.append(("Flatten", (), {"name": "flatten"}))
    for number, units in enumerate(spec.dense_units, start=1):
        calls.append(("Dense", (units,), {"activation": spec.activation, "name": f"dense_{number}"}))
        if spec.dense_dropout_rate:
            calls.append(("Dropout", (spec.dense_dropout_rate,), {"name": f"dense_dropout_{number}"}))
    calls.append(("Dense", (num_classes,), {"activation": "softmax", "name": "predictions"}))
    return calls


def compile_model(model: keras.Model, optimizer: str = "adam", learning_rate: float = 1e-3) -> None:
    """Compile for integer labels: sparse categorical cross-entropy and accuracy.

    ``optimizer`` is "adam", "sgd" (with momentum 0.9) or "rmsprop".
    """
    import keras

    makers = {"adam": lambda: keras.optimizers.Adam(learning_rate),
              "sgd": lambda: keras.optimizers.SGD(learning_rate, momentum=0.9),
              "rmsprop": lambda: keras.optimizers.RMSprop(learning_rate)}
    check_optimizer(optimizer)
    checks.check_learning_rate(learning_rate)
    model.compile(optimizer=makers[optimizer](), loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def check_optimizer(optimizer: object) -> None:
    """Raise ValueError unless ``optimizer`` is one of :data:`OPTIMIZERS`."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}. Received: optimizer={optimizer!r}")


def _resolve(spec: Architecture | str) -> Architecture:
    if isinstance(spec, str):
        if spec not in PRESETS:
            raise ValueError(f"Unknown preset. Valid presets: {', '.join(PRESETS)}. Received: {spec!r}")
        return PRESETS[spec]
    return spec


def _checked_size(layer: str, n: int, window: int, stride: int, padding: str) -> int:
    if padding == "valid" and window > n:
        pixels = "pixel" if n == 1 else "pixels"
        raise ValueError(f"{layer} cannot work: its input is only {n} {pixels} across, smaller than its "
                         f"{window} × {window} window. Use fewer blocks, smaller windows or 'same' padding.")
    return conv.output_size(n, window, stride, padding)


def _conv_arithmetic(n: int, block: ConvBlock, result: int) -> str:
    if block.padding == "same":
        return f"⌈{n} / {block.stride}⌉ = {result} ('same' padding)"
    return f"⌊({n} − {block.kernel_size}) / {block.stride}⌋ + 1 = {result}"


def _check_spec(spec: Architecture, input_shape: tuple[int, int, int], num_classes: int) -> None:
    if not isinstance(spec, Architecture):
        raise ValueError(f"spec must be an Architecture or a preset name. Received: {type(spec).__name__}")
    if len(input_shape) != 3 or min(input_shape) < 1:
        raise ValueError(f"input_shape must be (height, width, channels). Received: {input_shape!r}")
    checks.check_whole_number("num_classes", num_classes, 2, 1000)
    checks.check_whole_number("the number of conv blocks", len(spec.conv_blocks), 1, 8)
    if spec.activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}. Received: {spec.activation!r}")
    checks.check_rate("dense dropout_rate", spec.dense_dropout_rate)
    for number, units in enumerate(spec.dense_units, start=1):
        checks.check_whole_number(f"dense_{number} units", units, 1, 4096)
    for number, block in enumerate(spec.conv_blocks, start=1):
        checks.check_whole_number(f"conv_{number} filters", block.filters, 1, 512)
        checks.check_whole_number(f"conv_{number} kernel_size", block.kernel_size, 1, 15)
        checks.check_whole_number(f"conv_{number} stride", block.stride, 1, 8)
        checks.check_whole_number(f"pool_{number} size", block.pool_size, 1, 8)
        checks.check_rate(f"dropout_{number} rate", block.dropout_rate)
        if not isinstance(block.batch_norm, bool):
            raise ValueError(f"conv_{number} batch_norm must be true or false. Received: {block.batch_norm!r}")
        if block.padding not in PADDINGS:
            raise ValueError(f"conv_{number} padding must be 'valid' or 'same'. Received: {block.padding!r}")
        if block.pooling not in POOLINGS:
            raise ValueError(f"pool_{number} pooling must be one of {', '.join(POOLINGS)}. "
                             f"Received: {block.pooling!r}")
