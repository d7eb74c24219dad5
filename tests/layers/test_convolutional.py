"""Convolution layers against real Keras: outputs, gradients, output shapes and configs.

Every family (Conv, ConvTranspose, Depthwise, Separable; 1D-3D) runs a grid of cases with the same
random weights on both sides.  Tolerance: float32, ``atol=1e-5`` (``rtol=1e-5``) on the outputs
and on the gradients of ``sum(y * r)`` (a fixed random ``r``) with respect to the input and every
weight.  To keep the suite fast, each test traces all its cases into ONE jitted program per
library instead of compiling one per case.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from strata import layers
from strata.core import bridge

pytestmark = pytest.mark.keras
ATOL = RTOL = 1e-5


def _strip(config: dict) -> dict:
    return {k: v for k, v in config.items() if k != "name"}


# Keras compiles one random-initializer program per weight shape; zeros keep the builds cheap.
_ZEROS = {"Conv": {"kernel_initializer": "zeros"}, "DepthwiseConv": {"depthwise_initializer": "zeros"},
          "SeparableConv": {"depthwise_initializer": "zeros", "pointwise_initializer": "zeros"}}


def _assert_parity(keras, cases: list[tuple[str, dict, tuple]], grad_every: int = 3) -> None:
    """Each ``(class name, kwargs, input shape)`` case gives Keras's shapes, config and values; every
    ``grad_every``-th case also its gradients with respect to the input and every weight."""
    rs = np.random.RandomState(0)
    pairs, xs, ws, rs_out = [], [], [], []
    for name, kwargs, shape in cases:
        kwargs = {**_ZEROS.get(name.rstrip("123D"), _ZEROS["Conv"]), **kwargs}  # weights are set below
        ours, theirs = getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
        ours.build(shape)
        theirs.build(shape)
        assert _strip(ours.get_config()) == _strip(theirs.get_config()), (name, kwargs)
        assert [w.path.split("/")[-1] for w in ours.weights] == [w.path.split("/")[-1] for w in theirs.weights]
        out_shape = ours.compute_output_shape((None,) + shape[1:])
        assert out_shape == tuple(theirs.compute_output_shape((None,) + shape[1:])), (name, kwargs)
        weights = [rs.standard_normal(w.shape).astype("float32") for w in ours.weights]
        ours.set_weights(weights)
        theirs.set_weights(weights)
        pairs.append((ours, theirs))
        xs.append(rs.standard_normal(shape).astype("float32"))
        ws.append(weights)
        rs_out.append(rs.standard_normal(shape[:1] + out_shape[1:]).astype("float32"))

    grads = set(range(0, len(cases), grad_every))

    def program(call):
        def loss(xs, ws):
            ys = [call(pair, list(w), x) for pair, w, x in zip(pairs, ws, xs)]
            return sum(jnp.sum(ys[i] * rs_out[i]) for i in grads), ys
        return jax.jit(jax.value_and_grad(loss, argnums=(0, 1), has_aux=True))

    (_, ours_y), ours_g = program(lambda p, w, x: bridge.stateless_call(p[0], w, [], x)[0])(xs, ws)
    (_, theirs_y), theirs_g = program(lambda p, w, x: p[1].stateless_call(w, [], x)[0])(xs, ws)
    for i, case in enumerate(cases):
        assert ours_y[i].shape == rs_out[i].shape, case
        np.testing.assert_allclose(ours_y[i], theirs_y[i], atol=ATOL, rtol=RTOL, err_msg=f"output {case}")
        if i in grads:
            np.testing.assert_allclose(ours_g[0][i], theirs_g[0][i], atol=ATOL, rtol=RTOL, err_msg=f"d/dx {case}")
            for a, b in zip(ours_g[1][i], theirs_g[1][i]):
                np.testing.assert_allclose(a, b, atol=ATOL, rtol=RTOL, err_msg=f"d/dweight {case}")


def _conv_cases() -> list:
    cases = []
    for padding in ("valid", "same", "causal"):
        for strides, dilation in ((1, 1), (2, 1), (1, 2)):
            for length in (8, 9):  # even and odd sizes
                cases.append(("Conv1D", dict(filters=4, kernel_size=3, padding=padding, strides=strides,
                                             dilation_rate=dilation), (2, length, 3)))
    cases += [
        ("Conv1D", dict(filters=6, kernel_size=2, groups=3, padding="same"), (2, 7, 6)),
        ("Conv1D", dict(filters=3, kernel_size=3, groups=3, dilation_rate=2, padding="causal"), (2, 9, 3)),
        ("Conv1D", dict(filters=4, kernel_size=3, padding="causal", data_format="channels_first",
                        dilation_rate=2), (2, 3, 9)),
        ("Conv1D", dict(filters=4, kernel_size=4, strides=2, padding="same", data_format="channels_first"),
         (2, 3, 8)),
    ]
    for padding in ("valid", "same"):
        for strides, dilation in ((1, 1), (2, 1), (1, 2)):
            cases.append(("Conv2D", dict(filters=4, kernel_size=3, padding=padding, strides=strides,
                                         dilation_rate=dilation), (2, 7, 8, 3)))
        cases += [
            ("Conv2D", dict(filters=9, kernel_size=3, groups=3, padding=padding, strides=2), (2, 6, 5, 6)),
            ("Conv2D", dict(filters=4, kernel_size=(2, 3), padding=padding, strides=(2, 1),
                            data_format="channels_first"), (2, 3, 7, 6)),
            ("Conv3D", dict(filters=2, kernel_size=2, padding=padding, strides=(1, 2, 1)), (1, 5, 4, 3, 2)),
        ]
    cases += [
        ("Conv2D", dict(filters=6, kernel_size=3, groups=3, dilation_rate=2, padding="same",
                        data_format="channels_first"), (2, 3, 7, 6)),
        ("Conv2D", dict(filters=3, kernel_size=1, use_bias=False, activation="relu"), (2, 4, 4, 2)),
        ("Conv3D", dict(filters=4, kernel_size=3, groups=2, padding="same", dilation_rate=(1, 2, 1),
                        data_format="channels_first", activation="tanh"), (1, 4, 5, 4, 3)),
    ]
    return cases


def test_conv_outputs_and_gradients_match_keras(keras):
    """Gradients on even cases: every padding x strides x dilation in 1D and 2D, groups, channels_first."""
    _assert_parity(keras, _conv_cases(), grad_every=2)


def _transpose_grid() -> list:
    cases = []
    for kernel in (2, 3, 4):
        for strides in (1, 2, 3):
            for output_padding in (None,) + tuple(range(strides)):
                if output_padding not in (None, 0, 1):
                    continue
                for padding in ("valid", "same"):
                    cases.append((kernel, strides, output_padding, padding))
    return cases


def test_conv1d_transpose_grid_matches_keras(keras):
    """k {2,3,4} x s {1,2,3} x output_padding None/0/1 (< s) x padding, on odd and even lengths."""
    cases = [("Conv1DTranspose", dict(filters=2, kernel_size=k, strides=s, output_padding=op, padding=p),
              (2, 4 + i % 2, 3)) for i, (k, s, op, p) in enumerate(_transpose_grid())]
    _assert_parity(keras, cases)


def test_conv2d_and_3d_transpose_match_keras(keras):
    cases = [("Conv2DTranspose", dict(filters=3, kernel_size=k, strides=s, output_padding=op, padding=p),
              (2, 3, 4, 2)) for k, s, op, p in _transpose_grid()[::3]]
    cases += [
        ("Conv2DTranspose", dict(filters=2, kernel_size=3, dilation_rate=2, padding="same"), (2, 5, 4, 3)),
        ("Conv2DTranspose", dict(filters=2, kernel_size=(2, 3), strides=(2, 3), output_padding=(1, 2),
                                 data_format="channels_first", activation="relu"), (2, 3, 4, 3)),
        ("Conv3DTranspose", dict(filters=2, kernel_size=3, strides=2, padding="same"), (1, 2, 3, 2, 2)),
        ("Conv3DTranspose", dict(filters=2, kernel_size=2, strides=(1, 2, 2), output_padding=(0, 1, 0),
                                 data_format="channels_first", use_bias=False), (1, 2, 3, 2, 3)),
    ]
    _assert_parity(keras, cases)


def test_depthwise_and_separable_match_keras(keras):
    cases = []
    for dm in (1, 2):
        for padding in ("valid", "same"):
            cases += [
                ("DepthwiseConv2D", dict(kernel_size=3, depth_multiplier=dm, padding=padding, strides=2),
                 (2, 7, 6, 3)),
                ("DepthwiseConv1D", dict(kernel_size=3, depth_multiplier=dm, padding=padding), (2, 8, 3)),
                ("SeparableConv2D", dict(filters=4, kernel_size=3, depth_multiplier=dm, padding=padding),
                 (2, 6, 7, 3)),
                ("SeparableConv1D", dict(filters=4, kernel_size=3, depth_multiplier=dm, padding=padding,
                                         strides=2), (2, 9, 3)),
            ]
    cases += [
        # Keras lets depthwise/separable combine strides > 1 with dilation > 1 (11 -> 4).
        ("DepthwiseConv2D", dict(kernel_size=3, strides=2, dilation_rate=2), (1, 11, 11, 2)),
        ("DepthwiseConv2D", dict(kernel_size=(3, 2), depth_multiplier=2, dilation_rate=2, padding="same",
                                 data_format="channels_first", activation="relu"), (2, 3, 7, 6)),
        ("DepthwiseConv1D", dict(kernel_size=2, depth_multiplier=3, data_format="channels_first",
                                 use_bias=False), (2, 2, 7)),
        ("SeparableConv2D", dict(filters=5, kernel_size=2, depth_multiplier=2, dilation_rate=2,
                                 data_format="channels_first"), (2, 3, 6, 7)),
        ("SeparableConv1D", dict(filters=3, kernel_size=3, padding="same", data_format="channels_first",
                                 use_bias=False), (2, 2, 8)),
    ]
    _assert_parity(keras, cases)


def test_depthwise_channel_order_is_channel_times_multiplier_plus_m():
    layer = layers.DepthwiseConv1D(1, depth_multiplier=2, use_bias=False)
    layer.build((1, 1, 3))
    layer.set_weights([np.array([[[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]]], "float32")])
    out = np.asarray(layer(np.ones((1, 1, 3), "float32")))
    np.testing.assert_array_equal(out[0, 0], [1.0, 10.0, 2.0, 20.0, 3.0, 30.0])
    assert layer.weights[0].path == "depthwise_conv1d/kernel"


@pytest.mark.parametrize("kernel, strides, padding, output_padding, expected", [
    (3, 1, "valid", None, 9), (3, 2, "valid", None, 15), (3, 2, "same", None, 14),
    (3, 2, "same", 0, 13), (2, 3, "valid", None, 21), (4, 2, "same", None, 14),
])
def test_transpose_output_sizes_from_the_notes(kernel, strides, padding, output_padding, expected):
    layer = layers.Conv1DTranspose(1, kernel, strides=strides, padding=padding, output_padding=output_padding)
    assert layer.compute_output_shape((None, 7, 2)) == (None, expected, 1)
    assert layer(np.ones((1, 7, 2), "float32")).shape == (1, expected, 1)


def test_known_values_same_and_causal():
    """Keras's observed values: same puts the odd pad at the end; causal pads d*(k-1) on the left."""
    same = layers.Conv1D(1, 4, padding="same", use_bias=False, kernel_initializer="ones")
    np.testing.assert_array_equal(np.asarray(same(np.ones((1, 6, 1), "float32")))[0, :, 0], [3, 4, 4, 4, 3, 2])
    causal = layers.Conv1D(1, 3, padding="causal", use_bias=False, kernel_initializer="ones")
    x = np.arange(1, 6, dtype="float32").reshape(1, 5, 1)
    np.testing.assert_array_equal(np.asarray(causal(x))[0, :, 0], [1, 3, 6, 9, 12])


def test_unknown_spatial_sizes_stay_unknown(keras):
    for name, kwargs, shape in [
        ("Conv2D", dict(filters=4, kernel_size=3, strides=2), (None, None, 7, 3)),
        ("Conv1D", dict(filters=4, kernel_size=3, padding="causal"), (None, None, 3)),
        ("Conv2DTranspose", dict(filters=2, kernel_size=3, strides=2), (None, None, 5, 3)),
        ("SeparableConv2D", dict(filters=2, kernel_size=3, data_format="channels_first"), (None, 3, None, 6)),
        ("DepthwiseConv2D", dict(kernel_size=3, depth_multiplier=2), (None, 5, None, 3)),
    ]:
        ours = getattr(layers, name)(**kwargs)
        theirs = getattr(keras.layers, name)(**kwargs)
        assert ours.compute_output_shape(shape) == tuple(theirs.compute_output_shape(shape))
        symbolic = getattr(layers, name)(**kwargs)(layers.Input(shape[1:]))
        assert symbolic.shape == ours.compute_output_shape(shape)
    out = layers.Conv2D(4, 3, padding="same")(np.ones((1, 5, 6, 2), "uint8"))
    assert out.shape == (1, 5, 6, 4) and out.dtype == jnp.float32
