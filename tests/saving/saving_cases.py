"""Models built identically in strata and in Keras, and helpers to compare saved files.

Each builder takes the library module (``strata`` or ``keras``) so the same architecture, layer
names and weights exist on both sides.  The subclassed model is registered under the same name
(``StrataTests>Tower``) in both libraries.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np

RNG = np.random.default_rng(7)
X4 = RNG.normal(size=(6, 4)).astype("float32")
XA = RNG.normal(size=(6, 3)).astype("float32")
XB = RNG.normal(size=(6, 2)).astype("float32")
# Housing-like features (Géron ch. 10): wide = columns 0-4, deep = columns 2-7.
XH = (RNG.random(size=(24, 8)) * [8, 50, 7, 1.2, 3000, 3, 40, -120]).astype("float32")
IGNORED_KEYS = {"shared_object_id", "date_saved", "keras_version", "strata_version"}


def sequential(lib):
    layers = lib.layers
    return lib.Sequential([layers.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(2)],
                          name="mlp")


def has_concatenate() -> bool:
    import strata

    return hasattr(strata.layers, "Concatenate")


def functional(lib):
    """Two inputs, two outputs; merged with Concatenate when strata has it, else two branches."""
    layers = lib.layers
    a = layers.Input((3,), name="a")
    b = layers.Input((2,), name="b")
    if has_concatenate():
        h = layers.Dense(4, activation="relu")(layers.Concatenate()([a, b]))
        o1, o2 = layers.Dense(1, name="o1")(h), layers.Dense(2, name="o2")(h)
    else:
        o1 = layers.Dense(1, name="o1")(layers.Dense(4, activation="relu")(a))
        o2 = layers.Dense(2, name="o2")(layers.Dense(4, activation="tanh")(b))
    return lib.Model([a, b], [o1, o2])


def wide_and_deep(lib):
    """The course's Wide & Deep model: two adapted ``Normalization`` layers, outputs "output" and "aux_output"."""
    layers = lib.layers
    input_wide, input_deep = layers.Input(shape=[5]), layers.Input(shape=[6])
    norm_layer_wide, norm_layer_deep = layers.Normalization(), layers.Normalization()
    norm_wide, norm_deep = norm_layer_wide(input_wide), norm_layer_deep(input_deep)
    hidden1 = layers.Dense(30, activation="relu")(norm_deep)
    hidden2 = layers.Dense(30, activation="relu")(hidden1)
    concat = layers.concatenate([norm_wide, hidden2])
    output = layers.Dense(1, name="output")(concat)
    aux_output = layers.Dense(1, name="aux_output")(hidden2)
    model = lib.Model(inputs=[input_wide, input_deep], outputs=[output, aux_output])
    norm_layer_wide.adapt(XH[:, :5])
    norm_layer_deep.adapt(XH[:, 2:])
    return model


_TOWERS: dict[str, type] = {}


def tower_class(lib):
    """A subclassed model registered as ``StrataTests>Tower`` in ``lib`` (one class per library)."""
    if lib.__name__ in _TOWERS:
        return _TOWERS[lib.__name__]
    layers = lib.layers

    class Tower(lib.Model):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense_b = layers.Dense(units, activation="relu")
            self.dense_a = layers.Dense(2)
            self._head = layers.Dense(2)

        def call(self, x):
            return self._head(self.dense_a(self.dense_b(x)))

        def get_config(self):
            return {"name": self.name, "trainable": self.trainable, "units": self.units}

    Tower = lib.saving.register_keras_serializable(package="StrataTests", name="Tower")(Tower)
    _TOWERS[lib.__name__] = Tower
    return Tower


def tower(lib):
    model = tower_class(lib)(units=3, name="tower")
    model(X4[:2])
    return model


BUILDERS = {"sequential": (sequential, lambda: X4), "functional": (functional, lambda: [XA, XB]),
            "subclassed": (tower, lambda: X4), "wide_and_deep": (wide_and_deep, lambda: [XH[:, :5], XH[:, 2:]])}
# Kinds that legacy ``.h5`` files can hold (a subclassed model has no layer graph to store).
LEGACY_KINDS = ("sequential", "functional", "wide_and_deep")


def predict(model, x) -> list[np.ndarray]:
    """Outputs of a direct (eager) call: both libraries then run the same un-fused XLA ops.

    ``predict`` is jitted and XLA may fuse ops differently in the two engines (a ~1e-7 difference
    for Concatenate + Dense), which would hide whether the *weights* were carried exactly.
    """
    out = model(x)
    return [np.asarray(o) for o in (out if isinstance(out, (list, tuple)) else [out])]


def max_diff(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    assert len(a) == len(b)
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


def copy_weights(source, target) -> None:
    target.set_weights([np.asarray(w) for w in source.get_weights()])


def key_paths(value, prefix: str = "") -> set[str]:
    """Every dict key path in a JSON value (list items by index), ignoring volatile keys."""
    paths = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in IGNORED_KEYS:
                continue
            paths.add(f"{prefix}/{key}")
            paths |= key_paths(item, f"{prefix}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths |= key_paths(item, f"{prefix}[{index}]")
    return paths


def h5_structure(data) -> dict[str, tuple]:
    """``path -> (kind, shape, dtype, attrs)`` for every group and dataset of an H5 file or bytes."""
    import h5py

    source = io.BytesIO(data) if isinstance(data, bytes) else data
    found = {}
    with h5py.File(source, "r") as h5file:
        def visit(name, obj):
            attrs = tuple(sorted((k, str(v)) for k, v in obj.attrs.items()))
            if isinstance(obj, h5py.Dataset):
                found[name] = ("dataset", obj.shape, str(obj.dtype), attrs)
            else:
                found[name] = ("group", None, None, attrs)
        h5file.visititems(visit)
    return found


def keras_members(path) -> list[tuple[str, int]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, info.compress_type) for info in archive.infolist()]


def keras_member(path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def keras_config(path) -> dict:
    return json.loads(keras_member(path, "config.json"))
