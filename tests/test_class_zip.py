"""Reading a zip of class folders without trusting it: nested folders, escaping paths, bombs, non-images."""

import io
import zipfile

import numpy as np
import pytest

from cnn_core import transfer
from cnn_core.class_zip import ZipLimits
from tests.conftest import png_bytes


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def reasons(folders) -> dict[str, str]:
    return {skipped.path: skipped.reason for skipped in folders.skipped}


def test_one_folder_per_class_and_deeper_folders_stay_with_their_class():
    folders = transfer.read_class_zip(zipped({"cats/1.png": png_bytes(40, 30), "cats/indoors/2.png": png_bytes(20, 20),
                                              "dogs/3.png": png_bytes(30, 40, seed=1)}))
    assert sorted(folders) == ["cats", "dogs"] and [len(folders[name]) for name in ("cats", "dogs")] == [2, 1]
    assert folders["cats"][0].shape == (30, 40, 3) and folders["cats"][0].dtype == np.uint8
    assert folders.skipped == []


def test_a_folder_around_everything_is_looked_through():
    entries = {"photos/cats/1.png": png_bytes(8, 8), "photos/dogs/2.png": png_bytes(8, 8)}
    folders = transfer.read_class_zip(zipped(entries))
    assert sorted(folders) == ["cats", "dogs"]


def test_paths_that_leave_the_archive_are_not_honoured():
    folders = transfer.read_class_zip(zipped({"../cats/1.png": png_bytes(8, 8), "/etc/cats/2.png": png_bytes(8, 8),
                                              "C:/dogs/3.png": png_bytes(8, 8), "dogs/../../4.png": png_bytes(8, 8),
                                              "dogs/5.png": png_bytes(8, 8), "cats/6.png": png_bytes(8, 8)}))
    assert sorted(folders) == ["cats", "dogs"] and len(folders["dogs"]) == 1 and len(folders["cats"]) == 1
    outside = [path for path, reason in reasons(folders).items() if "leads outside the archive" in reason]
    assert sorted(outside) == ["../cats/1.png", "/etc/cats/2.png", "C:/dogs/3.png", "dogs/../../4.png"]


def test_non_images_and_system_files_are_listed_with_the_reason():
    folders = transfer.read_class_zip(zipped({"cats/1.png": png_bytes(8, 8), "cats/notes.txt": b"hello",
                                              "cats/.DS_Store": b"\0", "__MACOSX/cats/._1.png": b"\0",
                                              "dogs/2.png": png_bytes(8, 8), "loose.png": png_bytes(8, 8)}))
    said = reasons(folders)
    assert "not an image" in said["cats/notes.txt"]
    assert said["cats/.DS_Store"] == said["__MACOSX/cats/._1.png"] == "A hidden or system file, not a photo."
    assert "not inside a class folder" in said["loose.png"]


def test_an_entry_declaring_a_huge_size_is_not_unpacked():
    bomb = b"\0" * (30 * 2**20)  # deflates to about 30 KB
    data = zipped({"cats/bomb.png": bomb, "cats/1.png": png_bytes(8, 8), "dogs/2.png": png_bytes(8, 8)})
    assert len(data) < 2**20
    folders = transfer.read_class_zip(data, ZipLimits(max_file_bytes=2**20))
    assert "unpacks to 30.0 MB, more than the 1.0 MB a photo may have" in reasons(folders)["cats/bomb.png"]
    assert len(folders["cats"]) == 1


def test_an_entry_that_unpacks_to_more_than_it_declares_is_refused():
    data = bytearray(zipped({"cats/1.png": png_bytes(64, 64), "dogs/2.png": png_bytes(8, 8)}))
    listing = data.index(b"PK\x01\x02")  # the central directory's first entry: its declared size at offset 24
    data[listing + 24 : listing + 28] = (100).to_bytes(4, "little")
    folders = transfer.read_class_zip(bytes(data))
    assert "cats" not in folders and "damaged" in reasons(folders)["cats/1.png"]


def test_only_the_first_files_and_the_first_classes_are_read():
    entries = {f"class{number:02d}/{index}.png": png_bytes(8, 8) for number in range(12) for index in range(2)}
    folders = transfer.read_class_zip(zipped(entries), ZipLimits(max_files=20))
    assert sorted(folders) == [f"class{number:02d}" for number in range(10)]
    said = reasons(folders)
    assert "beyond the first 10 class folders" in said["class11/0.png"]
    assert sum("more than 20 files" in reason for reason in said.values()) == 0  # 20 photos in the 10 classes
    folders = transfer.read_class_zip(zipped(entries), ZipLimits(max_files=5))
    assert sum(len(photos) for photos in folders.values()) == 5
    assert sum("more than 5 files; only the first 5 are read" in reason for reason in reasons(folders).values()) == 15


def test_the_total_unpacked_size_is_bounded():
    entries = {f"cats/{index}.png": png_bytes(200, 200, seed=index) for index in range(4)}
    size = len(entries["cats/0.png"])
    folders = transfer.read_class_zip(zipped(entries), ZipLimits(max_total_bytes=int(2.5 * size)))
    assert len(folders["cats"]) == 2 and sum("already fill" in reason for reason in reasons(folders).values()) == 2


def test_an_archive_listing_millions_of_entries_is_not_opened():
    data = bytearray(zipped({"cats/1.png": png_bytes(8, 8)}))
    end = data.rindex(b"PK\x05\x06")
    data[end + 10 : end + 12] = (60_000).to_bytes(2, "little")
    with pytest.raises(ValueError, match="lists 60,000 files; at most 300 photos are read"):
        transfer.read_class_zip(bytes(data))


def test_photos_are_downsized_as_they_are_read():
    folders = transfer.read_class_zip(zipped({"cats/1.png": png_bytes(1000, 500), "dogs/2.png": png_bytes(8, 8)}))
    assert folders["cats"][0].shape == (256, 512, 3)


def test_something_that_is_not_a_zip_file_says_so():
    with pytest.raises(ValueError, match="This is not a zip file"):
        transfer.read_class_zip(b"just some bytes")


def test_a_zip_file_on_disk_is_read_too(tmp_path):
    path = tmp_path / "classes.zip"
    path.write_bytes(zipped({"cats/1.png": png_bytes(8, 8), "dogs/2.png": png_bytes(8, 8)}))
    assert sorted(transfer.read_class_zip(path)) == ["cats", "dogs"]


@pytest.mark.parametrize("limits", [{"max_files": 0}, {"max_side": 4}, {"max_file_bytes": 2**40}])
def test_limits_out_of_range_are_refused(limits):
    with pytest.raises(ValueError):
        ZipLimits(**limits)
