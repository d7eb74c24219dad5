"""``explain_prediction``: a Dense network's prediction written out neuron by neuron.

What a neuron does is a weighted sum of its inputs plus a bias, passed through an activation.
For one input row, this module writes that sum out term by term for every neuron of every layer::

    L1N0: 0.5*1.2 + (-0.3)*0.7 + 0.1 = 0.49 -> relu = 0.49

so a prediction can be followed (and checked) by hand, as the course does for XOR.  Neurons are
named as in :func:`strata.explain.weight_table`: ``L0N0`` is the first input, ``L1N0`` the first
neuron of the first Dense layer.  Each layer's activation is applied to the layer's whole sum
vector with the model's own function (softmax needs all of them), so the last values equal
``model.predict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class NeuronExplanation:
    """One neuron: ``value = activation(sum(inputs * weights) + bias)``."""

    name: str
    inputs: np.ndarray
    weights: np.ndarray
    bias: float
    sum: float
    activation: str
    value: float


@dataclass
class LayerExplanation:
    """One Dense layer: its name, activation name and neurons."""

    name: str
    activation: str
    neurons: list[NeuronExplanation] = field(default_factory=list)


def _number(value: float, precision: int) -> str:
    text = f"{float(value):.{precision}g}"
    return f"({text})" if text.startswith("-") else text


@dataclass
class PredictionExplanation:
    """The worked-out prediction: ``layers`` (per layer, per neuron), ``output`` (``model.predict``).

    ``str()`` gives the text, numbers rounded to ``precision`` significant digits.
    """

    inputs: np.ndarray
    layers: list[LayerExplanation]
    output: np.ndarray
    precision: int = 4

    def neuron_line(self, neuron: NeuronExplanation) -> str:
        """``"L1N0: 0.5*1.2 + (-0.3)*0.7 + 0.1 = 0.49 -> relu = 0.49"`` for one neuron."""
        p = self.precision
        terms = [f"{_number(i, p)}*{_number(w, p)}" for i, w in zip(neuron.inputs, neuron.weights)]
        terms.append(_number(neuron.bias, p))
        return (f"{neuron.name}: {' + '.join(terms)} = {float(neuron.sum):.{p}g} "
                f"-> {neuron.activation} = {float(neuron.value):.{p}g}")

    def __str__(self) -> str:
        p = self.precision
        lines = ["Inputs: " + ", ".join(f"L0N{i} = {float(v):.{p}g}" for i, v in enumerate(self.inputs))]
        for number, layer in enumerate(self.layers, start=1):
            lines.append(f"Layer {number}: {layer.name} (Dense, activation={layer.activation})")
            lines.extend("  " + self.neuron_line(neuron) for neuron in layer.neurons)
        lines.append("Output: " + ", ".join(f"{float(v):.{p}g}" for v in np.ravel(self.output)))
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def activation_name(layer: Any) -> str:
    """The name of a layer's activation (``"linear"`` when it has none)."""
    from strata import activations

    try:
        name = activations.serialize(getattr(layer, "activation", None))
    except ValueError:
        name = None
    if isinstance(name, str):
        return name
    function = layer.activation
    return getattr(function, "__name__", type(function).__name__)


def dense_chain(model: Any, what: str) -> list[Any]:
    """The model's Dense layers in order; a clear error for any other layer or a branching graph."""
    from strata.layers.core.dense import Dense
    from strata.layers.core.input_layer import InputLayer

    if not getattr(model, "built", False):
        raise ValueError(f"{what} needs a built model: call it on data or build it with an `Input` first. "
                         f"Received: an unbuilt model '{model.name}'")
    layers = [layer for layer in model.layers if not isinstance(layer, InputLayer)]
    others = [f"{layer.name} ({type(layer).__name__})" for layer in layers if not isinstance(layer, Dense)]
    if others or not layers:
        raise ValueError(
            f"{what} explains networks made only of Dense layers. Model '{model.name}' also has "
            f"{', '.join(others) or 'no Dense layer'}. Pass a model like "
            "`Sequential([Input((2,)), Dense(2, activation='sigmoid'), Dense(1)])`.")
    for before, layer in zip(layers, layers[1:]):
        nodes = layer._inbound_nodes
        if nodes and before._inbound_nodes and not any(
                t is before._inbound_nodes[0].output_tensors[0] for t in nodes[0].input_tensors):
            raise ValueError(f"{what} needs a chain of Dense layers; layer '{layer.name}' does not take the "
                             f"output of '{before.name}'.")
    return layers


def explain_prediction(model: Any, x: Any, precision: int = 4) -> PredictionExplanation:
    """Compute ``model``'s prediction for one row ``x`` by hand, neuron by neuron.

    Args:
        model: a built model made of Dense layers only (Sequential or a Functional chain).
        x: one input row, shape ``(features,)`` or ``(1, features)``.
        precision: significant digits of the numbers in the text.

    Returns:
        A :class:`PredictionExplanation`; ``str()`` of it is the worked-out text.

    Example:
        >>> import strata
        >>> model = strata.Sequential([strata.Input((2,)), strata.layers.Dense(1, activation="relu")])
        >>> model.set_weights([np.array([[1.2], [0.7]]), np.array([0.1])])
        >>> explanation = explain_prediction(model, np.array([[0.5, -0.3]]))
        >>> explanation.neuron_line(explanation.layers[0].neurons[0])
        'L1N0: 0.5*1.2 + (-0.3)*0.7 + 0.1 = 0.49 -> relu = 0.49'
    """
    import jax.numpy as jnp

    layers = dense_chain(model, "explain_prediction")
    row = np.asarray(x, dtype=np.float32)
    if row.ndim == 1:
        row = row[None, :]
    if row.ndim != 2 or row.shape[0] != 1:
        raise ValueError("explain_prediction explains one input row, of shape (features,) or (1, features). "
                         f"Received: x with shape {np.shape(x)}. Pass a single row, e.g. `x[:1]`.")
    features = layers[0].kernel.shape[0]
    if row.shape[1] != features:
        raise ValueError(f"The model takes {features} features per row. Received: x with shape {np.shape(x)}")
    explained, values = [], row[0]
    for layer in layers:
        kernel = np.asarray(layer.kernel.numpy())
        bias = np.asarray(layer.bias.numpy()) if layer.bias is not None else np.zeros(kernel.shape[1], np.float32)
        sums = (values[None, :] @ kernel)[0] + bias
        outputs = np.asarray(layer.activation(jnp.asarray(sums[None, :])))[0]
        name = activation_name(layer)
        number = len(explained) + 1
        neurons = [NeuronExplanation(f"L{number}N{j}", values.copy(), kernel[:, j].copy(), float(bias[j]),
                                     float(sums[j]), name, float(outputs[j])) for j in range(kernel.shape[1])]
        explained.append(LayerExplanation(layer.name, name, neurons))
        values = outputs
    output = np.asarray(model.predict(row, verbose=0))
    return PredictionExplanation(row[0], explained, output, precision)
