"""``strata fit CSV --target COL``: train a network on a CSV file, save it and write a report.

The run, in order: read the CSV (missing markers as missing), give each column a role
(:class:`~strata.cli.csv_table.FeaturePlan`), drop rows with a missing value (or fill them with
``--impute``), detect the task from the target (text, or at most 10 integer values: classes;
otherwise regression), shuffle with ``--seed`` and hold out ``--validation-split`` of the rows,
then build a functional model::

    numeric -> Normalization (adapted) -+
    each text column -> StringLookup(one_hot) -+-> Concatenate -> Dense(relu)... -> output

and train it with Adam and ``EarlyStopping(restore_best_weights=True)``, printing Keras's epoch log.
The saved model takes raw rows: numbers as they are, text as text.
``--out`` receives ``model.keras``, ``preprocessing.json`` (the column plan, with the fill values
for missing cells and the class labels), ``history.csv``
(``CSVLogger``) and ``report.html``.
"""

from __future__ import annotations

import argparse
import os
import shlex
from typing import Any

import numpy as np
import pandas as pd

from strata.cli.csv_table import CliError, FeaturePlan, missing_counts, read_table

HELP = """\
Train a neural network on a CSV file. Numeric columns are normalised and text columns one-hot
encoded inside the model; '?', 'NA' and empty cells count as missing; identifier-like text
columns (e.g. names) are left out. The task (regression, binary or multi-class classification)
is detected from the target column. Writes OUT/model.keras, OUT/preprocessing.json,
OUT/history.csv and OUT/report.html; `strata predict OUT/model.keras new.csv` uses them."""
TASK_NAMES = {"regression": "regression", "binary": "binary classification",
              "multiclass": "multi-class classification"}
LOSSES = {"regression": ("mse", "mae"), "binary": ("binary_crossentropy", "accuracy"),
          "multiclass": ("sparse_categorical_crossentropy", "accuracy")}


def _units(text: str) -> list[int]:
    try:
        units = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        units = [-1]
    if any(unit <= 0 for unit in units):
        raise argparse.ArgumentTypeError(f"expected positive layer widths separated by commas, e.g. 64,64 "
                                         f"(or '' for no hidden layer). Received: {text!r}")
    return units


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1). Received: {text}")
    return value


def add_parser(commands: Any) -> None:
    """Register ``strata fit`` on the ``commands`` sub-parsers of ``strata``."""
    fit = commands.add_parser("fit", help="train a network on a CSV file and write a report",
                              description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    fit.add_argument("csv", metavar="CSV", help="the data: one row per example, a header row")
    fit.add_argument("--target", required=True, metavar="COL", help="the column to predict")
    fit.add_argument("--out", default="strata-run", metavar="DIR", help="output folder (default: strata-run)")
    fit.add_argument("--task", choices=["auto", "regression", "classification"], default="auto",
                     help="what to learn (default: detected from the target)")
    fit.add_argument("--epochs", type=int, default=100, help="maximum number of epochs (default: 100)")
    fit.add_argument("--layers", type=_units, default=[64, 64], metavar="W1,W2,...",
                     help="widths of the hidden Dense(relu) layers (default: 64,64)")
    fit.add_argument("--batch-size", type=int, default=32, help="batch size (default: 32)")
    fit.add_argument("--learning-rate", type=float, default=0.001, help="Adam's learning rate (default: 0.001)")
    fit.add_argument("--validation-split", type=_fraction, default=0.2,
                     help="fraction of the (shuffled) rows held out for validation (default: 0.2)")
    fit.add_argument("--patience", type=int, default=10,
                     help="EarlyStopping patience in epochs; the best weights are restored (default: 10)")
    fit.add_argument("--seed", type=int, default=42, help="seed of the shuffle, the split and the weights")
    fit.add_argument("--impute", action="store_true",
                     help="fill missing values (median / most frequent value) instead of dropping rows")
    fit.add_argument("--verbose", type=int, choices=[0, 1, 2], default=2,
                     help="Keras's fit verbosity: 0 silent, 1 progress bar, 2 one line per epoch (default)")


def reproduce_command(args: argparse.Namespace) -> str:
    """The ``strata fit`` command line that repeats this run, every option spelled out."""
    words = ["strata", "fit", args.csv, "--target", args.target, "--out", args.out, "--task", args.task,
             "--epochs", str(args.epochs), "--layers", ",".join(map(str, args.layers)),
             "--batch-size", str(args.batch_size), "--learning-rate", repr(args.learning_rate),
             "--validation-split", repr(args.validation_split), "--patience", str(args.patience),
             "--seed", str(args.seed)]
    return shlex.join(words + (["--impute"] if args.impute else []))


def class_key(value: Any) -> Any:
    """A class label as stored: ``3.0`` read from a column with gaps becomes ``3``."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def detect_task(values: pd.Series, target: str, requested: str) -> tuple[str, list]:
    """``(task, classes)`` for the target column ``values`` (no missing values left)."""
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    distinct = sorted({class_key(v) for v in values.tolist()}, key=lambda v: (str(type(v)), v))
    integral = numeric and bool(np.all(np.mod(values.to_numpy(dtype="float64"), 1) == 0))
    if requested == "regression" and not numeric:
        raise CliError(f"--task regression needs a numeric target, but '{target}' holds text such as "
                       f"{distinct[0]!r}. Use --task classification (or leave --task out).")
    if len(distinct) < 2:
        raise CliError(f"the target '{target}' has only one class ({distinct[0]!r}) in the {len(values)} usable "
                       "rows: there is nothing to learn. A model needs at least two different target values.")
    classify = requested == "classification" or (requested == "auto" and (not numeric or
                                                                          (integral and len(distinct) <= 10)))
    if not classify:
        return "regression", []
    return ("binary" if len(distinct) == 2 else "multiclass"), distinct


def build_model(plan: FeaturePlan, train_inputs: dict, task: str, units: list[int], learning_rate: float) -> Any:
    """The functional model: preprocessing layers, hidden ``Dense(relu)`` layers, the output."""
    from strata import Input, Model, layers, optimizers

    inputs, parts = [], []
    if plan.numeric:
        numeric = Input(shape=(len(plan.numeric),), name="numeric")
        normalization = layers.Normalization(name="normalization")
        normalization.adapt(train_inputs["numeric"])
        inputs.append(numeric)
        parts.append(normalization(numeric))
    for column, vocabulary in plan.categorical.items():
        name = plan.input_names[column]
        text = Input(shape=(1,), dtype="string", name=name)
        inputs.append(text)
        # Index 0 (the out-of-vocabulary slot) takes a value not seen in training.
        parts.append(layers.StringLookup(vocabulary=list(vocabulary), output_mode="one_hot",
                                         name=f"{name}_one_hot")(text))
    x = parts[0] if len(parts) == 1 else layers.Concatenate(name="features")(parts)
    for index, width in enumerate(units):
        x = layers.Dense(width, activation="relu", name=f"hidden_{index + 1}")(x)
    if task == "regression":
        output = layers.Dense(1, name="output")(x)
    elif task == "binary":
        output = layers.Dense(1, activation="sigmoid", name="output")(x)
    else:
        output = layers.Dense(len(plan.classes), activation="softmax", name="output")(x)
    model = Model(inputs, output, name="strata_fit")
    loss, metric = LOSSES[task]
    model.compile(optimizer=optimizers.Adam(learning_rate), loss=loss, metrics=[metric])
    return model


def target_array(plan: FeaturePlan, values: pd.Series) -> np.ndarray:
    """The target as the model is trained on it: numbers, or class indices."""
    if plan.task == "regression":
        return values.to_numpy(dtype="float32").reshape(-1, 1)
    index = {value: i for i, value in enumerate(plan.classes)}
    codes = np.asarray([index[class_key(value)] for value in values.tolist()], dtype="int32")
    return codes.astype("float32").reshape(-1, 1) if plan.task == "binary" else codes


def _prepare(args: argparse.Namespace, frame: pd.DataFrame, out: Any) -> tuple[FeaturePlan, pd.DataFrame, dict]:
    """Roles for the columns, rows with missing values handled, the task; data notes for the report."""
    target = args.target
    if target not in frame.columns:
        raise CliError(f"target column '{target}' not found in {args.csv}. The columns are: "
                       f"{', '.join(frame.columns)}.")
    notes = {"rows_read": len(frame), "columns_read": frame.shape[1]}
    no_target = int(frame[target].isna().sum())
    if no_target:
        frame = frame[frame[target].notna()]
        out(f"Dropped {no_target} rows with no value in the target '{target}'.")
    plan = FeaturePlan.from_frame(frame, target)
    for column, reason in plan.left_out.items():
        out(f"Left out '{column}': {reason}.")
    if not plan.features:
        others = "; ".join(f"'{c}': {r}" for c, r in plan.left_out.items()) or "the file has no other column"
        raise CliError(f"no usable feature columns besides the target '{target}' ({others}).")
    counts = missing_counts(frame, plan.features)
    if counts:
        rows = frame[plan.features].isna().any(axis=1)
        out("Missing values ('?', 'NA' or empty): " + ", ".join(f"{c} {n}" for c, n in counts.items()) + ".")
        if args.impute:
            frame = plan.filled(frame)
            out(f"Imputed {int(rows.sum())} rows (median for numbers, most frequent value for text).")
        else:
            frame = frame[~rows]
            out(f"Dropped {int(rows.sum())} of {len(rows)} rows with a missing value ({len(frame)} left). "
                "Pass --impute to keep them with the median / most frequent value filled in.")
    if len(frame) < 2:
        raise CliError(f"only {len(frame)} usable row left in {args.csv}: a model needs at least two.")
    plan.task, plan.classes = detect_task(frame[target], target, args.task)
    loss, metric = LOSSES[plan.task]
    classes = f" into {len(plan.classes)} classes ({', '.join(map(str, plan.classes))})" if plan.classes else ""
    out(f"Task: {TASK_NAMES[plan.task]} of '{target}'{classes} (loss {loss}, metric {metric}).")
    if plan.classes and args.task == "auto" and pd.api.types.is_numeric_dtype(frame[target]):
        out(f"'{target}' holds {len(plan.classes)} integer values, taken as classes; pass --task regression "
            "to predict it as a number.")
    out(f"Features: {len(plan.numeric)} numeric (normalised in the model), {len(plan.categorical)} text "
        f"(one-hot encoded in the model): {', '.join(plan.features)}.")
    notes.update(rows_used=len(frame), missing=counts, imputed=bool(args.impute and counts))
    return plan, frame, notes


def run_fit(args: argparse.Namespace, out: Any = print) -> None:
    """Carry out ``strata fit`` (see the module docstring)."""
    if args.epochs < 1 or args.batch_size < 1 or args.patience < 0:
        raise CliError(f"--epochs and --batch-size must be at least 1 and --patience at least 0. Received: "
                       f"--epochs {args.epochs} --batch-size {args.batch_size} --patience {args.patience}.")
    frame = read_table(args.csv)
    out(f"Read {args.csv}: {len(frame)} rows, {frame.shape[1]} columns.")
    plan, frame, notes = _prepare(args, frame, out)

    from strata import callbacks, utils
    from strata.cli.fit_report import evaluate_and_report

    utils.set_random_seed(args.seed)
    frame = frame.sample(frac=1.0, random_state=args.seed).reset_index(drop=True)
    n_val = min(len(frame) - int(len(frame) * (1.0 - args.validation_split)), len(frame) - 1)  # Keras's split
    train, val = frame.iloc[:len(frame) - n_val], frame.iloc[len(frame) - n_val:]
    out(f"Training on {len(train)} rows, validating on {n_val} (--validation-split {args.validation_split}), "
        f"seed {args.seed}.")
    x_train, y_train = plan.inputs(train), target_array(plan, train[args.target])
    x_val, y_val = (plan.inputs(val), target_array(plan, val[args.target])) if n_val else (None, None)
    model = build_model(plan, x_train, plan.task, args.layers, args.learning_rate)
    os.makedirs(args.out, exist_ok=True)
    monitor = "val_loss" if n_val else "loss"
    stopper = callbacks.EarlyStopping(monitor=monitor, patience=args.patience, restore_best_weights=True,
                                      verbose=1)
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val) if n_val else None,
                        epochs=args.epochs, batch_size=args.batch_size, verbose=args.verbose,
                        callbacks=[stopper, callbacks.CSVLogger(os.path.join(args.out, "history.csv"))])
    model_path = os.path.join(args.out, "model.keras")
    model.save(model_path)
    plan.save(args.out)
    report = evaluate_and_report(model, plan, history.history, (x_train, y_train), (x_val, y_val),
                                 notes=notes, command=reproduce_command(args), monitor=monitor,
                                 path=os.path.join(args.out, "report.html"))
    out(report.summary_line)
    out(f"Wrote {model_path}, {os.path.join(args.out, 'preprocessing.json')}, "
        f"{os.path.join(args.out, 'history.csv')} and {os.path.join(args.out, 'report.html')}.")
