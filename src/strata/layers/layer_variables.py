"""The variables of a layer: creating them, the Keras collections that list them, freezing.

``weights`` are the variables a layer creates with :meth:`LayerVariablesMixin.add_weight` (own
trainable, then own non-trainable, in creation order, then each sublayer's).  ``variables`` adds
the ``seed_generator_state`` of each random layer, as Keras 3 does, so that ``stateless_call``
threads it; weight files and ``get_weights`` never include it.

Example:
    >>> from strata import layers
    >>> drop = layers.Dropout(0.5)
    >>> [v.name for v in drop.weights], [v.name for v in drop.non_trainable_variables]
    ([], ['seed_generator_state'])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.core import naming
from strata.core.random import SeedGenerator
from strata.core.variable import Variable, standardize_dtype


class LayerVariablesMixin:
    """``add_weight``, ``trainable``, the weight and variable lists, ``get/set_weights`` and
    ``count_params`` of :class:`~strata.layers.Layer`.

    Expects ``_trainable_variables``, ``_non_trainable_variables``, ``_layers``, ``_trainable``,
    ``_dtype``, ``name`` and ``built``, which ``Layer.__init__`` sets.
    """

    def add_weight(self, shape: Any = None, initializer: Any = None, dtype: Any = None,
                   trainable: bool = True, autocast: bool = True, regularizer: Any = None,
                   constraint: Any = None, aggregation: str = "none",
                   overwrite_with_gradient: bool = False, name: str | None = None) -> Variable:
        """Create a variable owned by this layer (Keras's ``add_weight``)."""
        from strata import constraints, initializers, regularizers

        shape = () if shape is None else tuple(shape)
        dtype = standardize_dtype(dtype, self._dtype)
        if initializer is None:
            initializer = "glorot_uniform" if "float" in dtype else "zeros"
        initializer = initializers.get(initializer)
        with naming.name_scope(self.name, owner=self):
            variable = Variable(initializer, shape=shape, dtype=dtype, trainable=trainable,
                                autocast=autocast, aggregation=aggregation, name=name,
                                regularizer=regularizers.get(regularizer),
                                constraint=constraints.get(constraint))
        variable.overwrite_with_gradient = overwrite_with_gradient
        if not self._trainable:
            variable.trainable = False
        (self._trainable_variables if trainable else self._non_trainable_variables).append(variable)
        return variable

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        for variable in self._trainable_variables:
            variable.trainable = value
        for layer in self._layers:
            layer.trainable = value

    def _flat_layers(self) -> list[Any]:
        """Every sublayer, depth first, each once."""
        seen: dict[int, Any] = {}
        stack = list(reversed(self._layers))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen[id(layer)] = layer
            stack.extend(reversed(layer._layers))
        return list(seen.values())

    @property
    def weights(self) -> list[Variable]:
        """All weights: own trainable then own non-trainable (creation order), then sublayers'."""
        return self._gather_variables(with_seed_states=False)

    @property
    def variables(self) -> list[Variable]:
        """All state: like ``weights``, plus the ``seed_generator_state`` of each random layer (Keras's
        order: own weights, own seed states, then sublayers'), which ``stateless_call`` threads."""
        return self._gather_variables(with_seed_states=True)

    def _gather_variables(self, with_seed_states: bool) -> list[Variable]:
        result = list(self._trainable_variables) + list(self._non_trainable_variables)
        if with_seed_states:
            result += [value.state for value in vars(self).values() if isinstance(value, SeedGenerator)]
        for layer in self._layers:
            result.extend(layer._gather_variables(with_seed_states))
        unique: dict[int, Variable] = {}
        for v in result:
            unique.setdefault(id(v), v)
        return list(unique.values())

    @property
    def trainable_weights(self) -> list[Variable]:
        return [v for v in self.weights if v.trainable] if self._trainable else []

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self._trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    trainable_variables = trainable_weights

    @property
    def non_trainable_variables(self) -> list[Variable]:
        """``non_trainable_weights`` plus the seed states (``variables`` order), as Keras 3."""
        if not self._trainable:
            return self.variables
        return [v for v in self.variables if not v.trainable]

    def get_weights(self) -> list[np.ndarray]:
        """The weights' values as NumPy arrays, in ``weights`` order."""
        return [np.array(v.value) for v in self.weights]

    def set_weights(self, weights: list[Any]) -> None:
        """Set the weights from arrays in ``weights`` order (shapes must match)."""
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of length "
                f"{len(weights)}, but the layer was expecting {len(own)} weights. Pass one array per "
                "weight, in the order of `layer.weights`."
            )
        for variable, value in zip(own, weights):
            if tuple(np.shape(value)) != variable.shape:
                raise ValueError(
                    f"Layer '{self.name}' weight shape {variable.shape} is not compatible with provided "
                    f"weight shape {tuple(np.shape(value))} for variable '{variable.path}'."
                )
            variable.assign(value)

    def count_params(self) -> int:
        """Number of scalars in the layer's weights (the layer must be built)."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built. "
                "Build it first, e.g. by calling it on data or with `layer.build(input_shape)`."
            )
        return int(sum(int(np.prod(v.shape)) for v in self.weights))
