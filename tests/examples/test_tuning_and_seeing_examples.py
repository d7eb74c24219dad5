"""The lr sweep on California housing, the playground's quadrant classifier, plot_model of wide&deep."""

import numpy as np
from example_loader import load_example


def test_lr_find_housing_sweeps_restores_and_trains(shared_datasets, tmp_path, capsys):
    module = load_example("lr_find_housing")
    result, history, test_mse = module.main(str(shared_datasets), tmp_path, epochs=2, train_rows=4000)
    assert (tmp_path / "lr_find.png").read_bytes()[:4] == b"\x89PNG"
    assert result.stopped_early and 50 < len(result.lrs) <= 125  # one epoch of 32-row batches at most
    assert 1e-4 < result.suggestion < 1.0
    assert result.smoothed_losses.min() < 0.6 * result.smoothed_losses[:10].mean()  # the loss did fall
    assert np.isfinite(history.history["loss"]).all() and test_mse < 1.5
    out = capsys.readouterr().out
    assert "suggestion" in out and "stopped: the loss exploded" in out


def test_decision_boundary_of_the_quadrant_classifier(tmp_path, capsys):
    module = load_example("decision_boundary")
    binary, four, accuracy, four_accuracy, explanation = module.main(tmp_path, epochs=25)
    assert accuracy > 0.9 and four_accuracy > 0.9
    for name in ("decision_boundary.png", "decision_boundary_4.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"
    assert [len(layer.neurons) for layer in explanation.layers] == [3, 4, 2, 1]
    assert abs(explanation.layers[-1].neurons[0].value - float(explanation.output[0, 0])) < 1e-6
    out = capsys.readouterr().out
    assert "L1N0: " in out and "-> sigmoid = " in out


def test_plot_model_of_wide_and_deep(tmp_path):
    from strata.utils import plot_model

    model, _, _ = load_example("wide_and_deep").build_model()
    plot = plot_model(model, to_file=tmp_path / "wide_and_deep.png", show_shapes=True, show_layer_names=True)
    assert (tmp_path / "wide_and_deep.png").read_bytes()[:4] == b"\x89PNG"
    assert len(plot.nodes) == 9 and len(plot.edges) == 8
    positions = plot.layout.positions
    boxes = [(positions[id(n.layer)], plot.layout.sizes[id(n.layer)]) for n in plot.nodes]
    for i, ((x1, y1), (w1, h1)) in enumerate(boxes):  # readable: no two boxes overlap
        for (x2, y2), (w2, h2) in boxes[i + 1:]:
            assert abs(x1 - x2) >= (w1 + w2) / 2 or abs(y1 - y2) >= (h1 + h2) / 2
