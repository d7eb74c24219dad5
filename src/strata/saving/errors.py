"""Errors raised when a model or weights file cannot be written or read."""

from __future__ import annotations

from typing import Any


class ModelFileError(ValueError):
    """A model or weights file is missing, truncated, corrupt, of the wrong kind or unsafe to load.

    The message always names the file and says what was wrong with it.  It subclasses
    ``ValueError`` so code written for Keras (which raises ``ValueError`` in most of these cases)
    keeps working.
    """


def file_error(filepath: Any, problem: str, cause: BaseException | None = None) -> ModelFileError:
    """A :class:`ModelFileError` for ``filepath`` that explains ``problem`` (and the low-level cause)."""
    message = f"Cannot load '{filepath}': {problem}"
    if cause is not None:
        detail = str(cause).strip() or type(cause).__name__
        message += f" ({type(cause).__name__}: {detail})"
    return ModelFileError(message)


# Exceptions that a damaged file can make h5py, zipfile, json or our own readers raise.
def reading_errors() -> tuple[type[BaseException], ...]:
    """The exception types that mean "this file could not be read" (wrapped into ``ModelFileError``)."""
    import json
    import zipfile

    return (OSError, EOFError, KeyError, IndexError, TypeError, ValueError, AttributeError,
            RuntimeError, RecursionError, UnicodeDecodeError, json.JSONDecodeError,
            zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError)
