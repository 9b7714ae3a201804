"""cnn_core.downloads and the downloads built on it, against a file server on loopback."""

import contextlib
import functools
import hashlib
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest

from cnn_core import datasets, downloads, vgg16
from tests.conftest import write_dataset


@contextlib.contextmanager
def file_server(folder: Path):
    """An HTTP server on 127.0.0.1 serving ``folder``; yields its base address ending in /."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def served(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    (folder / "file.bin").write_bytes(bytes(range(256)) * 10_000)  # 2.56 MB: three chunks
    with file_server(folder) as address:
        yield folder, address


def test_a_download_reports_every_chunk_with_the_size_and_arrives_whole(served, tmp_path):
    folder, address = served
    seen = []
    target = downloads.download(address + "file.bin", tmp_path / "cache" / "file.bin",
                                lambda received, total: seen.append((received, total)))
    assert target.read_bytes() == (folder / "file.bin").read_bytes()
    assert seen == [(1 << 20, 2_560_000), (2 << 20, 2_560_000), (2_560_000, 2_560_000)]


def test_a_download_checks_its_hash_and_leaves_nothing_when_it_does_not_match(served, tmp_path):
    folder, address = served
    good = hashlib.md5((folder / "file.bin").read_bytes()).hexdigest()
    downloads.download(address + "file.bin", tmp_path / "good.bin", file_hash=good)
    with pytest.raises(ValueError, match="good_name.bin .* is incomplete or corrupted"):
        downloads.download(address + "file.bin", tmp_path / "good_name.bin", file_hash="0" * 64)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["good.bin", "served"]


def test_a_missing_file_raises_and_leaves_no_partial_file(served, tmp_path):
    _, address = served
    with pytest.raises(OSError, match="404"):
        downloads.download(address + "missing.bin", tmp_path / "cache" / "missing.bin")
    assert list((tmp_path / "cache").iterdir()) == []


def test_keras_cache_follows_keras_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert downloads.keras_cache("datasets/fashion-mnist") == tmp_path / "datasets" / "fashion-mnist"


def test_download_dataset_fills_keras_cache_so_its_loader_reads_without_network(tmp_path, monkeypatch):
    write_dataset(tmp_path / "origin", count=40)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    seen = []
    with file_server(tmp_path / "origin") as address:
        monkeypatch.setattr(datasets, "KERAS_ORIGIN", address)
        datasets.download_dataset("fashion_mnist", lambda name, received, total: seen.append(name))
    assert sorted(set(seen)) == sorted(datasets.KERAS_FILES["fashion_mnist"][1])
    (x_train, y_train), (x_test, _), names = datasets.load_dataset("fashion_mnist")  # the server is gone
    expected = datasets.read_idx(tmp_path / "origin" / "train-images-idx3-ubyte.gz")
    np.testing.assert_array_equal(x_train, expected)
    assert x_test.shape == (20, 28, 28) and names[0] == "T-shirt/top"


def test_download_dataset_does_nothing_when_the_files_are_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    write_dataset(tmp_path / "datasets" / "fashion-mnist", count=20)
    monkeypatch.setattr(datasets, "KERAS_ORIGIN", "http://127.0.0.1:9/")  # nothing listens there
    datasets.download_dataset("fashion_mnist", lambda *args: pytest.fail("downloaded a cached file"))


def test_a_failed_dataset_download_says_how_to_provide_the_files(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with file_server(tmp_path) as address:  # serves an empty folder: every file is missing
        monkeypatch.setattr(datasets, "KERAS_ORIGIN", address)
        with pytest.raises(datasets.DatasetUnavailableError,
                           match="mnist could not be downloaded: .*404.*CNN_DATA_DIR"):
            datasets.download_dataset("mnist")


def test_vgg16_weights_are_downloaded_into_keras_cache_with_progress(tmp_path, monkeypatch):
    monkeypatch.delenv(vgg16.WEIGHTS_ENV_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    (tmp_path / "origin").mkdir()
    content = b"weights" * 1000
    (tmp_path / "origin" / vgg16.WEIGHTS_FILE_NAME).write_bytes(content)
    seen = []
    with file_server(tmp_path / "origin") as address:
        monkeypatch.setattr(vgg16, "WEIGHTS_URL", address + vgg16.WEIGHTS_FILE_NAME)
        monkeypatch.setattr(vgg16, "WEIGHTS_FILE_HASH", hashlib.md5(content).hexdigest())
        path = vgg16.weights_file(lambda received, total: seen.append((received, total)))
    assert Path(path) == tmp_path / "keras" / "models" / vgg16.WEIGHTS_FILE_NAME
    assert Path(path).read_bytes() == content and seen == [(len(content), len(content))]
    assert vgg16.weights_file() == path  # cached: no server needed


def test_vgg16_weights_named_by_the_environment_are_used_as_they_are(tmp_path, monkeypatch):
    monkeypatch.setenv(vgg16.WEIGHTS_ENV_VAR, str(tmp_path / "mine.h5"))
    assert vgg16.weights_file() == str(tmp_path / "mine.h5")


@pytest.mark.parametrize(("received", "total", "text"), [
    (52_800_000, 553_467_096, "Downloading VGG16's ImageNet weights: 52.8 of 553.5 MB"),
    (3_000_000, None, "Downloading VGG16's ImageNet weights: 3.0 MB so far"),
])
def test_the_megabyte_bar_says_how_many_megabytes_arrived(received, total, text):
    from ui.megabyte_bar import megabyte_text

    assert megabyte_text("Downloading VGG16's ImageNet weights", received, total) == text
