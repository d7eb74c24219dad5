"""The filter-visualisation example: a small MNIST CNN explained, and a VGG16-shaped network (slow)."""

import numpy as np
import pytest
from example_loader import load_example


def test_mnist_cnn_is_explained_and_the_pictures_are_saved(shared_datasets, tmp_path, capsys):
    module = load_example("visualize_filters")
    model, results = module.main(tmp_path, train_size=384, epochs=1, data_dir=str(shared_datasets), verbose=0)
    names = sorted(path.name for path in tmp_path.glob("*.png"))
    assert names == ["activations_conv1.png", "activations_conv2.png", "activations_pool1.png",
                     "activations_pool2.png", "filters_conv1.png", "filters_conv2.png", "grad_cam.png"]
    assert all((tmp_path / name).stat().st_size > 1000 for name in names)
    assert "Saved 7 images to" in capsys.readouterr().out
    assert results["filters_conv1"].shape == (16, 28, 28, 1) and results["filters_conv1"].dtype == np.uint8
    assert results["filters_conv2"].shape == (16, 28, 28, 1)
    assert {name: value.shape for name, value in results["activations"].items()} == {
        "conv1": (26, 26, 16), "pool1": (13, 13, 16), "conv2": (11, 11, 32), "pool2": (5, 5, 32)}
    heatmap = results["heatmap"]
    assert heatmap.shape == (11, 11) and heatmap.max() == pytest.approx(1.0) and heatmap.min() >= 0
    assert results["overlay"].shape == (28, 28, 3)
    assert results["accuracy"] > 0.2  # 384 digits, one epoch: well above chance
    # The trained filters respond to their pictures more than to the starting noise.
    from strata import explain

    _, trace = explain.filter_ascent(model, "conv2", list(range(16)), iterations=30, learning_rate=1.0, seed=0)
    alive = trace[:, 0] > 0
    assert alive.sum() >= 4 and np.all(trace[alive, -1] > 2 * trace[alive, 0])


def test_vgg16_shaped_model_has_vgg16s_parameter_count():
    module = load_example("visualize_filters")
    assert module.vgg16_shaped(224).count_params() == 138_357_544
    assert module.vgg16_shaped(224, include_top=False).count_params() == 14_714_688


@pytest.mark.slow
def test_filters_of_a_vgg16_shaped_network_with_random_weights():
    from strata import explain

    module = load_example("visualize_filters")
    model = module.vgg16_shaped(32, include_top=False)  # VGG16's smallest input, as the applications tests
    images, trace = explain.filter_ascent(model, "block3_conv1", [0, 1, 2, 3], iterations=10, seed=0,
                                          value_range=(0.0, 255.0), batch_size=4)
    assert images.shape == (4, 32, 32, 3)
    alive = trace[:, 0] > 0
    assert alive.any() and np.all(trace[alive, -1] > trace[alive, 0])
    image = explain.visualize_filter(model, "block5_conv3", 7, iterations=5, seed=0, value_range=(0.0, 255.0))
    assert image.shape == (32, 32, 3) and image.dtype == np.uint8
