"""Random initializers, drawn on the host with NumPy (no JAX compilation).

Seeds: an int ``seed`` makes every call return the same values (as in Keras).  With
``seed=None`` every call takes a fresh generator from strata's root stream
(``strata.core.random``): a fresh process with the same root seed builds the same weights, and a
second call in the same process gives new values.

Formulas follow Keras 3: fans from :func:`compute_fans`; a uniform ``VarianceScaling`` draws from
``[-limit, limit]`` with ``limit = sqrt(3 * scale / n)``; a truncated normal one uses
``stddev = sqrt(scale / n) / 0.8796256610342398`` (the standard deviation of a unit normal
truncated at two standard deviations), so the truncated draws have variance ``scale / n``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from strata.core import random as strata_random
from strata.core.host_buffers import aligned_empty
from strata.initializers.initializer import Initializer, float_dtype, standardize_shape

_TRUNCATED_STDDEV = 0.8796256610342398


def compute_fans(shape: tuple[int, ...], input_axes: Any = None, output_axes: Any = None) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight shape, as Keras computes them.

    A kernel ``(..., in, out)`` has ``fan_in = in * receptive`` and ``fan_out = out * receptive``,
    where ``receptive`` is the product of the leading dims.  ``input_axes``/``output_axes`` name
    the axes explicitly instead.
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return int(math.prod(shape[a] for a in input_axes)), int(math.prod(shape[a] for a in output_axes))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _draw_dtype(dtype: np.dtype) -> type:
    return np.float64 if dtype == np.float64 else np.float32


def _affine(values: np.ndarray, scale: float, shift: float, dtype: Any) -> np.ndarray:
    """``values * scale + shift`` as ``dtype``, computed in place: a large kernel (VGG16's first
    dense one is 411 MB) then never has more than one copy alive; the same numbers as the
    expression (each operation rounds once either way)."""
    values *= scale
    if shift:
        values += shift
    return values.astype(dtype, copy=False)


def _normal(rng: np.random.Generator, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """Unit normals, drawn into a buffer the CPU device adopts without a copy (:mod:`host_buffers`)."""
    return rng.standard_normal(dtype=dtype, out=aligned_empty(shape, dtype))


def _uniform(rng: np.random.Generator, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """Uniform draws in ``[0, 1)``, into a buffer the CPU device adopts without a copy."""
    return rng.random(dtype=dtype, out=aligned_empty(shape, dtype))


def _truncated_standard_normal(rng: np.random.Generator, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """Unit normals conditioned on ``|z| <= 2``: out-of-range draws are redrawn until none remain."""
    values = _normal(rng, shape, dtype)
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()), dtype=dtype)
        outside = np.abs(values) > 2.0
    return values


class RandomInitializer(Initializer):
    """Base of the random initializers: holds and validates ``seed``.

    Args:
        seed: an int for reproducible values on every call, or None to draw from the root stream.
    """

    def __init__(self, seed: int | None = None) -> None:
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise ValueError(f"`seed` must be an int or None. Received: seed={seed!r}")
        self.seed = None if seed is None else int(seed)

    def _generator(self) -> np.random.Generator:
        return strata_random.host_generator(self.seed)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}


class RandomNormal(RandomInitializer):
    """Normal draws with the given ``mean`` and ``stddev``.

    Example:
        >>> RandomNormal(stddev=1.0, seed=1)((2, 3)).shape
        (2, 3)
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: Any, dtype: Any = None) -> np.ndarray:
        shape, dtype = standardize_shape(shape), float_dtype(dtype, "RandomNormal")
        values = _normal(self._generator(), shape, _draw_dtype(dtype))
        return _affine(values, self.stddev, self.mean, dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Normal draws with ``mean`` and ``stddev``, redrawn when more than 2 ``stddev`` from the mean."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: Any, dtype: Any = None) -> np.ndarray:
        shape, dtype = standardize_shape(shape), float_dtype(dtype, "TruncatedNormal")
        values = _truncated_standard_normal(self._generator(), shape, _draw_dtype(dtype))
        return _affine(values, self.stddev, self.mean, dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Uniform draws from ``[minval, maxval)``."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None) -> None:
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape: Any, dtype: Any = None) -> np.ndarray:
        shape, dtype = standardize_shape(shape), float_dtype(dtype, "RandomUniform")
        unit = _uniform(self._generator(), shape, _draw_dtype(dtype))
        return _affine(unit, self.maxval - self.minval, self.minval, dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


class VarianceScaling(RandomInitializer):
    """Draws whose variance is ``scale / n``, with ``n`` the fan given by ``mode``.

    Args:
        scale: positive scaling factor.
        mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``.
        distribution: ``"truncated_normal"`` (``"normal"`` is an alias), ``"untruncated_normal"``
            or ``"uniform"``.
        seed: int or None (see the module notes).
        input_axes, output_axes: optional axes that define the fans instead of the shape rule.
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: int | None = None, input_axes: Any = None, output_axes: Any = None) -> None:
        if not scale > 0.0:
            raise ValueError(f"`scale` must be a positive float. Received: scale={scale!r}")
        if mode not in self._MODES:
            raise ValueError(f"`mode` must be one of {list(self._MODES)}. Received: mode={mode!r}")
        distribution = str(distribution).lower()
        distribution = "truncated_normal" if distribution == "normal" else distribution
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(
                f"`distribution` must be one of {list(self._DISTRIBUTIONS)} (or 'normal'). "
                f"Received: distribution={distribution!r}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape: Any, dtype: Any = None) -> np.ndarray:
        shape, dtype = standardize_shape(shape), float_dtype(dtype, type(self).__name__)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, fan)
        rng, draw = self._generator(), _draw_dtype(dtype)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return _affine(_uniform(rng, shape, draw), 2.0 * limit, -limit, dtype)
        if self.distribution == "truncated_normal":
            values = _truncated_standard_normal(rng, shape, draw)
            return _affine(values, math.sqrt(variance) / _TRUNCATED_STDDEV, 0.0, dtype)
        return _affine(_normal(rng, shape, draw), math.sqrt(variance), 0.0, dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class _FixedVarianceScaling(VarianceScaling):
    """A ``VarianceScaling`` preset: only ``seed`` and the axes are configurable."""

    _PRESET: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: int | None = None, input_axes: Any = None, output_axes: Any = None) -> None:
        scale, mode, distribution = self._PRESET
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed,
                         input_axes=input_axes, output_axes=output_axes)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))`` (Xavier uniform)."""

    _PRESET = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with ``stddev = sqrt(2 / (fan_in + fan_out))`` after truncation."""

    _PRESET = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit]``, ``limit = sqrt(6 / fan_in)``."""

    _PRESET = (2.0, "fan_in", "uniform")


class HeNormal(_FixedVarianceScaling):
    """Truncated normal with ``stddev = sqrt(2 / fan_in)`` after truncation."""

    _PRESET = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """Uniform on ``[-limit, limit]``, ``limit = sqrt(3 / fan_in)``."""

    _PRESET = (1.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with ``stddev = sqrt(1 / fan_in)`` after truncation."""

    _PRESET = (1.0, "fan_in", "truncated_normal")


class Orthogonal(RandomInitializer):
    """An orthogonal matrix (times ``gain``) from the QR decomposition of a normal draw.

    A shape ``(d0, ..., dn)`` is filled from a ``(d0 * ... * d(n-1), dn)`` matrix whose columns
    (or rows, when it is wide) are orthonormal.

    Args:
        gain: multiplicative factor.
        seed: int or None (see the module notes).
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape: Any, dtype: Any = None) -> np.ndarray:
        shape, dtype = standardize_shape(shape), float_dtype(dtype, "Orthogonal")
        if len(shape) < 2:
            raise ValueError(
                "The Orthogonal initializer needs a shape of rank 2 or more. "
                f"Received: shape={shape} of rank {len(shape)}"
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        draw = self._generator().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(draw)
        q = q * np.sign(np.diag(r))[None, :]
        if rows < cols:
            q = q.T
        return (self.gain * q).reshape(shape).astype(dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "gain": self.gain}
