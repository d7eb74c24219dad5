"""visualize_filter: compiled gradient ascent on the input, checked against a plain-JAX ascent."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import strata as keras
from strata import explain, layers


def small_cnn(activation="relu"):
    return keras.Sequential([
        keras.Input((12, 12, 2)),
        layers.Conv2D(3, 3, activation="relu", name="c1"),
        layers.Conv2D(5, 3, activation=activation, name="c2"),
        layers.Flatten(name="flat"),
        layers.Dense(4, name="out"),
    ])


def reference_ascent(model, index, seed, iterations, learning_rate, border=2):
    """The course's loop, written with lax.conv and jax.grad on the model's weights."""
    (k1, b1), (k2, b2) = [(jnp.asarray(model.get_layer(n).kernel.value), jnp.asarray(model.get_layer(n).bias.value))
                          for n in ("c1", "c2")]

    def conv(x, k, b):
        y = jax.lax.conv_general_dilated(x, k, (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC"))
        return y + jnp.reshape(b, (1, 1, 1, -1))

    def loss(image):
        maps = conv(jax.nn.relu(conv(image, k1, b1)), k2, b2)  # c2 is linear here
        return jnp.mean(maps[:, border:-border, border:-border, index])

    key = jax.random.fold_in(jax.random.PRNGKey(seed), index)
    image = jax.random.uniform(key, (12, 12, 2), jnp.float32, 0.4, 0.6)[None]
    for _ in range(iterations):
        grads = jax.grad(loss)(image)
        image = image + learning_rate * grads / jnp.sqrt(jnp.maximum(jnp.sum(grads**2), 1e-12))
    return np.asarray(image[0]), float(loss(image))


def test_ascent_increases_the_filter_activation():
    model = small_cnn(activation=None)
    images, trace = explain.filter_ascent(model, "c2", [0, 1, 2, 3, 4], iterations=20, learning_rate=2.0, seed=3)
    assert images.shape == (5, 12, 12, 2) and trace.shape == (5, 21)
    assert np.all(trace[:, -1] > trace[:, 0] + 0.3)
    steps = np.diff(trace, axis=1)
    assert (steps > 0).mean() > 0.9


def test_ascent_equals_a_plain_jax_reference_on_the_same_seed():
    model = small_cnn(activation=None)
    images, trace = explain.filter_ascent(model, "c2", [1, 4], iterations=7, learning_rate=2.5, seed=11)
    for row, index in enumerate([1, 4]):
        expected, final = reference_ascent(model, index, 11, 7, 2.5)
        np.testing.assert_allclose(images[row], expected, atol=2e-5, rtol=1e-5)
        assert trace[row, -1] == pytest.approx(final, rel=1e-5, abs=1e-5)


def test_a_filter_gets_the_same_image_alone_or_in_a_batch_and_seeds_matter():
    model = small_cnn(activation=None)
    batch = explain.visualize_filters(model, "c2", [4, 0, 2], seed=5, iterations=4, batch_size=2, plot=False)
    alone = explain.visualize_filter(model, "c2", 2, seed=5, iterations=4)
    assert batch.dtype == np.uint8 and batch.shape == (3, 12, 12, 2)
    np.testing.assert_array_equal(batch[2], alone)
    assert not np.array_equal(alone, explain.visualize_filter(model, "c2", 2, seed=6, iterations=4))


def test_default_seed_follows_the_root_seed():
    model = small_cnn(activation=None)
    keras.utils.set_random_seed(7)
    first = explain.visualize_filter(model, "c2", 0, iterations=2)
    second = explain.visualize_filter(model, "c2", 0, iterations=2)
    keras.utils.set_random_seed(7)
    assert np.array_equal(first, explain.visualize_filter(model, "c2", 0, iterations=2))
    assert not np.array_equal(first, second)


def test_one_executable_serves_all_filters_and_new_weights_are_read():
    model = small_cnn(activation=None)
    a, _ = explain.filter_ascent(model, "c2", [0, 1], iterations=3, seed=0, learning_rate=1.0)
    explain.filter_ascent(model, "c2", [3, 4], iterations=3, seed=9, learning_rate=4.0)
    program = explain.filter_visualization._ascent_program(
        model, model.get_layer("c2"), (12, 12, 2), 3, 2, (0.0, 1.0), 3)
    assert program._compiled._cache_size() == 1
    kernel = model.get_layer("c2").kernel
    kernel.assign(kernel.value * -1.0)
    b, _ = explain.filter_ascent(model, "c2", [0, 1], iterations=3, seed=0, learning_rate=1.0)
    assert program._compiled._cache_size() == 1
    assert not np.allclose(a, b)


def test_image_size_value_range_and_border():
    inputs = keras.Input((None, None, 1))
    outputs = layers.Conv2D(2, 3, name="conv")(inputs)
    model = keras.Model(inputs, outputs)
    images, trace = explain.filter_ascent(model, "conv", [1], image_size=(9, 7), iterations=0, seed=0,
                                          value_range=(-10.0, 10.0))
    assert images.shape == (1, 9, 7, 1) and trace.shape == (1, 1)
    assert images.min() >= -2.0 and images.max() <= 2.0 and images.std() > 0.5  # middle fifth
    # border=0 averages the whole map: the trace is the full mean of the filter's activation.
    _, whole = explain.filter_ascent(model, "conv", [1], image_size=(9, 7), iterations=0, seed=0,
                                     value_range=(-10.0, 10.0), border=0)
    expected = np.asarray(model.predict(images, verbose=0))[..., 1].mean()
    assert whole[0, 0] == pytest.approx(expected, rel=1e-5)


def test_deprocess_image_centres_scales_clips_and_crops():
    rng = np.random.default_rng(0)
    image = rng.normal(5.0, 0.01, (10, 10, 3)).astype("float32")
    out = explain.deprocess_image(image)
    assert out.dtype == np.uint8 and out.shape == (10, 10, 3)
    assert abs(out.mean() - 128) < 2 and abs(out.std() - 64) < 5
    expected = np.clip((image - image.mean()) / image.std() * 64 + 128, 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(out, expected)
    assert explain.deprocess_image(image, crop=2).shape == (6, 6, 3)
    np.testing.assert_array_equal(explain.deprocess_image(np.full((3, 3, 1), 2.0)), np.full((3, 3, 1), 128))
    with pytest.raises(ValueError, match=r"`crop` removes the whole 10x10 image. Received: crop=5"):
        explain.deprocess_image(image, crop=5)


def test_figures_have_one_axes_per_filter(tmp_path):
    model = small_cnn()
    image, figure = explain.visualize_filter(model, "c1", 0, iterations=2, seed=0, plot=True)
    assert image.shape == (12, 12, 2) and len(figure.axes) == 1
    images, grid = explain.visualize_filters(model, "c2", iterations=2, seed=0, images_per_row=2)
    assert images.shape == (5, 12, 12, 2) and len(grid.axes) == 5
    assert [axes.get_title() for axes in grid.axes] == ["0", "1", "2", "3", "4"]
    grid.savefig(tmp_path / "filters.png")
    assert (tmp_path / "filters.png").stat().st_size > 0


def test_errors_name_the_layers_that_qualify_and_the_filter_count():
    model = small_cnn()
    with pytest.raises(ValueError, match=r"has no layer named 'c9'. Received: layer_name='c9'. Its convolution "
                                         r"layers are \['c1', 'c2'\]"):
        explain.visualize_filter(model, "c9", 0)
    with pytest.raises(ValueError, match=r"layer 'out' is a Dense. Received: layer_name='out'. Layers that "
                                         r"qualify: \['c1', 'c2'\]"):
        explain.visualize_filter(model, "out", 0)
    with pytest.raises(ValueError, match=r"filter_index=5 is out of range: layer 'c2' has 5 filters "
                                         r"\(indices 0 to 4\)"):
        explain.visualize_filter(model, "c2", 5)
    with pytest.raises(ValueError, match=r"filter_index=-1 is out of range"):
        explain.visualize_filters(model, "c2", [0, -1])
    with pytest.raises(ValueError, match=r"`image_size` must be a pair of positive ints \(height, width\). "
                                         r"Received: image_size=\(0, 4\)"):
        explain.visualize_filter(model, "c2", 0, image_size=(0, 4))
    with pytest.raises(ValueError, match=r"`iterations` must be an int >= 0. Received: iterations=-1"):
        explain.visualize_filter(model, "c2", 0, iterations=-1)
    open_model = keras.Model(*(lambda i: (i, layers.Conv2D(2, 3, name="conv")(i)))(keras.Input((None, None, 3))))
    with pytest.raises(ValueError, match=r"accepts images of any size .* pass `image_size=\(height, width\)`"):
        explain.visualize_filter(open_model, "conv", 0)
    with pytest.raises(ValueError, match=r"needs a model with a known input shape"):
        explain.visualize_filter(keras.Sequential([layers.Conv2D(2, 3, name="conv")]), "conv", 0)
