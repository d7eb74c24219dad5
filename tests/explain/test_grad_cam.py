"""grad_cam: checked against jax.grad by hand, and on a model whose answer is known."""

import jax
import jax.numpy as jnp
import matplotlib
import numpy as np
import pytest

import strata as keras
from strata import explain, initializers, layers
from strata.utils.image_resize import resize_image


def small_cnn():
    return keras.Sequential([
        keras.Input((9, 9, 2)),
        layers.Conv2D(4, 3, activation="relu", name="c1"),
        layers.Conv2D(6, 3, activation="relu", name="last"),
        layers.Flatten(name="flat"),
        layers.Dense(3, activation="softmax", name="out"),
    ])


def reference_cam(model, image, class_index):
    weights = {name: [jnp.asarray(v.value) for v in model.get_layer(name).weights] for name in ("c1", "last", "out")}

    def conv(x, k, b):
        y = jax.lax.conv_general_dilated(x, k, (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC"))
        return jax.nn.relu(y + jnp.reshape(b, (1, 1, 1, -1)))

    features = conv(conv(jnp.asarray(image)[None], *weights["c1"]), *weights["last"])

    def score(a):
        kernel, bias = weights["out"]
        probabilities = jax.nn.softmax(jnp.reshape(a, (1, -1)) @ kernel + bias[None])
        return probabilities[0, class_index]

    pooled = jnp.mean(jax.grad(score)(features), axis=(0, 1, 2))
    heatmap = jnp.maximum(jnp.einsum("hwc,c->hw", features[0], pooled), 0)
    return np.asarray(heatmap / jnp.max(heatmap))


def test_heatmap_equals_a_hand_written_jax_grad_reference():
    model = small_cnn()
    image = np.random.default_rng(0).random((9, 9, 2)).astype("float32")
    predicted = int(np.argmax(model.predict(image[None], verbose=0)[0]))
    for class_index in (None, 0, 1, 2):
        heatmap = explain.grad_cam(model, image, "last", class_index)
        expected = reference_cam(model, image, predicted if class_index is None else class_index)
        assert heatmap.shape == (5, 5) and heatmap.dtype == np.float32
        np.testing.assert_allclose(heatmap, expected, atol=1e-5)
    (program,) = explain.feature_models._CACHE[model].values()
    assert program._compiled._cache_size() == 1  # the class is an argument, not a new program


def known_model():
    """Feature map = the image itself (1x1 conv of weight 1); class 0 likes it, class 1 dislikes it."""
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        layers.Conv2D(1, 1, kernel_initializer="ones", bias_initializer="zeros", name="conv"),
        layers.GlobalAveragePooling2D(name="gap"),
        layers.Dense(2, kernel_initializer=initializers.Constant(np.array([[1.0, -1.0]])), name="out"),
    ])


def test_heatmap_highlights_the_region_the_class_comes_from():
    image = np.zeros((8, 8, 1), "float32")
    image[1:3, 5:7] = 1.0  # a bright patch, top right
    image[6, 1] = 0.5
    heatmap = explain.grad_cam(known_model(), image, "conv")  # predicted: class 0
    np.testing.assert_allclose(heatmap, image[..., 0], atol=1e-6)
    assert np.unravel_index(np.argmax(heatmap), heatmap.shape) == (1, 5)
    against = explain.grad_cam(known_model(), image, "conv", class_index=1)
    np.testing.assert_array_equal(against, np.zeros((8, 8), "float32"))  # nothing argues for it; no NaN


def test_overlay_is_image_plus_alpha_jet_stretched_to_uint8():
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, (6, 8, 3)).astype("uint8")
    heatmap = rng.random((3, 4)).astype("float32")
    out = explain.overlay_heatmap(image, heatmap, alpha=0.4)
    jet = matplotlib.colormaps["jet"](np.arange(256))[:, :3] * 255
    coloured = jax.image.resize(jet[np.uint8(heatmap * 255)].astype("float32"), (6, 8, 3), "bilinear",
                                antialias=False)
    total = np.asarray(coloured) * 0.4 + image
    expected = (total - total.min()) / (total - total.min()).max() * 255
    assert out.dtype == np.uint8 and out.shape == (6, 8, 3)
    np.testing.assert_allclose(out.astype(float), expected.astype(np.uint8).astype(float), atol=1)
    grey = explain.overlay_heatmap(image[..., :1] / 255.0, heatmap)  # 0..1 floats, one channel
    assert grey.shape == (6, 8, 3)
    same = explain.overlay_heatmap(np.repeat(image[..., :1], 3, axis=-1), heatmap)
    np.testing.assert_allclose(grey.astype(float), same.astype(float), atol=1)
    assert np.array_equal(resize_image(np.ones((2, 2, 1), "float32"), (4, 4)), np.ones((4, 4, 1)))


def test_plot_shows_image_heatmap_and_overlay(tmp_path):
    model = small_cnn()
    image = np.random.default_rng(1).random((9, 9, 2)).astype("float32")
    heatmap, figure = explain.grad_cam(model, image[None], "last", plot=True)
    assert heatmap.shape == (5, 5)
    assert [axes.get_title() for axes in figure.axes] == ["image", "Grad-CAM", "overlay"]
    figure.savefig(tmp_path / "cam.png")
    rgb = np.random.default_rng(2).integers(0, 256, (9, 9, 3)).astype("uint8")
    assert len(explain.plot_grad_cam(rgb, heatmap).axes) == 3


def test_errors():
    model = small_cnn()
    image = np.ones((9, 9, 2), "float32")
    with pytest.raises(ValueError, match=r"has no layer named 'conv9'. Received: last_conv_layer_name='conv9'. "
                                         r"Its convolution layers are \['c1', 'last'\]"):
        explain.grad_cam(model, image, "conv9")
    with pytest.raises(ValueError, match=r"weighs the channels of a \(batch, height, width, channels\) feature map, "
                                         r"but layer 'flat' outputs \(None, 150\)"):
        explain.grad_cam(model, image, "flat")
    with pytest.raises(ValueError, match=r"`class_index` must be an int in \[0, 3\) \(the model has 3 outputs\). "
                                         r"Received: class_index=3"):
        explain.grad_cam(model, image, "last", class_index=3)
    with pytest.raises(ValueError, match=r"grad_cam explains one image of shape \(9, 9, 2\)"):
        explain.grad_cam(model, np.ones((9, 9, 3)), "last")
    inputs = keras.Input((6, 6, 1))
    x = layers.Conv2D(2, 3, padding="same", name="a")(inputs)
    y = layers.Conv2D(2, 3, padding="same", name="b")(x)
    outputs = layers.Dense(2)(layers.GlobalAveragePooling2D()(layers.Add()([x, y])))
    skip = keras.Model(inputs, outputs)
    with pytest.raises(ValueError, match=r"every path from the input to the output must pass through that "
                                         r"layer's output; in model '.*' some path bypasses it"):
        explain.grad_cam(skip, np.ones((6, 6, 1)), "b")
    with pytest.raises(ValueError, match=r"`heatmap` must be 2D \(height, width\). Received: heatmap of shape \(2,\)"):
        explain.overlay_heatmap(np.ones((4, 4, 3)), np.ones(2))
    with pytest.raises(ValueError, match=r"`image` must be \(height, width\) or \(height, width, channels\). "
                                         r"Received: image of shape \(4,\)"):
        explain.overlay_heatmap(np.ones(4), np.ones((2, 2)))


def test_cached_programs_go_with_their_model():
    import gc
    import weakref

    model = small_cnn()
    explain.grad_cam(model, np.ones((9, 9, 2), "float32"), "last")
    explain.activation_maps(model, np.ones((9, 9, 2), "float32"))
    assert len(explain.feature_models._CACHE[model]) == 2
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None  # the cache does not keep the model (or its programs) alive


def test_a_model_with_two_outputs_is_refused():
    inputs = keras.Input((6, 6, 1))
    x = layers.Conv2D(2, 3, name="conv")(inputs)
    flat = layers.Flatten()(x)
    model = keras.Model(inputs, [layers.Dense(2)(flat), layers.Dense(3)(flat)])
    with pytest.raises(ValueError, match=r"grad_cam needs a model with one output; model '.*' has 2"):
        explain.grad_cam(model, np.ones((6, 6, 1)), "conv")
