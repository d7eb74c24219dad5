"""What ``SimpleRNN``, ``LSTM`` and ``GRU`` share: an ``RNN`` that builds its own cell.

Such a layer takes the cell's arguments itself (``LSTM(16, dropout=0.2)``), exposes them as
read-only properties (``layer.units`` reads ``layer.cell.units``) and writes one flat config: the
``RNN`` keys followed by the cell's, with ``activity_regularizer`` — as Keras does.
"""

from __future__ import annotations

from typing import Any

from strata.layers.rnn.rnn import RNN

_RNN_KEYS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask")
_CELL_ATTRIBUTES = frozenset({
    "units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias", "reset_after",
    "kernel_initializer", "recurrent_initializer", "bias_initializer", "kernel_regularizer",
    "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
    "bias_constraint", "dropout", "recurrent_dropout", "seed"})


class CellRNN(RNN):
    """Base of the recurrent layers that own their cell (not a Keras name)."""

    _writes_seed = True  # SimpleRNN's config has no "seed" key in Keras

    def __init__(self, cell: Any, rnn_arguments: dict, kwargs: dict) -> None:
        use_cudnn = kwargs.pop("use_cudnn", "auto")
        kwargs.pop("implementation", None)
        super().__init__(cell, **rnn_arguments, **kwargs)
        self.use_cudnn = use_cudnn  # accepted for Keras compatibility; the scan is used everywhere

    @staticmethod
    def cell_kwargs(kwargs: dict) -> dict:
        """The keyword arguments a layer passes on to its cell (dtype and trainable)."""
        return {"dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True)}

    def __getattr__(self, name: str) -> Any:
        cell = self.__dict__.get("cell")
        if name in _CELL_ATTRIBUTES and cell is not None:
            return getattr(cell, name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def get_config(self) -> dict:
        from strata import regularizers
        from strata.mixed_precision.policies import serialize as serialize_policy

        config = {"name": self.name, "trainable": self.trainable, "dtype": serialize_policy(self.dtype_policy)}
        config.update({key: getattr(self, key) for key in _RNN_KEYS})
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        if not self._writes_seed:
            cell_config.pop("seed", None)
        config.update(cell_config)
        config["activity_regularizer"] = (None if self.activity_regularizer is None
                                          else regularizers.serialize(self.activity_regularizer))
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "CellRNN":
        from strata.layers import layer_config

        return cls(**layer_config.deserialize_arguments(config, custom_objects))
