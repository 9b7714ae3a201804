"""Every session-state key of the Trainer page, with what it holds. Widgets hold their own value under theirs.

The image picker of "Your own image" adds ``trainer_source``, ``trainer_sample``, ``trainer_upload`` and
``trainer_camera`` (see :mod:`ui.image_picker`); the page link is kept under ``url_settings_trainer``.
"""

# Kept by the page itself.
SESSION = "trainer_session"  # in the visitor's session memory (not st.session_state): a session.Trained
SAVED_MESSAGE = "trainer_saved_message"  # (kind, text) of the last save, shown once
LOAD_ERROR = "trainer_load_error"  # why the last "Load to inspect" failed, shown once
HANDOVER_CHECKED = "trainer_handover_checked"  # True once this session looked for a training to take over
HANDOVER_NOTE = "trainer_handover_note"  # (kind, text): what became of that training, until the next action

# Sidebar: data and training (each also a page-link setting, named after the = sign).
DATASET = "trainer_dataset"  # radio: Fashion-MNIST or MNIST (dataset=)
TRAIN_SIZE = "trainer_train_size"  # selectbox: how many training examples (train_size=)
EPOCHS = "trainer_epochs"  # slider: epochs to train (epochs=)
BATCH_SIZE = "trainer_batch_size"  # select slider: examples per update (batch_size=)
OPTIMIZER = "trainer_optimizer"  # selectbox: Adam, SGD or RMSprop (optimizer=)
LEARNING_RATE = "trainer_learning_rate"  # select slider (learning_rate=)
SCHEDULE = "trainer_schedule"  # radio: constant learning rate, or falling along a cosine (schedule=)
AUGMENT = "trainer_augment"  # checkbox: shift (and flip) the training pictures at random (augment=)
VALIDATION = "trainer_validation"  # radio: validate on the test set or a held-out split (validation=)
EARLY_STOPPING = "trainer_early_stopping"  # checkbox (early_stopping=)
PATIENCE = "trainer_patience"  # slider: epochs without improvement before stopping (patience=)
SEED = "trainer_seed"  # number input: the random seed (seed=)

# 1. The model.
PRESET = "trainer_preset"  # selectbox: a preset architecture or "Build your own" (preset=)
BLOCKS = "trainer_blocks"  # data editor: the conv blocks of a custom architecture
ACTIVATION = "trainer_activation"  # selectbox: a custom architecture's activation
DENSE_UNITS = "trainer_dense_units"  # text input: a custom architecture's dense layers
DENSE_DROPOUT = "trainer_dense_dropout"  # number input: a custom architecture's dense dropout
ARCHITECTURE_TABLE = "architecture_table"  # dataframe: the layer table

# 2. Training.
TRAIN = "train"  # button: Train a new model
STOP = "stop"  # button: Stop
MORE_EPOCHS = "more_epochs"  # number input: epochs for Continue
CONTINUE = "continue"  # button: Continue
TRAINING_CURVES = "training_curves"  # chart: the live curves
SAVED_MODEL = "saved_model"  # selectbox: a model saved on the server
LOAD_SAVED = "load_saved"  # button: Load to inspect
SHIPPED_MODEL = "trainer_shipped_model"  # selectbox: a model shipped with the app
LOAD_SHIPPED = "trainer_load_shipped"  # button: inspect the shipped model

# 3. What it learned.
SECTION = "trainer_section"  # segmented control: which inspection section is shown
CONFUSION_MATRIX = "confusion_matrix"  # Plotly grid: a clicked square sets the two boxes below
MISTAKES_TRUE_CLASS = "mistakes_true_class"  # selectbox: the gallery's true class (None: any)
MISTAKES_ANSWER = "mistakes_answer"  # selectbox: the gallery's answered class (None: any)
CLASS_REPORT = "class_report"  # dataframe: precision, recall and F1 per class
INSIDE_INDEX = "inside_index"  # number input: the test image inspected
OWN_IMAGE_PROBABILITIES = "own_image_probabilities"  # chart: the model's answer for a person's photo
SAVE_NAME = "save_name"  # text input: the name to save under
SAVE_MODEL = "save_model"  # button: Save (or Replace) on the server
DOWNLOAD_MODEL = "download_model"  # download button: the .keras file


def inside_layer(layer_name: str) -> str:
    """Chart: one layer's feature maps for the inspected test image."""
    return f"inside_{layer_name}"


def inside_cam_class(image: int, weights_version: int) -> str:
    """Selectbox: the class Grad-CAM explains for one test image and one version of the weights.

    A key of its own for each, so that it starts at the model's answer for that image (a person's pick
    stays with the image it was made for).
    """
    return f"inside_cam_class_{image}_{weights_version}"


def save_replace(name: str) -> str:
    """Checkbox: replace the saved model called ``name``."""
    return f"save_replace_{name}"
