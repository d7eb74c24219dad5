"""Writing CIFAR "python version" files as the originals are: Python 2 protocol-2 pickles.

Python 3's pickler cannot write them (it stores `bytes` through ``_codecs.encode``), so the
opcodes are emitted here by hand: Python 2 ``str`` values (the dict keys, ``batch_label``,
file names, the array data) as ``BINSTRING``, and the uint8 data array the way NumPy under
Python 2 reduced it (``numpy.core.multiarray._reconstruct`` plus a ``BUILD`` state).
"""

from __future__ import annotations

import io
import pathlib
import struct
import tarfile

import numpy as np


def _str(data: bytes) -> bytes:
    if len(data) < 256:
        return b"U" + bytes([len(data)]) + data
    return b"T" + struct.pack("<i", len(data)) + data


def _int(value: int) -> bytes:
    if 0 <= value < 256:
        return b"K" + bytes([value])
    return b"J" + struct.pack("<i", value)


def _array(a: np.ndarray) -> bytes:
    assert a.dtype == np.uint8
    out = b"cnumpy.core.multiarray\n_reconstruct\n" + b"cnumpy\nndarray\n"
    out += _int(0) + b"\x85" + _str(b"b") + b"\x87R"
    shape = b"(" + b"".join(_int(d) for d in a.shape) + b"t"
    dtype = b"cnumpy\ndtype\n" + _str(b"u1") + _int(0) + _int(1) + b"\x87R"
    dtype += b"(" + _int(3) + _str(b"|") + b"NNN" + b"J\xff\xff\xff\xff" * 2 + _int(0) + b"tb"
    return out + b"(" + _int(1) + shape + dtype + b"\x89" + _str(a.tobytes()) + b"tb"


def _value(v) -> bytes:
    if isinstance(v, dict):
        return b"}(" + b"".join(_value(k) + _value(x) for k, x in v.items()) + b"u"
    if isinstance(v, list):
        return b"](" + b"".join(_value(x) for x in v) + b"e"
    if isinstance(v, bytes):
        return _str(v)
    if isinstance(v, (int, np.integer)):
        return _int(int(v))
    if isinstance(v, np.ndarray):
        return _array(v)
    raise TypeError(type(v))


def py2_pickle(obj) -> bytes:
    """`obj` (dicts, lists, ints, bytes, uint8 arrays) as a Python 2 protocol-2 pickle."""
    return b"\x80\x02" + _value(obj) + b"."


def batch(images: np.ndarray, label_keys: dict[str, list[int]], name: bytes) -> bytes:
    """One batch file for channels-first uint8 `images` (n, 3, 32, 32)."""
    n = len(images)
    content = {b"batch_label": name}
    content.update({key.encode(): [int(x) for x in labels] for key, labels in label_keys.items()})
    content[b"data"] = images.reshape(n, 3072)
    content[b"filenames"] = [b"img_%d.png" % i for i in range(n)]
    return py2_pickle(content)


def write_tarball(path: pathlib.Path, folder: str, files: dict[str, bytes]) -> bytes:
    """A ``.tar.gz`` holding ``folder/<name>`` for each file; returns its bytes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    path.write_bytes(buf.getvalue())
    return buf.getvalue()
