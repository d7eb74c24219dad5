"""Unpacking downloaded tar and zip archives safely and atomically."""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
import zipfile

_FORMATS = ("tar", "zip")


def _inside(root: str, member: str) -> bool:
    target = os.path.realpath(os.path.join(root, member))
    return os.path.commonpath([root, target]) == root


def _extract_tar(path: str, into: str) -> None:
    with tarfile.open(path) as archive:
        if hasattr(tarfile, "data_filter"):
            # Refuses absolute paths, `..`, links that leave the folder, and device files.
            archive.extractall(into, filter="data")
        else:  # Python 3.11 before 3.11.4 has no filters: check the names ourselves
            members = [m for m in archive.getmembers() if _inside(into, m.name) and not m.isdev()]
            archive.extractall(into, members=members)


def _extract_zip(path: str, into: str) -> None:
    with zipfile.ZipFile(path) as archive:
        bad = [name for name in archive.namelist() if not _inside(into, name)]
        if bad:
            raise ValueError(
                f"Refusing to extract {path}: member {bad[0]!r} would land outside {into}."
            )
        archive.extractall(into)


def extract_archive(
    path: str | os.PathLike,
    into: str | os.PathLike,
    archive_format: str | list[str] | None = "auto",
) -> bool:
    """Unpacks a tar (plain, gz, bz2, xz) or zip archive into the folder `into`.

    The archive is unpacked into a temporary folder beside `into`, which then replaces `into`,
    so an interrupted extraction never leaves a half-filled folder behind.

    Args:
        path: The archive file.
        into: The destination folder (replaced if it exists).
        archive_format: ``"auto"`` (try tar, then zip), ``"tar"``, ``"zip"``, a list of those,
            or `None` (extract nothing).

    Returns:
        Whether the file matched one of the formats and was extracted.
    """
    if archive_format is None:
        return False
    formats = list(_FORMATS) if archive_format == "auto" else archive_format
    formats = [formats] if isinstance(formats, str) else list(formats)
    unknown = [f for f in formats if f not in _FORMATS]
    if unknown:
        raise ValueError(
            "archive_format must be 'auto', 'tar', 'zip', a list of those, or None. "
            f"Received: archive_format={archive_format!r}"
        )
    path, into = os.fspath(path), os.path.realpath(os.fspath(into))
    for fmt in formats:
        matches = tarfile.is_tarfile(path) if fmt == "tar" else zipfile.is_zipfile(path)
        if not matches:
            continue
        parent = os.path.dirname(into)
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=f".{os.path.basename(into)}.", dir=parent)
        try:
            (_extract_tar if fmt == "tar" else _extract_zip)(path, staging)
            if os.path.isdir(into):
                shutil.rmtree(into)
            os.replace(staging, into)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return True
    return False
