"""Global numeric settings, with Keras's names and defaults.

``floatx`` is the default float dtype of weights and inputs, ``epsilon`` the fuzz factor used by
losses and metrics.  Both are plain module state read at call time; ``set_floatx`` and
``set_epsilon`` are the documented way to change them.
"""

from __future__ import annotations

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"


def floatx() -> str:
    """Return the default float dtype name (``"float32"``)."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float dtype (``"float16"``, ``"bfloat16"``, ``"float32"`` or ``"float64"``)."""
    global _FLOATX
    allowed = {"float16", "bfloat16", "float32", "float64"}
    if value not in allowed:
        raise ValueError(f"Unknown `floatx` value. Expected one of {sorted(allowed)}. Received: value={value!r}")
    _FLOATX = value


def epsilon() -> float:
    """Return the fuzz factor used in numeric expressions (``1e-7``)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor used in numeric expressions."""
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """Return the image data format (``"channels_last"``)."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(value: str) -> None:
    """Set the image data format (``"channels_last"`` or ``"channels_first"``)."""
    global _IMAGE_DATA_FORMAT
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            "`image_data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: value={value!r}"
        )
    _IMAGE_DATA_FORMAT = value
