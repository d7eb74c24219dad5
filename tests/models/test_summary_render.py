"""The summary renderer reproduces Keras 3's ``model.summary()`` text exactly.

Each test builds a model in real Keras, captures its summary, turns the Keras model into
:class:`SummaryRow` values and totals here in the test, renders them with strata, and compares.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

from strata.models.summary_render import SummaryRow, format_bytes, format_output_shape, render_summary


@pytest.fixture(params=["non_tty", "columns_200"])
def terminal(request, monkeypatch):
    """Either a non-TTY with no COLUMNS (Keras's width 76) or COLUMNS=200."""
    def no_terminal(*args, **kwargs):
        raise OSError("not a terminal")

    monkeypatch.setattr(os, "get_terminal_size", no_terminal)
    if request.param == "non_tty":
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", "200")
    return request.param


# -- turning a Keras model into rows (what strata's model side does for strata models) -----------------
def _nbytes(variables) -> int:
    unique = {id(v): v for v in variables}.values()
    return sum(math.prod(v.shape) * np.dtype(v.dtype).itemsize for v in unique)


def _output_shape(layer) -> str:
    if not layer._inbound_nodes:
        return "?"
    shapes = [tensor.shape for tensor in layer._inbound_nodes[-1].output_tensors]
    return format_output_shape(shapes[0] if len(shapes) == 1 else shapes)


def _rows(keras, model, dag, expand_nested=False, depth=0):
    layers = model._operations if isinstance(model, keras.Model) and dag else model.layers
    nodes = [node for level in getattr(model, "_nodes_by_depth", {}).values() for node in level]
    rows = []
    for layer in layers:
        links = [f"{t._keras_history.operation.name}[{t._keras_history.node_index}][{t._keras_history.tensor_index}]"
                 for node in layer._inbound_nodes if not nodes or node in nodes for t in node.input_tensors]
        rows.append(SummaryRow(
            layer_label=f"{layer.name} ({type(layer).__name__})",
            output_shape=_output_shape(layer),
            params=layer.count_params() if layer.built else "0 (unbuilt)",
            connected_to=links,
            trainable=("Y" if layer.trainable else "N") if layer.weights else "-",
            depth=depth,
        ))
        if expand_nested and getattr(layer, "layers", None):
            rows += _rows(keras, layer, False, expand_nested, depth + 1)
    return rows


def _render(keras, model, dag, **kwargs):
    """strata's rendering of a Keras model, via rows and totals computed here."""
    trainable, frozen = model.trainable_weights, model.non_trainable_weights
    optimizer = model.optimizer if model.compiled and model.optimizer and model.optimizer.built else None
    opt_vars = optimizer.variables if optimizer else []
    count = lambda vs: sum(math.prod(v.shape) for v in vs)  # noqa: E731
    expand_nested = kwargs.pop("expand_nested", False)
    captured = []
    render_summary(
        model.name, _rows(keras, model, dag, expand_nested), dag=dag,
        total_params=count(trainable) + count(frozen) + count(opt_vars),
        trainable_params=count(trainable), non_trainable_params=count(frozen),
        total_bytes=_nbytes(trainable) + _nbytes(frozen) + _nbytes(opt_vars),
        trainable_bytes=_nbytes(trainable), non_trainable_bytes=_nbytes(frozen),
        optimizer_params=count(opt_vars) if optimizer else None, optimizer_bytes=_nbytes(opt_vars),
        print_fn=captured.append, **kwargs,
    )
    assert len(captured) == 1 and captured[0].endswith("\n")
    return captured[0]


def _keras_text(model, **kwargs) -> str:
    captured = []
    model.summary(print_fn=captured.append, **kwargs)
    assert len(captured) == 1
    return captured[0]


# -- models ------------------------------------------------------------------------------------------
def _sequential(keras):
    return keras.Sequential([keras.Input((10,)), keras.layers.Dense(32, activation="relu"),
                             keras.layers.Dense(1)], name="sequential")


def _dag(keras):
    x = keras.Input((10,), name="x")
    a, b = keras.layers.Dense(32)(x), keras.layers.Dense(32)(x)
    y = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    return keras.Model(x, y)


@pytest.mark.keras
@pytest.mark.parametrize("show_trainable", [False, True])
def test_sequential_matches_keras(keras, terminal, show_trainable):
    model = _sequential(keras)
    model.layers[0].trainable = False
    theirs = _keras_text(model, show_trainable=show_trainable)
    assert _render(keras, model, dag=False, show_trainable=show_trainable) == theirs
    assert theirs.startswith('Model: "sequential"\n┏')
    width = len(theirs.splitlines()[1])
    assert width == (76 if terminal == "non_tty" else 88 + 12 * show_trainable)


@pytest.mark.keras
@pytest.mark.parametrize("show_trainable", [False, True])
def test_functional_dag_matches_keras(keras, terminal, show_trainable):
    model = _dag(keras)
    theirs = _keras_text(model, show_trainable=show_trainable)
    assert _render(keras, model, dag=True, show_trainable=show_trainable) == theirs
    assert "Connected to" in theirs and "Optimizer params" not in theirs
    assert " Total params: 769 (3.00 KB)\n" in theirs


@pytest.mark.keras
def test_trained_model_has_optimizer_line(keras, terminal):
    model = _dag(keras)
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((8, 10), "float32"), np.ones((8, 1), "float32"), epochs=1, verbose=0)
    theirs = _keras_text(model)
    assert _render(keras, model, dag=True) == theirs
    assert " Total params: 2,309 (9.02 KB)\n" in theirs and " Optimizer params: 1,540 (6.02 KB)\n" in theirs


@pytest.mark.keras
def test_long_names_wrap_like_keras(keras, terminal):
    model = keras.Sequential([keras.Input((3,)),
                              keras.layers.Dense(2, name="a_really_long_layer_name_that_has_to_wrap_around"),
                              keras.layers.BatchNormalization()])
    theirs = _keras_text(model)
    assert _render(keras, model, dag=False) == theirs
    dag = _dag(keras)
    assert _render(keras, dag, dag=True) == _keras_text(dag)  # "concatenate (Concatenate)" wraps at 76
    if terminal == "non_tty":
        assert "│ concatenate         │" in _keras_text(dag)


@pytest.mark.keras
def test_unbuilt_and_nested_models_match_keras(keras, terminal):
    unbuilt = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(2)])
    theirs = _keras_text(unbuilt)
    assert "0 (unbuilt)" in theirs and "│ ?" in theirs
    assert _render(keras, unbuilt, dag=False) == theirs

    inner = keras.Sequential([keras.layers.Dense(5), keras.layers.Dense(3)], name="inner")
    outer = keras.Sequential([keras.Input((4,)), inner, keras.layers.Dense(1)], name="outer")
    for expand_nested in (False, True):
        theirs = _keras_text(outer, expand_nested=expand_nested)
        assert _render(keras, outer, dag=False, expand_nested=expand_nested) == theirs
    assert "└ dense" in theirs


@pytest.mark.keras
def test_custom_line_length_and_positions_match_keras(keras, terminal):
    model = _dag(keras)
    kwargs = dict(line_length=120, positions=[0.25, 0.5, 0.6, 1.0])
    assert _render(keras, model, dag=True, **kwargs) == _keras_text(model, **kwargs)


@pytest.mark.keras
def test_stdout_without_print_fn_matches_keras(keras, terminal, capsys):
    model = _sequential(keras)
    model.summary()
    theirs = capsys.readouterr().out
    render_summary("sequential", _rows(keras, model, False), dag=False, total_params=385, trainable_params=385,
                   non_trainable_params=0, total_bytes=1540, trainable_bytes=1540, non_trainable_bytes=0)
    ours = capsys.readouterr().out
    assert ours == theirs and "\x1b" not in ours


@pytest.mark.keras
def test_coloured_terminal_output_matches_keras(keras, monkeypatch, capsys):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "130")
    monkeypatch.delenv("NO_COLOR", raising=False)
    model = _dag(keras)
    model.layers[1].trainable = False
    model.summary(show_trainable=True)
    theirs = capsys.readouterr().out
    tw, fw = model.trainable_weights, model.non_trainable_weights
    render_summary(model.name, _rows(keras, model, True), dag=True, total_params=769, trainable_params=417,
                   non_trainable_params=352, total_bytes=_nbytes(tw) + _nbytes(fw), trainable_bytes=_nbytes(tw),
                   non_trainable_bytes=_nbytes(fw), show_trainable=True)
    ours = capsys.readouterr().out
    assert "\x1b[" in theirs and ours == theirs


def test_exact_text_of_a_small_table(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    captured = []
    render_summary("tiny", [SummaryRow("dense (Dense)", "(None, 4)", 1051)], dag=False, total_params=1051,
                   trainable_params=1051, non_trainable_params=0, total_bytes=4204, trainable_bytes=4204,
                   non_trainable_bytes=0, optimizer_params=2, optimizer_bytes=12, print_fn=captured.append)
    lines = captured[0].splitlines()
    assert lines[0] == 'Model: "tiny"'
    assert lines[2] == "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃"
    assert lines[4] == "│ dense (Dense)                   │ (None, 4)              │         1,051 │"
    assert lines[-4:] == [" Total params: 1,051 (4.11 KB)", " Trainable params: 1,051 (4.11 KB)",
                          " Non-trainable params: 0 (0.00 B)", " Optimizer params: 2 (12.00 B)"]


def test_format_bytes():
    assert format_bytes(1051 * 4) == "4.11 KB"
    assert format_bytes(0) == "0.00 B"
    assert format_bytes(108) == "108.00 B"
    assert format_bytes(1023.999) == "1024.00 B"
    assert format_bytes(3 * 1024**2) == "3.00 MB"
    assert format_bytes(5 * 1024**6) == "5120.00 PB"  # PB is the largest unit


def test_format_output_shape():
    assert format_output_shape((None, 32)) == "(None, 32)"
    assert format_output_shape((None,)) == "(None)"
    assert format_output_shape([(None, 4), (None, 2)]) == "[(None, 4), (None, 2)]"
    assert format_output_shape({"a": (None, 4)}) == "{a: (None, 4)}"
    with pytest.raises(TypeError, match="Received: 'x'"):
        format_output_shape("x")


def test_too_narrow_raises():
    with pytest.raises(ValueError, match=r"Insufficient console width.*line_length=10"):
        render_summary("m", [], dag=True, total_params=0, trainable_params=0, non_trainable_params=0,
                       total_bytes=0, trainable_bytes=0, non_trainable_bytes=0, line_length=10,
                       print_fn=lambda s: None)
