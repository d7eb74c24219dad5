"""``CompileMetrics``: the ``metrics`` and ``weighted_metrics`` of ``compile``, resolved per output.

Names follow Keras (KERAS_NOTES §3.3): a metric given as a string keeps the string as its name,
``"accuracy"``/``"acc"`` become binary, sparse or categorical accuracy from the shapes of the
targets and predictions, a weighted metric whose name clashes gets the ``weighted_`` prefix, and
multi-output models prefix the output name.  Unweighted metrics see only the padding mask;
weighted metrics see ``sample_weight`` (or ``class_weight``) times the mask.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.core import naming


def _accuracy_class(y_true_shape: tuple, y_pred_shape: tuple) -> type:
    from strata import metrics as metrics_module

    if y_pred_shape[-1] == 1:
        return metrics_module.BinaryAccuracy
    if len(y_true_shape) < len(y_pred_shape) or (y_true_shape[-1] == 1 and y_pred_shape[-1] > 1):
        return metrics_module.SparseCategoricalAccuracy
    return metrics_module.CategoricalAccuracy


def resolve_metric(identifier: Any, y_true_shape: tuple, y_pred_shape: tuple) -> Any:
    """A metric object for one identifier, named as Keras names it."""
    from strata import metrics as metrics_module

    if isinstance(identifier, str):
        if identifier in ("accuracy", "acc"):
            return _accuracy_class(y_true_shape, y_pred_shape)(name=identifier)
        obj = metrics_module.get(identifier)
        if isinstance(obj, metrics_module.Metric):
            obj.name = identifier
            return obj
        return metrics_module.MeanMetricWrapper(obj, name=identifier)
    if isinstance(identifier, metrics_module.Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, metrics_module.Metric):
        return identifier()
    if callable(identifier):
        name = naming.to_snake_case(getattr(identifier, "__name__", "metric"))
        return metrics_module.MeanMetricWrapper(identifier, name=name)
    raise ValueError(
        f"Could not interpret metric identifier: {identifier!r}. Pass a metric name such as "
        "'accuracy' or 'mae', a `strata.metrics.Metric` instance, or a function (y_true, y_pred)."
    )


class _Entry:
    def __init__(self, name: str, metric: Any, output: int, weighted: bool) -> None:
        self.name = name
        self.metric = metric
        self.output = output
        self.weighted = weighted
        metric.reset_state()
        self.initial = [np.array(v.value) for v in metric.variables]


class CompileMetrics:
    """Metric objects per output, with pure update and result functions for the compiled steps."""

    def __init__(self, metrics: Any, weighted_metrics: Any, output_names: list[str]) -> None:
        self.metrics_config = metrics
        self.weighted_metrics_config = weighted_metrics
        self.output_names = list(output_names)
        self.entries: list[_Entry] = []
        self.built = False
        self.broadcast = False  # a flat metrics list applied to every output (tf.keras 2 behaviour)

    def _per_output(self, value: Any, argument: str) -> list[list[Any]]:
        count = len(self.output_names)
        if value is None:
            return [[] for _ in range(count)]
        if isinstance(value, dict):
            unknown = [key for key in value if key not in self.output_names]
            if unknown:
                raise ValueError(
                    f"In the dict argument `{argument}`, key {unknown[0]!r} does not correspond to any "
                    f"model output. Received: {argument}={value}. Valid output names: {self.output_names}"
                )
            return [_as_list(value.get(name)) for name in self.output_names]
        if not isinstance(value, (list, tuple)):
            raise TypeError(
                f"`{argument}` should be a list, tuple or dict of metrics. Received: {argument}={value!r}. "
                f"For one metric write `{argument}=[{value!r}]`."
            )
        if count > 1 and len(value) == count and all(isinstance(v, (list, tuple)) or v is None for v in value):
            return [_as_list(v) for v in value]
        # A flat list applies to every output (tf.keras 2 behaviour that course code relies on).
        if count > 1 and value:
            self.broadcast = True
        return [list(value) for _ in range(count)]

    def build(self, y_true_shapes: list[tuple], y_pred_shapes: list[tuple]) -> None:
        """Resolve the identifiers against the shapes of targets and predictions."""
        if self.built:
            return
        multi = len(self.output_names) > 1
        plain = self._per_output(self.metrics_config, "metrics")
        weighted = self._per_output(self.weighted_metrics_config, "weighted_metrics")
        for output, identifiers in enumerate(plain):
            for identifier in identifiers:
                metric = resolve_metric(identifier, y_true_shapes[output], y_pred_shapes[output])
                _build(metric, y_true_shapes[output], y_pred_shapes[output])
                self._add(metric, output, False, multi)
        for output, identifiers in enumerate(weighted):
            for identifier in identifiers:
                metric = resolve_metric(identifier, y_true_shapes[output], y_pred_shapes[output])
                _build(metric, y_true_shapes[output], y_pred_shapes[output])
                self._add(metric, output, True, multi)
        self.built = True

    def _add(self, metric: Any, output: int, weighted: bool, multi: bool) -> None:
        name = metric.name
        if multi:
            name = f"{self.output_names[output]}_{name}"
        if weighted and any(entry.name == name for entry in self.entries):
            name = f"weighted_{name}"
        self.entries.append(_Entry(name, metric, output, weighted))

    @property
    def names(self) -> list[str]:
        return [entry.name for entry in self.entries]

    def initial_values(self) -> list[list[Any]]:
        """Host copies of every metric's initial variable values (no device work, no compiles)."""
        return [[np.array(v) for v in entry.initial] for entry in self.entries]

    def update(self, values: list[list[Any]], y_true: list[Any], y_pred: list[Any],
               sample_weight: Any, mask: Any) -> list[list[Any]]:
        """Pure: the metric values after one batch (padded rows carry zero weight)."""
        new_values = []
        for entry, current in zip(self.entries, values):
            weight = mask
            if entry.weighted and sample_weight is not None:
                weight = sample_weight * mask
            pred = y_pred[entry.output]
            new_values.append(list(entry.metric.stateless_update_state(
                current, y_true[entry.output], pred, sample_weight=weight.astype(pred.dtype))))
        return new_values

    def results(self, values: list[list[Any]]) -> dict[str, Any]:
        """Pure: metric results by name."""
        return {entry.name: entry.metric.stateless_result(current)
                for entry, current in zip(self.entries, values)}

    def signature(self) -> tuple:
        """What of the metrics shapes a compiled program (for program caching)."""
        return tuple((entry.name, type(entry.metric).__qualname__, repr(_config(entry.metric)),
                      entry.output, entry.weighted) for entry in self.entries)


def _config(metric: Any) -> Any:
    fn = getattr(metric, "_fn", None) or getattr(metric, "fn", None)
    user_fn = fn is not None and not (getattr(fn, "__module__", "") or "").startswith("strata.")
    if not type(metric).__module__.startswith("strata.") or user_fn:
        return ("user", id(metric))  # user code is not shared between models
    return sorted(metric.get_config().items())


def _build(metric: Any, y_true_shape: tuple, y_pred_shape: tuple) -> None:
    """Metrics whose variables depend on the data's shape (R2Score, multi-label AUC) build here."""
    if hasattr(metric, "build") and not getattr(metric, "built", True):
        metric.build(y_true_shape, y_pred_shape)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]
