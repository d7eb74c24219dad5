"""``ActivityRegularization``: pass the inputs through and add an L1/L2 penalty on them to the loss."""

from __future__ import annotations

from typing import Any

from strata.layers.layer import Layer


class ActivityRegularization(Layer):
    """Activity regularization (``keras.layers.ActivityRegularization``).

    The output equals the input.  The penalty ``l1 * sum(|x|) + l2 * sum(x**2)``, divided by the
    batch size as for any layer's ``activity_regularizer``, is added to the model's loss (it shows
    in ``layer.losses`` after an eager call).

    Args:
        l1: L1 factor (non-negative).
        l2: L2 factor (non-negative).

    Example:
        >>> import numpy as np
        >>> layer = ActivityRegularization(l1=0.1)
        >>> y = layer(np.array([[1.0, -2.0], [3.0, 0.0]], "float32"))
        >>> round(float(layer.losses[0]), 5)  # 0.1 * 6 / batch of 2
        0.3
    """

    _config_args = ("l1", "l2")

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        from strata.regularizers import L1L2

        kwargs.pop("activity_regularizer", None)  # the penalty is defined by l1 and l2 alone
        super().__init__(activity_regularizer=L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = l1
        self.l2 = l2
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return config
