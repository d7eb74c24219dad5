"""``CompileLoss``: the loss given to ``compile``, resolved per model output.

Computes the total training loss (a weighted sum over outputs) on padded batches: the padding rows
are masked out (``Loss.__call__(..., mask=)``), so mean reductions average over the real rows only
and the result equals Keras's loss on the smaller last batch.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from strata import losses as losses_module
from strata.core import bridge

def _as_loss_object(identifier: Any) -> Any:
    if identifier is None:
        return None
    obj = losses_module.get(identifier)
    if isinstance(obj, losses_module.Loss):
        return obj
    if callable(obj):
        return losses_module.LossFunctionWrapper(obj, name=getattr(obj, "__name__", None))
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")


def loss_display_name(identifier: Any) -> str:
    """A name for messages: the string given, or the loss object's name."""
    if isinstance(identifier, str):
        return identifier
    return getattr(identifier, "name", None) or getattr(identifier, "__name__", repr(identifier))


class CompileLoss:
    """Resolve ``loss`` and ``loss_weights`` against the model outputs and compute the total loss.

    Args:
        loss: a loss identifier, or a list/tuple/dict with one per output.
        loss_weights: optional scalar weights per output (list, tuple or dict).
        output_names: names of the model outputs, in order.
    """

    def __init__(self, loss: Any, loss_weights: Any, output_names: list[str]) -> None:
        self.output_names = list(output_names)
        self.config = loss
        self.identifiers = self._per_output(loss, "loss")
        self.objects = [_as_loss_object(identifier) for identifier in self.identifiers]
        weights = self._per_output(loss_weights, "loss_weights") if loss_weights is not None else None
        self.weights = [1.0 if w is None else float(w) for w in weights] if weights else [1.0] * len(self.objects)

    def _per_output(self, value: Any, argument: str) -> list[Any]:
        count = len(self.output_names)
        if isinstance(value, dict):
            unknown = [key for key in value if key not in self.output_names]
            if unknown:
                raise ValueError(
                    f"In the dict argument `{argument}`, key {unknown[0]!r} does not correspond to any "
                    f"model output. Received: {argument}={value}. Valid output names: {self.output_names}"
                )
            return [value.get(name) for name in self.output_names]
        if isinstance(value, (list, tuple)):
            if count == 1 and len(value) != 1 and argument == "loss":
                raise ValueError(
                    f"The model has 1 output, but `{argument}` has {len(value)} entries. "
                    f"Received: {argument}={value}"
                )
            if len(value) != count:
                raise ValueError(
                    f"`{argument}` should have one entry per model output ({count}: {self.output_names}). "
                    f"Received: {argument}={value}"
                )
            return list(value)
        return [value] * count

    @property
    def multi_output(self) -> bool:
        return len(self.output_names) > 1

    def __call__(self, y_true: list[Any], y_pred: list[Any], sample_weight: Any, mask: Any) -> tuple[Any, list[Any]]:
        """Return ``(total, per_output_losses)`` for flat lists of targets and predictions.

        ``mask`` is the ``(B,)`` 0/1 row mask of the padded batch; ``sample_weight`` is ``None`` or a
        per-row weight array.
        """
        # Whole on every device under a distribution: the count of real rows is then local, not an
        # all-reduce in the forward pass that the backward waits for (a second rendezvous per step).
        keep = bridge.constrain_whole(mask > 0)
        per_output = []
        total = jnp.zeros((), jnp.float32)
        for obj, w, truth, pred in zip(self.objects, self.weights, y_true, y_pred):
            if obj is None:
                per_output.append(jnp.zeros((), jnp.float32))
                continue
            weight = None if sample_weight is None else sample_weight.astype(pred.dtype)
            value = jnp.asarray(obj(truth, pred, sample_weight=weight, mask=keep), jnp.float32)
            per_output.append(value)
            total = total + w * value
        return total, per_output


def flat(structure: Any) -> list[Any]:
    """Leaves of a (possibly nested) structure of arrays."""
    return jax.tree_util.tree_leaves(structure)
