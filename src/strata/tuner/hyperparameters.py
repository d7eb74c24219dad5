"""``HyperParameters``: the search space and the values of one trial, as KerasTuner defines them.

A build function asks ``hp.Int("units", 4, 32, step=4)``; the first call *registers* the
hyperparameter in ``hp.space`` and every call returns its current value (the default until a tuner
sets one).  Inside ``conditional_scope(parent, values)`` a hyperparameter is active only when the
parent's value is one of ``values``; an inactive one is still registered but returns ``None``.

Example:
    >>> from strata.tuner import HyperParameters
    >>> hp = HyperParameters()
    >>> hp.Int("units", 4, 32, step=4)
    4
    >>> hp.values["units"] = 16
    >>> hp.Int("units", 4, 32, step=4), hp.get("units")
    (16, 16)
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any, Iterator

from strata.tuner import hp_types


class HyperParameters:
    """A list of registered hyperparameters (``space``) and a dict of active values (``values``)."""

    def __init__(self) -> None:
        self._space: list[hp_types.HyperParameter] = []
        self._by_name: dict[str, hp_types.HyperParameter] = {}
        self.values: dict[str, Any] = {}
        self._conditions: list[tuple[str, list]] = []
        self._name_scopes: list[str] = []

    # -- the space -----------------------------------------------------------------------------------
    @property
    def space(self) -> list:
        return list(self._space)

    def _full_name(self, name: str) -> str:
        return "/".join(self._name_scopes + [name])

    def _retrieve(self, hp: hp_types.HyperParameter) -> Any:
        if hp.name not in self._by_name:
            self._register(hp)
        known = self._by_name[hp.name]
        if not known.is_active(self.values):
            return None
        return self.values.setdefault(hp.name, known.default)

    def _register(self, hp: hp_types.HyperParameter, overwrite: bool = False) -> None:
        self._by_name[hp.name] = hp
        self._space.append(hp)
        if hp.is_active(self.values) and (overwrite or hp.name not in self.values):
            self.values[hp.name] = hp.default

    def _new(self, kind: type, name: str, **kwargs: Any) -> Any:
        parent_name = kwargs.pop("parent_name", None)
        parent_values = kwargs.pop("parent_values", None)
        if parent_name is not None:
            with self.conditional_scope(parent_name, parent_values):
                return self._new(kind, name, **kwargs)
        return self._retrieve(kind(self._full_name(name), **kwargs, conditions=list(self._conditions)))

    def Int(self, name: str, min_value: int, max_value: int, step: int | None = None, sampling: str = "linear",
            default: int | None = None, parent_name: str | None = None, parent_values: Any = None) -> Any:
        """An integer in ``[min_value, max_value]`` (``max_value`` included)."""
        return self._new(hp_types.Int, name, min_value=min_value, max_value=max_value, step=step,
                         sampling=sampling, default=default, parent_name=parent_name, parent_values=parent_values)

    def Float(self, name: str, min_value: float, max_value: float, step: float | None = None,
              sampling: str = "linear", default: float | None = None, parent_name: str | None = None,
              parent_values: Any = None) -> Any:
        """A float in ``[min_value, max_value]``; ``sampling`` is ``"linear"``, ``"log"`` or ``"reverse_log"``."""
        return self._new(hp_types.Float, name, min_value=min_value, max_value=max_value, step=step,
                         sampling=sampling, default=default, parent_name=parent_name, parent_values=parent_values)

    def Choice(self, name: str, values: list, ordered: bool | None = None, default: Any = None,
               parent_name: str | None = None, parent_values: Any = None) -> Any:
        """One of ``values`` (default: the first)."""
        return self._new(hp_types.Choice, name, values=values, ordered=ordered, default=default,
                         parent_name=parent_name, parent_values=parent_values)

    def Boolean(self, name: str, default: bool = False, parent_name: str | None = None,
                parent_values: Any = None) -> Any:
        """``True`` or ``False``."""
        return self._new(hp_types.Boolean, name, default=default, parent_name=parent_name,
                         parent_values=parent_values)

    def Fixed(self, name: str, value: Any, parent_name: str | None = None, parent_values: Any = None) -> Any:
        """A value that is recorded but not tuned."""
        return self._new(hp_types.Fixed, name, value=value, parent_name=parent_name, parent_values=parent_values)

    # -- scopes --------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def conditional_scope(self, parent_name: str, parent_values: Any) -> Iterator[None]:
        """Hyperparameters created inside are active only when ``parent_name``'s value is in ``parent_values``."""
        full = self._full_name(parent_name)
        if full not in self._by_name:
            raise ValueError(f"`HyperParameter` named: {full} not defined. Register the parent (e.g. "
                             f"hp.Choice({full!r}, ...)) before opening conditional_scope({parent_name!r}, ...).")
        self._conditions.append((full, _as_list(parent_values)))
        try:
            yield
        finally:
            self._conditions.pop()

    @contextlib.contextmanager
    def name_scope(self, name: str) -> Iterator[None]:
        """Prefix names created inside with ``name/``."""
        self._name_scopes.append(name)
        try:
            yield
        finally:
            self._name_scopes.pop()

    # -- reading -------------------------------------------------------------------------------------
    def get(self, name: str) -> Any:
        """The current value of ``name``; ``ValueError`` if inactive, ``KeyError`` if never registered."""
        name = self._full_name(name)
        if name in self.values:
            return self.values[name]
        if name in self._by_name:
            raise ValueError(f"{name} is currently inactive.")
        raise KeyError(f"{name} does not exist.")

    def __getitem__(self, name: str) -> Any:
        return self.get(name)

    def __contains__(self, name: str) -> bool:
        try:
            self.get(name)
            return True
        except (KeyError, ValueError):
            return False

    def is_active(self, hp: Any) -> bool:
        """Whether ``hp`` (a hyperparameter or a name) is active for the current values."""
        if isinstance(hp, hp_types.HyperParameter):
            return hp.is_active(self.values)
        known = self._by_name.get(str(hp))
        return known is not None and known.is_active(self.values)

    def ensure_active_values(self) -> None:
        """Give every active hyperparameter a value (its default) and drop values of inactive ones."""
        for hp in self._space:
            if hp.is_active(self.values):
                self.values.setdefault(hp.name, hp.default)
            else:
                self.values.pop(hp.name, None)

    # -- copying and files ---------------------------------------------------------------------------
    def copy(self) -> "HyperParameters":
        return HyperParameters.from_config(self.get_config())

    def merge(self, hps: Any, overwrite: bool = True) -> None:
        """Add the hyperparameters of ``hps`` (a ``HyperParameters`` or a list) to this space."""
        space = hps.space if isinstance(hps, HyperParameters) else list(hps)
        for hp in space:
            if hp.name in self._by_name and not overwrite:
                continue
            if hp.name in self._by_name:
                self._space = [h for h in self._space if h.name != hp.name]
            self._register(copy.deepcopy(hp), overwrite=True)
        if isinstance(hps, HyperParameters):
            for name, value in hps.values.items():
                if overwrite or name not in self.values:
                    self.values[name] = value

    def get_config(self) -> dict:
        return {"space": [{"class_name": type(hp).__name__, "config": hp.get_config()} for hp in self._space],
                "values": dict(self.values)}

    @classmethod
    def from_config(cls, config: dict) -> "HyperParameters":
        hps = cls()
        for item in config["space"]:
            hp = hp_types.KINDS[item["class_name"]].from_config(item["config"])
            hps._by_name[hp.name] = hp
            hps._space.append(hp)
        hps.values = dict(config["values"])
        return hps

    def __repr__(self) -> str:
        return f"HyperParameters(values={self.values})"


def _as_list(values: Any) -> list:
    return list(values) if isinstance(values, (list, tuple, set)) else [values]
