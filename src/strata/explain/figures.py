"""Matplotlib figures for ``strata.explain``, without pyplot's global state.

Figures are plain ``matplotlib.figure.Figure`` objects: they work under any backend (the headless
"Agg" one included), are never registered with pyplot's figure manager, and are freed like any
Python object.  Save one with ``figure.savefig("filters.png")``; in a notebook, ending a cell with
the figure displays it.  matplotlib is imported only when a figure is asked for.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def new_figure(figsize: tuple[float, float]) -> Any:
    """A fresh ``Figure`` with an Agg canvas attached (so ``savefig`` works without pyplot)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize)
    FigureCanvasAgg(figure)
    return figure


def show_image(axes: Any, image: Any, title: str | None = None, cmap: str | None = None) -> None:
    """Draw ``image`` on ``axes`` without ticks: ``(h, w, 3)`` as colour, any other channel count
    (``(h, w)``, one channel, the two of a 2-channel input...) as the grey mean of its channels."""
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] != 3:
        mean = image.mean(axis=-1)
        image = np.round(mean).astype(image.dtype) if image.dtype == np.uint8 else mean
    axes.imshow(image, cmap=cmap or ("gray" if image.ndim == 2 else None))
    axes.set_axis_off()
    if title is not None:
        axes.set_title(title, fontsize=8)


def image_grid_figure(images: list, titles: list | None = None, images_per_row: int = 8,
                      cell_inches: float = 1.5, cmap: str | None = None) -> Any:
    """One figure with one axes per image, ``images_per_row`` to a row.

    Example:
        >>> figure = image_grid_figure([np.zeros((4, 4)), np.ones((4, 4))], ["a", "b"])
        >>> len(figure.axes)
        2
    """
    if not isinstance(images_per_row, int) or images_per_row < 1:
        raise ValueError(f"`images_per_row` must be an int >= 1. Received: images_per_row={images_per_row!r}")
    columns = max(1, min(images_per_row, len(images)))
    rows = max(1, math.ceil(len(images) / columns))
    figure = new_figure((cell_inches * columns, cell_inches * rows))
    for position, image in enumerate(images):
        axes = figure.add_subplot(rows, columns, position + 1)
        show_image(axes, image, None if titles is None else titles[position], cmap)
    return figure
