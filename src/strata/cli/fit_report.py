"""``report.html`` of ``strata fit``: one self-contained page about a training run.

It holds the learning curves, the final metrics on the training and validation rows, a confusion
matrix (classification) or a residual plot (regression) of the validation rows, the data notes
(rows read, dropped or imputed, columns left out), the model summary and the command that repeats
the run.  The figures are drawn with matplotlib's Agg canvas (no window, no global pyplot state)
and embedded as base64 PNG ``<img>`` tags, so the file can be mailed or opened anywhere.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from typing import Any

import numpy as np

from strata.cli.csv_table import FeaturePlan


@dataclass
class Report:
    """What ``evaluate_and_report`` found: metrics by split and a line for the console."""

    metrics: dict[str, dict[str, float]]
    summary_line: str


def _png(figure: Any) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{data}">'


def learning_curves(history: dict, best_epoch: int | None) -> str:
    """Training and validation curves of every logged quantity, one panel each."""
    from matplotlib.figure import Figure

    names = sorted((name for name in history if not name.startswith("val_")), key=lambda n: n != "loss")
    figure = Figure(figsize=(5 * len(names), 3.6))
    for index, name in enumerate(names, start=1):
        axes = figure.add_subplot(1, len(names), index)
        epochs = np.arange(1, len(history[name]) + 1)
        axes.plot(epochs, history[name], label=f"training {name}")
        if f"val_{name}" in history:
            axes.plot(epochs, history[f"val_{name}"], label=f"validation {name}")
        if best_epoch is not None:
            axes.axvline(best_epoch, color="grey", linestyle=":", label=f"restored (epoch {best_epoch})")
        axes.set_xlabel("epoch")
        axes.set_title(name)
        axes.legend()
    return _png(figure)


def confusion_matrix_figure(true: np.ndarray, predicted: np.ndarray, classes: list) -> str:
    """Counts of (true class, predicted class) as an annotated grid."""
    from matplotlib.figure import Figure

    k = len(classes)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (true, predicted), 1)
    figure = Figure(figsize=(1.2 * k + 2.5, 1.2 * k + 1.5))
    axes = figure.add_subplot(1, 1, 1)
    axes.imshow(counts, cmap="Blues")
    for i in range(k):
        for j in range(k):
            axes.text(j, i, str(counts[i, j]), ha="center", va="center",
                      color="white" if counts[i, j] > counts.max() / 2 else "black")
    labels = [str(c) for c in classes]
    axes.set_xticks(range(k), labels, rotation=30, ha="right")
    axes.set_yticks(range(k), labels)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title("confusion matrix")
    return _png(figure)


def residual_figure(true: np.ndarray, predicted: np.ndarray, target: str) -> str:
    """Predicted against true values, and the residuals against the predictions."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4))
    left, right = figure.add_subplot(1, 2, 1), figure.add_subplot(1, 2, 2)
    left.scatter(true, predicted, s=12, alpha=0.7)
    low, high = float(min(true.min(), predicted.min())), float(max(true.max(), predicted.max()))
    left.plot([low, high], [low, high], color="grey", linestyle=":")
    left.set_xlabel(f"true {target}")
    left.set_ylabel(f"predicted {target}")
    left.set_title("predictions")
    right.scatter(predicted, true - predicted, s=12, alpha=0.7)
    right.axhline(0.0, color="grey", linestyle=":")
    right.set_xlabel(f"predicted {target}")
    right.set_ylabel("true - predicted")
    right.set_title("residuals")
    return _png(figure)


def _table(rows: list[list[Any]], header: list[str]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _outcome_figure(model: Any, plan: FeaturePlan, x: dict, y: np.ndarray) -> str:
    output = np.asarray(model.predict(x, verbose=0))
    if plan.task == "regression":
        return residual_figure(y.reshape(-1), output.reshape(-1), plan.target)
    if plan.task == "binary":
        predicted = (output.reshape(-1) > 0.5).astype(int)
    else:
        predicted = output.argmax(axis=1)
    return confusion_matrix_figure(y.reshape(-1).astype(int), predicted, plan.classes)


def evaluate_and_report(model: Any, plan: FeaturePlan, history: dict, train: tuple, val: tuple, *,
                        notes: dict, command: str, monitor: str, path: str) -> Report:
    """Evaluate the trained model, write ``report.html`` at ``path`` and return the metrics."""
    metrics = {"training": model.evaluate(*train, verbose=0, return_dict=True)}
    if val[0] is not None:
        metrics["validation"] = model.evaluate(*val, verbose=0, return_dict=True)
    metrics = {split: {k: float(v) for k, v in values.items()} for split, values in metrics.items()}
    epochs = len(history.get("loss", []))
    best = int(np.argmin(history[monitor])) + 1 if history.get(monitor) else None
    summary: list[str] = []
    model.summary(print_fn=lambda text, *args, **kwargs: summary.append(text.rstrip("\n")))
    outcome_split = val if val[0] is not None else train
    outcome_name = "validation" if val[0] is not None else "training"
    parts = ", ".join(f"{split} " + ", ".join(f"{k} {v:.4g}" for k, v in values.items())
                      for split, values in metrics.items())
    line = f"Final metrics (weights of epoch {best} of {epochs}): {parts}."
    data_rows = [["rows read", notes["rows_read"]], ["rows used", notes["rows_used"]],
                 ["missing values", ", ".join(f"{c}: {n}" for c, n in notes["missing"].items()) or "none"],
                 ["rows with a missing value", "imputed" if notes["imputed"] else "dropped"],
                 ["numeric columns (normalised in the model)", ", ".join(plan.numeric) or "none"],
                 ["text columns (one-hot in the model)", ", ".join(plan.categorical) or "none"]]
    data_rows += [[f"left out: {column}", reason] for column, reason in plan.left_out.items()]
    metric_names = list(metrics["training"])
    metric_rows = [[split] + [f"{values[name]:.6g}" for name in metric_names] for split, values in metrics.items()]
    task = plan.task + (f" ({len(plan.classes)} classes: {', '.join(map(str, plan.classes))})" if plan.classes else "")
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>strata fit: {html.escape(plan.target)}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}pre{{background:#f6f6f6;padding:1em;overflow:auto}}
</style></head><body>
<h1>strata fit: predicting <code>{html.escape(plan.target)}</code></h1>
<p>Task: {html.escape(task)}. Trained {epochs} epochs; the weights of epoch {best} (best {html.escape(monitor)})
were restored.</p>
<h2>Final metrics</h2>
{_table(metric_rows, ["rows"] + metric_names)}
<h2>Learning curves</h2>
{learning_curves(history, best)}
<h2>{'Residuals' if plan.task == 'regression' else 'Confusion matrix'} ({outcome_name} rows)</h2>
{_outcome_figure(model, plan, *outcome_split)}
<h2>Data</h2>
{_table(data_rows, ["", ""])}
<h2>Model</h2>
<pre>{html.escape(chr(10).join(summary))}</pre>
<h2>Reproduce</h2>
<pre>{html.escape(command)}</pre>
</body></html>
"""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(page)
    return Report(metrics=metrics, summary_line=line)
