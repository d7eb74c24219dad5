"""Lambda: calls its function; Keras's config schema; lambdas load only with safe_mode=False."""

import jax.numpy as jnp
import numpy as np
import pytest
from layer_harness import run_layer_test

from strata import activations, layers
from strata.models import Functional


def double(x):
    return x * 2.0


@pytest.mark.keras
def test_harness_with_a_named_builtin_function(keras):
    run_layer_test(layers.Lambda, {"function": activations.relu}, (6, 4), keras=keras, expected_output_shape=(6, 4))


def test_calls_the_function_with_arguments_and_training():
    x = np.array([[1.0, -2.0]], "float32")
    np.testing.assert_allclose(np.asarray(layers.Lambda(lambda t: t * 3)(x)), [[3.0, -6.0]])
    scaled = layers.Lambda(lambda t, factor: t * factor, arguments={"factor": 0.5})
    np.testing.assert_allclose(np.asarray(scaled(x)), [[0.5, -1.0]])
    seen = []
    layer = layers.Lambda(lambda t, training=None: seen.append(training) or t)
    layer(x, training=True)
    layer(x)
    assert seen == [True, None]


def test_output_shape_inferred_given_or_computed():
    x = layers.Input(shape=(4, 3))
    assert layers.Lambda(lambda t: jnp.sum(t, axis=1))(x).shape == (None, 3)
    assert layers.Lambda(lambda t: t[:, 0], output_shape=(3,))(x).shape == (None, 3)
    assert layers.Lambda(lambda t: t, output_shape=lambda s: (s[0], 12))(x).shape == (None, 12)
    assert layers.Lambda(lambda t: t[:, :2]).compute_output_shape((None, 4, 3)) == (None, 2, 3)
    with pytest.raises(ValueError, match=r"Could not infer the output shape of Lambda layer 'lambda_4'.*"
                                         r"Pass `output_shape=`"):
        layers.Lambda(lambda t: t.no_such_attribute)(x)


@pytest.mark.keras
def test_lambda_config_matches_keras_byte_for_byte(keras):
    fn = lambda t, k=2.0: t * k  # noqa: E731
    ours = layers.Lambda(fn, output_shape=(3,), arguments={"k": 3.0}).get_config()
    theirs = keras.layers.Lambda(fn, output_shape=(3,), arguments={"k": 3.0}).get_config()
    ours.pop("name"), theirs.pop("name")
    assert ours == theirs
    assert ours["function"]["class_name"] == "__lambda__"
    assert set(ours["function"]["config"]) == {"code", "defaults", "closure"}
    named_ours, named_theirs = layers.Lambda(double).get_config(), keras.layers.Lambda(double).get_config()
    assert named_ours["function"] == named_theirs["function"] == {
        "module": "builtins", "class_name": "function", "config": "double", "registered_name": "function"}


def test_from_config_refuses_lambdas_unless_safe_mode_is_false():
    config = layers.Lambda(lambda t: t + 1.0, name="adder").get_config()
    message = (r"Refusing to deserialize the `function` of Lambda layer 'adder': it is a Python lambda stored "
               r"as bytecode, and loading it would execute arbitrary code from the file. If you trust its "
               r"source, opt in with `safe_mode=False`")
    with pytest.raises(ValueError, match=message):
        layers.Lambda.from_config(config)
    with pytest.raises(ValueError, match=message):
        layers.Lambda.from_config(config, safe_mode=True)
    loaded = layers.Lambda.from_config(config, safe_mode=False)
    np.testing.assert_allclose(np.asarray(loaded(np.ones((1, 2), "float32"))), [[2.0, 2.0]])


def test_refusal_also_covers_a_lambda_output_shape():
    config = layers.Lambda(double, output_shape=lambda s: s).get_config()
    with pytest.raises(ValueError, match=r"Refusing to deserialize the `output_shape`"):
        layers.Lambda.from_config(config, custom_objects={"double": double})


def test_unsafe_load_restores_defaults_closures_and_jax_globals():
    offset = 5.0
    config = layers.Lambda(lambda t, k=2.0: jnp.square(t) * k + offset).get_config()
    assert config["function"]["config"]["closure"] == (5.0,)
    loaded = layers.Lambda.from_config(config, safe_mode=False)
    np.testing.assert_allclose(np.asarray(loaded(np.array([[3.0]], "float32"))), [[23.0]])


def test_named_functions_resolve_through_custom_objects():
    config = layers.Lambda(double).get_config()
    with pytest.raises(TypeError, match=r"Could not locate function 'double'.*custom_objects=\{'double': double\}"):
        layers.Lambda.from_config(config)
    loaded = layers.Lambda.from_config(config, custom_objects={"double": double})
    assert loaded.function is double
    assert layers.Lambda.from_config(layers.Lambda(activations.tanh).get_config()).function is activations.tanh


@pytest.mark.keras
def test_configs_interchange_with_keras(keras):
    keras_config = keras.layers.Lambda(lambda t: t - 1.0, output_shape=[4]).get_config()
    ours = layers.Lambda.from_config(keras_config, safe_mode=False)
    assert ours._output_shape == (4,)
    np.testing.assert_allclose(np.asarray(ours(np.zeros((1, 4), "float32"))), -np.ones((1, 4)))
    theirs = keras.layers.Lambda.from_config(layers.Lambda(lambda t: t * 4.0).get_config(), safe_mode=False)
    np.testing.assert_allclose(np.asarray(theirs(np.ones((1, 2), "float32"))), [[4.0, 4.0]])


def test_tf_keras_2_legacy_config():
    code = layers.Lambda(lambda t: t * 10.0).get_config()["function"]["config"]["code"]
    legacy = {"name": "old", "trainable": True, "dtype": "float32", "function": [code, None, None],
              "function_type": "lambda", "module": "__main__", "output_shape": None,
              "output_shape_type": "raw", "output_shape_module": None, "arguments": {}}
    with pytest.raises(ValueError, match="Refusing to deserialize"):
        layers.Lambda.from_config(legacy)
    loaded = layers.Lambda.from_config(legacy, safe_mode=False)
    np.testing.assert_allclose(np.asarray(loaded(np.ones((1, 1), "float32"))), [[10.0]])
    named = dict(legacy, function="double", function_type="function")
    assert layers.Lambda.from_config(named, custom_objects={"double": double}).function is double


def test_a_model_with_a_lambda_rebuilds_only_in_an_unsafe_load():
    from strata.saving import object_registration

    x = layers.Input(shape=(3,))
    model = Functional(x, layers.Dense(1)(layers.Lambda(lambda t: t * 2.0)(x)))
    config = model.get_config()
    with pytest.raises(ValueError, match=r"safe_mode=False"):
        Functional.from_config(config)
    with object_registration.safe_mode_scope(False):  # what load_model(..., safe_mode=False) sets
        rebuilt = Functional.from_config(config)
        assert layers.Lambda.from_config(config["layers"][1]["config"]) is not None
    rebuilt.set_weights(model.get_weights())
    probe = np.ones((2, 3), "float32")
    np.testing.assert_allclose(np.asarray(rebuilt(probe)), np.asarray(model(probe)), atol=1e-6)


def test_registered_functions_serialize_by_registered_name():
    from strata.saving import object_registration

    def quadruple(t):
        return t * 4.0

    registered = object_registration.register_keras_serializable(package="Test")(quadruple)
    try:
        config = layers.Lambda(registered).get_config()
        assert config["function"]["config"] == "Test>quadruple"
        assert layers.Lambda.from_config(config).function is registered
    finally:
        object_registration.GLOBAL_CUSTOM_OBJECTS.pop("Test>quadruple", None)
        object_registration.GLOBAL_CUSTOM_NAMES.pop(registered, None)


def test_rejects_non_callables():
    with pytest.raises(TypeError, match=r"`function` must be callable. Received: function=3"):
        layers.Lambda(3)
    with pytest.raises(ValueError, match=r"can only serialize a Python lambda or a named function"):
        layers.Lambda(_Callable()).get_config()


class _Callable:
    def __call__(self, x):
        return x
