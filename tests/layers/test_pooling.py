"""Pooling layers (max, average, global): parity with Keras, shapes, errors and files.

Parity tolerance: float32, atol 1e-5, for outputs and input gradients.  strata's side always runs
with JAX rank promotion set to "raise" (the ``keras`` fixture relaxes it for Keras's own code).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from file_roundtrip import assert_files_cross_load
from layer_harness import run_layer_test

from strata import layers

ATOL = 1e-5


def assert_matches_keras(keras, name, kwargs, shape, seed=0, **call_kwargs):
    """Outputs and input gradients of strata's and Keras's layer agree (atol 1e-5)."""
    rs = np.random.RandomState(seed)
    x = (rs.standard_normal(shape) - 1.0).astype("float32")  # mostly negative: -inf padding shows
    ours, theirs = getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    with jax.numpy_rank_promotion("raise"):
        y = np.asarray(ours(x, **call_kwargs))
        w = rs.standard_normal(y.shape).astype("float32")
        grad = jax.grad(lambda v: jnp.sum(ours(v, **call_kwargs) * w))(x)
    expected = np.asarray(theirs(x, **call_kwargs))
    expected_grad = jax.grad(lambda v: jnp.sum(theirs(v, **call_kwargs) * w))(x)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, atol=ATOL)
    np.testing.assert_allclose(grad, expected_grad, atol=ATOL)
    return ours, y


POOLING_CASES = [
    ("MaxPooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 8, 3)),
    ("MaxPooling1D", {"pool_size": 2, "data_format": "channels_first"}, (2, 3, 7)),
    ("MaxPooling2D", {}, (2, 5, 5, 2)),
    ("MaxPooling2D", {"pool_size": (3, 2), "strides": (2, 1), "padding": "same"}, (2, 5, 7, 2)),
    ("MaxPooling2D", {"pool_size": 3, "padding": "SAME", "data_format": "channels_first"}, (2, 2, 5, 7)),
    ("MaxPooling3D", {"padding": "same"}, (2, 3, 5, 4, 2)),
    ("AveragePooling1D", {"pool_size": 2, "strides": 3, "padding": "same"}, (2, 7, 3)),
    ("AveragePooling2D", {"pool_size": 3, "strides": 2}, (2, 7, 7, 2)),
    ("AveragePooling2D", {"pool_size": 2, "padding": "same"}, (2, 5, 5, 3)),
    ("AveragePooling2D", {"pool_size": (3, 2), "strides": (1, 2), "padding": "same",
                          "data_format": "channels_first"}, (2, 3, 5, 5)),
    ("AveragePooling3D", {"pool_size": (2, 3, 2), "padding": "same", "data_format": "channels_first"},
     (2, 2, 5, 4, 3)),
]


@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs, shape", POOLING_CASES)
def test_pooling_outputs_and_gradients_match_keras(keras_oracle, name, kwargs, shape):
    ours, y = assert_matches_keras(keras_oracle, name, kwargs, shape)
    assert ours.compute_output_shape(shape) == y.shape
    theirs = getattr(keras_oracle.layers, name)(**kwargs)
    assert {k: v for k, v in ours.get_config().items() if k != "name"} == \
        {k: v for k, v in theirs.get_config().items() if k != "name"}


_GLOBAL_VARIANTS = ({"keepdims": False, "data_format": "channels_last"},
                    {"keepdims": True, "data_format": "channels_last"},
                    {"keepdims": True, "data_format": "channels_first"},
                    {"keepdims": False, "data_format": "channels_first"})
GLOBAL_CASES = [(f"Global{mode}Pooling{rank}D", _GLOBAL_VARIANTS[(rank + offset) % 4], shape)
                for offset, mode in ((0, "Max"), (2, "Average"))
                for rank, shape in ((1, (2, 5, 3)), (2, (2, 4, 5, 3)), (3, (2, 3, 4, 2, 3)))]


@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs, shape", GLOBAL_CASES)
def test_global_pooling_outputs_and_gradients_match_keras(keras_oracle, name, kwargs, shape):
    ours, y = assert_matches_keras(keras_oracle, name, kwargs, shape)
    assert ours.compute_output_shape(shape) == y.shape
    channels = shape[-1] if kwargs["data_format"] == "channels_last" else shape[1]
    expected = (2,) + (1,) * (len(shape) - 2) + (channels,) if kwargs["data_format"] == "channels_last" \
        else (2, channels) + (1,) * (len(shape) - 2)
    assert y.shape == (expected if kwargs["keepdims"] else (2, channels))


@pytest.mark.keras
@pytest.mark.parametrize("data_format, keepdims", [("channels_last", False), ("channels_first", True)])
def test_global_average_pooling1d_masked_mean_matches_keras(keras_oracle, data_format, keepdims):
    mask = np.array([[True, True, False, True, False], [False, True, True, True, True]])
    shape = (2, 5, 3) if data_format == "channels_last" else (2, 3, 5)
    assert_matches_keras(keras_oracle, "GlobalAveragePooling1D", {"data_format": data_format, "keepdims": keepdims},
                         shape, mask=mask)
    x = np.arange(10, dtype="float32").reshape(2, 5, 1)
    out = layers.GlobalAveragePooling1D()(x, mask=mask.astype("float32"))
    np.testing.assert_allclose(np.asarray(out), [[(0 + 1 + 3) / 3], [(6 + 7 + 8 + 9) / 4]])
    with pytest.raises(ValueError, match=r"expects a mask of shape \(batch, steps\) = \(2, 5\). "
                                         r"Received: mask.shape=\(2, 4\)"):
        layers.GlobalAveragePooling1D()(x, mask=mask[:, :4])


@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs, shape, train", [
    ("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (4, 5, 5, 2), True),
    ("AveragePooling1D", {"pool_size": 2}, (4, 6, 3), False),
    ("AveragePooling3D", {"pool_size": 2, "padding": "same", "data_format": "channels_first"},
     (2, 2, 3, 3, 3), False),
    ("GlobalMaxPooling1D", {"keepdims": True}, (4, 5, 3), False),
    ("GlobalAveragePooling2D", {}, (4, 5, 5, 2), True),
])
def test_pooling_layer_harness(keras, name, kwargs, shape, train):
    run_layer_test(getattr(layers, name), kwargs, shape, keras=keras, train=train, atol=ATOL,
                   expected_num_weights=0)


def test_average_pooling_same_divides_by_real_cells():
    """KERAS_NOTES_2 §1.3: 5x5 arange, pool 2, same -> corner 24.0 (one cell), right column 6.5."""
    x = np.arange(25, dtype="float32").reshape(1, 5, 5, 1)
    out = np.asarray(layers.AveragePooling2D(2, padding="same")(x))[0, :, :, 0]
    assert out.shape == (3, 3)
    assert out[2, 2] == 24.0
    assert out[0, 2] == 6.5
    np.testing.assert_allclose(out[0], [3.0, 5.0, 6.5])


def test_max_pooling_same_pads_with_minus_infinity():
    x = -np.arange(1, 26, dtype="float32").reshape(1, 5, 5, 1)
    out = np.asarray(layers.MaxPooling2D(padding="same")(x))[0, :, :, 0]
    assert out[2, 2] == -25.0 and np.all(np.isfinite(out)) and np.all(out < 0)


def test_defaults_names_and_aliases(keras_oracle):
    assert layers.MaxPooling2D().name == "max_pooling2d"
    assert layers.GlobalAveragePooling2D().name == "global_average_pooling2d"
    assert layers.MaxPooling2D().pool_size == (2, 2) and layers.MaxPooling2D().strides == (2, 2)
    assert layers.MaxPooling1D().pool_size == (2,) and layers.MaxPooling3D().pool_size == (2, 2, 2)
    assert layers.AveragePooling2D(3, strides=1).strides == (1, 1)
    with pytest.raises(TypeError, match="pool_size"):
        layers.AveragePooling2D()
    for rank in (1, 2, 3):
        pairs = [(f"MaxPool{rank}D", f"MaxPooling{rank}D"), (f"AvgPool{rank}D", f"AveragePooling{rank}D"),
                 (f"GlobalMaxPool{rank}D", f"GlobalMaxPooling{rank}D"),
                 (f"GlobalAvgPool{rank}D", f"GlobalAveragePooling{rank}D")]
        for alias, name in pairs:
            assert getattr(layers, alias) is getattr(layers, name)
            assert hasattr(keras_oracle.layers, alias) and hasattr(keras_oracle.layers, name)


def test_unknown_dimensions_stay_unknown():
    images = layers.Input(shape=(None, None, 3))
    assert layers.MaxPooling2D()(images).shape == (None, None, None, 3)
    assert layers.AveragePooling2D(2, padding="same")(images).shape == (None, None, None, 3)
    assert layers.GlobalMaxPooling2D(keepdims=True)(images).shape == (None, 1, 1, 3)
    sequences = layers.Input(shape=(None, 4))
    assert layers.MaxPooling1D(3)(sequences).shape == (None, None, 4)
    assert layers.GlobalAveragePooling1D()(sequences).shape == (None, 4)
    volumes = layers.Input(shape=(3, None, 8, 8), dtype="float32")
    assert layers.MaxPooling3D(data_format="channels_first")(volumes).shape == (None, 3, None, 4, 4)
    assert layers.GlobalAveragePooling3D(data_format="channels_first")(volumes).shape == (None, 3)


def test_pooling_runs_under_jit():
    layer = layers.AveragePooling2D(3, strides=2, padding="same")
    x = np.random.RandomState(1).standard_normal((2, 7, 6, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(jax.jit(layer.__call__)(x)), np.asarray(layer(x)), atol=ATOL)


def test_pooling_errors_are_clear():
    with pytest.raises(ValueError, match=(
            r"MaxPooling2D layer 'max_pooling2d' received inputs smaller than its pooling window.*"
            r"Received: input_shape=\(None, 2, 2, 1\), pool_size=\(3, 3\), padding='valid'. "
            r"Use a smaller `pool_size`, `padding='same'`, or larger inputs.")):
        layers.MaxPooling2D(3)(layers.Input(shape=(2, 2, 1)))
    with pytest.raises(ValueError, match=r"AveragePooling1D layer 'average_pooling1d' received inputs smaller.*"
                                         r"Received: input_shape=\(1, 2, 3\), pool_size=\(4,\)"):
        layers.AveragePooling1D(4)(np.zeros((1, 2, 3), "float32"))
    assert layers.MaxPooling2D(3, padding="same")(np.zeros((1, 2, 2, 1), "float32")).shape == (1, 1, 1, 1)
    with pytest.raises(ValueError, match=r"MaxPooling2D layer 'max_pooling2d_2' expects inputs of rank 4 "
                                         r"\(batch, height, width, channels\), but received rank 3. "
                                         r"Received: input_shape=\(None, 5, 5\)"):
        layers.MaxPooling2D()(layers.Input(shape=(5, 5)))
    with pytest.raises(ValueError, match=r"GlobalMaxPooling1D layer .* expects inputs of rank 3 "
                                         r"\(batch, features, steps\)"):
        layers.GlobalMaxPooling1D(data_format="channels_first")(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"The `padding` argument must be .*Received: full"):
        layers.MaxPooling2D(padding="full")
    with pytest.raises(ValueError, match=r"`pool_size` argument must be a tuple of 2 integers, each > 0. "
                                         r"Received pool_size=0"):
        layers.MaxPooling2D(0)
    with pytest.raises(ValueError, match=r"`strides` argument must be a tuple of 3 integers. "
                                         r"Received strides=\(1, 2\)"):
        layers.MaxPooling3D(strides=(1, 2))
    with pytest.raises(ValueError, match=r"`data_format` argument must be one of .*Received: data_format='nhwc'"):
        layers.GlobalAveragePooling2D(data_format="nhwc")


def _conv_free_model(lib):
    return lib.Sequential([
        lib.Input((8, 8, 3)),
        lib.layers.ZeroPadding2D(((1, 0), (0, 1))),
        lib.layers.MaxPooling2D(padding="same"),
        lib.layers.Cropping2D(((0, 1), (1, 0))),
        lib.layers.UpSampling2D(interpolation="bilinear"),
        lib.layers.AveragePooling2D(3, strides=2, padding="same"),
        lib.layers.GlobalAveragePooling2D(),
        lib.layers.Dense(2),
    ])


@pytest.mark.keras
def test_conv_free_model_files_cross_load(keras, tmp_path):
    x = np.random.RandomState(2).standard_normal((2, 8, 8, 3)).astype("float32")
    assert_files_cross_load(keras, tmp_path, _conv_free_model, x)


@pytest.mark.keras
def test_summary_rows_match_keras(keras):
    def build(lib):
        return lib.Sequential([lib.Input((28, 28, 3)), lib.layers.ZeroPadding2D(), lib.layers.MaxPooling2D(),
                               lib.layers.UpSampling2D(), lib.layers.Cropping2D(1),
                               lib.layers.GlobalAveragePooling2D(), lib.layers.Dense(4)])

    ours, theirs = [], []
    build(__import__("strata")).summary(line_length=100, print_fn=lambda line, **_: ours.append(line))
    build(keras).summary(line_length=100, print_fn=lambda line, **_: theirs.append(line))
    assert ours == theirs
    text = "\n".join(ours)
    assert "│ max_pooling2d (MaxPooling2D)" in text and "(GlobalAveragePooling2D)" in text
