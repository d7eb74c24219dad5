"""Shared pieces of the legacy-format tests: fixture paths and h5 structure dumps."""

from __future__ import annotations

import json
import pathlib

import numpy as np

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "tf_keras"


def expected():
    """The inputs and predictions that tools/make_tf_keras_fixtures.py recorded with TensorFlow."""
    return dict(np.load(FIXTURES / "expected.npz"))


def h5_structure(path) -> dict:
    """Everything about a legacy h5 file that must match Keras: attrs, groups, datasets, names."""
    import h5py

    out: dict = {}
    with h5py.File(path, "r") as f:
        out["root_attrs"] = sorted(f.attrs)
        out["model_config"] = json.loads(f.attrs["model_config"])
        if "training_config" in f.attrs:
            out["training_config"] = json.loads(f.attrs["training_config"])
        items: list = []

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                items.append((name, tuple(obj.shape), str(obj.dtype)))
            else:
                attrs = {key: [str(v) for v in np.atleast_1d(obj.attrs[key])] for key in sorted(obj.attrs)}
                items.append((name, attrs))

        f.visititems(visit)
        out["items"] = items
    return out
