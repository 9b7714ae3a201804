"""VGG16 loading, preprocessing and class names, offline.

The ImageNet weights cannot be downloaded here, so the tests save the random
weights of Keras' own VGG16(weights=None) in the legacy HDF5 layout of the
official file and load them back through the app's code path.
"""

import socket
import urllib.error
import urllib.request

import numpy as np
import pytest

from cnn_core import downloads, vgg16
from tests.conftest import save_vgg16_weights

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(11)


@pytest.fixture(scope="module")
def reference_model():
    """Keras' own VGG16 architecture with random weights."""
    keras.utils.set_random_seed(0)
    return keras.applications.VGG16(weights=None)


@pytest.fixture(scope="module")
def weights_file(reference_model, tmp_path_factory):
    """The reference weights in the layout of Keras' official vgg16 .h5 file."""
    path = tmp_path_factory.mktemp("weights") / vgg16.WEIGHTS_FILE_NAME
    save_vgg16_weights(reference_model, path)
    return path


@pytest.fixture(scope="module")
def loaded_model(weights_file):
    return vgg16.load_model(weights_file)


def _photo(height, width):
    return RNG.integers(0, 256, (height, width, 3), dtype=np.uint8)


# Model ---------------------------------------------------------------------------

def test_build_model_is_keras_vgg16_layer_for_layer(reference_model):
    ours = vgg16.build_model()
    # Keras leaves VGG16's input layer unnamed (input_layer, input_layer_1...), so it is compared by shape.
    assert ours.input.shape == reference_model.input.shape
    assert [(layer.name, layer.output.shape) for layer in ours.layers[1:]] == \
           [(layer.name, layer.output.shape) for layer in reference_model.layers[1:]]
    assert ours.count_params() == reference_model.count_params() == vgg16.TOTAL_PARAMETERS == 138_357_544


def test_load_model_reads_the_legacy_weights_file(loaded_model, reference_model):
    batch = vgg16.preprocess(_photo(300, 400))
    np.testing.assert_allclose(loaded_model(batch).numpy(), reference_model(batch).numpy(), rtol=1e-5, atol=1e-7)


def test_load_model_reads_a_keras_3_weights_file_through_keras(reference_model, tmp_path):
    path = tmp_path / "vgg16.weights.h5"
    reference_model.save_weights(path)  # Keras 3's own layout, not the legacy one of the official file
    batch = vgg16.preprocess(_photo(224, 224))
    np.testing.assert_allclose(vgg16.load_model(path)(batch).numpy(), reference_model(batch).numpy(),
                               rtol=1e-5, atol=1e-7)


def test_load_model_uses_the_environment_variable(weights_file, reference_model, monkeypatch):
    monkeypatch.setenv(vgg16.WEIGHTS_ENV_VAR, str(weights_file))
    model = vgg16.load_model()
    first_kernel = model.get_layer("block1_conv1").kernel.numpy()
    np.testing.assert_array_equal(first_kernel, reference_model.get_layer("block1_conv1").kernel.numpy())


def test_missing_weights_file_says_how_to_provide_one(tmp_path):
    with pytest.raises(vgg16.WeightsUnavailableError, match="Set VGG16_WEIGHTS"):
        vgg16.load_model(tmp_path / "nowhere.h5")


def test_a_file_that_is_not_weights_is_refused(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("not HDF5")
    with pytest.raises(vgg16.WeightsUnavailableError, match="not a VGG16 weights file"):
        vgg16.load_model(path)


def _legacy_file(path, kernel_shape, weight_names=("block1_conv1/kernel", "block1_conv1/bias")):
    import h5py

    with h5py.File(path, "w") as file:
        file.attrs["layer_names"] = ["block1_conv1"]
        group = file.create_group("block1_conv1")
        group.attrs["weight_names"] = list(weight_names)
        group["block1_conv1/kernel"] = np.zeros(kernel_shape, np.float32)
        group["block1_conv1/bias"] = np.zeros(kernel_shape[-1], np.float32)
    return path


def test_a_weights_file_with_a_wrong_shape_names_the_array(tmp_path):
    path = _legacy_file(tmp_path / "small.h5", (3, 3, 3, 8))
    with pytest.raises(vgg16.WeightsUnavailableError, match=r"block1_conv1/kernel has shape \(3, 3, 3, 8\); "
                                                            r"the layer expects \(3, 3, 3, 64\)"):
        vgg16.load_model(path)


def test_a_weights_file_with_missing_arrays_is_refused(tmp_path):
    path = _legacy_file(tmp_path / "kernel_only.h5", (3, 3, 3, 64), weight_names=("block1_conv1/kernel",))
    with pytest.raises(vgg16.WeightsUnavailableError, match="the file lists 1 arrays"):
        vgg16.load_model(path)


def test_the_weights_address_is_the_one_keras_downloads():
    """Keras keeps it in a private module: should Keras move it, this test says so (and nothing else breaks)."""
    from keras.src.applications import vgg16 as keras_vgg16

    assert vgg16.WEIGHTS_URL == keras_vgg16.WEIGHTS_PATH


def test_the_test_helper_writes_the_layout_keras_writes(tmp_path):
    """save_vgg16_weights stands in for the official file: Keras' own legacy writer gives the same layout."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    model = keras.Sequential([keras.Input((4, 4, 3)), keras.layers.Conv2D(2, 3, name="block1_conv1"),
                              keras.layers.Flatten(name="flatten"), keras.layers.Dense(3, name="fc1")])
    save_vgg16_weights(model, tmp_path / "ours.h5")
    with h5py.File(tmp_path / "keras.h5", "w") as file:
        legacy_h5_format.save_weights_to_hdf5_group(file, model)

    def layout(path):
        """Each listed layer's arrays in the order its weight_names gives (the names themselves differ)."""
        with h5py.File(path, "r") as file:
            return {str(name): [file[str(name)][str(array)][()].tolist()
                                for array in file[str(name)].attrs["weight_names"]]
                    for name in file.attrs["layer_names"]}

    assert layout(tmp_path / "ours.h5") == layout(tmp_path / "keras.h5")


@pytest.mark.parametrize(("message", "words"), [
    ("URL fetch failure on https://x: None -- [Errno -3] Temporary failure in name resolution",
     "cannot look up the download server's address"),
    ("<urlopen error [Errno 101] Network is unreachable>", "the download server cannot be reached"),
    ("The read operation timed out", "the download timed out"),
    ("[Errno 28] No space left on device", "the disk is full"),
    ("The file may be incomplete or corrupted", "the downloaded file was damaged"),
    ("something new", "something new"),
])
def test_a_failed_download_is_named_in_words(message, words):
    assert words in downloads.download_problem(Exception(message))


def test_offline_download_failure_explains_the_local_file_option(monkeypatch, tmp_path):
    def no_network(*args, **kwargs):
        raise urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))

    monkeypatch.delenv(vgg16.WEIGHTS_ENV_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    with pytest.raises(vgg16.WeightsUnavailableError, match="could not be downloaded.*set the VGG16_WEIGHTS") as caught:
        vgg16.load_model()
    assert "could not be downloaded: this machine cannot look up the download server's address" in str(caught.value)
    assert "(Exception)" not in str(caught.value)


def test_the_weights_on_disk_are_the_environment_variables_file_else_keras_cached_copy(monkeypatch, tmp_path):
    monkeypatch.delenv(vgg16.WEIGHTS_ENV_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert vgg16.weights_on_disk() is None
    cached = tmp_path / "models" / vgg16.WEIGHTS_FILE_NAME
    cached.parent.mkdir()
    cached.write_bytes(b"weights")
    assert vgg16.weights_on_disk() == str(cached)
    monkeypatch.setenv(vgg16.WEIGHTS_ENV_VAR, "/mounted/vgg16.h5")
    assert vgg16.weights_on_disk() == "/mounted/vgg16.h5"


# Preprocessing --------------------------------------------------------------------

@pytest.mark.parametrize("mode", vgg16.PREPROCESS_MODES)
@pytest.mark.parametrize("height, width", [(224, 224), (300, 451), (17, 500), (1000, 3), (640, 480)])
def test_preprocess_equals_keras_preprocess_input_on_the_resized_pixels(mode, height, width):
    photo = _photo(height, width)
    resized = vgg16.resize_for_vgg16(photo, mode)
    expected = keras.applications.vgg16.preprocess_input(resized.astype(np.float32)[np.newaxis])
    batch = vgg16.preprocess(photo, mode)
    assert batch.shape == (1, 224, 224, 3) and batch.dtype == np.float32
    np.testing.assert_allclose(batch, expected, rtol=0, atol=1e-4)


def test_preprocess_turns_rgb_into_bgr_minus_the_mean():
    red = np.zeros((224, 224, 3), np.uint8)
    red[..., 0] = 255
    np.testing.assert_allclose(vgg16.preprocess(red)[0, 0, 0], [-103.939, -116.779, 255 - 123.68], atol=1e-4)


def test_center_crop_keeps_the_middle_square():
    photo = np.zeros((224, 672, 3), np.uint8)
    photo[:, 224:448] = 200  # the middle third
    assert (vgg16.resize_for_vgg16(photo, "center_crop") == 200).all()


def test_deprocess_returns_the_resized_photo():
    photo = _photo(300, 451)
    np.testing.assert_array_equal(vgg16.deprocess(vgg16.preprocess(photo)), vgg16.resize_for_vgg16(photo))


def test_squash_keeps_the_whole_photo():
    photo = np.zeros((224, 672, 3), np.uint8)
    photo[:, 224:448] = 200
    squashed = vgg16.resize_for_vgg16(photo, "squash")
    assert squashed[:, 0].max() == 0 and squashed[:, 112].min() == 200


@pytest.mark.parametrize("image", [np.zeros((8, 8), np.uint8), np.zeros((8, 8, 4), np.uint8),
                                   np.zeros((8, 8, 3), np.float32)])
def test_preprocess_refuses_what_is_not_an_rgb_photo(image):
    with pytest.raises(ValueError, match="RGB uint8"):
        vgg16.preprocess(image)


def test_unknown_resize_mode_is_refused():
    with pytest.raises(ValueError, match="mode must be one of"):
        vgg16.preprocess(_photo(10, 10), mode="stretch")


# Class names ----------------------------------------------------------------------

@pytest.mark.parametrize("class_id, label", [(269, "timber wolf"), (281, "tabby cat"), (504, "coffee mug"),
                                             (0, "tench")])
def test_class_index_has_the_known_entries(class_id, label):
    assert label in vgg16.class_names()[class_id]


def test_top_k_orders_by_probability_with_labels():
    probabilities = np.full(1000, 0.0001)
    probabilities[[281, 269, 504]] = [0.5, 0.3, 0.1]
    rows = vgg16.top_k(probabilities[np.newaxis], k=3)
    assert [row.class_id for row in rows] == [281, 269, 504]
    assert rows[0].label == "tabby, tabby cat" and rows[0].probability == pytest.approx(0.5)


def test_top_k_of_a_real_prediction_sums_to_at_most_one(loaded_model):
    probabilities = loaded_model(vgg16.preprocess(_photo(224, 224))).numpy()
    rows = vgg16.top_k(probabilities)
    assert len(rows) == 5 and 0 < sum(row.probability for row in rows) <= 1 + 1e-6
    assert [row.probability for row in rows] == sorted((row.probability for row in rows), reverse=True)


@pytest.mark.parametrize("probabilities, k, message", [(np.ones(10), 5, "1000 class probabilities"),
                                                       (np.ones(1000), 0, "k must be"),
                                                       (np.ones(1000), 1001, "k must be")])
def test_top_k_refuses_bad_arguments(probabilities, k, message):
    with pytest.raises(ValueError, match=message):
        vgg16.top_k(probabilities, k)


def test_loading_reports_every_megabyte_read(weights_file):
    seen = []
    vgg16.load_model(weights_file, progress=lambda done, total: seen.append((done, total)))
    assert len(seen) == 32  # a kernel and a bias for each of the 16 weight layers
    assert seen[-1] == (4 * vgg16.TOTAL_PARAMETERS, 4 * vgg16.TOTAL_PARAMETERS)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
