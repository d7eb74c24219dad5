"""``Bidirectional``: run a recurrent layer forwards and backwards in time and merge the two outputs.

The wrapped layer is not used itself: two copies are made from its config, ``forward_<name>`` and
``backward_<name>`` (the latter with ``go_backwards=True``), unless a ``backward_layer`` is given.
With ``return_sequences`` the backward output is flipped back into input time order before
merging, and both copies output zeros at masked steps (``zero_output_for_mask``).
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from strata.layers.layer import Layer
from strata.layers.rnn.rnn import check_sequence_input

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _clone(layer: Layer, name: str, **overrides: Any) -> Layer:
    from strata.saving.serialization import deserialize_layer, serialize_layer

    entry = serialize_layer(layer)
    entry.pop("build_config", None)
    entry["config"] = dict(entry["config"], name=name, **overrides)
    return deserialize_layer(entry)


class Bidirectional(Layer):
    """Bidirectional wrapper for recurrent layers (``keras.layers.Bidirectional``).

    Args:
        layer: the recurrent layer to copy (``LSTM``, ``GRU``, ``SimpleRNN``, ``RNN``).
        merge_mode: ``"concat"`` (default), ``"sum"``, ``"mul"``, ``"ave"``, or ``None`` to return
            ``[forward, backward]``.
        weights: optional initial weights (forward half, then backward half).
        backward_layer: the layer for the backward direction (must have ``go_backwards=True``).

    Example:
        >>> import numpy as np
        >>> from strata.layers import GRU
        >>> Bidirectional(GRU(2))(np.zeros((1, 4, 5), "float32")).shape
        (1, 4)
    """

    def __init__(self, layer: Any, merge_mode: str | None = "concat", weights: Any = None,
                 backward_layer: Any = None, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance, e.g. "
                f"`Bidirectional(LSTM(8))`. Received: {layer!r}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                f"`backward_layer` need to be a `keras.layers.Layer` instance. Received: {backward_layer!r}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode!r}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        super().__init__(**kwargs)
        base = layer.name[len("forward_"):] if layer.name.startswith("forward_") else layer.name
        self.forward_layer = _clone(layer, f"forward_{base}")
        if backward_layer is None:
            base = layer.name[len("backward_"):] if layer.name.startswith("backward_") else layer.name
            backward_layer = _clone(layer, f"backward_{base}", go_backwards=True)
        self.backward_layer = backward_layer
        if hasattr(layer, "use_cudnn"):
            self.forward_layer.use_cudnn = self.backward_layer.use_cudnn = layer.use_cudnn
        self._verify()
        for copy in (self.forward_layer, self.backward_layer):
            if getattr(copy, "zero_output_for_mask", None) is not None:
                copy.zero_output_for_mask = copy.return_sequences
        self.merge_mode = merge_mode
        self._strata_initial_weights = list(weights) if weights else None
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True

    def _verify(self) -> None:
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` value. Received: "
                f"forward_layer.go_backwards {forward.go_backwards}, backward_layer.go_backwards="
                f"{backward.go_backwards}. Create the backward layer with `go_backwards=True`."
            )
        for name in ("stateful", "return_sequences", "return_state"):
            if getattr(forward, name) != getattr(backward, name):
                raise ValueError(
                    f'Forward layer and backward layer are expected to have the same value for attribute '
                    f'"{name}", got "{getattr(forward, name)}" for forward layer and '
                    f'"{getattr(backward, name)}" for backward layer'
                )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        check_sequence_input(self, args[0] if args else kwargs.get("sequences"),
                             getattr(self.forward_layer, "_sequence_ndim", 3))
        return super().__call__(*args, **kwargs)

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        self.forward_layer._maybe_build(tuple(sequences_shape))
        self.backward_layer._maybe_build(tuple(sequences_shape))
        if self._strata_initial_weights is not None:
            half = len(self._strata_initial_weights) // 2
            self.forward_layer.set_weights(self._strata_initial_weights[:half])
            self.backward_layer.set_weights(self._strata_initial_weights[half:])
            self._strata_initial_weights = None

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None,
             training: bool | None = None) -> Any:
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, mask=mask, training=training)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, mask=mask, training=training)
        states: list = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = jnp.flip(y_rev, axis=1)
        if self.merge_mode == "concat":
            output = jnp.concatenate([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = y + y_rev
        elif self.merge_mode == "ave":
            output = (y + y_rev) / 2
        elif self.merge_mode == "mul":
            output = y * y_rev
        else:
            output = [y, y_rev]
        if self.return_state:
            return (output if self.merge_mode is None else [output]) + states
        return output

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        shape = self.forward_layer.compute_output_shape(tuple(sequences_shape))
        states: list = []
        if self.return_state:
            shape, states = shape[0], list(shape[1:])
        if self.merge_mode == "concat":
            shape = tuple(shape[:-1]) + (shape[-1] * 2,)
        outputs = [shape, shape] if self.merge_mode is None else [shape]
        if self.return_state:
            return outputs + states + states
        return outputs if self.merge_mode is None else shape

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        output_masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            return output_masks + [None] * (2 * len(self.forward_layer.state_size))
        return output_masks if self.merge_mode is None else output_mask

    def reset_state(self) -> None:
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self) -> None:
        self.reset_state()

    def get_config(self) -> dict:
        from strata.saving.serialization import serialize_layer

        config = super().get_config()
        config["merge_mode"] = self.merge_mode
        config["layer"] = serialize_layer(self.forward_layer)
        config["backward_layer"] = serialize_layer(self.backward_layer)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Bidirectional":
        from strata.saving.serialization import deserialize_layer

        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize_layer(backward, custom_objects)
        return cls(layer, backward_layer=backward, **config)
