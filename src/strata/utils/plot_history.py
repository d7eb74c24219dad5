"""``plot_history``: learning curves (training vs validation, per metric) from a ``fit`` history."""

from __future__ import annotations

import math
import os
from typing import Any, Sequence

_MAX_COLUMNS = 3


def _as_record(history: Any) -> tuple[dict, list[int] | None, int | None]:
    """``(values by key, 0-based epochs or None, restored best epoch or None)`` of ``history``."""
    if isinstance(history, dict):
        return history, None, None
    record = getattr(history, "history", None)
    if not isinstance(record, dict):
        raise TypeError(
            "`history` must be the History returned by `fit` or its `history` dict "
            f"(metric name -> list of values). Received: history of type {type(history).__name__}")
    epochs = list(getattr(history, "epoch", None) or []) or None
    if hasattr(history, "restored_epoch"):  # strata's History records it at the end of fit
        restored = history.restored_epoch
    else:
        restored = getattr(getattr(history, "_model", None), "_restored_epoch", None)
    return record, epochs, restored


def _metric_names(record: dict, metrics: Any) -> list[str]:
    """The metrics to draw: the names asked for, or every name (``loss`` first) without ``val_``."""
    available = sorted({key[4:] if key.startswith("val_") else key for key in record})
    if metrics is None:
        return sorted(available, key=lambda name: (name != "loss", name))
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    if not names:
        raise ValueError(
            f"`metrics` must name at least one metric. Available: {available}. Received: metrics={metrics!r}")
    for name in names:
        if name not in record and f"val_{name}" not in record:
            raise ValueError(
                f"Unknown metric {name!r}: the history has no {name!r} or {'val_' + name!r}. "
                f"Available metrics: {available} (history keys: {sorted(record)}). Received: metrics={metrics!r}")
    return names


def _axes_for(names: list[str], ax: Any, figsize: Any) -> tuple[Any, list]:
    """One axes per metric: the ones given, or a new pyplot figure with a grid of subplots."""
    if ax is not None:
        axes = [ax] if hasattr(ax, "plot") else [a for a in getattr(ax, "flat", ax)]
        if len(axes) != len(names):
            raise ValueError(
                f"`ax` must hold one Axes per metric plotted ({len(names)}: {names}). "
                f"Received: {len(axes)} Axes. Pass `metrics=` to choose the metrics, or `ax=None`.")
        return axes[0].figure, axes
    import matplotlib.pyplot as plt

    columns = min(len(names), _MAX_COLUMNS)
    rows = math.ceil(len(names) / columns)
    figsize = figsize or (5.0 * columns, 3.6 * rows)
    figure, grid = plt.subplots(rows, columns, figsize=figsize, squeeze=False)
    axes = list(grid.flat)
    for extra in axes[len(names):]:
        extra.remove()
    return figure, axes[:len(names)]


def _x_values(values: list, epochs: list[int] | None) -> list[int]:
    """1-based epoch numbers: from ``history.epoch`` when it fits the values, else 1, 2, ..."""
    if epochs is not None and len(epochs) == len(values):
        return [epoch + 1 for epoch in epochs]
    return list(range(1, len(values) + 1))


def _save(figure: Any, filename: str | os.PathLike) -> None:
    path = os.fspath(filename)
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    supported = figure.canvas.get_supported_filetypes()
    if suffix not in supported:
        raise ValueError(
            "`filename` must end in an image format suffix so the format is known, one of "
            f"{sorted(supported)} (e.g. 'curves.png' or 'curves.svg'). Received: filename={path!r}")
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    figure.savefig(path, format=suffix, bbox_inches="tight")


def plot_history(history: Any, metrics: str | Sequence[str] | None = None, *, ax: Any = None,
                 filename: str | os.PathLike | None = None, show_best: bool = True,
                 best_epoch: int | None = None, figsize: tuple[float, float] | None = None) -> Any:
    """Draws the learning curves of a training run: one subplot per metric, training vs validation.

    The x axis is the epoch number counted from 1 (as progress bars print it).  Each subplot shows
    the metric (``loss``) and, when it exists, its validation counterpart (``val_loss``), with the
    history keys as legend labels.  When ``EarlyStopping(restore_best_weights=True)`` restored the
    weights of an earlier epoch, that epoch is marked by a dashed vertical line labelled
    ``best epoch (N)``: the History records it at the end of ``fit`` (from the model's
    ``_restored_epoch``, a 0-based index that EarlyStopping sets when it restores).

    Matplotlib is imported only when this is called.  A new figure is made with ``pyplot`` (so
    ``plt.show()`` or a notebook displays it); nothing else in matplotlib's global state changes.

    Args:
        history: the ``History`` returned by ``fit`` (strata's or Keras's), or its ``history`` dict.
        metrics: a metric name or a list of them, without the ``val_`` prefix (``"loss"``,
            ``["loss", "accuracy"]``); by default every metric, ``loss`` first.
        ax: draw into these matplotlib Axes instead of a new figure: one Axes per metric.
        filename: also save the figure there; the format comes from the suffix (``.png``,
            ``.svg``, ``.pdf``, ...).  Missing parent folders are created.
        show_best: mark the restored best epoch, when there is one.
        best_epoch: the epoch to mark, as a 0-based index like those of ``history.epoch``; by
            default the one EarlyStopping restored.
        figsize: size of a new figure in inches, ``(width, height)``.

    Returns:
        The matplotlib ``Figure``.

    Raises:
        ValueError: the history is empty, a metric is unknown (the message lists the available
            ones), ``ax`` does not hold one Axes per metric, or ``filename`` has no known suffix.
        TypeError: ``history`` is neither a History nor a dict.

    Example:

    >>> import matplotlib; matplotlib.use("Agg")
    >>> figure = plot_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.6]})
    >>> [axes.get_title() for axes in figure.axes]
    ['loss']
    """
    from matplotlib.ticker import MaxNLocator

    record, epochs, restored = _as_record(history)
    if not record or not any(len(values) for values in record.values()):
        raise ValueError("The history is empty: `fit` ran no epochs, so there is nothing to plot. "
                         f"Received: history with keys {sorted(record)} and no values")
    names = _metric_names(record, metrics)
    figure, axes = _axes_for(names, ax, figsize)
    best = best_epoch if best_epoch is not None else restored
    for axes_i, name in zip(axes, names):
        for key in (name, f"val_{name}"):
            values = record.get(key)
            if values:
                axes_i.plot(_x_values(values, epochs), [float(v) for v in values], marker=".", label=key)
        if show_best and best is not None:
            axes_i.axvline(int(best) + 1, color="gray", linestyle="--", linewidth=1.0,
                           label=f"best epoch ({int(best) + 1})")
        axes_i.set_title(name)
        axes_i.set_xlabel("epoch")
        axes_i.set_ylabel(name)
        axes_i.grid(True, alpha=0.3)
        axes_i.legend()
        axes_i.xaxis.set_major_locator(MaxNLocator(integer=True))
    if ax is None:
        figure.tight_layout()
    if filename is not None:
        _save(figure, filename)
    return figure
