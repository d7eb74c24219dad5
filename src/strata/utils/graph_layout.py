"""A layered drawing of a directed acyclic graph (the Sugiyama scheme, kept small).

``plot_model`` draws a model's layer graph without graphviz.  The layout works in four steps:

1. **Layering** by longest path: sources sit on layer 0, every other node one layer below its
   lowest predecessor, so every edge points down.
2. **Dummy nodes**: an edge that spans several layers is split into a chain through invisible
   points, one per layer in between, so it can bend around the boxes it passes.
3. **Ordering** within layers by the barycentric heuristic: alternately sweep down and up, sorting
   each layer by the mean position of its neighbours in the layer just placed, keeping the order
   with the fewest edge crossings.
4. **Coordinates**: each node is pulled toward the mean position of its neighbours, then the
   layer is packed left to right so boxes keep a gap.  Layers stack along the main axis.

Sizes and positions are in points; ``rankdir="TB"`` stacks layers top to bottom, ``"LR"`` left to
right (the main axis becomes x).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable

NODE_GAP = 24.0
RANK_GAP = 36.0


@dataclass
class Layout:
    """Centres of the nodes, polyline points of every edge, and the drawing's extent (points)."""

    positions: dict[Hashable, tuple[float, float]]
    sizes: dict[Hashable, tuple[float, float]]
    edges: dict[tuple[Hashable, Hashable], list[tuple[float, float]]]
    ranks: dict[Hashable, int]
    width: float = 0.0
    height: float = 0.0
    order: list[list[Hashable]] = field(default_factory=list)


def longest_path_ranks(nodes: list, edges: list[tuple]) -> dict:
    """Layer of every node: 0 for sources, else one more than its deepest predecessor.

    Example:
        >>> longest_path_ranks(["a", "b", "c"], [("a", "b"), ("b", "c"), ("a", "c")])
        {'a': 0, 'b': 1, 'c': 2}
    """
    preds = {n: [] for n in nodes}
    succs = {n: [] for n in nodes}
    for a, b in edges:
        succs[a].append(b)
        preds[b].append(a)
    waiting = {n: len(preds[n]) for n in nodes}
    ready = [n for n in nodes if waiting[n] == 0]
    ranks = {}
    while ready:
        node = ready.pop(0)
        ranks[node] = max((ranks[p] + 1 for p in preds[node]), default=0)
        for child in succs[node]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    if len(ranks) != len(nodes):
        raise ValueError("The graph has a cycle; a layered layout needs a directed acyclic graph.")
    return ranks


def count_crossings(order: list[list], edges: list[tuple]) -> int:
    """Edge crossings between adjacent layers for this ordering (edges join adjacent layers)."""
    where = {n: (r, i) for r, layer in enumerate(order) for i, n in enumerate(layer)}
    crossings = 0
    for r in range(len(order) - 1):
        pairs = sorted((where[a][1], where[b][1]) for a, b in edges if where[a][0] == r)
        for i, (_, b1) in enumerate(pairs):
            crossings += sum(1 for a2, b2 in pairs[i + 1:] if b2 < b1)
    return crossings


def _barycentric_order(order: list[list], preds: dict, succs: dict, sweeps: int = 8) -> list[list]:
    best, best_crossings = [list(layer) for layer in order], None
    edges = [(a, b) for a in succs for b in succs[a]]
    current = [list(layer) for layer in order]
    for sweep in range(sweeps):
        down = sweep % 2 == 0
        indices = range(1, len(current)) if down else range(len(current) - 2, -1, -1)
        for r in indices:
            fixed = {n: i for i, n in enumerate(current[r - 1 if down else r + 1])}
            neighbours = preds if down else succs
            def key(item: tuple[int, Hashable]) -> float:
                i, n = item
                spots = [fixed[m] for m in neighbours[n] if m in fixed]
                return sum(spots) / len(spots) if spots else float(i)
            current[r] = [n for _, n in sorted(enumerate(current[r]), key=key)]
        crossings = count_crossings(current, edges)
        if best_crossings is None or crossings < best_crossings:
            best, best_crossings = [list(layer) for layer in current], crossings
    return best


def _pack(layer: list, want: dict, extent: dict) -> dict:
    """Cross-axis centres as close to ``want`` as the order and gaps allow (mean offset zero)."""
    placed = {}
    for i, n in enumerate(layer):
        spot = want[n]
        if i:
            before = layer[i - 1]
            spot = max(spot, placed[before] + (extent[before] + extent[n]) / 2 + NODE_GAP)
        placed[n] = spot
    shift = sum(want[n] - placed[n] for n in layer) / len(layer)
    return {n: placed[n] + shift for n in layer}


def layered_layout(nodes: list, edges: list[tuple], sizes: dict, rankdir: str = "TB") -> Layout:
    """Lay out a DAG: ``sizes`` maps node -> ``(width, height)``; returns a :class:`Layout`.

    Example:
        >>> layout = layered_layout(["in", "out"], [("in", "out")], {"in": (40, 20), "out": (40, 20)})
        >>> layout.positions["in"][1] < layout.positions["out"][1]
        True
    """
    edges = list(dict.fromkeys(edges))
    ranks = longest_path_ranks(nodes, edges)
    horizontal = rankdir == "LR"
    cross = {n: sizes[n][1 if horizontal else 0] for n in nodes}
    main = {n: sizes[n][0 if horizontal else 1] for n in nodes}
    chains, split_edges, rank_of = {}, [], dict(ranks)
    for a, b in edges:
        chain = [a]
        for r in range(ranks[a] + 1, ranks[b]):
            dummy = ("dummy", a, b, r)
            rank_of[dummy], cross[dummy], main[dummy] = r, 0.0, 0.0
            chain.append(dummy)
        chain.append(b)
        chains[(a, b)] = chain
        split_edges += list(zip(chain, chain[1:]))
    every = list(nodes) + [n for n in rank_of if n not in ranks]
    preds = {n: [] for n in every}
    succs = {n: [] for n in every}
    for a, b in split_edges:
        succs[a].append(b)
        preds[b].append(a)
    order = [[] for _ in range(max(rank_of.values(), default=-1) + 1)]
    for n in every:
        order[rank_of[n]].append(n)
    order = _barycentric_order(order, preds, succs)
    along = {}
    for layer in order:
        along.update(_pack(layer, {n: 0.0 for n in layer}, cross))
    for sweep in range(6):
        indices = range(1, len(order)) if sweep % 2 == 0 else range(len(order) - 2, -1, -1)
        neighbours = preds if sweep % 2 == 0 else succs
        for r in indices:
            want = {n: (sum(along[m] for m in neighbours[n]) / len(neighbours[n]) if neighbours[n]
                        else along[n]) for n in order[r]}
            along.update(_pack(order[r], want, cross))
    low = min((along[n] - cross[n] / 2 for n in every), default=0.0)
    depth, level = [], 0.0
    for layer in order:
        thickness = max((main[n] for n in layer), default=0.0)
        depth.append(level + thickness / 2)
        level += thickness + RANK_GAP
    def point(n: Hashable) -> tuple[float, float]:
        c, m = along[n] - low + NODE_GAP / 2, depth[rank_of[n]] + RANK_GAP / 2
        return (m, c) if horizontal else (c, m)
    positions = {n: point(n) for n in nodes}
    paths = {edge: [point(n) for n in chain] for edge, chain in chains.items()}
    extent_cross = max((along[n] + cross[n] / 2 for n in every), default=0.0) - low + NODE_GAP
    extent_main = level
    width, height = (extent_main, extent_cross) if horizontal else (extent_cross, extent_main)
    return Layout(positions, {n: sizes[n] for n in nodes}, paths, ranks, width, height,
                  [[n for n in layer if n in ranks] for layer in order])
