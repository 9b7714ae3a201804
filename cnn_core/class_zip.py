"""Reading a zip file of photos, one folder per class, without trusting it.

An uploaded archive may hold anything: paths that climb out of it (``../../etc``), entries that declare or
unpack to gigabytes, thousands of files, files that are not photos. Nothing is written to disk: each entry is
read into memory within the limits, decoded by :func:`cnn_core.images.load_image` (with its checks), and
anything refused is listed with the reason.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from cnn_core import checks, images

#: The most classes a person makes on the page.
MAX_CLASS_FOLDERS = 10
_SYSTEM_FILES = ("Thumbs.db", "desktop.ini")


@dataclass(frozen=True)
class ZipLimits:
    """What one archive may hold.

    ``max_files`` entries are looked at (folders not counted), each unpacking to at most ``max_file_bytes``,
    all together to at most ``max_total_bytes``; ``max_classes`` folders become classes; photos are downsized
    to ``max_side`` pixels on their longest side as they are read (None keeps their size).
    """

    max_files: int = 300
    max_file_bytes: int = 20 * 2**20
    max_total_bytes: int = 200 * 2**20
    max_classes: int = MAX_CLASS_FOLDERS
    max_side: int | None = 512

    def __post_init__(self) -> None:
        for name, high in (("max_files", 100_000), ("max_file_bytes", images.MAX_FILE_BYTES),
                           ("max_total_bytes", 2**34), ("max_classes", 1000)):
            checks.check_whole_number(name, getattr(self, name), 1, high)
        if self.max_side is not None:
            checks.check_whole_number("max_side", self.max_side, 16, 100_000)


@dataclass(frozen=True)
class Skipped:
    """An entry of the archive that was not read as a photo, and why (a sentence for the page)."""

    path: str
    reason: str


class ClassFolders(dict):
    """Class name (its folder's name) -> RGB uint8 photos of shape (H, W, 3), in the archive's order.

    ``skipped`` lists the entries left out, with the reason.
    """

    def __init__(self) -> None:
        super().__init__()
        self.skipped: list[Skipped] = []


def read_class_zip(path_or_bytes: str | os.PathLike | bytes, limits: ZipLimits = ZipLimits()) -> ClassFolders:
    """The photos of a zip file with one folder per class.

    ``cats/tabby.jpg`` belongs to class "cats"; so does ``cats/indoors/1.png`` (deeper folders stay with their
    class). One folder around all of them (``photos/cats/…``, as when a folder is zipped) is looked through.
    Entries whose path leaves the archive (absolute, ``..``), hidden and system files, files outside any
    class folder, encrypted or damaged entries, entries beyond the limits and files that are not photos are
    skipped, each listed in ``skipped``.

    Raises
    ------
    ValueError
        When the data is not a zip file at all.
    """
    data = bytes(path_or_bytes) if isinstance(path_or_bytes, (bytes, bytearray)) else Path(path_or_bytes).read_bytes()
    declared = _declared_entry_count(data)
    if declared is not None and declared > 10 * limits.max_files:
        raise ValueError(f"This archive lists {declared:,} files; at most {limits.max_files:,} photos are read, so "
                         "it was not opened. Zip only the class folders.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as error:
        raise ValueError(f"This is not a zip file that can be read ({error}). Make one with your system's "
                         "“Compress” or “Send to → Compressed folder”, with one folder per class inside.") from error
    folders = ClassFolders()
    with archive:
        entries = [(info, _safe_parts(info.filename)) for info in archive.infolist() if not info.is_dir()]
        usable = []
        for info, parts in entries:
            if parts is None:
                folders.skipped.append(Skipped(info.filename, "Its path leads outside the archive, so it was ignored."))
            elif parts[-1].startswith(".") or parts[0] == "__MACOSX" or parts[-1] in _SYSTEM_FILES:
                folders.skipped.append(Skipped(info.filename, "A hidden or system file, not a photo."))
            else:
                usable.append((info, parts))
        usable = _without_common_folder(usable)
        _read_entries(archive, usable, limits, folders)
    return folders


def _read_entries(archive: zipfile.ZipFile, usable: list, limits: ZipLimits, folders: ClassFolders) -> None:
    class_names = sorted({parts[0] for _, parts in usable if len(parts) > 1})
    kept_classes = set(class_names[: limits.max_classes])
    read_files, read_bytes = 0, 0
    for info, parts in usable:
        name = info.filename
        if len(parts) == 1:
            reason = "It is not inside a class folder: put each class's photos in a folder named after the class."
        elif parts[0] not in kept_classes:
            reason = f"Its folder is beyond the first {limits.max_classes} class folders (in alphabetical order)."
        elif read_files >= limits.max_files:
            reason = f"The archive has more than {limits.max_files} files; only the first {limits.max_files} are read."
        elif info.flag_bits & 0x1:
            reason = "It is encrypted."
        elif info.file_size > limits.max_file_bytes:
            reason = (f"It unpacks to {_megabytes(info.file_size)}, more than the {_megabytes(limits.max_file_bytes)} "
                      "a photo may have.")
        elif read_bytes + info.file_size > limits.max_total_bytes:
            reason = f"The photos before it already fill the {_megabytes(limits.max_total_bytes)} an archive may hold."
        else:
            read_files += 1
            data, reason = _read_entry(archive, info, limits.max_file_bytes)
            if data is not None:
                read_bytes += len(data)
                photo, reason = _decode(data, limits.max_side)
                if photo is not None:
                    folders.setdefault(parts[0], []).append(photo)
                    continue
        folders.skipped.append(Skipped(name, reason))


def _declared_entry_count(data: bytes) -> int | None:
    """How many entries the archive's end record declares, read before the listing is parsed (None: no record).

    Parsing the listing of a small archive that declares millions of empty entries would itself take gigabytes.
    A record that points to a larger (zip64) one counts as 65,535 or more.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 12 > len(data):
        return None
    return int.from_bytes(data[end + 10 : end + 12], "little")


def _safe_parts(name: str) -> tuple[str, ...] | None:
    """The folders and file name of an entry, or None when its path would leave the archive."""
    name = name.replace("\\", "/")
    path = PurePosixPath(name)
    parts = tuple(part for part in path.parts if part not in ("", "."))
    if path.is_absolute() or not parts or ".." in parts or ":" in parts[0]:
        return None
    return parts


def _without_common_folder(entries: list) -> list:
    """Drop a folder that holds everything (``photos/cats/1.jpg`` -> ``cats/1.jpg``), as often as there is one."""
    while entries and all(len(parts) > 2 for _, parts in entries) and len({parts[0] for _, parts in entries}) == 1:
        entries = [(info, parts[1:]) for info, parts in entries]
    return entries


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> tuple[bytes | None, str]:
    """The entry's bytes, read no further than ``limit`` + 1, or None and why not."""
    try:
        with archive.open(info) as entry:
            data = entry.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        return None, f"It is damaged in the archive or packed in a way that cannot be read ({error})."
    if len(data) > limit:
        return None, f"It unpacks to more than the {_megabytes(limit)} a photo may have."
    return data, ""


def _decode(data: bytes, max_side: int | None) -> tuple[np.ndarray | None, str]:
    try:
        return images.load_image(data, max_side=max_side), ""
    except images.ImageError as error:
        return None, str(error)


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"
