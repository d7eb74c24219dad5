"""Loss identifiers, configs, serialization, jit, masks and error messages."""

from __future__ import annotations

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from loss_cases import CASES, case_id, make

import strata.losses as sl


# --------------------------------------------------------------------------- identifiers


@pytest.mark.keras
def test_get_resolves_every_string_keras_resolves(keras_oracle):
    from keras.src.losses import ALL_OBJECTS_DICT

    assert set(sl.LOSSES) == set(ALL_OBJECTS_DICT)
    for name in ALL_OBJECTS_DICT:
        if name == "LossFunctionWrapper":  # needs `fn`: a TypeError in both
            with pytest.raises(TypeError):
                sl.get(name)
            continue
        expected, actual = keras_oracle.losses.get(name), sl.get(name)
        if inspect.isfunction(expected):
            assert inspect.isfunction(actual) and actual.__name__ == expected.__name__, name
        else:
            assert type(actual).__name__ == type(expected).__name__, name
            assert actual.get_config() == expected.get_config(), name


def test_get_aliases_and_passthrough():
    assert sl.get("mse") is sl.mean_squared_error is sl.MSE
    assert sl.get("MAE") is sl.mean_absolute_error
    assert sl.get("bce") is sl.binary_crossentropy
    assert sl.get("kld") is sl.kl_divergence
    assert sl.get(None) is None
    loss = sl.Huber(delta=2.0)
    assert sl.get(loss) is loss

    def custom(y_true, y_pred):
        return y_pred

    assert sl.get(custom) is custom
    assert isinstance(sl.get(sl.Poisson), sl.Poisson)  # a class is instantiated
    built = sl.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert isinstance(built, sl.CategoricalCrossentropy) and built.from_logits


@pytest.mark.parametrize("identifier", ["crossentropy", "CategoricalGeneralizedCrossEntropy", "mean_sqaured_error", 3])
def test_get_rejects_unknown_identifiers(identifier):
    with pytest.raises(ValueError, match="Could not interpret loss identifier") as info:
        sl.get(identifier)
    assert "'mse'" in str(info.value)  # lists valid names


def test_unknown_identifier_suggests_close_names():
    with pytest.raises(ValueError, match="Did you mean 'mean_squared_error'"):
        sl.get("mean_sqaured_error")


# --------------------------------------------------------------------------- configs


def _distinct_cases():
    seen, out = set(), []
    for case in CASES:
        key = (case[0], tuple(case[1]))
        if key not in seen:
            seen.add(key)
            out.append(case)
    return out


@pytest.mark.keras
@pytest.mark.parametrize("case", _distinct_cases(), ids=[case_id(c) for c in _distinct_cases()])
def test_config_and_serialization_match_keras(keras_oracle, case):
    cls_name, kwargs, _, _ = case
    kwargs = {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()}
    ours = getattr(sl, cls_name)(reduction="sum", name="my_loss", **kwargs)
    theirs = getattr(keras_oracle.losses, cls_name)(reduction="sum", name="my_loss", **kwargs)
    assert ours.get_config() == theirs.get_config()
    assert sl.serialize(ours) == keras_oracle.losses.serialize(theirs)
    rebuilt = type(ours).from_config(ours.get_config())
    assert rebuilt.get_config() == ours.get_config()
    assert sl.deserialize(sl.serialize(ours)).get_config() == ours.get_config()
    # Keras reads what strata writes (Keras 3.15's losses.deserialize cannot rebuild its own
    # CategoricalGeneralizedCrossEntropy: it is missing from Keras's name table).
    if cls_name != "CategoricalGeneralizedCrossEntropy":
        assert keras_oracle.losses.deserialize(sl.serialize(ours)).get_config() == theirs.get_config()


@pytest.mark.keras
def test_default_names_and_function_serialization_match_keras(keras_oracle):
    for cls_name in {case[0] for case in CASES}:
        assert getattr(sl, cls_name)().name == getattr(keras_oracle.losses, cls_name)().name
    assert sl.serialize(sl.mean_squared_error) == keras_oracle.losses.serialize(keras_oracle.losses.mean_squared_error)
    assert sl.deserialize(keras_oracle.losses.serialize(keras_oracle.losses.hinge)) is sl.hinge
    assert sl.Loss().name == "loss" and sl.Loss().name == "loss_1"


@pytest.mark.keras
def test_loss_function_wrapper_config_matches_keras(keras_oracle):
    from keras.src.losses import LossFunctionWrapper

    ours = sl.LossFunctionWrapper(sl.huber, name="wrapped", reduction="sum", delta=0.5)
    theirs = LossFunctionWrapper(keras_oracle.losses.huber, name="wrapped", reduction="sum", delta=0.5)
    assert ours.get_config() == theirs.get_config()
    assert sl.serialize(ours) == keras_oracle.losses.serialize(theirs)
    rebuilt = sl.deserialize(sl.serialize(ours))
    assert rebuilt.fn is sl.huber and rebuilt._fn_kwargs == {"delta": 0.5}
    y_true, y_pred = make("regression")
    np.testing.assert_allclose(rebuilt(y_true, y_pred), theirs(y_true, y_pred), rtol=1e-6)


def test_custom_loss_round_trip_with_custom_objects():
    class Scaled(sl.Loss):
        def __init__(self, scale=1.0, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            return self.scale * jnp.mean(jnp.abs(y_true - y_pred), axis=-1)

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    loss = Scaled(scale=3.0, reduction="sum")
    assert loss.name == "scaled"
    config = sl.serialize(loss)
    rebuilt = sl.deserialize(config, custom_objects={"Scaled": Scaled})
    assert isinstance(rebuilt, Scaled) and rebuilt.get_config() == loss.get_config()
    assert float(rebuilt([[1.0, 2.0]], [[0.0, 0.0]])) == pytest.approx(4.5)


# --------------------------------------------------------------------------- jit


def _one_case_per_class():
    seen, out = set(), []
    for case in CASES:
        if case[0] not in seen and case[2] != "labels_n1_pred_n":
            seen.add(case[0])
            out.append(case)
    return out + [c for c in CASES if c[2] in ("labels_n", "binary_n", "sparse_n1", "sparse_sequence")]


@pytest.mark.parametrize("case", _one_case_per_class(), ids=[case_id(c) for c in _one_case_per_class()])
def test_loss_inside_jit_equals_eager(case):
    cls_name, kwargs, kind, _ = case
    y_true, y_pred = make(kind)
    loss = getattr(sl, cls_name)(**kwargs)
    weight = None if kind in ("sequence", "sparse_sequence") or kwargs.get("axis") == 0 else np.ones(len(y_true), "f4")
    eager = loss(y_true, y_pred, weight)
    compiled, grad = jax.jit(jax.value_and_grad(lambda p, t, w: loss(t, p, w)))(y_pred, y_true, weight)
    np.testing.assert_allclose(compiled, eager, rtol=1e-5, atol=1e-6)  # XLA fusion may reorder float ops
    assert grad.shape == y_pred.shape
    assert bool(jnp.all(jnp.isfinite(grad))), cls_name  # also at probabilities of exactly 0 and 1


def test_hinge_label_conversion_is_decided_inside_jit():
    hinge = jax.jit(sl.hinge)
    y_pred = jnp.array([[0.3, -0.2]])
    np.testing.assert_allclose(hinge(jnp.array([[1.0, 0.0]]), y_pred), sl.hinge(jnp.array([[1.0, -1.0]]), y_pred))
    np.testing.assert_allclose(hinge(jnp.array([[1.0, -1.0]]), y_pred), [0.75])


# --------------------------------------------------------------------------- reductions and masks


def test_sum_over_batch_size_divides_by_element_count_not_weight_sum():
    loss = sl.BinaryCrossentropy()
    y_true, y_pred = make("binary")
    weight = np.zeros(len(y_true), "f4")
    weight[:2] = 1.0
    per_sample = sl.binary_crossentropy(y_true, y_pred)
    assert float(loss(y_true, y_pred, weight)) == pytest.approx(float(per_sample[:2].sum()) / len(y_true), rel=1e-6)
    mean_w = sl.BinaryCrossentropy(reduction="mean_with_sample_weight")(y_true, y_pred, weight)
    assert float(mean_w) == pytest.approx(float(per_sample[:2].sum()) / 2.0, rel=1e-6)


def test_mask_averages_over_kept_entries():
    y_true, y_pred = make("regression")
    mask = np.arange(len(y_true)) % 2 == 0
    per_sample = np.asarray(sl.mean_squared_error(y_true, y_pred))
    assert float(sl.MeanSquaredError()(y_true, y_pred, mask=mask)) == pytest.approx(per_sample[mask].mean(), rel=1e-6)
    assert float(sl.MeanSquaredError(reduction="sum")(y_true, y_pred, mask=mask)) == pytest.approx(
        per_sample[mask].sum(), rel=1e-6
    )


def test_row_mask_gives_the_loss_of_the_unpadded_batch():
    """Masking padded rows (with sample weights, per-timestep values) equals the smaller batch."""
    y_true, y_pred = make("sequence")
    weight = np.linspace(0.5, 2.0, len(y_true)).astype("f4")[:, None] * np.ones((1, 5), "f4")
    keep = np.arange(len(y_true)) < 5
    for reduction in ("sum_over_batch_size", "sum", "mean_with_sample_weight"):
        loss = sl.MeanSquaredError(reduction=reduction)
        padded = loss(y_true, y_pred, weight, mask=keep)
        small = loss(y_true[keep], y_pred[keep], weight[keep])
        np.testing.assert_allclose(padded, small, rtol=1e-6, err_msg=reduction)


def test_ignore_class_mean_runs_over_kept_labels_and_gradients_stay_finite():
    y_true, y_pred = make("sparse")
    y_true[:3] = 2.0
    loss = sl.SparseCategoricalCrossentropy(ignore_class=2)
    per_sample = np.asarray(sl.sparse_categorical_crossentropy(y_true, y_pred, ignore_class=2))
    kept = y_true != 2
    assert np.all(per_sample[~kept] == 0.0)
    assert float(loss(y_true, y_pred)) == pytest.approx(per_sample[kept].mean(), rel=1e-6)
    grad = jax.jit(jax.grad(lambda p: loss(y_true, p)))(jnp.asarray(y_pred))
    assert bool(jnp.all(jnp.isfinite(grad)))


# --------------------------------------------------------------------------- errors


def test_invalid_reduction_lists_the_valid_ones():
    expected = r"Invalid value for argument `reduction`.*'sum_over_batch_size'.*Received: reduction='average'"
    with pytest.raises(ValueError, match=expected):
        sl.MeanSquaredError(reduction="average")


def test_error_messages():
    with pytest.raises(NotImplementedError, match="must implement `call"):
        sl.Loss()([1.0], [1.0])
    with pytest.raises(ValueError, match=r"`axis` must be of type `int`. Received: axis=True"):
        sl.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]], axis=True)
    with pytest.raises(ValueError, match=r"must have the same shape except for the class axis.*y_true.shape=\(3,\)"):
        sl.sparse_categorical_crossentropy([0, 1, 2], np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"y_true.shape=\(2, 3\).*for one-hot labels use categorical_crossentropy"):
        sl.SparseCategoricalCrossentropy()(np.eye(3)[:2], np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"y_true.shape=\(2,\), y_pred.shape=\(2, 3\). For integer labels use sparse"):
        sl.CategoricalCrossentropy()([0, 2], np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"Targets `y_true`.*Received: y_true.shape=\(2,\)"):
        sl.ctc([1, 2], np.ones((2, 4, 3)))
    with pytest.raises(ValueError, match=r"Logits `y_pred`.*Received: y_pred.shape=\(2, 3\)"):
        sl.ctc([[1, 2]], np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"Argument `q` must be in the open interval \(0, 1\). Received: q=1.5"):
        sl.CategoricalGeneralizedCrossEntropy(q=1.5)
    with pytest.raises(ValueError, match=r"`sample_weight` of shape \(8,\) cannot be aligned.*\(8, 5\)"):
        sl.MeanSquaredError()(*make("sequence"), sample_weight=np.ones(8))
    with pytest.raises(TypeError, match="Cannot serialize"):
        sl.serialize(42)
    with pytest.raises(ValueError, match="Could not interpret loss identifier: nope"):
        sl.deserialize({"class_name": "nope", "config": {}})


def test_single_class_categorical_crossentropy_warns():
    with pytest.warns(UserWarning, match="expected y_pred.shape to be \\(batch_size, num_classes\\)"):
        sl.categorical_crossentropy([[1.0]], [[0.7]])
