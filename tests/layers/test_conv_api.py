"""Convolution layers as users meet them: errors, configs, summary rows, fit, files both ways."""

import inspect

import numpy as np
import pytest
from file_roundtrip import assert_files_cross_load
from layer_harness import run_layer_test

from strata import layers
from strata.models import Sequential

CONV_NAMES = ["Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D", "Conv3DTranspose",
              "Convolution1D", "Convolution1DTranspose", "Convolution2D", "Convolution2DTranspose",
              "Convolution3D", "Convolution3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D",
              "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D", "SeparableConvolution2D"]


@pytest.mark.keras
def test_exported_names_and_aliases_match_keras(keras):
    keras_names = sorted(n for n in dir(keras.layers) if "Conv" in n and "LSTM" not in n)
    assert keras_names == sorted(CONV_NAMES)
    for name in CONV_NAMES:
        theirs = getattr(keras.layers, name)
        assert getattr(layers, name).__name__ == theirs.__name__
    assert layers.Convolution2D is layers.Conv2D and layers.SeparableConvolution1D is layers.SeparableConv1D
    assert layers.Convolution3DTranspose(2, 2).name == "conv3d_transpose"


@pytest.mark.keras
@pytest.mark.parametrize("name", [n for n in CONV_NAMES if "Convolution" not in n])
def test_signatures_match_keras(keras, name):
    ours = inspect.signature(getattr(layers, name)).parameters
    theirs = inspect.signature(getattr(keras.layers, name)).parameters
    assert [(p.name, p.default) for p in ours.values()] == [(p.name, p.default) for p in theirs.values()]


@pytest.mark.keras
def test_harness_conv2d_trains_and_matches_keras(keras):
    run_layer_test(layers.Conv2D, {"filters": 3, "kernel_size": 3, "padding": "same", "activation": "relu"},
                   (4, 6, 5, 2), keras=keras, expected_output_shape=(4, 6, 5, 3), expected_num_weights=2,
                   atol=1e-5)


@pytest.mark.keras
def test_harness_separable_and_transpose_configs(keras):
    run_layer_test(layers.SeparableConv1D, {"filters": 3, "kernel_size": 2, "depth_multiplier": 2},
                   (2, 6, 2), keras=keras, expected_output_shape=(2, 5, 3), expected_num_weights=3,
                   train=False, atol=1e-5)
    run_layer_test(layers.Conv3DTranspose, {"filters": 2, "kernel_size": 2, "strides": 2, "output_padding": 1},
                   (1, 2, 2, 2, 1), keras=keras, expected_output_shape=(1, 5, 5, 5, 2), train=False, atol=1e-5)


@pytest.mark.keras
def test_configs_with_objects_match_keras_and_round_trip(keras):
    kwargs = dict(filters=4, kernel_size=(3, 2), strides=(2, 1), padding="SAME", data_format="channels_first",
                  activation="relu", use_bias=False, kernel_initializer="he_normal", kernel_regularizer="l2",
                  bias_regularizer="l2", activity_regularizer="l2", kernel_constraint="max_norm",
                  bias_constraint="non_neg")
    ours, theirs = layers.Conv2D(**kwargs), keras.layers.Conv2D(**kwargs)
    strip = lambda c: {k: v for k, v in c.items() if k != "name"}  # noqa: E731
    assert strip(ours.get_config()) == strip(theirs.get_config())
    clone = layers.Conv2D.from_config(ours.get_config())
    assert strip(clone.get_config()) == strip(ours.get_config())
    separable = dict(filters=2, kernel_size=3, depth_multiplier=3, pointwise_initializer="ones",
                     depthwise_regularizer="l2", pointwise_constraint="unit_norm")
    assert strip(layers.SeparableConv2D(**separable).get_config()) == \
        strip(keras.layers.SeparableConv2D(**separable).get_config())
    ours(np.ones((2, 3, 5, 4), "float32"))
    assert len(ours.losses) == 2  # kernel L2 + activity L2 (no bias)


def test_direct_build_is_final_and_keeps_keras_weight_layouts():
    conv = layers.Conv2D(6, (3, 2), groups=2)
    conv.build((None, 5, 5, 4))
    conv(np.ones((1, 5, 5, 4), "float32"))
    assert [(w.path, w.shape) for w in conv.weights] == [("conv2d/kernel", (3, 2, 2, 6)), ("conv2d/bias", (6,))]
    shapes = {
        layers.Conv1DTranspose(4, 3): [(3, 4, 8), (4,)],
        layers.DepthwiseConv2D(3, depth_multiplier=2, data_format="channels_first"): [(3, 3, 8, 2), (16,)],
        layers.SeparableConv2D(5, 3, depth_multiplier=2): [(3, 3, 8, 2), (1, 1, 16, 5), (5,)],
    }
    for layer, expected in shapes.items():
        layer.build((None, 8, 9, 8) if layer.rank == 2 else (None, 9, 8))
        assert [w.shape for w in layer.weights] == expected


# -- errors -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, message", [
    (lambda: layers.Conv2D(0, 3), r"Invalid value for argument `filters`. Expected a strictly positive value. "
                                  r"Received filters=0"),
    (lambda: layers.Conv2D(4, 3, groups=0), r"The number of groups must be a positive integer. Received: groups=0."),
    (lambda: layers.Conv2D(5, 3, groups=2), r"The number of filters must be evenly divisible by the number of "
                                            r"groups. Received: groups=2, filters=5. Choose `filters`"),
    (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2),
     r"`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=\(2, 2\) and "
     r"dilation_rate=\(2, 2\). Use strides=1"),
    (lambda: layers.Conv1DTranspose(4, 3, strides=3, dilation_rate=2), r"`strides > 1` not supported"),
    (lambda: layers.Conv2D(4, 3, padding="causal"), r"The `padding` argument must be a list/tuple or one of .*"
                                                    r"Received: causal"),
    (lambda: layers.SeparableConv1D(4, 3, padding="causal"), r"Received: causal"),
    (lambda: layers.Conv2D(4, (3, 3, 3)), r"The `kernel_size` argument must be a tuple of 2 integers"),
    (lambda: layers.Conv2D(4, 0), r"kernel_size"),
    (lambda: layers.Conv2D(4, 3, data_format="nhwc"), r"Received: data_format='nhwc'"),
    (lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2),
     r"`output_padding` must be strictly less than `strides` for all dimensions. At dimension 0, `output_padding` "
     r"is 2 but `strides` is 2. Received: output_padding=\(2, 2\), strides=\(2, 2\)"),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), r"Invalid value for argument `depth_multiplier`"),
    (lambda: layers.Conv2D(4, 3, lora_rank=2), r"LoRA is not supported"),
])
def test_construction_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_depthwise_allows_strides_with_dilation_as_keras_does():
    assert layers.DepthwiseConv2D(3, strides=2, dilation_rate=2).compute_output_shape((None, 11, 11, 2)) == \
        (None, 4, 4, 2)


def test_mnist_without_channel_axis_gets_the_fix_at_build_time():
    expected = (r"Input 0 of layer 'conv2d' is incompatible with the layer: expected min_ndim=4, found ndim=3. "
                r"Full shape received: \(None, 28, 28\). Conv2D expects inputs of shape "
                r"\(batch, height, width, channels\), but the inputs have no channel axis.*"
                r"`x\[\.\.\., None\]` or `x\.reshape\(-1, 28, 28, 1\)`.*`Input\(shape=\(28, 28, 1\)\)`")
    with pytest.raises(ValueError, match=expected):
        Sequential([layers.Input((28, 28)), layers.Conv2D(32, 3, activation="relu")])
    model = Sequential([layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"Full shape received: \(4, 28, 28\).*x\.reshape\(-1, 28, 28, 1\)"):
        model.fit(np.zeros((4, 28, 28), "float32"), np.zeros((4, 1), "float32"), verbose=0)
    with pytest.raises(ValueError, match=r"\(batch, channels, height, width\).*`x\[:, None\]` or "
                                         r"`x\.reshape\(-1, 1, 28, 28\)`"):
        layers.Conv2D(2, 3, data_format="channels_first")(layers.Input((28, 28)))


@pytest.mark.parametrize("build, message", [
    (lambda: Sequential([layers.Input((2, 2, 3)), layers.Conv2D(4, 3)]),
     r"Computed output size would be zero or negative. Received `inputs shape=\(None, 2, 2, 3\)`, `kernel shape="
     r"\(3, 3, 3, 4\)`, `dilation_rate=\(1, 1\)`, `strides=\(1, 1\)`, `padding=valid`. Layer 'conv2d' \(Conv2D\)"),
    (lambda: Sequential([layers.Input((9, 9, 1)), layers.Conv2D(2, 3, strides=2), layers.SeparableConv2D(2, 5)]),
     r"`inputs shape=\(None, 4, 4, 2\)`.*Layer 'separable_conv2d' \(SeparableConv2D\) needs spatial sizes of "
     r"at least \(5, 5\).*its input here has \(4, 4\)"),
    (lambda: layers.DepthwiseConv1D(3, dilation_rate=2)(layers.Input((4, 2))), r"DepthwiseConv1D"),
    (lambda: Sequential([layers.Input((5, 5, 3)), layers.Conv2D(4, 3, groups=2)]),
     r"The number of input channels must be evenly divisible by the number of groups. Received groups=2, but "
     r"the input has 3 channels \(full input shape is \(None, 5, 5, 3\)\)"),
    (lambda: layers.Conv2D(4, 3)(layers.Input((5, 5, None))), r"channel dimension of the inputs.*should be defined"),
    (lambda: layers.Conv1D(4, 3)(np.zeros((1, 5, 5, 3), "float32")),
     r"expected ndim=3, found ndim=4.*\(batch, steps, channels\); for inputs with 2 spatial axes use the 2D"),
    (lambda: layers.Conv2DTranspose(4, 3)(layers.Input((7,))), r"expected min_ndim=4, found ndim=2.*Reshape"),
])
def test_build_errors_name_the_layer_and_shape(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_channel_count_is_fixed_after_build():
    layer = layers.Conv2D(4, 3)
    layer(np.zeros((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 3, but received input "
                                         r"with shape \(1, 5, 5, 4\)"):
        layer(np.zeros((1, 5, 5, 4), "float32"))


# -- summary, fit, files ----------------------------------------------------------------------------
def _summary(model) -> str:
    lines = []
    model.summary(print_fn=lambda line, **_: lines.append(line))
    return "\n".join(lines)


# Keras compiles one program per weight shape for its random initializers (most of these tests'
# time), so the models start from zeros and strata's copy gets random weights instead.
Z = {"kernel_initializer": "zeros"}
DZ = {"depthwise_initializer": "zeros"}
SZ = {"depthwise_initializer": "zeros", "pointwise_initializer": "zeros"}


def _randomized(model):
    rs = np.random.RandomState(0)
    model.set_weights([rs.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return model


@pytest.mark.keras
def test_summary_rows_match_the_notes_and_keras(keras, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")  # the width the notes' rows were printed at

    def models(lib):
        L = lib.layers
        return [lib.Sequential([lib.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu", **Z),
                                L.Conv2D(64, 3, activation="relu", **Z)]),
                lib.Sequential([lib.Input((13, 13, 64)), L.SeparableConv2D(16, 3, **SZ), L.DepthwiseConv2D(3, **DZ)]),
                lib.Sequential([lib.Input((59, 59, 8)), L.Conv2DTranspose(4, 3, **Z)])]

    import strata

    ours = "\n".join(_summary(m) for m in models(strata))
    for row in ["│ conv2d (Conv2D)                      │ (None, 26, 26, 32)          │             320 │",
                "│ separable_conv2d (SeparableConv2D)   │ (None, 11, 11, 16)          │           1,616 │",
                "│ depthwise_conv2d (DepthwiseConv2D)   │ (None, 9, 9, 16)            │             160 │",
                "│ conv2d_transpose (Conv2DTranspose)   │ (None, 61, 61, 4)           │             292 │"]:
        assert row in ours
    assert ours == "\n".join(_summary(m) for m in models(keras))


@pytest.mark.keras
def test_files_cross_load_2d_cnn(keras, tmp_path):
    import strata

    def build(lib):
        L = lib.layers
        model = lib.Sequential([
            L.Input((6, 6, 1)), L.Conv2D(3, 3, padding="same", activation="relu", **Z),
            L.DepthwiseConv2D(3, depth_multiplier=2, **DZ), L.SeparableConv2D(2, 2, strides=2, **SZ),
            L.Conv2DTranspose(2, 3, strides=2, output_padding=1, **Z), L.Flatten(), L.Dense(2, **Z)])
        return _randomized(model) if lib is strata else model

    assert_files_cross_load(keras, tmp_path, build, np.random.RandomState(0).rand(2, 6, 6, 1).astype("float32"))


@pytest.mark.keras
def test_files_cross_load_1d_sequence_model(keras, tmp_path):
    import strata

    def build(lib):
        L = lib.layers
        model = lib.Sequential([
            L.Input((8, 2)), L.Conv1D(3, 3, padding="causal", dilation_rate=2, **Z),
            L.SeparableConv1D(2, 2, depth_multiplier=2, **SZ), L.DepthwiseConv1D(2, **DZ),
            L.Conv1DTranspose(2, 2, strides=2, **Z), L.Flatten(), L.Dense(1, **Z)])
        return _randomized(model) if lib is strata else model

    assert_files_cross_load(keras, tmp_path, build, np.random.RandomState(1).rand(2, 8, 2).astype("float32"))
