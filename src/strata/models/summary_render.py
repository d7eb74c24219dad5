"""Render ``Model.summary()`` text in Keras 3's exact layout (a ``rich`` table and a parameter footer).

This module only draws: it takes plain rows and totals, so it knows nothing about layers. The
model side (walking layers, counting weights) builds :class:`SummaryRow` values and calls
:func:`render_summary`.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from typing import Any, Callable, Sequence

# Column layouts (header, justification, split points) for a chain of layers and for a graph.
_CHAIN = (("Layer (type)", "Output Shape", "Param #"), ("left", "left", "right"), (0.45, 0.80, 1.0), 88)
_GRAPH = (("Layer (type)", "Output Shape", "Param #", "Connected to"), ("left", "left", "right", "left"),
          (0.3, 0.56, 0.74, 1.0), 108)
_NUMBER, _NONE, _SYMBOL = "color(34)", "color(45)", "color(33)"
_SIZE_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


@dataclasses.dataclass(frozen=True)
class SummaryRow:
    """One line of the layer table.

    Attributes:
        layer_label: ``"name (ClassName)"``, e.g. ``"dense (Dense)"``.
        output_shape: the formatted output shape (see :func:`format_output_shape`), or ``"?"``.
        params: the parameter count, or a ready string such as ``"0 (unbuilt)"``.
        connected_to: inbound tensors as ``"layer[node][tensor]"`` (graph models only); empty means ``-``.
        trainable: ``"Y"``, ``"N"`` or ``"-"`` (shown with ``show_trainable=True``).
        depth: nesting level under ``expand_nested`` (0 for top-level layers).
    """

    layer_label: str
    output_shape: str = "?"
    params: int | str = 0
    connected_to: Sequence[str] = ()
    trainable: str = "-"
    depth: int = 0


def format_bytes(size: float) -> str:
    """A byte count in Keras's footer style (steps of 1024, 2 decimals).

    Example:
        >>> format_bytes(1051 * 4)  # 1,051 float32 parameters
        '4.11 KB'
    """
    for unit in _SIZE_UNITS[:-1]:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} {_SIZE_UNITS[-1]}"


def format_output_shape(shapes: Any) -> str:
    """Keras's text for an output shape or a structure of them.

    A shape is a tuple of ints/``None``: ``(None, 32)`` -> ``"(None, 32)"``, ``(None,)`` -> ``"(None)"``
    (Keras joins the entries, so a 1-tuple has no trailing comma). Lists, tuples and dicts of
    shapes print like Python containers without quotes.

    Example:
        >>> format_output_shape([(None, 4), (None,)])
        '[(None, 4), (None)]'
    """
    def is_shape(x: Any) -> bool:
        return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)

    def convert(x: Any) -> Any:
        if is_shape(x):
            return "(" + ", ".join(str(d) for d in x) + ")"
        if isinstance(x, dict):
            return {k: convert(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return type(x)(convert(v) for v in x)
        raise TypeError(f"`format_output_shape` expects shape tuples or containers of them. Received: {x!r}")

    converted = convert(shapes)
    return converted if isinstance(converted, str) else str(converted).replace("'", "")


def _column_widths(positions: Sequence[float], line_length: int) -> list[int]:
    widths, used = [], 0
    for position in positions:
        width = int(position * line_length) - used
        if width < 4:
            raise ValueError("Insufficient console width to print summary: every column needs 4 characters. "
                             f"Received: line_length={line_length}, positions={list(positions)}. "
                             "Pass a larger `line_length` or spread out `positions`.")
        widths.append(width)
        used += width
    return widths


def _styled_cells(row: SummaryRow, dag: bool, show_trainable: bool) -> list[Any]:
    from rich.text import Text

    label = Text("   " * row.depth + "└ " if row.depth else "")
    match = re.fullmatch(r"(.*) \((.*)\)", row.layer_label, flags=re.DOTALL)
    if match:
        label.append(match.group(1)).append(" (").append(match.group(2), style=_SYMBOL).append(")")
    else:
        label.append(row.layer_label)
    shape = Text(row.output_shape)
    shape.highlight_regex(r"\bNone\b", _NONE)
    shape.highlight_regex(r"\b\d+\b", _NUMBER)
    if isinstance(row.params, str):
        params = Text(row.params)
        params.highlight_regex(r"^[\d,]+", _NUMBER)
    else:
        params = Text().append(f"{row.params:,}", style=_NUMBER)
    cells = [label, shape, params]
    if dag:
        links = Text(", ".join(row.connected_to) if row.connected_to else "-")
        links.highlight_regex(r"(?<=\[)\d+(?=\])", _NUMBER)
        cells.append(links)
    if show_trainable:
        colour = {"Y": " color(34)", "N": " color(9)"}.get(row.trainable, "")
        cells.append(Text().append(row.trainable, style="bold" + colour))
    return cells


def _footer_line(title: str, count: int, size: float) -> Any:
    from rich.text import Text

    line = Text().append(f" {title} params: ", style="bold").append(f"{count:,}", style=_NUMBER)
    return line.append(f" ({format_bytes(size)})")


def render_summary(model_name: str, rows: Sequence[SummaryRow], *, dag: bool, total_params: int,
                   trainable_params: int, non_trainable_params: int, total_bytes: float, trainable_bytes: float,
                   non_trainable_bytes: float, optimizer_params: int | None = None, optimizer_bytes: float = 0,
                   line_length: int | None = None, positions: Sequence[float] | None = None,
                   print_fn: Callable[[str], Any] | None = None, show_trainable: bool = False) -> None:
    """Print a model summary exactly as Keras 3 lays it out.

    Args:
        model_name: shown as ``Model: "<name>"``.
        rows: the table rows, in display order.
        dag: ``True`` for a graph model (adds the ``Connected to`` column and uses the wider layout);
            ``False`` for Sequential, subclassed and chain-like functional models.
        total_params, trainable_params, non_trainable_params: parameter counts for the footer
            (``total_params`` includes the optimizer's variables once it is built, as in Keras).
        total_bytes, trainable_bytes, non_trainable_bytes: the matching sizes in bytes.
        optimizer_params: the optimizer's variable count, or ``None`` (no optimizer line).
        optimizer_bytes: its size in bytes.
        line_length: the table width; default ``min(88 or 108 (+12 with show_trainable), columns - 4)``.
        positions: cumulative column ends as fractions of ``line_length``.
        print_fn: called once with the plain (colourless) text, ending in a newline. Without it,
            the summary goes to stdout through ``rich`` (coloured on a terminal).
        show_trainable: add a ``Trainable`` column (``Y`` / ``N`` / ``-``).

    Raises:
        ValueError: when a column would be narrower than 4 characters.
    """
    import rich.console
    import rich.table
    from rich.text import Text

    header, justify, default_positions, default_length = _GRAPH if dag else _CHAIN
    header, justify = list(header), list(justify)
    positions = list(positions or default_positions)
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        justify.append("center")
    line_length = line_length or min(default_length, shutil.get_terminal_size().columns - 4)
    widths = _column_widths(positions, line_length)

    columns = [rich.table.Column(name, justify=how, width=width) for name, how, width in zip(header, justify, widths)]
    table = rich.table.Table(*columns, width=line_length, show_lines=True)
    for row in rows:
        table.add_row(*_styled_cells(row, dag, show_trainable))

    if print_fn is not None:
        console = rich.console.Console(highlight=False, force_terminal=False, color_system=None)
        console.begin_capture()
    else:
        console = rich.console.Console(highlight=False)
    console.print(Text(f'Model: "{model_name}"', style="bold"))
    console.print(table)
    console.print(_footer_line("Total", total_params, total_bytes))
    console.print(_footer_line("Trainable", trainable_params, trainable_bytes))
    console.print(_footer_line("Non-trainable", non_trainable_params, non_trainable_bytes))
    if optimizer_params is not None:
        console.print(_footer_line("Optimizer", optimizer_params, optimizer_bytes))
    if print_fn is not None:
        print_fn(console.end_capture())
