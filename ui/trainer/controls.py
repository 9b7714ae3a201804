"""The Trainer's settings: data, architecture (a preset or one built in a table) and training."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from cnn_core import augmentation, datasets, models, recipes, training
from ui import server_settings
from ui.trainer import state_keys as keys
from ui.url_settings import UrlSettings

DATASET_LABELS = {"fashion_mnist": "Fashion-MNIST (clothes)", "mnist": "MNIST (handwritten digits)"}
TRAIN_SIZES = {"5,000 (seconds per epoch)": 5_000, "10,000": 10_000, "30,000": 30_000, "All 60,000": None}
CUSTOM = "custom"
PRESET_LABELS = {"one_conv": "One conv layer (542,230 parameters, an article's model): quick",
                 "three_conv": "Three conv layers (94,154 parameters, an article's model)",
                 "modern": "Best: two conv blocks with batch norm and dropout (422,026)", CUSTOM: "Build your own"}
#: How each choice is written in a page link.
TRAIN_SIZE_TOKENS = dict(zip(TRAIN_SIZES, ("5000", "10000", "30000", "60000")))
FULL_TRAINING_SET = 60_000
MAX_EPOCHS = 50
HELD_OUT, TEST_SET = "10 % of the training examples", "Test set"
VALIDATION_CHOICES = {HELD_OUT: "split", TEST_SET: "test"}
SCHEDULE_LABELS = {"cosine": "Falls to zero (cosine)", "constant": "Constant"}
#: The augmentation the "Augment" box turns on for each dataset: a flipped digit is often another digit.
AUGMENTATION_OF = {"fashion_mnist": "shifts_and_flips", "mnist": "shifts"}
#: The sentence the page shows wherever a test figure comes from a model validated on the test set.
OPTIMISTIC_TEST = ("Validated on the test set: those same images decided when training stopped and which epoch's "
                   "weights were kept (and the curves a person tunes by), so this test accuracy is optimistic.")
BATCH_SIZES = [16, 32, 64, 128, 256, 512]
LEARNING_RATES = [1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 1e-2, 3e-2, 1e-1]
OPTIMIZER_LABELS = {"adam": "Adam", "sgd": "SGD with momentum 0.9", "rmsprop": "RMSprop"}
#: Every setting a Trainer link can hold (patience is used only with early stopping).
LINKED_SETTINGS = ("dataset", "train_size", "preset", "epochs", "batch_size", "optimizer", "learning_rate",
                   "schedule", "augment", "validation", "early_stopping", "patience", "seed")
#: What a fresh page starts from: the default preset's recipe.
_DEFAULT = recipes.DEFAULT_RECIPE
BLOCK_COLUMNS = ["filters", "kernel size", "stride", "padding", "batch norm", "pooling", "pool size", "dropout"]


@dataclass(frozen=True)
class DataSettings:
    name: str
    train_size: int | None  # None: the whole training set
    data_dir: str | None  # CNN_DATA_DIR, or None to let Keras download


def data_settings(link: UrlSettings) -> DataSettings:
    st.header("Data")
    start = link.choice("dataset", keys.DATASET, list(DATASET_LABELS), "fashion_mnist")
    name = st.radio("Dataset", list(DATASET_LABELS), format_func=DATASET_LABELS.get, **start.as_index(DATASET_LABELS),
                    help="28 × 28 grayscale pictures in 10 classes: 60,000 to learn from and 10,000 to test on.")
    sizes = allowed_train_sizes()
    tokens = {label: TRAIN_SIZE_TOKENS.get(label, str(size)) for label, size in sizes.items()}
    start = link.choice("train_size", keys.TRAIN_SIZE, list(sizes), _size_label(_DEFAULT.train_size), tokens)
    size_label = st.selectbox("Training examples", list(sizes), **start.as_index(sizes),
                              help="Fewer examples train faster but learn less. The same share of each class "
                                   "is kept.")
    return DataSettings(name, sizes[size_label], os.environ.get("CNN_DATA_DIR") or None)


def allowed_train_sizes() -> dict[str, int | None]:
    """The training subsets a visitor may choose: all of TRAIN_SIZES, or on a shared server those within its
    limit (the limit itself is offered when it is none of them)."""
    limit = server_settings.max_training_examples()
    if limit is None or limit >= FULL_TRAINING_SET:
        return TRAIN_SIZES
    allowed = {label: size for label, size in TRAIN_SIZES.items() if size is not None and size <= limit}
    if limit not in allowed.values():
        allowed[f"{limit:,} (this server's limit)"] = limit
    return allowed


def allowed_epochs() -> int:
    """The most epochs one training may have here: MAX_EPOCHS, or a shared server's lower limit."""
    return min(MAX_EPOCHS, server_settings.max_epochs() or MAX_EPOCHS)


def shared_server_limits() -> str | None:
    """The sentence that tells a visitor this server's training limits; None where none apply."""
    if not server_settings.is_hosted():
        return None
    largest = max(size or FULL_TRAINING_SET for size in allowed_train_sizes().values())
    return (f"This server is shared by a class, so one training may use at most {largest:,} training examples and "
            f"{allowed_epochs()} epochs (a limit set by whoever runs the server).")


def architecture_choice(link: UrlSettings) -> str:
    start = link.choice("preset", keys.PRESET, list(PRESET_LABELS), models.DEFAULT_PRESET)
    return st.selectbox("Architecture", list(PRESET_LABELS), format_func=PRESET_LABELS.get,
                        **start.as_index(PRESET_LABELS), on_change=_apply_recipe,
                        help="Start with a preset, or build your own layer by layer. Picking a preset also sets "
                             "the training settings it was measured with (in the sidebar); change any of them.")


def _apply_recipe() -> None:
    """Set the sidebar to the picked preset's measured recipe (runs before the page, when the preset changes)."""
    recipe = recipes.RECIPES.get(st.session_state[keys.PRESET])
    if recipe is None:
        return
    config = recipe.config
    st.session_state.update({
        keys.TRAIN_SIZE: _size_label(recipe.train_size), keys.EPOCHS: min(config.epochs, allowed_epochs()),
        keys.BATCH_SIZE: config.batch_size, keys.OPTIMIZER: config.optimizer,
        keys.LEARNING_RATE: config.learning_rate, keys.SCHEDULE: config.schedule,
        keys.AUGMENT: config.augmentation != "none", keys.VALIDATION: _validation_label(config.validation_split)})


def _size_label(train_size: int | None) -> str:
    """The label of ``train_size``, or of the largest allowed subset when this server does not allow it."""
    sizes = allowed_train_sizes()
    return next((label for label, size in sizes.items() if size == train_size), list(sizes)[-1])


def _validation_label(validation_split: float) -> str:
    return TEST_SET if validation_split == 0 else HELD_OUT


def custom_architecture() -> models.Architecture:
    """A table of conv blocks and a few settings for the rest; may raise ValueError for impossible values."""
    st.markdown("Each row is one **conv block**: a Conv2D layer, then optional batch normalisation, pooling and "
                "dropout. Add or delete rows to change the depth.")
    default = pd.DataFrame([[32, 3, 1, "valid", False, "max", 2, 0.0], [64, 3, 1, "valid", False, "max", 2, 0.0]],
                           columns=BLOCK_COLUMNS)
    table = st.data_editor(default, num_rows="dynamic", hide_index=True, key=keys.BLOCKS, column_config={
        "filters": st.column_config.NumberColumn(min_value=1, max_value=512, step=1, required=True,
                                                 help="How many kernels the layer learns: its output channels."),
        "kernel size": st.column_config.NumberColumn(min_value=1, max_value=15, step=1, required=True,
                                                     help="Side of each square kernel."),
        "stride": st.column_config.NumberColumn(min_value=1, max_value=8, step=1, required=True,
                                                help="Step between kernel positions."),
        "padding": st.column_config.SelectboxColumn(options=list(models.PADDINGS), required=True,
                                                    help="valid: no padding; same: zeros so the size only "
                                                         "shrinks by the stride."),
        "batch norm": st.column_config.CheckboxColumn(help="Normalise each channel; often trains faster."),
        "pooling": st.column_config.SelectboxColumn(options=list(models.POOLINGS), required=True,
                                                    help="Shrink the maps by max or average pooling, or not."),
        "pool size": st.column_config.NumberColumn(min_value=1, max_value=8, step=1, required=True,
                                                   help="Side of the pooling window, also its stride."),
        "dropout": st.column_config.NumberColumn(min_value=0.0, max_value=0.9, step=0.05, format="%.2f",
                                                 help="Share of values zeroed while training, against "
                                                      "overfitting."),
    })
    columns = st.columns(3)
    activation = columns[0].selectbox("Activation", models.ACTIVATIONS, key=keys.ACTIVATION,
                                      help="The non-linearity after every conv and dense layer.")
    units_text = columns[1].text_input("Dense units", "128", key=keys.DENSE_UNITS,
                                       help="Sizes of the dense layers before the output, comma-separated, "
                                            "for example 128 or 256, 64. Empty for none.")
    dense_dropout = columns[2].number_input("Dense dropout", 0.0, 0.9, 0.0, 0.05, key=keys.DENSE_DROPOUT,
                                            help="Dropout after each dense layer.")
    blocks = tuple(_block(number, row) for number, row in enumerate(table.to_dict("records"), start=1))
    return models.Architecture(blocks, _units(units_text), activation, float(dense_dropout))


def _block(number: int, row: dict) -> models.ConvBlock:
    if any(pd.isna(value) for value in row.values()):
        raise ValueError(f"Conv block {number} has an empty cell; fill in every column.")
    return models.ConvBlock(int(row["filters"]), int(row["kernel size"]), int(row["stride"]), row["padding"],
                            bool(row["batch norm"]), row["pooling"], int(row["pool size"]), float(row["dropout"]))


def _units(text: str) -> tuple[int, ...]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise ValueError(f"Dense units must be whole numbers separated by commas. Received: {text!r}")
    return tuple(int(part) for part in parts)


def training_settings(link: UrlSettings, dataset: str) -> training.TrainingConfig:
    st.header("Training")
    most = allowed_epochs()
    start = link.whole_number("epochs", keys.EPOCHS, 1, most, min(_DEFAULT.config.epochs, most))
    epochs = st.slider("Epochs", 1, most, **start.as_value(),
                       help="How many times the model sees every training example.")
    if limits := shared_server_limits():
        st.caption(limits)
    start = link.choice("batch_size", keys.BATCH_SIZE, BATCH_SIZES, _DEFAULT.config.batch_size)
    batch_size = st.select_slider("Batch size", BATCH_SIZES, **start.as_value(),
                                  help="Examples per weight update. Larger batches are faster per epoch but "
                                       "update the weights less often.")
    start = link.choice("optimizer", keys.OPTIMIZER, list(OPTIMIZER_LABELS), _DEFAULT.config.optimizer)
    optimizer = st.selectbox("Optimizer", list(OPTIMIZER_LABELS), format_func=OPTIMIZER_LABELS.get,
                             **start.as_index(OPTIMIZER_LABELS),
                             help="The rule that turns gradients into weight updates.")
    rate_tokens = {rate: f"{rate:g}" for rate in LEARNING_RATES}
    start = link.choice("learning_rate", keys.LEARNING_RATE, LEARNING_RATES, _DEFAULT.config.learning_rate,
                        rate_tokens)
    learning_rate = st.select_slider("Learning rate", LEARNING_RATES, **start.as_value(), format_func=rate_tokens.get,
                                     help="How big each update step is. Too large and the loss jumps around; "
                                          "too small and learning crawls.")
    start = link.choice("schedule", keys.SCHEDULE, list(SCHEDULE_LABELS), _DEFAULT.config.schedule)
    schedule = st.radio("Learning rate during training", list(SCHEDULE_LABELS), format_func=SCHEDULE_LABELS.get,
                        **start.as_index(SCHEDULE_LABELS), horizontal=True,
                        help="Falls to zero: big steps first to learn fast, then ever smaller ones to settle into a "
                             "good minimum; it falls batch by batch along half a cosine wave over the run's "
                             "epochs (a Continue starts a new fall). Constant: the same step throughout.")
    augment = st.checkbox("Augment the training pictures",
                          **link.flag("augment", keys.AUGMENT, _DEFAULT.config.augmentation != "none").as_value(),
                          help=f"Before every batch, each training picture is moved at random by up to "
                               f"{augmentation.MAX_SHIFT} pixels up or down and left or right, and clothes are "
                               "also flipped left to right half of the time.")
    if augment:
        moves = ("Shifts only: a flipped digit can be another digit." if dataset == "mnist"
                 else "Shifts and left-right flips.")
        st.caption(f"{moves} {augmentation.NOTE}")
    start = link.choice("validation", keys.VALIDATION, list(VALIDATION_CHOICES),
                        _validation_label(_DEFAULT.config.validation_split), VALIDATION_CHOICES)
    validation = st.radio("Validate on", list(VALIDATION_CHOICES), **start.as_index(VALIDATION_CHOICES),
                          help="The data the model is checked on after each epoch, never trained on. Holding out "
                               "part of the training examples keeps the test set unseen until the end.")
    if validation == TEST_SET:
        st.caption(OPTIMISTIC_TEST)
    early = st.checkbox("Early stopping", **link.flag("early_stopping", keys.EARLY_STOPPING, False).as_value(),
                        help="Stop when the validation loss has not improved for a few epochs, and go back to "
                             "the best epoch's weights.")
    patience = st.slider("Patience (epochs)", 1, 10,
                         **link.whole_number("patience", keys.PATIENCE, 1, 10, 2).as_value(), disabled=not early,
                         help="Epochs without a better validation loss before stopping.")
    seed = st.number_input("Random seed", 0, 2**31 - 1,
                           **link.whole_number("seed", keys.SEED, 0, 2**31 - 1, 0).as_value(),
                           help="Fixes the starting weights and the order of examples, so a run can be repeated.")
    return training.TrainingConfig(
        min(epochs, most), batch_size, optimizer, learning_rate,
        0.0 if validation == TEST_SET else recipes.VALIDATION_SPLIT, patience if early else None, int(seed),
        schedule, AUGMENTATION_OF[dataset] if augment else "none")


def describe_dataset_error(error: Exception, name: str) -> str:
    """The message the page shows when a dataset cannot be loaded."""
    if isinstance(error, datasets.DatasetUnavailableError):
        return str(error)
    return f"The {DATASET_LABELS[name]} files are damaged: {error}"
