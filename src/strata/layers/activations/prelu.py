"""``PReLU``: a leaky ReLU whose negative slope ``alpha`` is learned per element."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata.layers.layer import Layer


class PReLU(Layer):
    """Parametric rectified linear unit (``keras.layers.PReLU``).

    ``f(x) = x`` for ``x >= 0`` and ``alpha * x`` otherwise, with a trainable ``alpha`` of shape
    ``input_shape[1:]`` (the batch axis excluded).

    Args:
        alpha_initializer: initializer of ``alpha`` (default ``"Zeros"``: starts as a ReLU).
        alpha_regularizer: optional regularizer of ``alpha``.
        alpha_constraint: optional constraint of ``alpha``.
        shared_axes: axes (numbered from 1, the batch axis being 0) along which one ``alpha`` is
            shared; for ``(batch, height, width, channels)`` images, ``[1, 2]`` learns one
            slope per channel.

    Example:
        >>> layer = PReLU(shared_axes=[1, 2])
        >>> layer.build((None, 8, 8, 3))
        >>> layer.alpha.shape
        (1, 1, 3)
    """

    _config_args = ("alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes")

    def __init__(self, alpha_initializer: Any = "Zeros", alpha_regularizer: Any = None,
                 alpha_constraint: Any = None, shared_axes: int | list[int] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store_arguments(alpha_initializer=alpha_initializer, alpha_regularizer=alpha_regularizer,
                             alpha_constraint=alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if not all(isinstance(a, int) and not isinstance(a, bool) and a >= 1 for a in axes):
                raise ValueError(
                    "`shared_axes` must be None, an int or a list of ints >= 1 (axis 0 is the batch "
                    f"axis, which is always shared). Received: shared_axes={shared_axes!r}"
                )
            self.shared_axes = axes
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        shared = set(self.shared_axes or ())
        if any(a >= len(input_shape) for a in shared):
            raise ValueError(
                f"PReLU layer '{self.name}' has shared_axes={self.shared_axes}, but its inputs have only "
                f"{len(input_shape)} axes (0 is the batch). Received: input_shape={input_shape}"
            )
        param_shape = tuple(1 if axis in shared else n for axis, n in enumerate(input_shape[1:], start=1))
        if None in param_shape:
            raise ValueError(
                f"PReLU layer '{self.name}' needs every non-shared axis of its inputs to have a known size, "
                f"since alpha has one value per position. Received: input_shape={input_shape}. Share the "
                "unknown axes (e.g. shared_axes=[1] for variable-length sequences)."
            )
        self.alpha = self.add_weight(shape=param_shape, name="alpha", initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        self.built = True  # a direct `build()` call must not be followed by a second one on first use

    def call(self, inputs: jax.Array) -> jax.Array:
        alpha = self.alpha.value
        fits = inputs.ndim == alpha.ndim + 1 and all(
            a in (1, n) for a, n in zip(alpha.shape, inputs.shape[1:]))
        if not fits:
            raise ValueError(
                f"PReLU layer '{self.name}' was built with alpha of shape {alpha.shape} (one value per "
                "position of a sample, 1 on shared axes), which does not fit inputs of shape "
                f"{tuple(inputs.shape)}. Use a new layer, or `shared_axes` for the axes whose size varies."
            )
        alpha = jnp.reshape(alpha, (1,) + alpha.shape)
        return jax.nn.relu(inputs) + -alpha * jax.nn.relu(-inputs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)
