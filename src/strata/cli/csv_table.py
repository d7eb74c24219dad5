"""Reading a messy CSV for ``strata fit`` / ``strata predict``, and the plan of its feature columns.

Real CSVs mark missing values in many ways; ``?``, ``NA``, ``N/A``, ``null`` and empty cells all
count as missing, so a numeric column with a few ``?`` stays numeric (``auto-mpg.csv``'s
horsepower).  Each feature column then gets a role:

* **numeric**: normalised inside the model by a ``Normalization`` layer;
* **categorical** (text with few distinct values): one-hot encoded inside the model by a
  ``StringLookup`` layer holding the training values (a value not seen in training takes the
  out-of-vocabulary slot), so the saved model takes the raw text of the rows;
* **left out**: identifier-like text (more distinct values than half the rows, e.g. car names),
  a column with a single value, or one with no values at all.

The plan also holds the values that fill missing cells (median for numbers, most frequent value
for text), used by ``--impute`` and by ``strata predict``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

# Counted as missing besides pandas's own markers (empty, NA, N/A, NaN, null, NULL, None, ...).
MISSING_MARKERS = ["?"]
PLAN_FILE = "preprocessing.json"
_FORMAT = "strata-fit-preprocessing"


class CliError(Exception):
    """Bad input for a ``strata`` command: printed as ``strata CMD: error: ...`` with exit status 1."""


def read_table(path: str) -> pd.DataFrame:
    """The CSV at ``path`` as a DataFrame with missing markers as NaN; a ``CliError`` if unusable."""
    if not os.path.exists(path):
        raise CliError(f"{path}: no such file.")
    if os.path.isdir(path):
        raise CliError(f"{path} is a directory, not a CSV file.")
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if not head.strip():
        raise CliError(f"{path} is empty: a CSV file needs a header row and at least one data row.")
    if b"\0" in head:
        raise CliError(f"{path} is not a CSV file: it holds binary data (it starts with {head[:8]!r}).")
    try:
        frame = pd.read_csv(path, na_values=MISSING_MARKERS, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise CliError(f"{path} is empty: a CSV file needs a header row and at least one data row.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        reason = str(error).strip().splitlines()[0]
        raise CliError(f"{path} could not be read as a CSV file: {reason}") from None
    if len(frame) == 0:
        raise CliError(f"{path} has a header row but no data rows.")
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame


def missing_counts(frame: pd.DataFrame, columns: list[str]) -> dict[str, int]:
    """``{column: number of missing cells}`` for the columns that have any."""
    counts = frame[columns].isna().sum()
    return {column: int(count) for column, count in counts.items() if count}


def _input_name(column: str, taken: set[str]) -> str:
    base = re.sub(r"[^0-9a-zA-Z_]+", "_", column).strip("_").lower() or "feature"
    name, index = base, 1
    while name in taken:
        index += 1
        name = f"{base}_{index}"
    taken.add(name)
    return name


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


@dataclass
class FeaturePlan:
    """How the columns of a CSV become the model's inputs (saved as ``preprocessing.json``).

    Attributes:
        target: the target column; ``task``: ``"regression"``, ``"binary"`` or ``"multiclass"``.
        classes: the class labels in the order of the model's outputs (classification only).
        numeric: the numeric feature columns, in the order of the ``numeric`` input.
        categorical: ``{column: [known values]}``, the vocabulary of the column's ``StringLookup``.
        input_names: ``{column: model input name}`` for the categorical columns.
        fill: ``{column: value}`` used for a missing cell.
        left_out: ``{column: reason}`` for the columns the model does not use.
    """

    target: str
    task: str = "regression"
    classes: list = field(default_factory=list)
    numeric: list[str] = field(default_factory=list)
    categorical: dict[str, list[str]] = field(default_factory=dict)
    input_names: dict[str, str] = field(default_factory=dict)
    fill: dict[str, Any] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, target: str) -> FeaturePlan:
        """Give each column but ``target`` a role (numeric, categorical or left out)."""
        plan = cls(target=target)
        taken = {"numeric"}
        for column in frame.columns:
            if column == target:
                continue
            values = frame[column]
            present = int(values.notna().sum())
            distinct = int(values.nunique(dropna=True))
            if present == 0:
                plan.left_out[column] = "every value is missing"
            elif distinct == 1:
                plan.left_out[column] = f"a single value ({_plain(values.dropna().iloc[0])!r})"
            elif pd.api.types.is_numeric_dtype(values):
                plan.numeric.append(column)
                plan.fill[column] = float(values.astype("float64").median())
            elif distinct > 10 and distinct > 0.5 * present:
                plan.left_out[column] = f"identifier-like text ({distinct} distinct values in {present} rows)"
            else:
                text = values.dropna().astype(str)
                plan.categorical[column] = sorted(text.unique().tolist())
                plan.input_names[column] = _input_name(column, taken)
                plan.fill[column] = str(text.mode().iloc[0])
        return plan

    @property
    def features(self) -> list[str]:
        return self.numeric + list(self.categorical)

    def inputs(self, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        """The model's inputs for ``frame`` (no missing cells left in the feature columns)."""
        arrays: dict[str, np.ndarray] = {}
        if self.numeric:
            numbers = frame[self.numeric].apply(pd.to_numeric, errors="coerce")
            arrays["numeric"] = numbers.to_numpy(dtype="float32")
        for column in self.categorical:
            text = [str(value) for value in frame[column]]
            arrays[self.input_names[column]] = np.asarray(text, dtype=object).reshape(-1, 1)
        return arrays

    def filled(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with the missing feature cells replaced by the fill values."""
        frame = frame.copy()
        for column in self.features:
            if column in self.numeric:
                frame[column] = pd.to_numeric(frame[column], errors="coerce")
            frame[column] = frame[column].fillna(self.fill[column])
        return frame

    def save(self, directory: str) -> str:
        path = os.path.join(directory, PLAN_FILE)
        record = {"format": _FORMAT, "version": 1, **self.__dict__}
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=2, default=_plain)
        return path

    @classmethod
    def load(cls, model_path: str) -> FeaturePlan:
        """The plan saved beside the model file ``model_path``."""
        path = os.path.join(os.path.dirname(os.path.abspath(model_path)), PLAN_FILE)
        if not os.path.isfile(path):
            raise CliError(f"{path} not found: `strata predict` needs the {PLAN_FILE} that `strata fit` "
                           "wrote beside the model (keep the two files together).")
        with open(path, encoding="utf-8") as handle:
            try:
                record = json.load(handle)
            except json.JSONDecodeError as error:
                raise CliError(f"{path} is not valid JSON: {error}") from None
        if record.pop("format", None) != _FORMAT:
            raise CliError(f"{path} was not written by `strata fit`.")
        record.pop("version", None)
        return cls(**record)
