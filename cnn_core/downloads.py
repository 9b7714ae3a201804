"""Downloads that say how far they are, into Keras' cache; and why a download failed, in words.

Keras' own ``get_file`` prints its progress to the terminal, where a web page
cannot show it; :func:`download` streams a file into the same cache folder and
reports every chunk, so that Keras then finds the file already there.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

#: Called after every chunk with the bytes received so far and the file's size (None when the server does not
#: say it).
Progress = Callable[[int, "int | None"], None]
CHUNK_BYTES = 1 << 20
TIMEOUT_SECONDS = 30

#: What a failed download's message says, and what that means in words.
_DOWNLOAD_PROBLEMS = (
    (("name resolution", "name or service not known", "nodename", "getaddrinfo"),
     "this machine cannot look up the download server's address (no internet connection, or a firewall)"),
    (("network is unreachable", "connection refused", "no route to host"),
     "the download server cannot be reached (no internet connection, or a firewall)"),
    (("timed out", "timeout"), "the download timed out"),
    (("no space left",), "the disk is full"),
    (("incomplete or corrupted", "hash"), "the downloaded file was damaged (its checksum did not match)"),
    (("certificate", "ssl"), "the secure connection failed (a proxy, or a wrong clock)"),
)


def download_problem(error: Exception) -> str:
    """Why a download failed, in words a person can act on; the error's own text when it is not recognised.

    >>> download_problem(OSError("URL fetch failure: [Errno -3] Temporary failure in name resolution"))
    "this machine cannot look up the download server's address (no internet connection, or a firewall)"
    """
    text = str(error).lower()
    for clues, meaning in _DOWNLOAD_PROBLEMS:
        if any(clue in text for clue in clues):
            return meaning
    return str(error) or type(error).__name__


def keras_cache(subfolder: str) -> Path:
    """Where Keras' ``get_file(..., cache_subdir=subfolder)`` keeps its files: under KERAS_HOME or ~/.keras."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / subfolder


def download(url: str, target: str | os.PathLike, progress: Progress | None = None,
             file_hash: str | None = None) -> Path:
    """Fetch ``url`` into ``target``, calling ``progress`` after every chunk of :data:`CHUNK_BYTES`.

    The bytes go to a temporary file beside ``target``, renamed only once they
    are all there (and match ``file_hash``, an MD5 or SHA-256 hex digest, when
    given), so that an interrupted download never leaves a partial file that looks whole.

    Raises
    ------
    OSError
        When the server cannot be reached or answers with an error
        (``urllib.error.URLError`` is one), or the disk is full.
    ValueError
        When the file does not match ``file_hash``.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.md5(usedforsecurity=False) if file_hash and len(file_hash) == 32 else hashlib.sha256()
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as file, urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            received = 0
            while chunk := response.read(CHUNK_BYTES):
                file.write(chunk)
                digest.update(chunk)
                received += len(chunk)
                if progress is not None:
                    progress(received, total)
        if file_hash is not None and digest.hexdigest() != file_hash.lower():
            raise ValueError(f"{target.name} from {url} is incomplete or corrupted: its hash does not match.")
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return target
