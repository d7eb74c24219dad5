"""A save that crashes midway leaves the previous file intact and loadable, and no temporary files.

Every format goes through a temporary file next to the target that is renamed into place only
once it is complete: ``save_weights`` (``.weights.h5``), ``save`` to legacy ``.h5``, and ``save`` to
``.keras`` (a zip, or a directory with ``zipped=False``).  Crashes are injected while HDF5
datasets are being written, while zip members are being written, and after the data is written
but before the rename (``fsync``).
"""

from __future__ import annotations

import os
import warnings
import zipfile

import h5py
import numpy as np
import pytest

import strata
from strata import layers
from strata.saving import keras_file

X = np.random.default_rng(11).normal(size=(5, 4)).astype("float32")
FILES = {"weights": "m.weights.h5", "legacy": "m.h5", "keras": "m.keras", "keras_dir": "m_dir"}


class Crash(RuntimeError):
    """The injected failure (a full disk, a killed process, ...)."""


def _model(seed: int):
    model = strata.Sequential([layers.Input((4,)), layers.Dense(6, activation="relu", name="hidden"),
                               layers.Dense(2, name="out")])
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer="adam", loss="mse")
    return model


def _save(kind: str, model, path) -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*considered legacy", category=UserWarning)
        if kind == "weights":
            model.save_weights(path)
        elif kind == "keras_dir":
            model.save(path, zipped=False)
        else:
            model.save(path)


def _predictions(kind: str, path) -> np.ndarray:
    if kind == "weights":
        model = _model(seed=99)
        model.load_weights(path)
    else:
        model = strata.models.load_model(path)
    return np.asarray(model(X))


def _snapshot(path) -> dict[str, bytes]:
    if os.path.isdir(path):
        return {name: (path / name).read_bytes() for name in sorted(os.listdir(path))}
    return {"": path.read_bytes()}


def _crash_after(monkeypatch, owner, name: str, calls: int, folder, seen: list) -> None:
    """Let ``owner.name`` run ``calls`` times, then raise ``Crash`` (noting the folder's contents)."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        seen.append(sorted(os.listdir(folder)))
        if len(seen) > calls:
            raise Crash(f"injected failure in {name} after {calls} calls")
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)


def _check_crash_is_harmless(kind: str, path, crash, monkeypatch) -> list:
    """Save a good file, crash while overwriting it, then check it is untouched and loads."""
    folder = path.parent
    good = _model(seed=1)
    _save(kind, good, path)
    before, expected = _snapshot(path), np.asarray(good(X))
    seen: list = []
    crash(monkeypatch, folder, seen)
    with pytest.raises(Crash, match="injected failure"):
        _save(kind, _model(seed=2), path)
    monkeypatch.undo()
    assert _snapshot(path) == before
    np.testing.assert_array_equal(_predictions(kind, path), expected)
    assert sorted(os.listdir(folder)) == [path.name]  # no temporary file or directory left behind
    _save(kind, _model(seed=2), path)  # the next save still works and replaces the file
    assert not np.array_equal(_predictions(kind, path), expected)
    assert sorted(os.listdir(folder)) == [path.name]
    return seen


@pytest.mark.parametrize("kind", ["weights", "legacy", "keras", "keras_dir"])
def test_crash_while_writing_datasets(tmp_path, monkeypatch, kind):
    folder = tmp_path / "out"
    folder.mkdir()
    seen = _check_crash_is_harmless(
        kind, folder / FILES[kind],
        lambda mp, f, s: _crash_after(mp, h5py.Group, "create_dataset", 3, f, s), monkeypatch)
    assert len(seen) == 4  # three datasets were written before the crash
    if kind in ("weights", "legacy"):  # these stream into the temporary file itself
        assert any(name.endswith(".tmp") for name in seen[-1]), seen[-1]


def test_crash_between_keras_zip_members(tmp_path, monkeypatch):
    seen = _check_crash_is_harmless(
        "keras", tmp_path / "m.keras",
        lambda mp, f, s: _crash_after(mp, zipfile.ZipFile, "writestr", 1, f, s), monkeypatch)
    assert len(seen) == 2 and any(name.endswith(".tmp") for name in seen[-1])  # metadata.json was written


def test_crash_between_keras_directory_members(tmp_path, monkeypatch):
    calls: list = []

    def crash(mp, folder, seen):
        def failing_open(path, mode="r", *args, **kwargs):
            seen.append(sorted(os.listdir(folder)))
            if len(seen) > 1:
                raise Crash("injected failure in open after 1 call")
            calls.append(path)
            return open(path, mode, *args, **kwargs)

        mp.setattr(keras_file, "open", failing_open, raising=False)

    seen = _check_crash_is_harmless("keras_dir", tmp_path / "m_dir", crash, monkeypatch)
    assert len(calls) == 1 and any(name.endswith(".tmp") for name in seen[-1])


@pytest.mark.parametrize("kind", ["weights", "legacy", "keras"])
def test_crash_after_writing_before_the_rename(tmp_path, monkeypatch, kind):
    seen = _check_crash_is_harmless(
        kind, tmp_path / FILES[kind], lambda mp, f, s: _crash_after(mp, os, "fsync", 0, f, s), monkeypatch)
    assert len(seen) == 1 and any(name.endswith(".tmp") for name in seen[0])  # the complete temporary file


def test_first_save_that_crashes_leaves_nothing(tmp_path, monkeypatch):
    _crash_after(monkeypatch, h5py.Group, "create_dataset", 2, tmp_path, [])
    for kind in ("weights", "legacy", "keras"):
        with pytest.raises(Crash):
            _save(kind, _model(seed=3), tmp_path / FILES[kind])
    assert os.listdir(tmp_path) == []
