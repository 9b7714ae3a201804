"""Why a download failed, in words: Keras' loaders report network trouble as one long technical message."""

from __future__ import annotations

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
