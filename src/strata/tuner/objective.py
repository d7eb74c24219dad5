"""``Objective``: which logged metric a search optimises, and in which direction.

A string objective infers its direction as KerasTuner does: ``val_`` and ``weighted_`` prefixes
are stripped, ``loss``/``crossentropy``/``ce`` are minimised, ``acc`` and the accuracy metrics,
AUC, precision, recall ... are maximised, any other Keras metric or loss is minimised.  A list of
objectives minimises ``sum(minimised) - sum(maximised)``.

Example:
    >>> from strata.tuner import Objective
    >>> from strata.tuner.objective import create_objective
    >>> print(create_objective("val_accuracy"))
    Objective(name="val_accuracy", direction="max")
"""

from __future__ import annotations

from typing import Any

_MAX_CLASSES = ("Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
                "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "TruePositives", "TrueNegatives",
                "Precision", "Recall", "AUC", "SensitivityAtSpecificity", "SpecificityAtSensitivity")
_MAX_FUNCTIONS = ("accuracy", "categorical_accuracy", "binary_accuracy", "sparse_categorical_accuracy")


class Objective:
    """A metric name and a direction, ``"min"`` or ``"max"``."""

    def __init__(self, name: str, direction: str) -> None:
        if direction not in ("min", "max"):
            raise ValueError(f"Objective direction must be 'min' or 'max'. Received: direction={direction!r}.")
        self.name = name
        self.direction = direction

    def has_value(self, logs: dict) -> bool:
        return self.name in logs

    def get_value(self, logs: dict) -> Any:
        return logs[self.name]

    def better_than(self, a: float, b: float) -> bool:
        return (a > b and self.direction == "max") or (a < b and self.direction == "min")

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Objective) and (self.name, self.direction) == (other.name, other.direction)

    def __str__(self) -> str:
        return f'Objective(name="{self.name}", direction="{self.direction}")'

    __repr__ = __str__


class DefaultObjective(Objective):
    """Used when ``objective=None``: ``fit`` must return a float (or a dict with this key), minimised."""

    def __init__(self) -> None:
        super().__init__("default_objective", "min")


class MultiObjective(Objective):
    """Several objectives folded into one minimised score."""

    def __init__(self, objectives: list[Objective]) -> None:
        super().__init__("multi_objective", "min")
        self.objectives = objectives
        self.name_to_direction = {obj.name: obj.direction for obj in objectives}

    def has_value(self, logs: dict) -> bool:
        return all(name in logs for name in self.name_to_direction)

    def get_value(self, logs: dict) -> float:
        return sum(logs[n] if d == "min" else -logs[n] for n, d in self.name_to_direction.items())

    def __str__(self) -> str:
        return f"Objective(name=\"{self.name}\", direction=\"min\", objectives={[str(o) for o in self.objectives]})"


def infer_direction(name: str) -> str | None:
    """``"min"``, ``"max"`` or ``None`` for a logged metric name."""
    from strata import losses, metrics

    base = name[4:] if name.startswith("val_") else name
    base = base[9:] if base.startswith("weighted_") else base
    if base in ("loss", "crossentropy", "ce"):
        return "min"
    if base == "acc":
        return "max"
    for family in (metrics, losses):
        try:
            found = family.deserialize(base)
        except Exception:
            continue
        names = {type(found).__name__, getattr(found, "__name__", ""),
                 getattr(getattr(found, "fn", None), "__name__", "")}
        return "max" if names & set(_MAX_CLASSES + _MAX_FUNCTIONS) else "min"
    return None


def create_objective(objective: Any) -> Objective:
    """An :class:`Objective` from ``None``, a string, an ``Objective`` or a list of them."""
    if objective is None:
        return DefaultObjective()
    if isinstance(objective, list):
        return MultiObjective([create_objective(o) for o in objective])
    if isinstance(objective, Objective):
        return objective
    if not isinstance(objective, str):
        raise TypeError(f"`objective` not understood, expected str or `Objective` object, found: {objective}")
    direction = infer_direction(objective)
    if direction is None:
        raise ValueError(f'Could not infer optimization direction ("min" or "max") for unknown metric '
                         f'"{objective}". Please specify the objective  asa `keras_tuner.Objective`, for example '
                         f'`keras_tuner.Objective("{objective}", direction="min")`.')
    return Objective(objective, direction)
