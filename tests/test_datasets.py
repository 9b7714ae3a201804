"""cnn_core.datasets: IDX files written here, read back through load_dataset's own path."""

import gzip

import numpy as np
import pytest

from cnn_core import datasets, own_photos
from tests.conftest import learnable_images, write_dataset


@pytest.mark.parametrize("gzipped", [True, False])
def test_load_dataset_reads_the_four_idx_files_of_the_datasets_subfolder(tmp_path, gzipped):
    write_dataset(tmp_path / "fashion_mnist", count=40, gzipped=gzipped)
    (x_train, y_train), (x_test, y_test), class_names = datasets.load_dataset("fashion_mnist", tmp_path)
    expected_images, expected_labels = learnable_images(40, seed=0)
    np.testing.assert_array_equal(x_train, expected_images)
    np.testing.assert_array_equal(y_train, expected_labels)
    assert x_train.dtype == np.uint8 and x_test.shape == (20, 28, 28) and y_test.shape == (20,)
    assert class_names[0] == "T-shirt/top" and class_names[9] == "Ankle boot"


def test_one_folder_serves_both_datasets_each_from_its_own_subfolder(tmp_path):
    write_dataset(tmp_path / "mnist", count=10)
    write_dataset(tmp_path / "fashion_mnist", count=30)
    (x_train, _), _, class_names = datasets.load_dataset("mnist", tmp_path)
    assert len(x_train) == 10 and class_names == tuple("0123456789")
    assert len(datasets.load_dataset("fashion_mnist", tmp_path)[0][0]) == 30


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_files_lying_in_the_folder_itself_are_never_taken_for_a_dataset(tmp_path, name):
    write_dataset(tmp_path, count=10)  # Fashion-MNIST's files, say: nothing in them tells
    with pytest.raises(datasets.DatasetUnavailableError,
                       match=f"holds IDX files itself .*read only from a subfolder named after their dataset.*"
                             f"Put the four IDX files of {name} in {tmp_path / name}"):
        datasets.load_dataset(name, tmp_path)


def test_dataset_files_names_the_four_files_read(tmp_path):
    write_dataset(tmp_path / "mnist", count=10, gzipped=False)
    assert datasets.dataset_files("mnist", tmp_path) == tuple(tmp_path / "mnist" / stem for stem in datasets.IDX_FILES)


def test_the_mnist_hint_names_idx_files_which_the_folder_loader_reads(tmp_path):
    with pytest.raises(datasets.DatasetUnavailableError) as caught:
        datasets.load_dataset("mnist", tmp_path)
    assert "mnist.npz" not in str(caught.value) and "ossci-datasets.s3.amazonaws.com/mnist" in str(caught.value)


def test_read_idx_rejects_a_wrong_magic_number_naming_the_file(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(b"\x00\x00\x0d\x03" + bytes(100))  # float data, not bytes
    with pytest.raises(ValueError, match="train-images-idx3-ubyte is not an IDX file"):
        datasets.read_idx(path)


def test_read_idx_rejects_a_truncated_file_naming_the_file(tmp_path):
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    datasets.write_idx(path, np.zeros((5, 28, 28), np.uint8))
    data = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(data[:-30]))
    expected = r"t10k-images-idx3-ubyte.gz is truncated: 3,906 bytes where its header \(5, 28, 28\) needs 3,936"
    with pytest.raises(ValueError, match=expected):
        datasets.read_idx(path)


def test_read_idx_rejects_a_broken_gzip_stream(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.gz cannot be read"):
        datasets.read_idx(path)


def test_load_dataset_rejects_labels_that_do_not_match_the_images(tmp_path):
    write_dataset(tmp_path / "fashion_mnist", count=10)
    datasets.write_idx(tmp_path / "fashion_mnist" / "train-labels-idx1-ubyte.gz", np.zeros(9, np.uint8))
    with pytest.raises(ValueError, match="training set of fashion_mnist has 10 images but 9 labels"):
        datasets.load_dataset("fashion_mnist", tmp_path)


def test_load_dataset_rejects_images_that_are_not_28_by_28(tmp_path):
    write_dataset(tmp_path / "fashion_mnist", count=10)
    datasets.write_idx(tmp_path / "fashion_mnist" / "t10k-images-idx3-ubyte.gz", np.zeros((5, 32, 32), np.uint8))
    with pytest.raises(ValueError, match="test images of fashion_mnist must be 28 × 28"):
        datasets.load_dataset("fashion_mnist", tmp_path)


def test_a_folder_without_the_subfolder_says_how_to_provide_it(tmp_path):
    with pytest.raises(datasets.DatasetUnavailableError, match="has no subfolder fashion_mnist.*downloaded from"):
        datasets.load_dataset("fashion_mnist", tmp_path)


def test_a_subfolder_without_a_file_names_it(tmp_path):
    (tmp_path / "fashion_mnist").mkdir()
    with pytest.raises(datasets.DatasetUnavailableError, match="has no train-images-idx3-ubyte.gz.*downloaded from"):
        datasets.load_dataset("fashion_mnist", tmp_path)


def test_an_unknown_dataset_name_is_refused():
    with pytest.raises(ValueError, match="name must be one of fashion_mnist, mnist. Received: name='cifar10'"):
        datasets.load_dataset("cifar10")


def test_without_a_folder_an_offline_download_failure_explains_cnn_data_dir(monkeypatch, tmp_path):
    import socket
    import urllib.error
    import urllib.request

    def offline(*args, **kwargs):
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(datasets.DatasetUnavailableError, match="cannot look up the download server's address.*"
                                                              "CNN_DATA_DIR"):
        datasets.load_dataset("fashion_mnist")


def test_without_a_folder_mnist_is_read_from_keras_cached_npz(monkeypatch, tmp_path):
    images, labels = learnable_images(12)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    np.savez(tmp_path / "datasets" / "mnist.npz", x_train=images, y_train=labels, x_test=images[:4],
             y_test=labels[:4])
    (x_train, _), (x_test, _), _ = datasets.load_dataset("mnist")
    assert len(x_train) == 12 and len(x_test) == 4
    np.testing.assert_array_equal(x_train, images)


def test_a_damaged_cached_copy_says_to_delete_it(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "mnist.npz").write_bytes(b"not an archive")
    with pytest.raises(ValueError, match="Keras' copy of mnist in .* is damaged .*delete it to download it again"):
        datasets.load_dataset("mnist")


def test_write_idx_refuses_arrays_that_are_not_uint8(tmp_path):
    with pytest.raises(ValueError, match="must be uint8"):
        datasets.write_idx(tmp_path / "x", np.zeros((2, 28, 28), np.float32))


def test_to_model_input_scales_to_unit_range_and_adds_the_channel_axis():
    batch = datasets.to_model_input(np.array([[[0, 255], [51, 102]]], np.uint8))
    assert batch.shape == (1, 2, 2, 1) and batch.dtype == np.float32
    np.testing.assert_allclose(batch[0, :, :, 0], [[0, 1], [0.2, 0.4]])


def test_subset_has_the_requested_size_and_keeps_class_shares():
    images, labels = learnable_images(1000)
    small_images, small_labels = datasets.subset(images, labels, 500, seed=3)
    assert len(small_images) == len(small_labels) == 500
    np.testing.assert_allclose(np.bincount(small_labels, minlength=10), np.bincount(labels, minlength=10) / 2, atol=1)


def test_subset_pairs_images_with_their_own_labels():
    images, labels = learnable_images(200)
    small_images, small_labels = datasets.subset(images, labels, 50, seed=1)
    for image, label in zip(small_images, small_labels):
        index = next(i for i in range(200) if np.array_equal(images[i], image))
        assert labels[index] == label


def test_photo_to_sample_inverts_a_dark_item_on_a_light_background_and_centres_it():
    photo = np.full((300, 200, 3), 240, np.uint8)
    photo[20:120, 10:60] = 30  # a dark item in the top-left corner
    sample = own_photos.photo_to_sample(photo)
    assert sample.shape == (28, 28) and sample.dtype == np.uint8
    rows, cols = np.nonzero(sample > 128)
    assert (rows.min(), rows.max() + 1) == (4, 24)  # 20 pixels tall, centred
    assert abs((cols.min() + cols.max()) / 2 - 13.5) <= 1
    assert sample[0, 0] == 0  # black background


def test_photo_to_sample_of_a_blank_photo_is_all_black():
    assert not own_photos.photo_to_sample(np.full((50, 50, 3), 200, np.uint8)).any()
