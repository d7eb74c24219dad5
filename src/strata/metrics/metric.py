"""The ``Metric`` base class: state variables, updates, results, and their pure (stateless) forms.

A metric owns non-trainable :class:`~strata.core.variable.Variable` accumulators created with
``add_variable``.  ``update_state`` folds one batch into them with ``variable.assign``, ``result``
reads them, ``reset_state`` puts them back to their initial values.

The compiled training step cannot mutate Python objects, so every metric also has a pure form:
``stateless_update_state(values, ...)`` runs ``update_state`` inside a
:class:`~strata.core.scope.StatelessScope` that maps each variable to the given array and collects
the assignments instead of applying them.  A user subclass that only writes ``update_state`` and
``result`` therefore works inside ``jax.jit`` too.
"""

from __future__ import annotations

from typing import Any

from strata.core import naming
from strata.core.scope import StatelessScope
from strata.core.variable import Variable, standardize_dtype


_RESETTING: set[int] = set()  # metrics whose reset_state is running (guards reference cycles)


class Metric:
    """Base class of metrics (``keras.metrics.Metric``).

    Subclasses create their state in ``__init__`` with :meth:`add_variable`, accumulate it in
    ``update_state`` with ``variable.assign(...)`` and compute the value in ``result``.

    Args:
        name: Name of the metric; defaults to the snake-cased class name made unique.
        dtype: Dtype of the state and computations; defaults to ``floatx()``.

    Example:
        >>> import jax.numpy as jnp
        >>> class Total(Metric):
        ...     def __init__(self, name="total", dtype=None):
        ...         super().__init__(name=name, dtype=dtype)
        ...         self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        ...     def update_state(self, values, sample_weight=None):
        ...         self.total.assign(self.total + jnp.sum(jnp.asarray(values, self.dtype)))
        ...     def result(self):
        ...         return self.total.value
        >>> metric = Total()
        >>> float(metric([1.0, 2.0]))
        3.0
        >>> [float(v) for v in metric.stateless_update_state([jnp.zeros(())], [4.0])]
        [4.0]
    """

    #: ``"up"`` when larger is better, ``"down"`` when smaller is better, ``None`` when unknown
    #: (``EarlyStopping(mode="auto")`` reads it).
    _direction: str | None = None

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Argument `name` must be a string. Received: name={name!r}")
        object.__setattr__(self, "_variables", [])
        object.__setattr__(self, "_metrics", [])
        object.__setattr__(self, "_initial_values", {})
        self.name = name or naming.auto_name(naming.to_snake_case(type(self).__name__))
        self._dtype = standardize_dtype(getattr(dtype, "compute_dtype", dtype))

    # -- tracking ----------------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        tracked = self.__dict__.get("_variables")
        if tracked is None and isinstance(value, (Variable, Metric)):
            raise RuntimeError(
                f"You forgot to call `super().__init__()` in the `__init__()` method of "
                f"{type(self).__name__}. Call it before creating variables or nested metrics."
            )
        if isinstance(value, Variable) and all(v is not value for v in tracked):
            tracked.append(value)
            self._initial_values.setdefault(id(value), value.value)
        elif isinstance(value, Metric) and value is not self and all(m is not value for m in self._metrics):
            self._metrics.append(value)
        object.__setattr__(self, name, value)

    def _metric_tree(self) -> list["Metric"]:
        """This metric and the metrics nested in it, depth first, each once.

        A nested metric may refer back to its owner (``self.inner.owner = self``): walking with a set
        of visited metrics keeps ``variables``, ``reset_state`` and the stateless methods finite.
        """
        order, seen, stack = [], set(), [self]
        while stack:
            metric = stack.pop()
            if id(metric) in seen:
                continue
            seen.add(id(metric))
            order.append(metric)
            stack.extend(reversed(metric.__dict__.get("_metrics", [])))
        return order

    @property
    def variables(self) -> list[Variable]:
        """The state variables in creation order, then those of nested metrics."""
        variables: list[Variable] = []
        for metric in self._metric_tree():
            variables.extend(v for v in metric.__dict__.get("_variables", []) if all(v is not w for w in variables))
        return variables

    @property
    def dtype(self) -> str:
        """The dtype the metric computes in."""
        return self._dtype

    def add_variable(
        self,
        shape: Any,
        initializer: Any,
        dtype: Any = None,
        aggregation: str = "sum",
        name: str | None = None,
    ) -> Variable:
        """Create a non-trainable state variable, tracked in :attr:`variables`.

        Args:
            shape: Shape of the variable (``()`` for a scalar).
            initializer: An initializer object, its name (``"zeros"``) or a callable
                ``(shape, dtype) -> array``.
            dtype: Dtype of the variable; defaults to ``floatx()``.
            aggregation: How replicas combine it (recorded, as in Keras).
            name: Name of the variable; its path is ``"<metric name>/<name>"``.
        """
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                f"You forgot to call `super().__init__()` in the `__init__()` method of "
                f"{type(self).__name__}. Call it before `add_variable`."
            )
        if initializer is None:
            raise ValueError(
                f"Argument `initializer` of `add_variable` is required. Received: initializer=None. "
                "Pass e.g. initializer='zeros'."
            )
        with naming.name_scope(self.name.replace("/", ">")):
            variable = Variable(
                initializer,
                shape=tuple(shape),
                dtype=dtype,
                trainable=False,
                aggregation=aggregation,
                synchronization="on_read",
                name=name,
            )
        self._variables.append(variable)
        self._initial_values[id(variable)] = variable.value
        return variable

    def add_weight(self, shape: Any = (), initializer: Any = None, dtype: Any = None, name: str | None = None):
        """Alias of :meth:`add_variable` (Keras keeps both names)."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    # -- the stateful API --------------------------------------------------------------------------
    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Fold one batch into the state; subclasses must override this."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_state()`.")

    def result(self) -> Any:
        """The metric's value from the current state; subclasses must override this."""
        raise NotImplementedError(f"{type(self).__name__} must implement `result()`.")

    def reset_state(self) -> None:
        """Put every state variable back to the value it was created with."""
        for variable in self._variables:
            variable.assign(self._initial_values[id(variable)])
        if id(self) in _RESETTING:  # a nested metric that refers back to this one
            return
        _RESETTING.add(id(self))
        try:
            for metric in self._metrics:
                metric.reset_state()
        finally:
            _RESETTING.discard(id(self))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Update the state with one batch and return the new result."""
        self.update_state(*args, **kwargs)
        return self.result()

    # -- the pure API ------------------------------------------------------------------------------
    def _check_values(self, metric_values: Any) -> list[Any]:
        metric_values = list(metric_values)
        expected = len(self.variables)
        if len(metric_values) != expected:
            raise ValueError(
                f"Argument `metric_variables` must be a list with one array per variable of "
                f"{type(self).__name__}().variables ({expected}). "
                f"Received a list of length {len(metric_values)}."
            )
        return metric_values

    def stateless_update_state(self, metric_values: Any, *args: Any, **kwargs: Any) -> list[Any]:
        """Pure ``update_state``: the state after one batch, from the state before it.

        Args:
            metric_values: One array per entry of :attr:`variables`, in order.
            *args: What ``update_state`` takes (``y_true, y_pred``, or ``values``).
            **kwargs: Likewise (``sample_weight=``).

        Returns:
            The new arrays, in the same order; the variables themselves are untouched.
        """
        variables = self.variables
        mapping = list(zip(variables, self._check_values(metric_values)))
        with StatelessScope(mapping) as scope:
            self.update_state(*args, **kwargs)
        return [scope.current_value(v) for v in variables]

    def stateless_result(self, metric_values: Any) -> Any:
        """Pure ``result``: the metric's value for the given state arrays."""
        mapping = list(zip(self.variables, self._check_values(metric_values)))
        with StatelessScope(mapping):
            return self.result()

    def stateless_reset_state(self) -> list[Any]:
        """Pure ``reset_state``: the initial state arrays, without touching the variables."""
        variables = self.variables
        with StatelessScope() as scope:
            self.reset_state()
        return [scope.current_value(v) for v in variables]

    # -- serialization -----------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments as a JSON-friendly dict."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Metric":
        """Rebuild a metric from :meth:`get_config`'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"
