"""``BatchNormalization``: normalize each feature with batch statistics in training, moving ones after.

In training (``training=True`` *and* ``layer.trainable``) the batch mean and biased variance
normalize the inputs, and the moving statistics move towards them:
``moving = moving * momentum + batch_stat * (1 - momentum)``.  The update is a ``Variable.assign``,
so inside the compiled train step the state bridge records it as the new non-trainable state.
Otherwise (inference, or a frozen layer even under ``training=True``) the moving statistics are used
and nothing changes: Keras 3's fine-tuning semantics.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from strata import config
from strata.core import batch_rows
from strata.layers.layer import Layer
from strata.layers.normalization.axes import check_axes_in_range, parameter_shape

_CLIPPING_KEYS = ("rmax", "rmin", "dmax")


class BatchNormalization(Layer):
    """Batch normalization (``keras.layers.BatchNormalization``).

    Args:
        axis: the features axis (``-1`` for channels_last, ``1`` for channels_first).
        momentum: momentum of the moving averages.
        epsilon: small float added to the variance.
        center, scale: whether to learn an offset ``beta`` and a scale ``gamma``.
        beta_initializer, gamma_initializer, moving_mean_initializer, moving_variance_initializer:
            initializers of the four per-feature weights.
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: optional.
        renorm: batch renormalization (adds ``moving_stddev``, ``renorm_mean``, ``renorm_stddev``).
        renorm_clipping: with ``renorm``, a dict of optional ``rmax``, ``rmin``, ``dmax`` bounds.
        renorm_momentum: momentum of the renormalization statistics.
        synchronized: cross-replica statistics; only ``False`` is supported (TensorFlow only in Keras).

    Weights, in order: ``gamma`` and ``beta`` (trainable), ``moving_mean`` and ``moving_variance``.

    Example:
        >>> import numpy as np
        >>> bn = BatchNormalization()
        >>> y = bn(np.ones((4, 3), "float32"))  # a direct call is inference: moving statistics
        >>> [w.name for w in bn.weights]
        ['gamma', 'beta', 'moving_mean', 'moving_variance']
    """

    _config_args = ("axis", "momentum", "epsilon", "center", "scale", "beta_initializer",
                    "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
                    "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint",
                    "synchronized", "renorm", "renorm_clipping", "renorm_momentum")

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros", moving_variance_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, renorm: bool = False, renorm_clipping: dict | None = None,
                 renorm_momentum: float = 0.99, synchronized: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and len(axis) == 1:
            axis = axis[0]
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(
                "BatchNormalization normalizes over one features axis: `axis` must be an int. "
                f"Received: axis={axis!r}. For several axes use LayerNormalization or GroupNormalization."
            )
        if synchronized:
            raise ValueError(
                "Argument `synchronized=True` is only supported with the TensorFlow backend; strata "
                "runs on JAX. Received: synchronized=True. Leave `synchronized` at False."
            )
        if renorm:
            renorm_clipping = dict(renorm_clipping or {})
            unknown = set(renorm_clipping) - set(_CLIPPING_KEYS)
            if unknown:
                raise ValueError(
                    f"`renorm_clipping` accepts only the keys {list(_CLIPPING_KEYS)}. "
                    f"Received: renorm_clipping={renorm_clipping}"
                )
            rmax, rmin, dmax = (renorm_clipping.get(k) for k in _CLIPPING_KEYS)
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(
                    f"`renorm_clipping` needs rmax >= rmin. Received: rmax={rmax}, rmin={rmin}."
                )
            if dmax is not None and dmax < 0:
                raise ValueError(f"`renorm_clipping` needs dmax >= 0. Received: dmax={dmax}.")
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.store_arguments(beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                             moving_mean_initializer=moving_mean_initializer,
                             moving_variance_initializer=moving_variance_initializer,
                             beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
                             beta_constraint=beta_constraint, gamma_constraint=gamma_constraint)
        self.synchronized = synchronized
        self.renorm = renorm
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.supports_masking = True
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape: Any) -> None:
        (axis,) = check_axes_in_range(self.axis, input_shape, f"BatchNormalization '{self.name}'")
        shape = parameter_shape([axis], input_shape, f"BatchNormalization '{self.name}'")
        if self.scale:
            self.gamma = self.add_weight(shape, self.gamma_initializer, name="gamma", autocast=False,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(shape, self.beta_initializer, name="beta", autocast=False,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)
        self.moving_mean = self.add_weight(shape, self.moving_mean_initializer, name="moving_mean",
                                           trainable=False, autocast=False)
        self.moving_variance = self.add_weight(shape, self.moving_variance_initializer,
                                               name="moving_variance", trainable=False, autocast=False)
        if self.renorm:
            stddev_init = _sqrt_of(self.moving_variance_initializer)
            self.moving_stddev = self.add_weight(shape, stddev_init, name="moving_stddev",
                                                 trainable=False, autocast=False)
            self.renorm_mean = self.add_weight(shape, self.moving_mean_initializer, name="renorm_mean",
                                               trainable=False, autocast=False)
            self.renorm_stddev = self.add_weight(shape, stddev_init, name="renorm_stddev",
                                                 trainable=False, autocast=False)
        self.built = True  # also when `build` is called directly, so a later call keeps these weights

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        axis = self.axis % inputs.ndim
        channels = self.moving_mean.shape[0]
        if inputs.shape[axis] != channels:
            raise ValueError(
                f"BatchNormalization '{self.name}' was built for {channels} features on axis {self.axis}. "
                f"Received: inputs.shape={tuple(inputs.shape)}"
            )
        if mask is not None and jnp.ndim(mask) != inputs.ndim - 1:
            raise ValueError(
                "The mask of BatchNormalization must have one dimension less than the inputs. Received: "
                f"mask.shape={tuple(jnp.shape(mask))}, inputs.shape={tuple(inputs.shape)}"
            )
        x = inputs.astype(jnp.result_type(inputs.dtype, jnp.float32))
        gamma = None if self.gamma is None else self.gamma.value.astype(x.dtype)
        beta = None if self.beta is None else self.beta.value.astype(x.dtype)
        if training and self.trainable:
            mean, variance = self._moments(x, axis, mask)
            if self.renorm:
                gamma, beta = self._renormalize(mean, variance, gamma, beta)
            else:
                self._update(self.moving_mean, mean, self.momentum)
                self._update(self.moving_variance, variance, self.momentum)
        else:
            mean = self.moving_mean.value.astype(x.dtype)
            variance = self.moving_variance.value.astype(x.dtype)
        shape = tuple(channels if i == axis else 1 for i in range(x.ndim))
        inv = jax.lax.rsqrt(jnp.reshape(variance, shape) + jnp.asarray(self.epsilon, x.dtype))
        if gamma is not None:
            inv = inv * jnp.reshape(gamma, shape)
        offset = -jnp.reshape(mean, shape) * inv
        if beta is not None:
            offset = offset + jnp.reshape(beta, shape)
        return (x * inv + offset).astype(self.compute_dtype)

    def _moments(self, x: Any, axis: int, mask: Any) -> tuple[Any, Any]:
        """Per-feature batch mean and biased variance (masked positions left out)."""
        reduce = tuple(i for i in range(x.ndim) if i != axis)
        rows = batch_rows.row_mask(x)  # the padding rows of a short last batch inside fit
        if mask is None and rows is None:
            return jnp.mean(x, axis=reduce), jnp.var(x, axis=reduce)
        keep = jnp.ones(x.shape, bool) if rows is None else jnp.broadcast_to(rows > 0, x.shape)
        if mask is not None:
            keep = keep & jnp.broadcast_to(jnp.expand_dims(jnp.asarray(mask), -1), x.shape).astype(bool)
        fuzz = 0.0 if mask is None else config.epsilon()  # Keras's masked moments add epsilon
        count = jnp.sum(keep.astype(x.dtype), axis=reduce) + jnp.asarray(fuzz, x.dtype)
        mean = jnp.sum(jnp.where(keep, x, 0), axis=reduce) / count
        shape = tuple(x.shape[i] if i == axis else 1 for i in range(x.ndim))
        centred = jnp.where(keep, x - jnp.reshape(mean, shape), 0)
        return mean, jnp.sum(jnp.square(centred), axis=reduce) / count

    @staticmethod
    def _update(variable: Any, value: Any, momentum: float) -> None:
        current = variable.value.astype(value.dtype)
        variable.assign(current * momentum + value * (1.0 - momentum))

    def _renormalize(self, mean: Any, variance: Any, gamma: Any, beta: Any) -> tuple[Any, Any]:
        """Batch renormalization: correct the batch statistics towards the renorm ones, update all."""
        dtype = mean.dtype
        stddev = jnp.sqrt(variance + self.epsilon)
        renorm_mean = self.renorm_mean.value.astype(dtype)
        renorm_stddev = jnp.maximum(self.renorm_stddev.value.astype(dtype), jnp.sqrt(jnp.asarray(self.epsilon, dtype)))
        r = stddev / renorm_stddev
        d = (mean - renorm_mean) / renorm_stddev
        clipping = self.renorm_clipping
        if clipping.get("rmin") is not None:
            r = jnp.maximum(r, clipping["rmin"])
        if clipping.get("rmax") is not None:
            r = jnp.minimum(r, clipping["rmax"])
        if clipping.get("dmax") is not None:
            d = jnp.clip(d, -clipping["dmax"], clipping["dmax"])
        r, d = jax.lax.stop_gradient(r), jax.lax.stop_gradient(d)
        new_gamma = r if gamma is None else r * gamma
        new_beta = d if gamma is None else d * gamma
        if beta is not None:
            new_beta = new_beta + beta
        self._update(self.renorm_mean, mean, self.renorm_momentum)
        self._update(self.renorm_stddev, stddev, self.renorm_momentum)
        self._update(self.moving_mean, mean, self.momentum)
        moving_stddev = self.moving_stddev.value.astype(dtype) * self.momentum + stddev * (1.0 - self.momentum)
        self.moving_stddev.assign(moving_stddev)
        self.moving_variance.assign(jax.nn.relu(moving_stddev * moving_stddev - self.epsilon))
        return new_gamma, new_beta

    def compute_output_shape(self, input_shape: Any) -> tuple:
        check_axes_in_range(self.axis, input_shape, f"BatchNormalization '{self.name}'")
        return tuple(input_shape)


def _sqrt_of(initializer: Any) -> Any:
    """An initializer giving the square root of ``initializer``'s values (the renorm stddevs)."""
    def sqrt_initializer(shape: Any, dtype: Any = None) -> np.ndarray:
        return np.sqrt(np.asarray(initializer(shape, dtype=dtype)))

    return sqrt_initializer
