"""activation_maps: intermediate feature maps for one image, and their channel grids."""

import numpy as np
import pytest

import strata as keras
from strata import explain, layers


def small_cnn():
    return keras.Sequential([
        keras.Input((10, 10, 1)),
        layers.Conv2D(3, 3, activation="relu", name="c1"),
        layers.MaxPooling2D(2, name="p1"),
        layers.Conv2D(20, 2, name="c2"),
        layers.Flatten(name="flat"),
        layers.Dense(2, name="out"),
    ])


def test_maps_equal_the_truncated_models_predictions():
    model = small_cnn()
    image = np.random.default_rng(0).random((10, 10, 1)).astype("float32")
    maps = explain.activation_maps(model, image)
    assert list(maps) == ["c1", "p1", "c2"]  # the rank-4 feature maps, in model order
    for name, value in maps.items():
        expected = keras.Model(model.inputs, model.get_layer(name).output).predict(image[None], verbose=0)[0]
        np.testing.assert_allclose(value, expected, rtol=1e-6, atol=1e-6)
    chosen = explain.activation_maps(model, image[None], ["out", "c1"])
    assert list(chosen) == ["out", "c1"] and chosen["out"].shape == (2,)
    np.testing.assert_allclose(chosen["out"], model.predict(image[None], verbose=0)[0], rtol=1e-5, atol=1e-6)


def test_functional_model_and_program_reuse():
    inputs = keras.Input((8, 8, 3))
    x = layers.Conv2D(4, 3, padding="same", name="a")(inputs)
    y = layers.Conv2D(4, 1, name="b")(x)
    outputs = layers.Add(name="sum")([x, y])
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(1)
    first = explain.activation_maps(model, rng.random((8, 8, 3)))
    second = explain.activation_maps(model, rng.random((8, 8, 3)))
    assert list(first) == ["a", "b", "sum"]
    np.testing.assert_allclose(first["sum"], first["a"] + first["b"], rtol=1e-5, atol=1e-6)
    assert not np.allclose(first["a"], second["a"])
    (program,) = explain.feature_models._CACHE[model].values()
    assert program._compiled._cache_size() == 1


def test_activation_grid_normalises_each_channel_and_tiles_them():
    rng = np.random.default_rng(2)
    activation = rng.normal(size=(3, 4, 5)).astype("float32") * np.arange(1, 6, dtype="float32")
    grid = explain.activation_grid(activation, images_per_row=2)
    assert grid.shape == (9, 8) and grid.dtype == np.uint8
    for channel in range(5):
        row, column = divmod(channel, 2)
        values = activation[..., channel]
        expected = np.clip((values - values.mean()) / values.std() * 64 + 128, 0, 255).astype(np.uint8)
        np.testing.assert_array_equal(grid[row * 3:(row + 1) * 3, column * 4:(column + 1) * 4], expected)
    assert not grid[6:, 4:].any()  # the sixth cell is empty
    np.testing.assert_array_equal(explain.activation_grid(np.zeros((2, 2, 1))), np.full((2, 2), 128))
    with pytest.raises(ValueError, match=r"`activation` must have shape \(height, width, channels\). "
                                         r"Received: activation of shape \(2, 2\)"):
        explain.activation_grid(np.zeros((2, 2)))


def test_plot_gives_one_figure_per_layer(tmp_path):
    model = small_cnn()
    maps, figures = explain.activation_maps(model, np.ones((10, 10, 1)), plot=True, images_per_row=8)
    assert list(figures) == list(maps)
    for name, figure in figures.items():
        assert len(figure.axes) == 1 and figure.axes[0].get_title() == name
    assert figures["c2"].axes[0].images[0].get_array().shape == (3 * 3, 8 * 3)  # 20 channels of 3x3, 8 a row
    figures["c1"].savefig(tmp_path / "c1.png")
    assert (tmp_path / "c1.png").stat().st_size > 0


def test_errors():
    model = small_cnn()
    with pytest.raises(ValueError, match=r"has no layer named 'nope'. Received: layer_names='nope'. Its "
                                         r"convolution layers are \['c1', 'c2'\]"):
        explain.activation_maps(model, np.ones((10, 10, 1)), ["c1", "nope"])
    with pytest.raises(ValueError, match=r"activation_maps explains one image of shape \(10, 10, 1\) \(or a batch "
                                         r"of one\). Received: image of shape \(2, 10, 10, 1\)"):
        explain.activation_maps(model, np.ones((2, 10, 10, 1)))
    with pytest.raises(ValueError, match=r"Received: image of shape \(10, 9, 1\)"):
        explain.activation_maps(model, np.ones((10, 9, 1)))
    dense = keras.Sequential([keras.Input((4,)), layers.Dense(2, name="d")])
    with pytest.raises(ValueError, match=r"has no layer with a rank-4 feature map; pass `layer_names` from \['d'\]"):
        explain.activation_maps(dense, np.ones(4))
