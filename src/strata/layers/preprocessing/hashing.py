"""``Hashing``: strings or integers into a fixed number of bins, by hash (host-side).

The bin of a value is ``hash(text) % num_bins`` where ``text`` is the UTF-8 string, or the decimal
form of an integer (floats are truncated to integers first).  Without ``salt`` the hash is FarmHash
``Fingerprint64``; with ``salt`` it is SipHash-2-4 keyed by the salt (see :mod:`.string_hash`), so
bins equal Keras's.  With ``mask_value``, that value goes to bin 0 and the others share bins
``1 .. num_bins - 1``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata import config as strata_config
from strata.layers.preprocessing.categorical_encoding import encode_categorical
from strata.layers.preprocessing.host_layer import HostLayer, as_text_array
from strata.layers.preprocessing.string_hash import hash_buckets


class Hashing(HostLayer):
    """Hashes values into ``num_bins`` bins (``keras.layers.Hashing``), on the host.

    Args:
        num_bins: the number of bins (mask bin included when ``mask_value`` is set).
        mask_value: a value that always goes to bin 0 (None: no mask).
        salt: an int or a pair of ints; when given, a keyed SipHash replaces FarmHash.
        output_mode: ``"int"`` (bin indices), ``"one_hot"``, ``"multi_hot"`` or ``"count"``.
        sparse: must stay False (sparse outputs need TensorFlow).

    Example:
        >>> Hashing(num_bins=3)([["A"], ["B"], ["C"], ["D"], ["E"]]).tolist()
        [[1], [0], [1], [1], [2]]
    """

    _config_args = ("num_bins", "salt", "mask_value", "output_mode", "sparse")

    def __init__(self, num_bins: int, mask_value: Any = None, salt: Any = None, output_mode: str = "int",
                 sparse: bool = False, **kwargs: Any) -> None:
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else strata_config.floatx()
        super().__init__(**kwargs)
        if num_bins is None or isinstance(num_bins, bool) or num_bins <= 0:
            raise ValueError("The `num_bins` for `Hashing` cannot be `None` or non-positive values. "
                             f"Received: num_bins={num_bins}.")
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError("When `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or 'int64'. "
                             f"Received: dtype={kwargs['dtype']}")
        allowed = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in allowed:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {allowed}. "
                             f"Received: output_mode={output_mode}")
        if sparse and output_mode == "int":
            raise ValueError("`sparse` may only be true if `output_mode` is `\"one_hot\"`, `\"multi_hot\"`, or "
                             f"`\"count\"`. Received: sparse={sparse} and output_mode={output_mode}")
        if sparse:
            raise ValueError("`sparse=True` is not supported by strata's Hashing (Keras supports it only on the "
                             "TensorFlow backend). Use the default `sparse=False`.")
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = [int(s) for s in salt]
            elif isinstance(salt, int) and not isinstance(salt, bool):
                salt = [salt, salt]
            else:
                raise ValueError("The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a "
                                 f"single integer. Received: salt={salt}.")
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.salt = salt
        self.output_mode = output_mode
        self.sparse = False

    def _values(self, inputs: Any) -> np.ndarray:
        array = np.asarray(inputs) if not isinstance(inputs, list) else np.array(inputs)
        if array.dtype.kind in "USO":
            return as_text_array(array)
        if array.dtype.kind == "f":
            return array.astype(np.int64)
        return array

    def _bins(self, values: np.ndarray) -> np.ndarray:
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = values == self.mask_value if values.dtype != object else np.fromiter(
                (v == self.mask_value for v in values.reshape(-1)), dtype=bool, count=values.size
            ).reshape(values.shape)
        out = hash_buckets(values, bins, None if self.salt is None else tuple(self.salt))
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return out

    def call(self, inputs: Any) -> np.ndarray:
        values = self._values(inputs)
        if self.output_mode == "one_hot" and values.ndim and values.shape[-1] == 1:
            values = values.reshape(values.shape[:-1])
        return encode_categorical(np, self._bins(values), self.output_mode, self.num_bins, self.dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if not input_shape:
            return (self.num_bins,)
        return input_shape[:-1] + (self.num_bins,)
