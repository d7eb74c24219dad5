"""``SpatialDropout1D/2D/3D``: dropout of whole channels (feature maps), not single values.

Neighbouring positions of a feature map are strongly correlated, so ordinary dropout barely
regularizes convolutional features; these layers zero a channel for the whole sample instead.  The
keep mask has shape ``(batch, 1, ..., 1, channels)`` (or ``(batch, channels, 1, ..., 1)`` for
``channels_first``), and the kept channels are scaled by ``1 / (1 - rate)``.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.core.random import bernoulli
from strata.layers.conv_utils import standardize_data_format
from strata.layers.regularization.dropout import Dropout


class BaseSpatialDropout(Dropout):
    """Shared machinery: a subclass states its input rank; the channels axis follows ``data_format``."""

    rank: int = 0

    def __init__(self, rate: float, seed: int | None = None, name: str | None = None, dtype: Any = None,
                 **kwargs: Any) -> None:
        kwargs.pop("noise_shape", None)  # tf.keras configs carry it; the mask shape is fixed here
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.data_format = "channels_last"

    def call(self, inputs: Any, training: bool | None = False) -> Any:
        if inputs.ndim != self.rank + 2:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects inputs of rank {self.rank + 2} "
                f"(batch, {self.rank} spatial axes, channels). Received: inputs.shape={tuple(inputs.shape)}"
            )
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return jnp.zeros_like(inputs)
        channel_axis = 1 if self.data_format == "channels_first" else inputs.ndim - 1
        shape = tuple(d if i in (0, channel_axis) else 1 for i, d in enumerate(inputs.shape))
        keep = bernoulli(self.seed_generator.next(), 1.0 - self.rate, shape)  # jax.random.bernoulli, fused
        scale = jnp.asarray(1.0 / (1.0 - self.rate), inputs.dtype)
        return jnp.where(jnp.broadcast_to(keep, inputs.shape), inputs * scale, jnp.zeros_like(inputs))

    def get_config(self) -> dict:
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}


class SpatialDropout1D(BaseSpatialDropout):
    """Channel dropout for ``(batch, steps, channels)`` inputs (``keras.layers.SpatialDropout1D``).

    Args:
        rate: fraction of the channels to drop, in ``[0, 1]``.
        seed: an int for a reproducible mask sequence.

    Example:
        >>> import numpy as np
        >>> y = SpatialDropout1D(0.5, seed=1)(np.ones((2, 3, 4), "float32"), training=True)
        >>> bool(np.all(y.min(axis=1) == y.max(axis=1)))  # each channel is all kept or all dropped
        True
    """

    rank = 1


class _SpatialDropoutND(BaseSpatialDropout):
    """SpatialDropout2D/3D take a ``data_format`` (second positional argument, as in Keras)."""

    def __init__(self, rate: float, data_format: str | None = None, seed: int | None = None,
                 name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.data_format = standardize_data_format(data_format)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class SpatialDropout2D(_SpatialDropoutND):
    """Channel dropout for 4-D feature maps (``keras.layers.SpatialDropout2D``).

    Args:
        rate: fraction of the channels to drop, in ``[0, 1]``.
        data_format: ``"channels_last"`` (``(B, H, W, C)``) or ``"channels_first"``
            (``(B, C, H, W)``); default ``image_data_format()``.
        seed: an int for a reproducible mask sequence.

    Example:
        >>> import numpy as np
        >>> y = SpatialDropout2D(0.5, seed=1)(np.ones((1, 2, 2, 4), "float32"), training=True)
        >>> sorted(set(np.asarray(y).ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
        True
    """

    rank = 2


class SpatialDropout3D(_SpatialDropoutND):
    """Channel dropout for 5-D volumes (``keras.layers.SpatialDropout3D``).

    Args:
        rate: fraction of the channels to drop, in ``[0, 1]``.
        data_format: ``"channels_last"`` (``(B, D, H, W, C)``) or ``"channels_first"``.
        seed: an int for a reproducible mask sequence.

    Example:
        >>> import numpy as np
        >>> SpatialDropout3D(0.5)(np.ones((1, 2, 2, 2, 3), "float32")).shape  # identity at inference
        (1, 2, 2, 2, 3)
    """

    rank = 3
