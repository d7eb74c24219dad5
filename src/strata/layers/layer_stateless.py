"""``Layer.stateless_call``: Keras 3's JAX extension point for calling a layer as a pure function.

The layer's variables are read from the arrays given instead of its own, and the non-trainable
values the call would assign come back instead of being written, so the call can run inside
``jax.jit`` and ``jax.grad`` (:func:`strata.core.bridge.stateless_call` does the work).
"""

from __future__ import annotations

from typing import Any


class StatelessCallMixin:
    """The stateless call of :class:`Layer` (expects ``built`` and ``name``)."""

    def stateless_call(self, trainable_variables: list, non_trainable_variables: list, *args: Any,
                       return_losses: bool = False, **kwargs: Any) -> Any:
        """Call the layer with its variables read from the given arrays, without changing it.

        Keras's ``Layer.stateless_call``: pure, so it can run inside ``jax.jit`` and ``jax.grad``.

        Args:
            trainable_variables: arrays aligned with ``self.trainable_variables``.
            non_trainable_variables: arrays aligned with ``self.non_trainable_variables``.
            *args, **kwargs: the call's arguments (``training=`` included).
            return_losses: also return the losses computed during the call (``add_loss``, regularizers).

        Returns:
            ``(outputs, non_trainable_variables)``, plus ``losses`` when ``return_losses``.

        Example:
            >>> import numpy as np
            >>> from strata import layers
            >>> dense = layers.Dense(2, kernel_initializer="ones")
            >>> dense.build((None, 3))
            >>> out, _ = dense.stateless_call([np.full((3, 2), 2.0), np.zeros(2)], [], np.ones((1, 3)))
            >>> out.tolist()
            [[6.0, 6.0]]
        """
        from strata.core import bridge

        if not self.built:
            raise ValueError(
                f"To call `stateless_call`, layer '{self.name}' must be built (its variables must exist). "
                "Call the layer on data once, or `layer.build(input_shape)`, first."
            )
        return bridge.stateless_call(self, list(trainable_variables), list(non_trainable_variables), *args,
                                     return_losses=return_losses, **kwargs)
