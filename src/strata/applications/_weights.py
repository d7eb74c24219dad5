"""Keras's published ImageNet weight files: where they live, how they are fetched and loaded.

The table below names every file exactly as Keras does (same URL, file name and md5), and files
are cached where Keras caches them (``$KERAS_HOME/models``, else ``~/.keras/models``), so a file
Keras already downloaded is reused and a file strata downloads is reused by Keras.  The files are
Keras-2 "legacy" HDF5 weights (``layer_names``/``weight_names`` attributes), loaded by position
into the model's layers; a wrong-model file is reported by the first layer that does not match.
"""

from __future__ import annotations

import os
import sys
import tempfile
import urllib.request

from strata.datasets import _download

KERAS_APPS = "https://storage.googleapis.com/tensorflow/keras-applications/"
EFFICIENTNET_BASE = "https://storage.googleapis.com/keras-applications/"
_CLASSIC = "_weights_tf_dim_ordering_tf_kernels"
_CHUNK = 1 << 20
_TIMEOUT_S = 60

# model key -> (URL folder, file stem, md5 with top, md5 without top)
_CLASSIC_FILES: dict[str, tuple[str, str, str, str]] = {
    "vgg16": ("vgg16/", "vgg16", "64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc"),
    "vgg19": ("vgg19/", "vgg19", "cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6"),
    "resnet50": ("resnet/", "resnet50", "2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("resnet/", "resnet101", "f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("resnet/", "resnet152", "100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("resnet/", "resnet50v2", "3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("resnet/", "resnet101v2", "6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("resnet/", "resnet152v2", "a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
    "densenet121": ("densenet/", "densenet121", "9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
    "densenet169": ("densenet/", "densenet169", "d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
    "densenet201": ("densenet/", "densenet201", "1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"),
    "inception_v3": ("inception_v3/", "inception_v3", "9a0d58056eeedaa3f26cb7ebd46da564",
                     "bcbd6486424b2319ff4ef7d526e38f63"),
    "xception": ("xception/", "xception", "0a58e3b7378bc2990ea3b43d5981f1f6", "b0042744bf5b25fce3cb969f33bebb97"),
}
EFFICIENTNET_HASHES: dict[str, tuple[str, str]] = {
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
}


def weights_file(model: str, include_top: bool) -> tuple[str, str, str | None]:
    """``(file name, URL, md5)`` of a model's ImageNet weights (``model`` as in the table)."""
    if model.startswith("efficientnet"):
        variant = model[len("efficientnet"):]
        fname = f"{model}{'.h5' if include_top else '_notop.h5'}"
        return fname, EFFICIENTNET_BASE + fname, EFFICIENTNET_HASHES[variant][0 if include_top else 1]
    folder, stem, top_hash, notop_hash = _CLASSIC_FILES[model]
    fname = f"{stem}{_CLASSIC}{'.h5' if include_top else '_notop.h5'}"
    return fname, KERAS_APPS + folder + fname, top_hash if include_top else notop_hash


def mobilenet_file(alpha: float, rows: int, include_top: bool) -> tuple[str, str, None]:
    """MobileNet v1 files are named by ``alpha`` as ``1_0``/``7_5``/``5_0``/``2_5`` (no hash)."""
    alpha_text = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0"}.get(alpha, "2_5")
    fname = f"mobilenet_{alpha_text}_{rows}_tf{'' if include_top else '_no_top'}.h5"
    return fname, KERAS_APPS + "mobilenet/" + fname, None


def mobilenet_v2_file(alpha: float, rows: int, include_top: bool) -> tuple[str, str, None]:
    """MobileNetV2 files are named ``..._{float(alpha)}_{rows}[_no_top].h5`` (no hash)."""
    fname = f"mobilenet_v2{_CLASSIC}_{float(alpha)}_{rows}{'' if include_top else '_no_top'}.h5"
    return fname, KERAS_APPS + "mobilenet_v2/" + fname, None


def keras_cache_dir() -> str:
    """Keras's cache root: ``$KERAS_HOME``, else ``~/.keras``; ``/tmp/.keras`` if not writable."""
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    try:
        os.makedirs(os.path.join(base, "models"), exist_ok=True)
    except OSError:
        base = os.path.join(tempfile.gettempdir(), ".keras")
    if not os.access(base, os.W_OK):
        base = os.path.join(tempfile.gettempdir(), ".keras")
    return base


def _print_progress(received: int, total: int | None) -> None:
    """A one-line progress bar on stdout while a file downloads."""
    megabytes = received / (1 << 20)
    if total:
        width = 30
        filled = int(width * received / total)
        bar = "=" * filled + "." * (width - filled)
        line = f"\r{received}/{total} [{bar}] {100 * received // total}% ({megabytes:.1f} MB)"
    else:
        line = f"\r{received} bytes ({megabytes:.1f} MB)"
    sys.stdout.write(line + ("\n" if total and received >= total else ""))
    sys.stdout.flush()


def _download_to(origin: str, target: str, file_hash: str | None, how: str) -> None:
    """Streams ``origin`` into a temporary file beside ``target``; renames it once verified."""
    folder, name = os.path.split(target)
    hasher = _download._hasher("md5" if file_hash is not None else "sha256", file_hash)
    fd, part = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(origin, timeout=_TIMEOUT_S) as response:
                    total = response.headers.get("Content-Length")
                    total = int(total) if total is not None else None
                    received = 0
                    for chunk in iter(lambda: response.read(_CHUNK), b""):
                        out.write(chunk)
                        hasher.update(chunk)
                        received += len(chunk)
                        _print_progress(received, total)
            except _download._NETWORK_ERRORS as error:
                reason = getattr(error, "reason", error)
                removed = " The partial download was removed." if out.tell() else ""
                raise _download.DownloadError(f"Could not download {origin}: {reason}.{removed} {how}") from error
        if total is not None and received != total:
            raise ValueError(f"The download of {origin} is truncated: received {received} of {total} bytes. "
                             f"The partial download was removed (nothing was kept at {target}). {how}")
        if file_hash is not None and hasher.hexdigest() != file_hash.lower():
            raise ValueError(
                f"The file downloaded from {origin} is incomplete or corrupt: its md5 is "
                f"{hasher.hexdigest()}, expected {file_hash}. The partial download was removed "
                f"(nothing was kept at {target}). Try again, or place a good copy there by hand. {how}"
            )
        os.replace(part, target)
    finally:
        if os.path.exists(part):
            os.remove(part)


def fetch(fname: str, origin: str, file_hash: str | None) -> str:
    """The cached path of ``fname``, downloaded from ``origin`` (with progress) when missing.

    A cached file whose md5 differs from ``file_hash`` is downloaded again, as Keras does.

    Raises:
        DownloadError: no network or a server error; the message names the URL, the cache
            path and how to place the file by hand.
        ValueError: the downloaded file's md5 differs (the partial file is removed).
    """
    folder = os.path.join(keras_cache_dir(), "models")
    target = os.path.join(folder, fname)
    how = (f"To use these weights offline, download {origin} on a machine with network access and "
           f"copy it to {target} (Keras's cache, shared with Keras; set KERAS_HOME to move it).")
    if os.path.exists(target):
        if file_hash is None or _download.validate_file(target, file_hash, "md5"):
            return target
        print(f"A local file was found, but it seems to be incomplete or outdated because the md5 file "
              f"hash does not match the original value of {file_hash} so we will re-download the data.")
    print(f"Downloading data from {origin}")
    _download_to(origin, target, file_hash, how)
    return target
