"""explain_prediction, weight_table and plot_decision_boundary on small Dense networks."""

import doctest
import importlib

import numpy as np
import pytest

import strata
from strata.explain import explain_prediction, plot_decision_boundary, weight_table


def _network(activation="softmax", units=3):
    strata.utils.set_random_seed(3)
    return strata.Sequential([strata.Input((3,)), strata.layers.Dense(4, activation="tanh"),
                              strata.layers.Dense(units, activation=activation)])


def test_worked_out_sums_match_the_weights_and_the_final_values_match_predict():
    model = _network()
    x = np.array([[0.5, -1.0, 2.0]], np.float32)
    explanation = explain_prediction(model, x)
    np.testing.assert_array_equal(explanation.output, model.predict(x, verbose=0))
    final = np.array([n.value for n in explanation.layers[-1].neurons])
    np.testing.assert_allclose(final, explanation.output[0], atol=1e-6)
    kernel, bias = model.layers[0].get_weights()
    first = explanation.layers[0].neurons[1]
    np.testing.assert_array_equal(first.inputs, x[0])
    np.testing.assert_array_equal(first.weights, kernel[:, 1])
    assert first.bias == bias[1] and first.activation == "tanh"
    assert first.sum == pytest.approx(float(x[0] @ kernel[:, 1] + bias[1]), abs=1e-6)
    assert first.value == pytest.approx(np.tanh(first.sum), abs=1e-6)
    hidden = np.array([n.value for n in explanation.layers[0].neurons])
    np.testing.assert_array_equal(explanation.layers[1].neurons[0].inputs, hidden)
    assert [layer.activation for layer in explanation.layers] == ["tanh", "softmax"]


def test_text_writes_each_sum_term_by_term():
    model = strata.Sequential([strata.Input((2,)), strata.layers.Dense(1, activation="relu")])
    model.set_weights([np.array([[1.2], [0.7]], np.float32), np.array([0.1], np.float32)])
    text = str(explain_prediction(model, np.array([0.5, -0.3])))
    assert text.splitlines() == [
        "Inputs: L0N0 = 0.5, L0N1 = -0.3",
        f"Layer 1: {model.layers[0].name} (Dense, activation=relu)",
        "  L1N0: 0.5*1.2 + (-0.3)*0.7 + 0.1 = 0.49 -> relu = 0.49",
        "Output: 0.49",
    ]


def test_non_dense_layers_and_several_rows_are_refused_by_name():
    model = strata.Sequential([strata.Input((3,)), strata.layers.Dense(2), strata.layers.Dropout(0.5, name="drop")])
    with pytest.raises(ValueError, match=r"only of Dense layers.*drop \(Dropout\)"):
        explain_prediction(model, np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"drop \(Dropout\)"):
        weight_table(model)
    with pytest.raises(ValueError, match=r"one input row.*Received: x with shape \(2, 3\)"):
        explain_prediction(_network(), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"takes 3 features.*\(1, 4\)"):
        explain_prediction(_network(), np.zeros((1, 4)))


def test_weight_table_has_the_course_format():
    model = strata.Sequential([strata.Input((2,)), strata.layers.Dense(2, activation="sigmoid"),
                               strata.layers.Dense(1)])
    w1 = np.array([[1.2913416624069214, 1.1912699937820435], [1.2913411855697632, 1.1912697553634644]], np.float32)
    b1 = np.array([-1.2913415431976318, -3.021530048386012e-08], np.float32)
    w2 = np.array([[-1.548777461051941], [0.8394404649734497]], np.float32)
    b2 = np.array([7.626241297587034e-36], np.float32)
    model.set_weights([w1, b1, w2, b2])
    # the dump printed in the course's XOR lesson for these weights
    assert weight_table(model) == """0B -> L1N0: -1.2913415431976318
0B -> L1N1: -3.021530048386012e-08
L0N0 -> L1N0 = 1.2913416624069214
L0N0 -> L1N1 = 1.1912699937820435
L0N1 -> L1N0 = 1.2913411855697632
L0N1 -> L1N1 = 1.1912697553634644
1B -> L2N0: 7.626241297587034e-36
L1N0 -> L2N0 = -1.548777461051941
L1N1 -> L2N0 = 0.8394404649734497"""


@pytest.mark.parametrize("activation,units", [("sigmoid", 1), ("softmax", 3)])
def test_decision_boundary_predicts_the_grid_in_one_batch(activation, units, monkeypatch):
    from matplotlib.figure import Figure

    model = strata.Sequential([strata.Input((2,)), strata.layers.Dense(4, activation="relu"),
                               strata.layers.Dense(units, activation=activation)])
    X = np.random.default_rng(0).normal(size=(30, 2)).astype("float32")
    y = np.arange(30) % (2 if units == 1 else units)
    calls = []
    original = model.predict
    monkeypatch.setattr(model, "predict", lambda x, **kw: calls.append(len(x)) or original(x, **kw))
    figure = plot_decision_boundary(model, X, y, resolution=25, title="regions")
    assert isinstance(figure, Figure) and calls == [625]
    axes = figure.axes[0]
    assert axes.get_title() == "regions"
    assert len(axes.collections) >= 2  # filled regions and the data points
    one_hot = np.eye(max(units, 2), dtype="float32")[y]
    assert isinstance(plot_decision_boundary(model, X, one_hot, resolution=5), Figure)


def test_decision_boundary_errors():
    model = strata.Sequential([strata.Input((2,)), strata.layers.Dense(1, activation="sigmoid")])
    with pytest.raises(ValueError, match=r"exactly 2 features.*\(4, 3\)"):
        plot_decision_boundary(model, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="one label per row of X"):
        plot_decision_boundary(model, np.zeros((4, 2)), np.zeros(3), resolution=4)
    with pytest.raises(ValueError, match="`resolution` must be an integer >= 2"):
        plot_decision_boundary(model, np.zeros((4, 2)), resolution=1)


@pytest.mark.parametrize("name", ["explain_prediction", "weight_table", "decision_boundary"])
def test_doctest_examples_run(name):
    module = importlib.import_module(f"strata.explain.{name}")
    failures, tried = doctest.testmod(module, extraglobs={"np": np})
    assert failures == 0 and tried > 0


def test_exported_from_strata_explain():
    import strata.explain as explain
    from strata.explain.decision_boundary import plot_decision_boundary as direct

    assert explain.plot_decision_boundary is direct and explain.weight_table is weight_table
    assert explain.explain_prediction is explain_prediction
