"""The Keras code a person takes home with their model: use it on a photo, and retrain its head on new photos."""

from __future__ import annotations

from collections.abc import Sequence

from cnn_core import transfer
from cnn_core.keras_calls import sequential_code

MODEL_FILE_NAME = "own_classes.keras"

_PREPARE = '''import keras
import numpy as np
from PIL import Image

CLASS_NAMES = {class_names!r}


def prepare(path):
    """A photo as the page prepared it: its central square at 224 x 224, RGB to BGR, ImageNet means subtracted."""
    image = Image.open(path).convert("RGB")
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    image = image.crop((left, top, left + side, top + side)).resize((224, 224), Image.BOX)
    return keras.applications.vgg16.preprocess_input(np.asarray(image, dtype="float32")[np.newaxis])


# The whole model from the page: VGG16's convolutional part, the averaging into the CNN code, the new head.
model = keras.saving.load_model("{model_file}")
probabilities = model.predict(prepare("photo.jpg"), verbose=0)[0]
for name, probability in sorted(zip(CLASS_NAMES, probabilities), key=lambda pair: -pair[1]):
    print(f"{{name}}: {{100 * probability:.1f}} %")
'''

_RETRAIN = '''

# Retrain the head on photos of your own: list the files, and their class numbers in the same order.
photo_paths = []  # for example ["photos/1.jpg", "photos/2.jpg"]
labels = []  # for example [0, 1], where 0 is {first!r}
# VGG16's convolutional part, with the ImageNet weights (downloaded once), turns each photo into its CNN code:
# the {code_layer} maps, each averaged into one number.
base = keras.applications.VGG16(include_top=False, pooling="avg")
codes = base.predict(np.concatenate([prepare(path) for path in photo_paths]), batch_size=16)
labels = np.asarray(labels)
{head}head.compile(optimizer=keras.optimizers.Adam({learning_rate!r}), loss="sparse_categorical_crossentropy",
             metrics=["accuracy"])
head.fit(codes, labels, epochs={epochs}, batch_size={batch_size}, shuffle=True)
# The Rescaling layer divides the codes by their mean on the page's training photos ({code_scale:.6g});
# with new photos, float(codes.mean()) is the matching value.
'''


def keras_code(class_names: Sequence[str], code_scale: float) -> str:
    """Python that loads the downloaded model, answers a photo, and rebuilds and retrains the head.

    The head is printed from :func:`cnn_core.transfer.head_layer_calls`, the list the page builds it from;
    the settings are :data:`cnn_core.transfer.HEAD_CONFIG`'s.
    """
    names = [str(name) for name in class_names]
    config = transfer.HEAD_CONFIG
    head = sequential_code(transfer.head_layer_calls(len(names), code_scale), variable="head")
    return (_PREPARE.format(class_names=names, model_file=MODEL_FILE_NAME)
            + _RETRAIN.format(first=names[0], code_layer=transfer.CODE_LAYER, head=head,
                              learning_rate=config.learning_rate, epochs=config.epochs,
                              batch_size=config.batch_size, code_scale=code_scale))

