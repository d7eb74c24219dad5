"""`get_file`: download a file once, verify it, and keep it in a local cache.

The cache lives under ``$STRATA_HOME`` (default ``~/.strata``), in ``datasets/`` unless told
otherwise. A download streams into a temporary file in the target folder and is renamed into
place only after it is complete and its hash checks out, so the cache never holds a partial or
unverified file under the final name.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request

from strata.datasets._archive import extract_archive

HOME_ENV_VAR = "STRATA_HOME"
_CHUNK = 1 << 20
_TIMEOUT_S = 60
# What a failing network or server raises (disk errors while writing are left alone).
_NETWORK_ERRORS = (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError)


class DownloadError(OSError):
    """The file could not be fetched from its origin (network or server failure)."""


def strata_home() -> str:
    """The root of strata's caches: ``$STRATA_HOME`` when set, else ``~/.strata``."""
    return os.path.expanduser(os.environ.get(HOME_ENV_VAR) or os.path.join("~", ".strata"))


def _hasher(algorithm: str, file_hash: str | None):
    if algorithm not in ("auto", "sha256", "md5"):
        raise ValueError(
            "hash_algorithm must be 'auto', 'sha256' or 'md5'. "
            f"Received: hash_algorithm={algorithm!r}"
        )
    if algorithm == "auto":
        # A sha256 digest is 64 hex characters; anything else is taken as md5 (32).
        algorithm = "sha256" if file_hash is not None and len(file_hash) == 64 else "md5"
    return hashlib.new(algorithm)


def hash_file(
    fpath: str | os.PathLike, algorithm: str = "sha256", file_hash: str | None = None
) -> str:
    """Hex digest of a file, read in chunks. `algorithm="auto"` picks by `file_hash`'s length."""
    hasher = _hasher(algorithm, file_hash)
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath: str | os.PathLike, file_hash: str, algorithm: str = "auto") -> bool:
    """Whether the file's digest equals `file_hash` (compared case-insensitively)."""
    return hash_file(fpath, algorithm, file_hash) == file_hash.lower()


def _fetch(origin: str, target: str, file_hash: str | None, algorithm: str) -> None:
    """Streams `origin` into a temporary file beside `target`, verifies, then renames it."""
    folder, name = os.path.split(target)
    hasher = _hasher(algorithm, file_hash)
    fd, part = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(origin, timeout=_TIMEOUT_S) as response:
                    expected_size = response.headers.get("Content-Length")
                    received = 0
                    for chunk in iter(lambda: response.read(_CHUNK), b""):
                        out.write(chunk)
                        hasher.update(chunk)
                        received += len(chunk)
            except urllib.error.HTTPError as e:
                raise DownloadError(
                    f"Could not download {origin}: the server answered HTTP {e.code} ({e.reason})."
                ) from e
            except _NETWORK_ERRORS as e:
                reason = getattr(e, "reason", e)
                raise DownloadError(
                    f"Could not download {origin}: {reason}. If this machine has no network, "
                    f"copy the file to {target} yourself and it will be used from there."
                ) from e
        if expected_size is not None and received != int(expected_size):
            raise DownloadError(
                f"Incomplete download of {origin}: received {received} of "
                f"{expected_size} bytes. Try again; nothing was written to {target}."
            )
        actual = hasher.hexdigest()
        if file_hash is not None and actual != file_hash.lower():
            raise ValueError(
                f"The file downloaded from {origin} is corrupt or not the expected one: its "
                f"{hasher.name} hash is {actual}, expected {file_hash.lower()}. Nothing was "
                f"written to {target}. Check the URL and `file_hash`, then try again."
            )
        os.replace(part, target)
    except BaseException:
        if os.path.exists(part):
            os.remove(part)
        raise


def _cache_folder(cache_dir: str | os.PathLike | None, cache_subdir: str) -> str:
    base = os.path.expanduser(os.fspath(cache_dir)) if cache_dir is not None else strata_home()
    folder = os.path.join(base, cache_subdir)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        if cache_dir is not None or os.path.isabs(cache_subdir):
            raise
        # An unwritable home (a read-only container, say): fall back to the temp folder.
        folder = os.path.join(tempfile.gettempdir(), ".strata", cache_subdir)
        os.makedirs(folder, exist_ok=True)
    return folder


def get_file(
    fname: str | None = None,
    origin: str | None = None,
    untar: bool = False,
    md5_hash: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format: str | list[str] | None = "auto",
    cache_dir: str | os.PathLike | None = None,
    force_download: bool = False,
) -> str:
    """Downloads a file from a URL unless a verified copy is already cached.

    The file from `origin` is saved as ``<cache_dir>/<cache_subdir>/<fname>``, by default
    ``~/.strata/datasets/<fname>`` (``$STRATA_HOME`` replaces ``~/.strata``). With `file_hash`
    the download is verified, and a cached copy whose hash no longer matches is fetched again.

    Args:
        fname: Name of the file in the cache. `None` uses the last part of `origin`'s path.
            With `extract=True`, a name without a dot names the extraction folder.
        origin: URL of the file (``https://``, ``http://`` or ``file://``).
        untar: Older spelling of `extract=True` for tar archives.
        md5_hash: Older spelling of `file_hash` for md5 digests.
        file_hash: Expected sha256 or md5 hex digest of the file.
        cache_subdir: Folder under `cache_dir`; an absolute path is used as it is.
        hash_algorithm: ``"sha256"``, ``"md5"`` or ``"auto"`` (sha256 for a 64-character hash,
            else md5).
        extract: Whether to unpack a tar or zip archive next to the download.
        archive_format: ``"auto"`` (tar then zip), ``"tar"``, ``"zip"``, a list of those, or
            `None`.
        cache_dir: Root of the cache; `None` means ``$STRATA_HOME`` or ``~/.strata``.
        force_download: Fetch the file again even when a valid copy is cached.

    Returns:
        The path of the file, or of the extraction folder when extracting.

    Raises:
        ValueError: Missing `origin`, a path as `fname`, or a hash mismatch after download.
        DownloadError: The network or the server failed.

    Example:

    >>> path = get_file("iris.csv", origin="https://example.com/iris.csv")  # doctest: +SKIP
    """
    if origin is None:
        raise ValueError("get_file needs the URL to download. Received: origin=None")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    _hasher(hash_algorithm, file_hash)  # reject a bad hash_algorithm before any network use
    folder = _cache_folder(cache_dir, cache_subdir)

    extract = extract or untar
    if fname is None:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                f"Cannot infer a file name from origin={origin!r}; pass `fname`."
            )
    fname = os.fspath(fname)
    if os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError(
            "fname must be a plain file name; choose the folder with `cache_dir` or "
            f"`cache_subdir`. Received: fname={fname!r}"
        )

    extraction_dir = None
    if not extract:
        target = os.path.join(folder, fname)
    elif "." in fname:
        target = os.path.join(folder, fname)
        extraction_dir = os.path.join(folder, fname.split(".", 1)[0] + "_extracted")
    else:
        target = os.path.join(folder, fname + "_archive")
        extraction_dir = os.path.join(folder, fname)

    download = force_download or not os.path.exists(target)
    stale = not download and file_hash is not None
    if stale and not validate_file(target, file_hash, hash_algorithm):
        print(
            f"The cached file {target} does not match the expected hash {file_hash}; "
            "it is incomplete or outdated, so it will be downloaded again."
        )
        download = True
    if download:
        print(f"Downloading data from {origin}")
        _fetch(origin, target, file_hash, hash_algorithm)

    if extraction_dir is None:
        return target
    if download or not os.path.isdir(extraction_dir):
        if untar:
            archive_format = "tar"
        if not extract_archive(target, extraction_dir, archive_format):
            raise ValueError(
                f"{target} (from {origin}) is not an archive that archive_format="
                f"{archive_format!r} can open, so it cannot be extracted. Pass extract=False "
                "to keep the file as it is."
            )
    return extraction_dir
