"""The ``Loss`` base class and the weighting/reduction pipeline every loss shares.

A loss object turns ``(y_true, y_pred)`` into one number in four steps, as Keras does:

1. ``call`` computes per-sample values (most losses average over the last axis);
2. an optional mask (from the caller, or produced by the loss itself, e.g. ``ignore_class``) and
   ``sample_weight`` are merged into one weight whose rank is aligned with the values;
3. the values are multiplied by that weight;
4. the result is reduced.  ``"sum_over_batch_size"`` and ``"mean"`` divide the weighted sum by the
   number of *elements*, not by the sum of the weights; ``"mean_with_sample_weight"`` divides by
   the sum of the weights; ``"sum"`` sums; ``"none"``/``None`` keep the values.

Everything here is traceable: shapes are static, values never steer Python control flow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

from strata.core import masking, naming
from strata.core.variable import standardize_dtype

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction: str | None) -> str | None:
    """Return ``reduction`` if it is one Keras accepts, else raise a ``ValueError``."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {list(REDUCTIONS)}. "
            f"Received: reduction={reduction!r}"
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1: bool = True):
    """Make two arrays whose ranks differ by one agree, when the extra axis has size 1.

    A trailing size-1 axis on the higher-rank array is dropped, except that a rank-1 partner is
    given a trailing axis instead (``(n,)`` against ``(n, 1)`` gives two ``(n, 1)`` arrays) when
    ``expand_rank_1`` is true.  Any other pair is returned unchanged.
    """
    rank1, rank2 = x1.ndim, x2.ndim
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = jnp.expand_dims(x2, -1)
        else:
            x1 = jnp.squeeze(x1, -1)
    elif rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = jnp.expand_dims(x1, -1)
        else:
            x2 = jnp.squeeze(x2, -1)
    return x1, x2


def match_rank(x1, x2):
    """Left-pad the lower-rank array with size-1 axes (NumPy broadcasting, made explicit)."""
    if x1.ndim < x2.ndim:
        x1 = jnp.reshape(x1, (1,) * (x2.ndim - x1.ndim) + x1.shape)
    elif x2.ndim < x1.ndim:
        x2 = jnp.reshape(x2, (1,) * (x1.ndim - x2.ndim) + x2.shape)
    return x1, x2


def prepare_pair(y_true, y_pred, align: bool = True):
    """Convert a label/prediction pair to arrays, ``y_true`` in ``y_pred``'s dtype.

    With ``align`` the ranks are reconciled like Keras (``(n,)`` labels against ``(n, 1)``
    predictions) and any remaining rank gap is closed by explicit broadcasting.
    """
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true, dtype=y_pred.dtype)
    if align:
        y_true, y_pred = match_rank(*squeeze_or_expand_to_same_rank(y_true, y_pred))
    return y_true, y_pred


def _divide_no_nan(numerator, denominator):
    safe = jnp.where(denominator == 0, jnp.ones_like(denominator), denominator)
    return jnp.where(denominator == 0, jnp.zeros_like(numerator), numerator / safe)


def apply_mask(sample_weight, mask, dtype, reduction):
    """Fold a boolean ``mask`` into ``sample_weight``.

    Under the mean reductions the kept entries are scaled by ``total / kept`` so that the mean
    runs over the kept entries only.
    """
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        total = jnp.asarray(mask.size, dtype=dtype)
        kept = jnp.sum(mask.astype(dtype))
        mask_weight = _divide_no_nan(total, kept)
        float_mask = jnp.where(mask.astype(bool), mask_weight, jnp.zeros((), dtype))
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight.astype(dtype))
    return jnp.multiply(*match_rank(sample_weight, float_mask))


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduce already-weighted ``values`` (scalars and empty vectors pass through)."""
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    total = jnp.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = jnp.sum(sample_weight).astype(total.dtype)
    else:
        divisor = jnp.asarray(values.size, dtype=total.dtype)
    return _divide_no_nan(total, divisor)


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None):
    """Weight ``values`` by ``sample_weight`` and ``mask``, then reduce them (steps 2-4)."""
    reduction = standardize_reduction(reduction)
    values = jnp.asarray(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = jnp.asarray(sample_weight, dtype=values.dtype)
    if mask is not None:
        mask = jnp.asarray(mask)
    sample_weight = apply_mask(sample_weight, mask, values.dtype, reduction)
    if sample_weight is not None:
        shapes = (sample_weight.shape, values.shape)
        values, sample_weight = match_rank(*squeeze_or_expand_to_same_rank(values, sample_weight))
        try:
            np.broadcast_shapes(values.shape, sample_weight.shape)
        except ValueError:
            raise ValueError(
                f"`sample_weight` of shape {shapes[0]} cannot be aligned with the loss values of shape "
                f"{shapes[1]}. Pass one weight per sample, or per loss value (e.g. shape "
                "(batch, timesteps) for per-timestep losses)."
            ) from None
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


class Loss:
    """Base class of losses (``keras.losses.Loss``).

    Subclasses implement ``call(y_true, y_pred)`` returning unreduced values; calling the object
    weights and reduces them.

    Args:
        name: Name of the loss; defaults to the snake-cased class name made unique.
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, ``"none"`` or ``None``.
        dtype: Dtype the inputs are converted to and computed in; defaults to ``floatx()``.

    Example:
        >>> class AbsoluteError(Loss):
        ...     def call(self, y_true, y_pred):
        ...         return jnp.abs(y_true - y_pred)
        >>> float(AbsoluteError()([1.0, 2.0], [1.0, 4.0]))
        1.0
    """

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size", dtype=None):
        self.name = name or naming.auto_name(naming.to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype = standardize_dtype(getattr(dtype, "compute_dtype", dtype))

    @property
    def dtype(self) -> str:
        """The dtype the loss computes in."""
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None, *, mask=None):
        """Return the weighted, reduced loss.

        Args:
            y_true: Targets.
            y_pred: Predictions.
            sample_weight: Optional weights, per sample (``(n,)``) or per value.
            mask: Optional boolean mask over the loss values, or over their leading axes
                (``(batch,)`` for ``(batch, timesteps)`` values), combined with any mask the loss
                produces itself.  Under the mean reductions the mean runs over the kept entries,
                so masking the padded rows of a batch gives the loss of the unpadded batch.
        """
        # A sequence output's Keras mask (padded timesteps) joins the mask, as in Keras.
        own_mask = masking.get_keras_mask(y_pred)
        y_pred = jnp.asarray(y_pred, dtype=self.dtype)
        y_true = jnp.asarray(y_true, dtype=self.dtype)
        values = self.call(y_true, y_pred)
        own_mask = masking.combine_masks(own_mask, self._values_mask(y_true, y_pred, values))
        if mask is None:
            mask = own_mask
        else:
            mask = jnp.asarray(mask, bool)
            if mask.ndim < values.ndim:  # a mask over the leading axes, e.g. (batch,) for (batch, t)
                mask = jnp.reshape(mask, mask.shape + (1,) * (values.ndim - mask.ndim))
            if own_mask is not None:
                mask = jnp.logical_and(mask, own_mask)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction, self.dtype)

    def call(self, y_true, y_pred):
        """Return the unreduced loss values; subclasses must override this."""
        raise NotImplementedError(f"{type(self).__name__} must implement `call(y_true, y_pred)`.")

    def _values_mask(self, y_true, y_pred, values):
        """A boolean mask over ``values`` (from ``call``) that the loss itself produces, or ``None``."""
        return None

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments Keras records for this loss."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict[str, Any]):
        """Rebuild a loss from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """A ``Loss`` that applies a per-sample loss function ``fn(y_true, y_pred, **kwargs)``.

    The labels and predictions are rank-aligned first (``(n,)`` labels with ``(n, 1)``
    predictions).  Built-in loss classes are wrappers around their function form.

    Args:
        fn: The loss function.
        reduction: See :class:`Loss`.
        name: See :class:`Loss`.
        dtype: See :class:`Loss`.
        **kwargs: Extra keyword arguments passed to ``fn`` on every call.
    """

    _config_keys: tuple[str, ...] | None = None  # None: record ``fn`` and its kwargs (plain wrapper)

    def __init__(self, fn: Callable, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if self._config_keys is not None:
            config.update({key: getattr(self, key) for key in self._config_keys})
            return config
        from strata.losses.serialization import serialize

        config["fn"] = serialize(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]):
        if "fn" in config:
            from strata.losses.serialization import deserialize

            config = dict(config, fn=deserialize(config["fn"]))
        return cls(**config)

    def __repr__(self) -> str:
        if self._config_keys is not None:
            return super().__repr__()
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, kwargs={self._fn_kwargs})>"
