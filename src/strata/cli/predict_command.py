"""``strata predict MODEL CSV``: predictions of a ``strata fit`` model for the rows of a CSV file.

The CSV needs the feature columns the model was trained on (other columns, the target included,
are ignored).  Missing cells are filled with the training median / most frequent value, with a
note on stderr, so every input row gets one output row, in order.  The output is CSV, on stdout
or in ``--out``: for regression one column named after the target; for classification the
predicted class and one ``probability_<class>`` column per class.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np
import pandas as pd

from strata.cli.csv_table import CliError, FeaturePlan, missing_counts, read_table

HELP = """\
Predict with a model written by `strata fit` (MODEL is its model.keras; the preprocessing.json
beside it tells how to read the columns). Writes CSV to stdout, or to --out FILE: the predicted
value, or the predicted class and the probability of each class."""


def add_parser(commands: Any) -> None:
    """Register ``strata predict`` on the ``commands`` sub-parsers of ``strata``."""
    predict = commands.add_parser("predict", help="predict with a `strata fit` model for the rows of a CSV",
                                  description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    predict.add_argument("model", metavar="MODEL", help="model.keras written by `strata fit`")
    predict.add_argument("csv", metavar="CSV", help="rows to predict, with the training feature columns")
    predict.add_argument("--out", metavar="FILE", default=None, help="write the CSV here instead of stdout")


def predictions(model: Any, plan: FeaturePlan, frame: pd.DataFrame) -> pd.DataFrame:
    """The output table for ``frame`` (whose feature cells are all filled)."""
    output = np.asarray(model.predict(plan.inputs(frame), verbose=0))
    if plan.task == "regression":
        return pd.DataFrame({plan.target: output.reshape(-1)})
    if plan.task == "binary":
        positive = output.reshape(-1)
        probabilities = np.stack([1.0 - positive, positive], axis=1)
    else:
        probabilities = output
    table = pd.DataFrame({plan.target: np.asarray(plan.classes, dtype=object)[probabilities.argmax(axis=1)]})
    for index, label in enumerate(plan.classes):
        table[f"probability_{label}"] = probabilities[:, index]
    return table


def run_predict(args: argparse.Namespace, err: Any = None) -> None:
    """Carry out ``strata predict`` (see the module docstring); notes go to ``err`` (stderr)."""
    err = err or (lambda text: print(text, file=sys.stderr))
    plan = FeaturePlan.load(args.model)
    frame = read_table(args.csv)
    absent = [column for column in plan.features if column not in frame.columns]
    if absent:
        raise CliError(f"{args.csv} lacks the feature columns {', '.join(absent)} that the model was trained on. "
                       f"Its columns are: {', '.join(frame.columns)}.")
    from strata.cli.describe import InspectError, file_kind
    from strata.saving import load_model

    try:
        file_kind(args.model)
    except InspectError as error:
        raise CliError(str(error)) from None
    model = load_model(args.model)
    counts = missing_counts(frame, plan.features)
    if counts:
        rows = int(frame[plan.features].isna().any(axis=1).sum())
        err(f"Filled missing values in {rows} rows with the training median / most frequent value ("
            + ", ".join(f"{c} {n}" for c, n in counts.items()) + ").")
    table = predictions(model, plan, plan.filled(frame))
    if args.out:
        table.to_csv(args.out, index=False)
        err(f"Wrote {len(table)} predictions to {args.out}.")
    else:
        table.to_csv(sys.stdout, index=False)
