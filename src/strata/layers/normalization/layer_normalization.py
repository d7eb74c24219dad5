"""``LayerNormalization``: normalize each sample over its feature axes, then scale and shift."""

from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp

from strata.layers.layer import Layer
from strata.layers.normalization.axes import (broadcast_shape, check_axes_in_range, check_axis_argument,
                                              parameter_shape)


class LayerNormalization(Layer):
    """Layer normalization (``keras.layers.LayerNormalization``).

    Each sample is normalized by the mean and (biased) variance over ``axis``:
    ``(x - mean) / sqrt(var + epsilon) * gamma + beta``.  Unlike BatchNormalization it behaves the
    same in training and inference.

    Args:
        axis: an int or a list of ints: the axes to normalize over (and the shape of ``gamma``
            and ``beta``).  Once built, the config holds it as a sorted list.
        epsilon: small float added to the variance.
        center, scale: whether to learn ``beta`` and ``gamma``.
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer, beta_constraint,
        gamma_constraint: for the two weights.
        rms_scaling: deprecated in Keras (scales by the variance); use RMSNormalization instead.

    Example:
        >>> import numpy as np
        >>> y = LayerNormalization(axis=[1, 2])(np.arange(24.0).reshape(2, 3, 4))
        >>> y.shape, round(float(y[0].mean()), 5)
        ((2, 3, 4), 0.0)
    """

    _config_args = ("axis", "epsilon", "center", "scale", "rms_scaling", "beta_initializer",
                    "gamma_initializer", "beta_regularizer", "gamma_regularizer", "beta_constraint",
                    "gamma_constraint")

    def __init__(self, axis: int | list[int] = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs: Any) -> None:
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn(
                "`rms_scaling=True` is deprecated: it divides the inputs by their standard deviation, "
                "not by their root mean square. Use `strata.layers.RMSNormalization` for RMS normalization.",
                UserWarning, stacklevel=2)
        super().__init__(**kwargs)
        self.axis = check_axis_argument(axis, "LayerNormalization")
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.store_arguments(beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                             beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
                             beta_constraint=beta_constraint, gamma_constraint=gamma_constraint)
        self.supports_masking = True
        self.autocast = False
        self.gamma = self.beta = None

    def build(self, input_shape: Any) -> None:
        where = f"LayerNormalization '{self.name}'"
        self.axis = sorted([self.axis] if isinstance(self.axis, int) else self.axis)
        shape = parameter_shape(check_axes_in_range(self.axis, input_shape, where), input_shape, where)
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(shape, self.gamma_initializer, name="gamma", autocast=False,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(shape, self.beta_initializer, name="beta", autocast=False,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)
        self.built = True  # also when `build` is called directly, so a later call keeps these weights

    def call(self, inputs: Any) -> Any:
        x = inputs.astype(jnp.result_type(inputs.dtype, jnp.float32))
        axes = check_axes_in_range(self.axis, x.shape, f"LayerNormalization '{self.name}'")
        shape = broadcast_shape(x.ndim, axes, tuple(x.shape[a] for a in axes))
        gamma = None if self.gamma is None else jnp.reshape(self.gamma.value.astype(x.dtype), shape)
        beta = None if self.beta is None else jnp.reshape(self.beta.value.astype(x.dtype), shape)
        variance = jnp.var(x, axis=tuple(axes), keepdims=True)
        inv = jax.lax.rsqrt(variance + jnp.asarray(self.epsilon, x.dtype))
        if self.rms_scaling:
            outputs = x * inv
            if gamma is not None:
                outputs = outputs * gamma
        else:
            mean = jnp.mean(x, axis=tuple(axes), keepdims=True)
            if gamma is not None:
                inv = inv * gamma
            offset = -mean * inv
            if beta is not None:
                offset = offset + beta
            outputs = x * inv + offset
        return outputs.astype(inputs.dtype).astype(self.compute_dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        check_axes_in_range(self.axis, input_shape, f"LayerNormalization '{self.name}'")
        return tuple(input_shape)
