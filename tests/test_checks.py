"""Every public function that wants a count refuses a bool: True is an int in Python, never a count here."""

import numpy as np
import pytest

from cnn_core import checks, conv, datasets, explain, images, kernels, models, sliding_window, training, vgg16
from tests.conftest import png_bytes

IMAGE = np.zeros((8, 8), np.float32)
KERNEL = np.ones((3, 3), np.float32)
CALLS = {
    "conv.output_size n": lambda: conv.output_size(True, 1),
    "conv.output_size kernel_size": lambda: conv.output_size(5, True),
    "conv.output_size stride": lambda: conv.output_size(5, 3, stride=True),
    "conv.padding_amounts padding": lambda: conv.padding_amounts(5, 3, padding=True),
    "conv.conv2d stride": lambda: conv.conv2d(IMAGE, KERNEL, stride=True),
    "conv.conv2d padding": lambda: conv.conv2d(IMAGE, KERNEL, padding=False),
    "conv.pool2d size": lambda: conv.pool2d(IMAGE, size=True),
    "conv.pool2d stride": lambda: conv.pool2d(IMAGE, stride=(True, 1)),
    "conv.conv_window stride": lambda: sliding_window.conv_window(IMAGE, KERNEL, 0, 0, stride=True),
    "kernels.make_kernel size": lambda: kernels.make_kernel("mean", True),
    "images.load_image max_side": lambda: images.load_image(png_bytes(4, 4), max_side=True),
    "datasets.subset size": lambda: datasets.subset(np.zeros((20, 28, 28)), np.arange(20) % 10, True),
    "explain.tile_channels count": lambda: explain.tile_channels(np.zeros((4, 4, 3)), count=True),
    "explain.tile_channels columns": lambda: explain.tile_channels(np.zeros((4, 4, 3)), columns=True),
    "vgg16.top_k k": lambda: vgg16.top_k(np.full(1000, 0.001), k=True),
    "models.describe filters": lambda: models.describe(models.Architecture((models.ConvBlock(filters=True),))),
    "models.describe num_classes": lambda: models.describe(models.PRESETS["three_conv"], num_classes=True),
    "models.compile_model learning_rate": lambda: models.compile_model(None, "adam", True),
    "training.TrainingConfig epochs": lambda: training.TrainingConfig(epochs=True),
    "training.TrainingConfig batch_size": lambda: training.TrainingConfig(batch_size=True),
    "training.TrainingConfig patience": lambda: training.TrainingConfig(patience=True),
    "training.TrainingConfig seed": lambda: training.TrainingConfig(seed=False),
    "training.TrainingConfig learning_rate": lambda: training.TrainingConfig(learning_rate=True),
}


@pytest.mark.parametrize("call", list(CALLS))
def test_a_bool_is_refused_where_a_count_is_wanted(call):
    with pytest.raises(ValueError):
        CALLS[call]()


def test_continue_training_refuses_a_bool_for_its_epochs():
    run = training.TrainingRun(None, (np.zeros((2, 28, 28, 1)), np.zeros(2)), (np.zeros((2, 28, 28, 1)), np.zeros(2)),
                               training.TrainingConfig())
    with pytest.raises(ValueError, match="epochs must be a whole number"):
        run.continue_training(True)


def test_explain_grad_cam_refuses_a_bool_for_the_class():
    model = models.build_model(models.Architecture((models.ConvBlock(2),), dense_units=(4,)))
    with pytest.raises(ValueError):
        explain.grad_cam(model, np.zeros((1, 28, 28, 1), np.float32), True)


@pytest.mark.parametrize(("value", "whole"), [(3, True), (np.int64(3), True), (np.uint8(3), True), (True, False),
                                              (np.bool_(True), False), (3.0, False), ("3", False), (None, False)])
def test_is_whole_number(value, whole):
    assert checks.is_whole_number(value) is whole
