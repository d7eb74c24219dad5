"""The ``Metric`` objects a compiled model lists in ``model.metrics``, as Keras lists them.

strata's built-in compiled steps keep the loss trackers and the compiled metrics as plain arrays
(:mod:`strata.training.programs`).  A user's ``train_step`` works with Metric objects instead:
``self.metrics`` starts with a ``Mean(name="loss")`` tracker and, when ``compile`` received metrics, a
``"compile_metrics"`` metric whose state is the state of every compiled metric and whose result is a
dict of their results.  :class:`CompileMetricsMetric` is that second object: a view of the
:class:`~strata.training.compile_metrics.CompileMetrics` entries, so ``stateless_update_state`` and
``stateless_result`` work on it like on any metric.
"""

from __future__ import annotations

from typing import Any

import jax

from strata.metrics.metric import Metric


class CompileMetricsMetric(Metric):
    """All metrics given to ``compile`` as one metric named ``"compile_metrics"``.

    Args:
        compile_metrics: the model's built ``CompileMetrics``.

    ``update_state(y_true, y_pred, sample_weight=None)`` updates every entry with its output (the
    ``weighted_metrics`` with ``sample_weight``, the others without); ``result()`` is
    ``{name: value}`` in the order of :attr:`names`.
    """

    def __init__(self, compile_metrics: Any) -> None:
        super().__init__(name="compile_metrics")
        object.__setattr__(self, "_compiled", compile_metrics)

    @property
    def metrics(self) -> list[Metric]:
        """The compiled metric objects, in order."""
        return [entry.metric for entry in self._compiled.entries]

    @property
    def names(self) -> list[str]:
        """The names the results are logged under (``"<output>_<name>"`` for several outputs)."""
        return list(self._compiled.names)

    @property
    def variables(self) -> list:
        variables = []
        for metric in self.metrics:
            variables.extend(metric.variables)
        return variables

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = jax.tree_util.tree_leaves(y_true)
        y_pred = jax.tree_util.tree_leaves(y_pred)
        for entry in self._compiled.entries:
            weight = sample_weight if entry.weighted else None
            entry.metric.update_state(y_true[entry.output], y_pred[entry.output], sample_weight=weight)

    def result(self) -> dict[str, Any]:
        return {entry.name: entry.metric.result() for entry in self._compiled.entries}

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()
