"""``plot_decision_boundary``: the regions a 2-feature classifier assigns to each class.

The plane around the data is cut into a ``resolution`` x ``resolution`` grid, every grid point is
classified in one batched ``predict``, and the class regions are painted under the data points.
A binary classifier (one sigmoid output) is drawn as its probability of class 1 with the 0.5
contour as the boundary; a multi-class one (softmax over ``k`` outputs) as the region of its most
probable class, ``k`` colours.  Labels may be class ids or one-hot rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata.explain.figures import new_figure


def decision_grid(X: np.ndarray, resolution: int, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """``(xx, yy)`` meshgrid spanning the data's range widened by ``margin`` times its extent.

    Example:
        >>> xx, yy = decision_grid(np.array([[0.0, 0.0], [1.0, 2.0]]), 3, 0.0)
        >>> xx[0].tolist(), yy[:, 0].tolist()
        ([0.0, 0.5, 1.0], [0.0, 1.0, 2.0])
    """
    low, high = X.min(axis=0), X.max(axis=0)
    pad = (high - low) * margin + (high == low)
    axes = [np.linspace(low[k] - pad[k], high[k] + pad[k], resolution) for k in range(2)]
    return np.meshgrid(*axes)


def plot_decision_boundary(model: Any, X: Any, y: Any = None, resolution: int = 200, margin: float = 0.1,
                           figsize: tuple[float, float] = (5.0, 5.0), cmap: str | None = None,
                           title: str | None = None) -> Any:
    """Draw ``model``'s decision regions over the 2-feature data ``X`` (coloured by ``y`` if given).

    Args:
        model: a classifier taking rows of 2 features: one sigmoid output (binary) or ``k`` outputs
            (multi-class, the largest wins).
        X: the data, shape ``(n, 2)``.
        y: labels (class ids, or one-hot rows) to colour the points; ``None`` draws them grey.
        resolution: grid points per axis.
        margin: how far the grid reaches beyond the data, as a fraction of its extent.
        figsize: figure size in inches.
        cmap: colour map of the regions (default ``"RdBu"`` for binary, ``"tab10"`` otherwise).
        title: the axes title.

    Returns:
        A ``matplotlib.figure.Figure``.

    Example:
        >>> import strata
        >>> model = strata.Sequential([strata.Input((2,)), strata.layers.Dense(1, activation="sigmoid")])
        >>> figure = plot_decision_boundary(model, np.random.default_rng(0).normal(size=(20, 2)), resolution=20)
        >>> len(figure.axes)
        1
    """
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError("plot_decision_boundary draws classifiers of exactly 2 features. "
                         f"Received: X with shape {X.shape}. Pass X of shape (n, 2).")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"`resolution` must be an integer >= 2. Received: resolution={resolution!r}")
    xx, yy = decision_grid(X, resolution, margin)
    grid = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(np.float32)
    scores = np.asarray(model.predict(grid, batch_size=len(grid), verbose=0))
    scores = scores.reshape(len(grid), -1)
    figure = new_figure(figsize)
    axes = figure.add_subplot(1, 1, 1)
    if scores.shape[1] == 1:
        probability = scores[:, 0].reshape(xx.shape)
        axes.contourf(xx, yy, probability, levels=np.linspace(0, 1, 11), cmap=cmap or "RdBu", alpha=0.6)
        if probability.min() < 0.5 < probability.max():
            axes.contour(xx, yy, probability, levels=[0.5], colors="black", linewidths=1.5)
        classes = 2
    else:
        classes = scores.shape[1]
        regions = scores.argmax(axis=1).reshape(xx.shape)
        axes.contourf(xx, yy, regions, levels=np.arange(classes + 1) - 0.5, cmap=cmap or "tab10",
                      vmin=0, vmax=9 if cmap is None else classes - 1, alpha=0.4)
    if y is None:
        axes.scatter(X[:, 0], X[:, 1], c="grey", s=12, edgecolors="black", linewidths=0.3)
    else:
        labels = np.asarray(y)
        labels = labels.argmax(axis=-1) if labels.ndim == 2 and labels.shape[1] > 1 else labels.reshape(-1)
        if labels.shape[0] != X.shape[0]:
            raise ValueError(f"`y` must have one label per row of X ({X.shape[0]}). Received: y with shape "
                             f"{np.shape(y)}")
        point_cmap = cmap or ("RdBu" if classes == 2 and scores.shape[1] == 1 else "tab10")
        axes.scatter(X[:, 0], X[:, 1], c=np.round(labels).astype(int), cmap=point_cmap, s=12,
                     vmin=0, vmax=1 if point_cmap == "RdBu" else 9, edgecolors="black", linewidths=0.3)
    axes.set_xlim(xx.min(), xx.max())
    axes.set_ylim(yy.min(), yy.max())
    axes.set_xlabel("x1")
    axes.set_ylabel("x2")
    if title is not None:
        axes.set_title(title)
    return figure
