"""plot_model without graphviz: the model graph, Keras's labels, file formats and layouts."""

import sys
import pathlib

import numpy as np
import pytest

import strata
from strata.utils import plot_model
from strata.utils.graph_layout import count_crossings, layered_layout, longest_path_ranks

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "examples"))

MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<svg"}


def _wide_and_deep():
    import wide_and_deep

    return wide_and_deep.build_model()[0]


def _names(plot):
    return {n.layer.name for n in plot.nodes}, {(a.name, b.name) for a, b in plot.edges}


def test_wide_and_deep_graph_equals_the_model_graph(tmp_path):
    model = _wide_and_deep()
    plot = plot_model(model, to_file=tmp_path / "wd.png")
    nodes, edges = _names(plot)
    assert nodes == {layer.name for layer in model.layers}
    expected = set()
    for layer in model.layers:
        for node in layer._inbound_nodes:
            for tensor in node.input_tensors:
                expected.add((tensor._keras_history[0].name, layer.name))
    assert edges == expected and len(edges) == 8
    assert ("dense_1", "concatenate") in edges and ("dense_1", "aux_output") in edges
    assert [n.header for n in plot.nodes] == [type(layer).__name__ for layer in model.layers]
    # two inputs on the top layer, the concat below the deep branch, no crossings
    ranks = plot.layout.ranks
    assert ranks[id(model.get_layer("concatenate"))] == 4 and ranks[id(model.get_layer("output"))] == 5
    assert (tmp_path / "wd.png").read_bytes()[:4] == MAGIC["png"]


def test_labels_show_what_is_asked(tmp_path):
    model = strata.Sequential([strata.Input((8,)), strata.layers.Dense(4, activation="relu", name="hidden"),
                               strata.layers.Dense(1, name="out")])
    model.layers[1].trainable = False
    plain = plot_model(model, to_file=tmp_path / "a.svg")
    assert [(n.header, n.lines, n.trainable) for n in plain.nodes] == [("Dense", [], None), ("Dense", [], None)]
    full = plot_model(model, to_file=tmp_path / "b.svg", show_shapes=True, show_dtype=True, show_layer_names=True,
                      show_layer_activations=True, show_trainable=True)
    hidden, out = full.nodes
    assert hidden.header == "hidden (Dense)"
    assert hidden.lines == ["Activation: relu", "Input shape: (None, 8)", "Output shape: (None, 4)",
                            "Output dtype: float32"]
    assert hidden.trainable == "Trainable" and out.trainable == "Non-trainable"
    svg = (tmp_path / "b.svg").read_text()
    for text in ["hidden (Dense)", "Activation: relu", "Output shape: (None, 1)", "Output dtype: float32",
                 "Non-trainable", "firebrick", "forestgreen"]:
        assert text in svg
    assert svg.count('class="edge"') == 1


def test_input_layers_have_no_input_shape_line(tmp_path):
    model = _wide_and_deep()
    plot = plot_model(model, to_file=tmp_path / "m.svg", show_shapes=True)
    inputs = [n for n in plot.nodes if n.header == "InputLayer"]
    assert [n.lines for n in inputs] == [["Output shape: (None, 6)"], ["Output shape: (None, 5)"]]
    concat = next(n for n in plot.nodes if n.header == "Concatenate")
    assert concat.lines == ["Input shape: [(None, 5), (None, 30)]", "Output shape: (None, 35)"]


@pytest.mark.parametrize("name,kind", [("m.png", "png"), ("m.pdf", "pdf"), ("m.svg", "svg"), ("m_noext", "png")])
def test_files_have_the_format_of_their_extension(tmp_path, name, kind):
    model = strata.Sequential([strata.Input((3,)), strata.layers.Dense(2)])
    plot = plot_model(model, to_file=str(tmp_path / name), dpi=50)
    assert (tmp_path / name).read_bytes()[:4] == MAGIC[kind]
    assert plot._repr_png_()[:4] == MAGIC["png"]
    assert (plot._repr_svg_() is not None) == (kind == "svg")


def test_rankdir_lr_lays_layers_along_x(tmp_path):
    model = _wide_and_deep()
    top_down = plot_model(model, to_file=tmp_path / "tb.svg").layout
    sideways = plot_model(model, to_file=tmp_path / "lr.svg", rankdir="LR").layout
    first, last = id(model.get_layer("normalization_1")), id(model.get_layer("output"))
    assert top_down.positions[first][1] < top_down.positions[last][1]
    assert sideways.positions[first][0] < sideways.positions[last][0]
    assert sideways.width > sideways.height and top_down.height > top_down.width
    upward = plot_model(model, to_file=tmp_path / "bt.svg", rankdir="BT").layout
    assert upward.positions[first][1] > upward.positions[last][1]


def test_expand_nested_draws_the_inner_layers_in_a_cluster(tmp_path):
    inner = strata.Sequential([strata.Input((4,)), strata.layers.Dense(3, name="in_a"),
                               strata.layers.Dense(2, name="in_b")], name="inner")
    x = strata.Input((4,))
    y = strata.layers.Dense(1, name="post")(inner(strata.layers.Dense(4, name="pre")(x)))
    model = strata.Model(x, y)
    collapsed = plot_model(model, to_file=tmp_path / "c.svg")
    assert ("pre", "inner") in _names(collapsed)[1] and ("inner", "post") in _names(collapsed)[1]
    expanded = plot_model(model, to_file=tmp_path / "e.svg", expand_nested=True)
    nodes, edges = _names(expanded)
    assert "inner" not in nodes and {"in_a", "in_b"} <= nodes
    assert {("pre", "in_a"), ("in_a", "in_b"), ("in_b", "post")} <= edges
    assert [n.clusters for n in expanded.nodes if n.layer.name.startswith("in_")] == [("inner",), ("inner",)]
    svg = (tmp_path / "e.svg").read_text()
    assert svg.count('class="cluster"') == 1 and ">inner</text>" in svg


def test_keras_errors(tmp_path):
    model = strata.Sequential([strata.layers.Dense(2)])
    with pytest.raises(ValueError, match="This model has not yet been built"):
        plot_model(model)
    model.build((None, 3))
    with pytest.raises(ValueError, match="Argument `layer_range` is no longer supported."):
        plot_model(model, to_file=tmp_path / "m.png", layer_range=["a", "b"])
    with pytest.raises(ValueError, match="Unrecognized keyword arguments: {'colour': 1}"):
        plot_model(model, to_file=tmp_path / "m.png", colour=1)
    with pytest.raises(ValueError, match=r"cannot write '\.dot' files.*Use one of: \.svg"):
        plot_model(model, to_file=tmp_path / "m.dot")
    with pytest.raises(ValueError, match="`rankdir` must be one of"):
        plot_model(model, to_file=tmp_path / "m.png", rankdir="XY")


@pytest.mark.keras
def test_defaults_match_keras(keras):
    import inspect

    ours = inspect.signature(plot_model).parameters
    theirs = inspect.signature(keras.utils.plot_model).parameters
    assert [(k, v.default) for k, v in ours.items()] == [(k, v.default) for k, v in theirs.items()]


def test_layout_ranks_ordering_and_no_overlap():
    assert longest_path_ranks(list("abcd"), [("a", "b"), ("b", "d"), ("a", "c"), ("c", "d"), ("a", "d")]) == \
        {"a": 0, "b": 1, "c": 1, "d": 2}
    # a crossing-prone input order: barycentric ordering removes the crossing
    nodes = ["a", "b", "x", "y"]
    layout = layered_layout(nodes, [("a", "y"), ("b", "x")], {n: (30, 10) for n in nodes})
    assert count_crossings(layout.order, [("a", "y"), ("b", "x")]) == 0
    for layer in layout.order:
        spots = sorted((layout.positions[n][0], n) for n in layer)
        for (p, _), (q, _) in zip(spots, spots[1:]):
            assert q - p >= 30
    long_edge = layered_layout(["a", "b", "c"], [("a", "b"), ("b", "c"), ("a", "c")], {n: (30, 10) for n in "abc"})
    assert len(long_edge.edges[("a", "c")]) == 3  # routed through one dummy point
    with pytest.raises(ValueError, match="cycle"):
        longest_path_ranks(["a", "b"], [("a", "b"), ("b", "a")])


@pytest.mark.parametrize("name", ["plot_model", "graph_layout"])
def test_doctest_examples_run(name, tmp_path, monkeypatch):
    import doctest
    import importlib

    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(f"strata.utils.{name}")
    failures, tried = doctest.testmod(module, extraglobs={"np": np})
    assert failures == 0 and tried > 0
