"""``GroupNormalization``: normalize each sample over contiguous groups of channels."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.layers.layer import Layer
from strata.layers.normalization.axes import check_axes_in_range


class GroupNormalization(Layer):
    """Group normalization (``keras.layers.GroupNormalization``).

    The channels on ``axis`` are split into ``groups`` contiguous blocks; each sample is normalized
    by the mean and (biased) variance over its spatial positions and the channels of one group,
    then scaled by ``gamma`` and shifted by ``beta`` per channel.  ``groups=1`` normalizes over
    everything but the batch (like LayerNormalization over all axes); ``groups=-1`` makes one group
    per channel (instance normalization) and is replaced by the channel count at build.

    Args:
        groups: number of groups (default 32); must divide the number of channels.
        axis: the channels axis.
        epsilon: small float added to the variance.
        center, scale: whether to learn ``beta`` and ``gamma`` (shape ``(channels,)``).
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer, beta_constraint,
        gamma_constraint: for the two weights.

    Example:
        >>> import numpy as np
        >>> GroupNormalization(groups=2)(np.ones((1, 5, 4), "float32")).shape
        (1, 5, 4)
    """

    _config_args = ("groups", "axis", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer",
                    "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint")

    def __init__(self, groups: int = 32, axis: int = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs: Any) -> None:
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(
                "Received an invalid value for argument `groups`, expected a positive integer "
                f"(or -1 for instance normalization). Received: groups={groups!r}"
            )
        super().__init__(**kwargs)
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.store_arguments(beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                             beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
                             beta_constraint=beta_constraint, gamma_constraint=gamma_constraint)
        self.supports_masking = True
        self.autocast = False
        self.gamma = self.beta = None

    def build(self, input_shape: Any) -> None:
        (axis,) = check_axes_in_range(self.axis, input_shape, f"GroupNormalization '{self.name}'")
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(
                f"Axis {self.axis} of input tensor should have a defined dimension but the layer "
                f"received an input with shape {tuple(input_shape)}. Give the channels axis a fixed size."
            )
        if self.groups == -1:
            self.groups = channels
        if channels < self.groups:
            raise ValueError(
                f"Number of groups ({self.groups}) cannot be more than the number of channels "
                f"({channels}). Pass `groups` that divides {channels}."
            )
        if channels % self.groups:
            raise ValueError(
                f"Number of groups ({self.groups}) must be a multiple of the number of channels "
                f"({channels}). (The number of channels must be a multiple of `groups`: pass "
                f"`groups` that divides {channels}.)"
            )
        if self.scale:
            self.gamma = self.add_weight((channels,), self.gamma_initializer, name="gamma", autocast=False,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight((channels,), self.beta_initializer, name="beta", autocast=False,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)
        self.built = True  # also when `build` is called directly, so a later call keeps these weights

    def call(self, inputs: Any) -> Any:
        (axis,) = check_axes_in_range(self.axis, inputs.shape, f"GroupNormalization '{self.name}'")
        per_group = inputs.shape[axis] // self.groups
        grouped_shape = inputs.shape[:axis] + (self.groups, per_group) + inputs.shape[axis + 1:]
        x = jnp.reshape(inputs, grouped_shape)
        x = x.astype(jnp.result_type(x.dtype, jnp.float32))
        reduce = tuple(i for i in range(1, x.ndim) if i != axis)
        mean = jnp.mean(x, axis=reduce, keepdims=True)
        variance = jnp.var(x, axis=reduce, keepdims=True)
        shape = tuple(self.groups if i == axis else per_group if i == axis + 1 else 1 for i in range(x.ndim))
        inv = jax.lax.rsqrt(variance + jnp.asarray(self.epsilon, x.dtype))
        if self.gamma is not None:
            inv = inv * jnp.reshape(self.gamma.value.astype(x.dtype), shape)
        offset = -mean * inv
        if self.beta is not None:
            offset = offset + jnp.reshape(self.beta.value.astype(x.dtype), shape)
        outputs = (x * inv + offset).astype(inputs.dtype)
        return jnp.reshape(outputs, inputs.shape).astype(self.compute_dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        check_axes_in_range(self.axis, input_shape, f"GroupNormalization '{self.name}'")
        return tuple(input_shape)
