"""The five kinds of hyperparameter: ``Int``, ``Float``, ``Choice``, ``Boolean`` and ``Fixed``.

Each kind knows its legal values, its default, its KerasTuner config (so ``search_space_summary``
and the JSON files read the same as KerasTuner's) and how to ask an Optuna trial for a value.
Numbers follow KerasTuner's semantics: ``max_value`` is inclusive, a step makes a finite set
(``min + i*step`` for linear sampling, ``min * step**i`` for log), and ``reverse_log`` crowds the
values near ``max_value``.  Where Optuna has no distribution of that shape (stepped log ranges), the
trial draws the *index* of a legal value, so every drawn value is one KerasTuner could draw.

Example:
    >>> from strata.tuner.hp_types import Int
    >>> list(Int("units", 4, 16, step=4).values)
    [4, 8, 12, 16]
"""

from __future__ import annotations

import math
from typing import Any

SAMPLINGS = ("linear", "log", "reverse_log")


class HyperParameter:
    """The shared part: a name, a default and the conditions under which it is active."""

    def __init__(self, name: str, default: Any = None, conditions: list | None = None) -> None:
        self.name = name
        self._default = default
        self.conditions = list(conditions or [])  # [(parent_name, [parent values]), ...]

    @property
    def default(self) -> Any:
        return self._default

    def is_active(self, values: dict) -> bool:
        return all(parent in values and values[parent] in allowed for parent, allowed in self.conditions)

    def _conditions_config(self) -> list:
        return [{"class_name": "Parent", "config": {"name": p, "values": list(v)}} for p, v in self.conditions]

    def get_config(self) -> dict:
        return {"name": self.name, "default": self.default, "conditions": self._conditions_config()}

    @classmethod
    def from_config(cls, config: dict) -> "HyperParameter":
        config = dict(config)
        conditions = [(c["config"]["name"], list(c["config"]["values"])) for c in config.pop("conditions", [])]
        return cls(**config, conditions=conditions)

    def suggest(self, trial: Any) -> Any:
        """Ask an Optuna trial for a legal value."""
        raise NotImplementedError

    def to_optuna(self, value: Any) -> tuple[Any, Any]:
        """``(distribution, internal value)`` of ``value``, to replay a finished trial into a study."""
        raise NotImplementedError


def _check_number(cls: str, name: str, arg: str, value: Any, integer: bool) -> Any:
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        if integer and isinstance(value, float) and value.is_integer():
            return int(value)
        kind = "an int" if integer else "a number"
        raise ValueError(f"For HyperParameters.{cls}(name='{name}'), `{arg}` must be {kind}. "
                         f"Received: {arg}={value!r}.")
    return value


class _Numerical(HyperParameter):
    """Int and Float: a range, an optional step and a sampling."""

    _integer = False

    def __init__(self, name: str, min_value: Any, max_value: Any, step: Any = None, sampling: str = "linear",
                 default: Any = None, conditions: list | None = None) -> None:
        super().__init__(name, default, conditions)
        kind = type(self).__name__
        self.min_value = _check_number(kind, name, "min_value", min_value, self._integer)
        self.max_value = _check_number(kind, name, "max_value", max_value, self._integer)
        self.sampling = (sampling or "linear").lower()
        if self.sampling not in SAMPLINGS:
            raise ValueError(f"For HyperParameters.{kind}(name='{name}'), `sampling` must be one of "
                             f"{list(SAMPLINGS)}. Received: sampling={sampling!r}.")
        if self._integer and step is None and self.sampling == "linear":
            step = 1
        self.step = None if step is None else _check_number(kind, name, "step", step, self._integer)
        if self.min_value > self.max_value:
            raise ValueError(f"For HyperParameters.{kind}(name='{name}'), min_value {self.min_value} is "
                             f"greater than the max_value {self.max_value}.")
        if self.sampling != "linear" and self.min_value <= 0:
            raise ValueError(f"For HyperParameters.{kind}(name='{name}'), sampling='{self.sampling}' does not "
                             f"support negative values, found min_value: {self.min_value}.")
        if self.sampling != "linear" and self.step is not None and self.step <= 1:
            raise ValueError(f"For HyperParameters.{kind}(name='{name}'), expected step > 1 with "
                             f"sampling='{self.sampling}'. Received: step={self.step}.")
        if self.sampling == "linear" and self.step is not None and self.step <= 0:
            raise ValueError(f"For HyperParameters.{kind}(name='{name}'), `step` must be positive. "
                             f"Received: step={self.step}.")

    @property
    def default(self) -> Any:
        return self.min_value if self._default is None else self._default

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(min_value=self.min_value, max_value=self.max_value, step=self.step, sampling=self.sampling)
        return config

    def _count(self) -> int:
        if self.sampling == "linear":
            return int((self.max_value - self.min_value) // self.step + 1)
        return int(math.log(self.max_value / self.min_value, self.step) + 1e-8) + 1

    def _by_index(self, i: int) -> Any:
        if self.sampling == "linear":
            value = self.min_value + i * self.step
        elif self.sampling == "log":
            value = self.min_value * math.pow(self.step, i)
        else:
            value = self.max_value + self.min_value - self.min_value * math.pow(self.step, i)
        return int(value) if self._integer else value

    def _from_fraction(self, p: float) -> Any:
        top = self.max_value + 1 if self._integer else self.max_value
        if self.sampling == "linear":
            value = self.min_value + p * (top - self.min_value)
        elif self.sampling == "log":
            value = self.min_value * math.pow(top / self.min_value, p)
        else:
            value = top + self.min_value - self.min_value * math.pow(top / self.min_value, 1 - p)
        return int(value) if self._integer else value

    @property
    def values(self) -> tuple:
        """The grid of this range: every stepped value, or ten evenly spread ones without a step."""
        if self.step is None:
            return tuple({self._from_fraction(i * 0.1 + 0.05) for i in range(10)})
        return tuple(self._by_index(i) for i in range(self._count()))

    def suggest(self, trial: Any) -> Any:
        if self.step is not None and (self.sampling != "linear" or not self._integer):
            if self.sampling == "linear":  # Optuna's stepped float grid is min + i*step, KerasTuner's too
                top = self.min_value + (self._count() - 1) * self.step
                return trial.suggest_float(self.name, self.min_value, top, step=self.step)
            return self._by_index(trial.suggest_int(self.name, 0, self._count() - 1))
        if self._integer:
            if self.sampling == "linear":
                top = self.min_value + (self._count() - 1) * self.step
                return trial.suggest_int(self.name, self.min_value, top, step=self.step)
            drawn = trial.suggest_float(self.name, 0.0, 1.0)
            return min(self._from_fraction(drawn), self.max_value)
        if self.sampling == "linear":
            return trial.suggest_float(self.name, self.min_value, self.max_value)
        drawn = trial.suggest_float(self.name, self.min_value, self.max_value, log=True)
        if self.sampling == "log":
            return drawn
        return min(max(self.max_value + self.min_value - drawn, self.min_value), self.max_value)

    def to_optuna(self, value: Any) -> tuple[Any, Any]:
        from optuna import distributions as d

        if self.step is not None and (self.sampling != "linear" or not self._integer):
            if self.sampling == "linear":
                top = self.min_value + (self._count() - 1) * self.step
                return d.FloatDistribution(self.min_value, top, step=self.step), value
            grid = list(self.values)
            index = min(range(len(grid)), key=lambda i: abs(grid[i] - value))
            return d.IntDistribution(0, self._count() - 1), index
        if self._integer:
            if self.sampling == "linear":
                top = self.min_value + (self._count() - 1) * self.step
                return d.IntDistribution(self.min_value, top, step=self.step), value
            top = self.max_value + 1
            if self.sampling == "log":
                p = math.log((value + 0.5) / self.min_value) / math.log(top / self.min_value)
            else:
                p = 1 - math.log((top + self.min_value - value - 0.5) / self.min_value) / math.log(
                    top / self.min_value)
            return d.FloatDistribution(0.0, 1.0), min(max(p, 0.0), 1.0)
        if self.sampling == "linear":
            return d.FloatDistribution(self.min_value, self.max_value), value
        internal = value if self.sampling == "log" else self.max_value + self.min_value - value
        internal = min(max(internal, self.min_value), self.max_value)
        return d.FloatDistribution(self.min_value, self.max_value, log=True), internal


class Int(_Numerical):
    """An integer in ``[min_value, max_value]`` (inclusive); ``step`` defaults to 1 for linear sampling."""

    _integer = True

    def __repr__(self) -> str:
        return (f"Int(name: '{self.name}', min_value: {self.min_value}, max_value: {self.max_value}, "
                f"step: {self.step}, sampling: {self.sampling}, default: {self.default})")

    def get_config(self) -> dict:
        config = super().get_config()
        config["default"] = self._default  # KerasTuner prints None when no default was given
        return config


class Float(_Numerical):
    """A float in ``[min_value, max_value]``; continuous unless ``step`` is given."""

    def __init__(self, name: str, min_value: Any, max_value: Any, step: Any = None, sampling: str = "linear",
                 default: Any = None, conditions: list | None = None) -> None:
        super().__init__(name, min_value, max_value, step, sampling, default, conditions)
        self.min_value, self.max_value = float(self.min_value), float(self.max_value)

    def __repr__(self) -> str:
        return (f"Float(name: '{self.name}', min_value: '{self.min_value}', max_value: '{self.max_value}', "
                f"step: '{self.step}', sampling: '{self.sampling}', default: '{self.default}')")

    def get_config(self) -> dict:
        config = super().get_config()
        config["default"] = self.default
        return config


class Choice(HyperParameter):
    """One of a list of values (all of one type: int, float, str or bool)."""

    def __init__(self, name: str, values: list, ordered: bool | None = None, default: Any = None,
                 conditions: list | None = None) -> None:
        super().__init__(name, default, conditions)
        if not values:
            raise ValueError(f"For HyperParameters.Choice(name='{name}'), `values` must be a non-empty list. "
                             f"Received: values={values!r}.")
        types = {type(v) for v in values}
        if len(types) > 1:
            raise TypeError(f"A `Choice` can contain only one type of value, found values: {values} with "
                            f"types {types}.")
        self.values = list(values)
        numeric = isinstance(self.values[0], (int, float)) and not isinstance(self.values[0], bool)
        self.ordered = numeric if ordered is None else ordered
        if default is not None and default not in self.values:
            raise ValueError(f"For HyperParameters.Choice(name='{name}'), the default value should be one of "
                             f"the choices {self.values}. Received: default={default!r}.")

    @property
    def default(self) -> Any:
        return self.values[0] if self._default is None else self._default

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(values=self.values, ordered=self.ordered)
        return config

    def __repr__(self) -> str:
        return (f"Choice(name: '{self.name}', values: {self.values}, ordered: {self.ordered}, "
                f"default: {self.default})")

    def suggest(self, trial: Any) -> Any:
        return trial.suggest_categorical(self.name, self.values)

    def to_optuna(self, value: Any) -> tuple[Any, Any]:
        from optuna import distributions as d

        return d.CategoricalDistribution(self.values), value


class Boolean(HyperParameter):
    """``True`` or ``False`` (default ``False``)."""

    def __init__(self, name: str, default: bool = False, conditions: list | None = None) -> None:
        if not isinstance(default, bool):
            raise ValueError(f"For HyperParameters.Boolean(name='{name}'), `default` must be a bool. "
                             f"Received: default={default!r}.")
        super().__init__(name, default, conditions)

    @property
    def values(self) -> tuple:
        return (True, False)

    def __repr__(self) -> str:
        return f'Boolean(name: "{self.name}", default: {self.default})'

    def suggest(self, trial: Any) -> Any:
        return trial.suggest_categorical(self.name, [False, True])

    def to_optuna(self, value: Any) -> tuple[Any, Any]:
        from optuna import distributions as d

        return d.CategoricalDistribution([False, True]), value


class Fixed(HyperParameter):
    """A value that is not tuned (recorded so the trial lists it)."""

    def __init__(self, name: str, value: Any, conditions: list | None = None) -> None:
        if not isinstance(value, (bool, int, float, str, type(None))):
            raise ValueError(f"For HyperParameters.Fixed(name='{name}'), `value` must be a bool, int, float, "
                             f"str or None. Received: value={value!r}.")
        super().__init__(name, value, conditions)
        self.value = value

    @property
    def values(self) -> tuple:
        return (self.value,)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("default")
        config["value"] = self.value
        return config

    def __repr__(self) -> str:
        return f"Fixed(name: {self.name}, value: {self.value})"

    def suggest(self, trial: Any) -> Any:
        return self.value

    def to_optuna(self, value: Any) -> tuple[Any, Any]:
        return None, value


KINDS = {cls.__name__: cls for cls in (Int, Float, Choice, Boolean, Fixed)}
