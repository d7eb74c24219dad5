"""``keras.utils.plot_model`` drawn without graphviz or pydot.

Keras renders the model graph with the Graphviz ``dot`` program through pydot, two installs that
trip up many course setups.  strata takes the same arguments and draws the same boxes and edges
(:mod:`strata.utils.model_graph`) with its own layered layout (:mod:`strata.utils.graph_layout`):
``.svg`` files are written directly, every other format (``.png`` by default, ``.pdf``, ``.jpg``...)
is rendered with matplotlib's object API.  The result displays inline in notebooks.
"""

from __future__ import annotations

import io
import os
from typing import Any
from xml.sax.saxutils import escape

from strata.utils.graph_layout import Layout, layered_layout
from strata.utils.model_graph import GraphNode, model_graph

HEADER_SIZE, LINE_SIZE, PAD = 16.0, 14.0, 10.0
RANKDIRS = ("TB", "LR", "BT", "RL")
SPLINES = ("ortho", "line", "polyline", "spline", "curved", "true", "false", "none")
CELL_COLOURS = {"Trainable": "forestgreen", "Non-trainable": "firebrick"}


def _rows(node: GraphNode) -> list[tuple[str, float, str, str, bool]]:
    """``(text, font size, fill, text colour, bold)`` per row of a box."""
    rows = [(node.header, HEADER_SIZE, "black", "white", True)]
    rows += [(line, LINE_SIZE, "white", "black", False) for line in node.lines]
    if node.trainable:
        rows.append((node.trainable, LINE_SIZE, CELL_COLOURS[node.trainable], "white", True))
    return rows


def _row_height(size: float) -> float:
    return size * 1.3 + PAD


def _box_size(node: GraphNode) -> tuple[float, float]:
    rows = _rows(node)
    width = max(len(text) * size * (0.62 if bold else 0.56) for text, size, _, _, bold in rows) + 2 * PAD
    return width, sum(_row_height(size) for _, size, _, _, _ in rows)


class ModelPlot:
    """What :func:`plot_model` drew: the file, the graph (``nodes``, ``edges``) and its ``layout``.

    Displays inline in notebooks (``_repr_svg_`` for ``.svg`` files, ``_repr_png_`` otherwise).
    """

    def __init__(self, path: str, file_format: str, nodes: list[GraphNode], edges: list[tuple], layout: Layout,
                 dpi: int) -> None:
        self.path, self.format, self.nodes, self.edges, self.layout, self.dpi = path, file_format, nodes, edges, layout, dpi

    def _repr_svg_(self) -> str | None:
        return svg_text(self) if self.format == "svg" else None

    def _repr_png_(self) -> bytes:
        if self.format == "png":
            with open(self.path, "rb") as handle:
                return handle.read()
        buffer = io.BytesIO()
        render_figure(self).savefig(buffer, format="png", dpi=self.dpi)
        return buffer.getvalue()


def _edge_points(plot: ModelPlot, edge: tuple, ortho: bool) -> list[tuple[float, float]]:
    """Polyline of an edge from the source box's border to the target box's border."""
    layout = plot.layout
    edge = (id(edge[0]), id(edge[1]))
    points = list(layout.edges[edge])
    horizontal = plot.rankdir in ("LR", "RL")
    sign = -1 if plot.rankdir in ("BT", "RL") else 1
    axis = 0 if horizontal else 1
    for end, node, direction in ((0, edge[0], 1), (-1, edge[1], -1)):
        half = layout.sizes[node][axis] / 2
        point = list(points[end])
        point[axis] += sign * direction * half
        points[end] = tuple(point)
    if not ortho:
        return points
    routed = [points[0]]
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        if horizontal:
            middle = (x1 + x2) / 2
            routed += [(middle, y1), (middle, y2), (x2, y2)]
        else:
            middle = (y1 + y2) / 2
            routed += [(x1, middle), (x2, middle), (x2, y2)]
    return routed


def _boxes(plot: ModelPlot):
    """``(x, y, w, h, text, size, fill, colour, bold)`` for every row of every box (top-left corners)."""
    for node in plot.nodes:
        cx, cy = plot.layout.positions[id(node.layer)]
        width, height = plot.layout.sizes[id(node.layer)]
        top = cy - height / 2
        for text, size, fill, colour, bold in _rows(node):
            h = _row_height(size)
            yield cx - width / 2, top, width, h, text, size, fill, colour, bold
            top += h


def _clusters(plot: ModelPlot):
    """``(x, y, w, h, name)`` of each nested-model cluster box."""
    groups: dict[tuple, list] = {}
    for node in plot.nodes:
        for depth in range(1, len(node.clusters) + 1):
            groups.setdefault(node.clusters[:depth], []).append(node)
    for path, members in groups.items():
        pad = PAD * (1 + max(len(n.clusters) for n in members) - len(path)) + 4
        boxes = [(plot.layout.positions[id(n.layer)], plot.layout.sizes[id(n.layer)]) for n in members]
        left = min(c[0] - s[0] / 2 for c, s in boxes) - pad
        top = min(c[1] - s[1] / 2 for c, s in boxes) - pad - LINE_SIZE
        right = max(c[0] + s[0] / 2 for c, s in boxes) + pad
        bottom = max(c[1] + s[1] / 2 for c, s in boxes) + pad
        yield left, top, right - left, bottom - top, path[-1]


def svg_text(plot: ModelPlot) -> str:
    """The drawing as an SVG document (sizes in points)."""
    layout = plot.layout
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width:.0f}pt" height="{layout.height:.0f}pt" '
           f'viewBox="0 0 {layout.width:.1f} {layout.height:.1f}">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
           'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>',
           f'<rect width="{layout.width:.1f}" height="{layout.height:.1f}" fill="white"/>']
    for x, y, w, h, name in _clusters(plot):
        out.append(f'<g class="cluster"><rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="none" '
                   f'stroke="grey" stroke-dasharray="6,4"/><text x="{x + 4:.1f}" y="{y + LINE_SIZE:.1f}" '
                   f'font-family="Helvetica" font-size="{LINE_SIZE - 2}">{escape(name)}</text></g>')
    for edge in plot.edges:
        points = " ".join(f"{px:.1f},{py:.1f}" for px, py in _edge_points(plot, edge, plot.splines == "ortho"))
        out.append(f'<polyline class="edge" points="{points}" fill="none" stroke="black" stroke-width="2" '
                   'marker-end="url(#arrow)"/>')
    for x, y, w, h, text, size, fill, colour, bold in _boxes(plot):
        weight = ' font-weight="bold"' if bold else ""
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}" stroke="black"/>'
                   f'<text x="{x + w / 2:.1f}" y="{y + h / 2:.1f}" font-family="Helvetica" font-size="{size}"'
                   f'{weight} fill="{colour}" text-anchor="middle" dominant-baseline="central">{escape(text)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def render_figure(plot: ModelPlot) -> Any:
    """The drawing as a matplotlib ``Figure`` (one point of layout = one point on the page)."""
    from matplotlib.patches import Rectangle

    from strata.explain.figures import new_figure

    layout = plot.layout
    figure = new_figure((max(layout.width, 1) / 72, max(layout.height, 1) / 72))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, layout.width)
    axes.set_ylim(layout.height, 0)
    axes.set_axis_off()
    for x, y, w, h, name in _clusters(plot):
        axes.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor="grey", linestyle="--"))
        axes.text(x + 4, y + LINE_SIZE, name, fontsize=LINE_SIZE - 2, family="sans-serif")
    for edge in plot.edges:
        points = _edge_points(plot, edge, plot.splines == "ortho")
        xs, ys = zip(*points)
        axes.plot(xs[:-1], ys[:-1], color="black", linewidth=2)
        axes.annotate("", xy=points[-1], xytext=points[-2],
                      arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 2, "shrinkA": 0, "shrinkB": 0})
    for x, y, w, h, text, size, fill, colour, bold in _boxes(plot):
        axes.add_patch(Rectangle((x, y), w, h, facecolor=fill, edgecolor="black"))
        axes.text(x + w / 2, y + h / 2, text, fontsize=size, color=colour, ha="center", va="center",
                  fontweight="bold" if bold else "normal", family="sans-serif")
    return figure


def _mirror(layout: Layout, rankdir: str) -> None:
    axis = 1 if rankdir == "BT" else 0
    extent = layout.height if axis else layout.width
    flip = lambda p: (extent - p[0], p[1]) if axis == 0 else (p[0], extent - p[1])  # noqa: E731
    layout.positions = {n: flip(p) for n, p in layout.positions.items()}
    layout.edges = {e: [flip(p) for p in points] for e, points in layout.edges.items()}


def plot_model(model: Any, to_file: str = "model.png", show_shapes: bool = False, show_dtype: bool = False,
               show_layer_names: bool = False, rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200,
               show_layer_activations: bool = False, show_trainable: bool = False, splines: str = "ortho",
               **kwargs: Any) -> ModelPlot:
    """Draw ``model``'s layer graph to ``to_file`` (Keras's ``plot_model``, no graphviz needed).

    Args:
        model: a built model.
        to_file: the image file; its extension picks the format (``.png``, ``.svg``, ``.pdf``,
            ``.jpg``...; no extension writes PNG to the name as given).
        show_shapes: add each layer's input and output shapes.
        show_dtype: add each layer's output dtype.
        show_layer_names: head each box with ``name (Class)`` instead of the class name.
        rankdir: ``"TB"`` (top to bottom), ``"LR"`` (left to right), ``"BT"`` or ``"RL"``.
        expand_nested: draw nested models' layers inside a dashed box named after the model.
        dpi: resolution of raster formats.
        show_layer_activations: add ``Activation: <name>`` for layers with an activation.
        show_trainable: add a ``Trainable`` / ``Non-trainable`` cell to layers with weights.
        splines: ``"ortho"`` draws right-angled edges; the other Graphviz names draw straight ones.

    Returns:
        A :class:`ModelPlot` (shown as the image in notebooks).

    Example:
        >>> import strata, tempfile
        >>> model = strata.Sequential([strata.Input((4,)), strata.layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "model.svg")
        >>> plot_model(model, to_file=path, show_shapes=True).nodes[0].lines
        ['Input shape: (None, 4)', 'Output shape: (None, 2)']
    """
    if not getattr(model, "built", False):
        raise ValueError("This model has not yet been built. Build the model first by calling `build()` or by "
                         "calling the model on a batch of data.")
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"`rankdir` must be one of {RANKDIRS}. Received: rankdir={rankdir!r}")
    if splines not in SPLINES:
        raise ValueError(f"`splines` must be one of {SPLINES}. Received: splines={splines!r}")
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    if extension != "svg":
        from matplotlib.backend_bases import FigureCanvasBase

        supported = FigureCanvasBase.get_supported_filetypes()
        if extension not in supported:
            raise ValueError(f"plot_model cannot write '.{extension}' files. Received: to_file={to_file!r}. "
                             f"Use one of: .svg, {', '.join('.' + k for k in sorted(supported) if k != 'svg')}.")
    flags = {"show_shapes": show_shapes, "show_dtype": show_dtype, "show_layer_names": show_layer_names,
             "show_layer_activations": show_layer_activations, "show_trainable": show_trainable}
    nodes, edges = model_graph(model, flags, expand_nested)
    ids = [id(node.layer) for node in nodes]
    id_edges = [(id(a), id(b)) for a, b in edges]
    layout = layered_layout(ids, id_edges, {id(node.layer): _box_size(node) for node in nodes},
                            "LR" if rankdir in ("LR", "RL") else "TB")
    if rankdir in ("BT", "RL"):
        _mirror(layout, rankdir)
    plot = ModelPlot(to_file, extension, nodes, edges, layout, dpi)
    plot.rankdir, plot.splines = rankdir, splines
    if extension == "svg":
        with open(to_file, "w", encoding="utf-8") as handle:
            handle.write(svg_text(plot))
    else:
        render_figure(plot).savefig(to_file, format=extension, dpi=dpi)
    return plot
