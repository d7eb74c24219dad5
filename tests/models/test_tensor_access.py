"""``layer.input`` / ``layer.output``, ``model.input`` / ``model.output`` and the models' shapes.

Courses cut a feature extractor out of a trained network with
``Model(inputs=model.input, outputs=model.layers[-2].output)``.
"""

import numpy as np
import pytest

import strata
from strata.layers import Dense, Input
from strata.models import Model, Sequential

X = np.random.RandomState(0).rand(6, 4).astype("float32")


def test_feature_extractor_from_a_trained_sequential_model():
    model = Sequential([Input((4,)), Dense(5, activation="relu", name="hidden"), Dense(2, name="out")])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, np.ones((6, 2), "float32"), epochs=2, verbose=0)
    features = Model(inputs=model.input, outputs=model.layers[-2].output)
    kernel, bias = model.get_layer("hidden").get_weights()
    np.testing.assert_allclose(features.predict(X, verbose=0), np.maximum(X @ kernel + bias, 0), rtol=1e-5, atol=1e-6)
    assert features.output_shape == (None, 5) and features.input_shape == (None, 4)
    assert model.output_shape == (None, 2) and model.output is model.outputs[0] and model.input is model.inputs[0]


@pytest.mark.keras
def test_shapes_and_tensors_match_keras(keras):
    def build(lib):
        a, b = lib.Input((3,), name="a"), lib.Input((2,), name="b")
        shared = lib.layers.Dense(4, name="shared")
        merged = lib.layers.Concatenate(name="merge")([shared(a), lib.layers.Dense(4)(b)])
        return lib.Model({"a": a, "b": b}, [lib.layers.Dense(1, name="y")(merged), merged]), shared

    (ours, our_shared), (theirs, their_shared) = build(strata), build(keras)
    assert ours.input_shape == [tuple(s) for s in theirs.input_shape] == [(None, 3), (None, 2)]
    assert ours.output_shape == [tuple(s) for s in theirs.output_shape] == [(None, 1), (None, 8)]
    assert sorted(ours.input) == sorted(theirs.input) == ["a", "b"]
    assert ours.output[0].shape == (None, 1) and len(ours.output) == len(theirs.output) == 2
    assert our_shared.input.shape == tuple(their_shared.input.shape) == (None, 3)
    assert our_shared.output.shape == tuple(their_shared.output.shape) == (None, 4)
    merge = ours.get_layer("merge")
    assert [t.shape for t in merge.input] == [(None, 4), (None, 4)]  # several inputs come back as a list


def test_a_shared_layer_reports_its_first_call():
    first, second = Input((3,)), Input((3,))
    layer = Dense(2)
    out_first = layer(first)
    layer(second)
    assert layer.output is out_first and layer.input is first


def test_tensor_access_before_any_call_is_a_clear_error():
    with pytest.raises(AttributeError, match=r"The layer dense has never been called and thus has no defined "
                                             r"output\. Call it on the output of `Input\(\.\.\.\)`"):
        Dense(3, name="dense").output
    unbuilt = Sequential([Dense(3)], name="later")
    with pytest.raises(AttributeError, match=r"Sequential model 'later' has no defined output shape yet\. Give the "
                                             r"first layer an input shape"):
        unbuilt.output_shape
    with pytest.raises(AttributeError, match="Sequential model 'later' has no defined input yet"):
        unbuilt.input
    with pytest.raises(AttributeError, match="Sequential model 'later' has no defined input shape yet"):
        unbuilt.input_shape


def test_a_mask_given_to_either_model_kind_travels_with_the_inputs():
    from strata.core.masking import get_keras_mask

    sequential = Sequential([Input((4,)), Dense(2)], name="stack")
    functional = Model(sequential.input, sequential.output, name="graph")
    mask = np.arange(6) % 2 == 0
    for model in (sequential, functional):
        assert model(X, mask=None).shape == (6, 2)
        np.testing.assert_array_equal(np.asarray(get_keras_mask(model(X, mask=mask))), mask)
