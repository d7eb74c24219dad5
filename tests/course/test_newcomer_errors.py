"""Every course loss against every label encoding and output width: trains as Keras does, or a clear error.

Issue 13 §6.  The table below covers the losses the courses use x label encodings (integer ``(n,)``,
integer ``(n, 1)``, one-hot ``(n, 3)``, float ``(n,)``, strings) x output widths (1 sigmoid unit,
2 and 3 softmax units).  Where Keras trains, strata trains with Keras's loss values; where Keras
stops with a raw shape error, strata stops before the first step with the message pinned here.

Deliberate deviations (Keras trains but learns nothing or garbage; strata explains instead):
categorical cross-entropy with one output unit (the loss is identically 0), sparse labels outside
``[0, units)`` (JAX clamps the index) and non-integer sparse labels (Keras truncates them).
"""

import jax
import numpy as np
import pytest

import strata
from strata.training import checks

N = 12
_INTS = np.arange(N) % 3
LABELS = {
    "int_n": _INTS,
    "int_n1": _INTS[:, None],
    "onehot": np.eye(3, dtype="float32")[_INTS],
    "float": np.random.RandomState(0).rand(N).astype("float32"),
    "str": np.array(["cat", "dog", "bird"])[_INTS],
}
ELEMENTWISE = ["mse", "mae", "hinge", "huber", "kl_divergence", "poisson"]
LOSSES = ELEMENTWISE + ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"]

ONE_PER_SAMPLE = r"compares `y` with the output element by element, .*one target per sample against {k} outputs.*" \
                 r"`Dense\(1\)`.*sparse_categorical_crossentropy"
THREE_VS_TWO = r"compares `y` with the output element by element, but `y` has shape \(12, 3\) and the model's " \
               r"output has shape \(None, 2\) \(3 target values per sample against 2 outputs\)\. Make the last " \
               r"layer `Dense\(3\)`"
BCE_ONE_UNIT = r"\(binary cross-entropy\) wants one sigmoid unit per label.*`Dense\(1, activation='sigmoid'\)`"
BCE_SAME_SHAPE = r"\(binary cross-entropy\) needs labels of the same shape as the output, but `y` has shape " \
                 r"\(12, 3\).*`Dense\(3, activation='sigmoid'\)`.*`Dense\(3, activation='softmax'\)` with " \
                 r"loss='categorical_crossentropy'"
CCE_ZERO = r"with a single output unit .* is always 0.*loss='binary_crossentropy'"
CCE_INDICES = r"expects one-hot encoded labels of shape \(n, {k}\).*loss='sparse_categorical_crossentropy'.*" \
              r"to_categorical\(y, {k}\)"
CCE_CLASSES = r"The labels have 3 classes .* output has {k} units.*Dense\(3, activation='softmax'\)"
SCCE_RANGE = r"class indices in \[0, {k}\) for an output of {k} units, but `y` contains 2"
SCCE_ONEHOT = r"expects integer class labels of shape \(n,\) or \(n, 1\), but `y` has shape \(12, 3\) \(it looks " \
              r"one-hot encoded\).*categorical_crossentropy.*argmax"
SCCE_FLOAT = r"expects integer class labels, but `y` contains non-integer values"
STRINGS = r"`y` contains non-numeric values \(array dtype <U4\)"
TRAINS = None


def _expected(loss, label, k):
    """The message (a regex) strata gives, or ``TRAINS`` where it trains as Keras does."""
    if label == "str":
        return STRINGS
    if loss in ELEMENTWISE:
        if label in ("int_n", "float") and k > 1:
            return ONE_PER_SAMPLE.format(k=k)
        return THREE_VS_TWO if (label, k) == ("onehot", 2) else TRAINS
    if loss == "binary_crossentropy":
        if label == "onehot":
            return TRAINS if k == 3 else BCE_SAME_SHAPE
        return BCE_ONE_UNIT if k > 1 else TRAINS
    if loss == "categorical_crossentropy":
        if label == "onehot":
            return TRAINS if k == 3 else CCE_CLASSES.format(k=k)
        return CCE_ZERO if k == 1 else CCE_INDICES.format(k=k)
    if label == "onehot":
        return SCCE_ONEHOT
    if label == "float":
        return SCCE_FLOAT
    return TRAINS if k == 3 else SCCE_RANGE.format(k=k)


CLASSES = {"mse": "MeanSquaredError", "mae": "MeanAbsoluteError", "hinge": "Hinge", "huber": "Huber",
           "kl_divergence": "KLDivergence", "poisson": "Poisson", "binary_crossentropy": "BinaryCrossentropy",
           "categorical_crossentropy": "CategoricalCrossentropy",
           "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy"}
TABLE = [(loss, label, k) for loss in LOSSES for label in LABELS for k in (1, 2, 3)]
X = np.random.RandomState(1).rand(N, 4).astype("float32")


def _model(lib, k):
    return lib.Sequential([lib.Input((4,)), lib.layers.Dense(k, activation="sigmoid" if k == 1 else "softmax")])


@pytest.mark.parametrize("loss,label,k", [row for row in TABLE if _expected(*row) is not TRAINS])
def test_mistake_gives_a_clear_error_before_the_first_step(loss, label, k):
    model = _model(strata, k)
    model.compile(optimizer="sgd", loss=loss)
    with pytest.raises(ValueError, match=_expected(loss, label, k)):
        model.fit(X, LABELS[label], epochs=1, verbose=0)
    assert model._train_steps == 0


@pytest.mark.keras
@pytest.mark.parametrize("loss,label,k", [row for row in TABLE if _expected(*row) is TRAINS])
def test_combination_keras_trains_passes_the_checks_with_keras_loss_values(keras_oracle, loss, label, k):
    y = LABELS[label]
    logits = np.random.RandomState(k).randn(N, k).astype("float32")
    prediction = 1 / (1 + np.exp(-logits)) if k == 1 else np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    checks.check_labels([loss], [y], [(None, k)])
    # The Loss objects, as compile() uses them (they align the ranks of y and the output first).
    ours = float(getattr(strata.losses, CLASSES[loss])()(y, prediction))
    with jax.numpy_rank_promotion("allow"):  # Keras's own loss functions rely on rank promotion
        theirs = float(getattr(keras_oracle.losses, CLASSES[loss])()(y, prediction))
    assert ours == pytest.approx(theirs, rel=1e-5, abs=1e-6)


@pytest.mark.keras
@pytest.mark.parametrize("loss,label,k", [("mse", "onehot", 1), ("binary_crossentropy", "onehot", 3),
                                          ("hinge", "int_n1", 3), ("kl_divergence", "int_n", 1)])
def test_odd_combinations_keras_accepts_train_to_the_same_history(keras, loss, label, k):
    km, sm = _model(keras, k), _model(strata, k)
    sm.set_weights(km.get_weights())
    km.compile(optimizer="sgd", loss=loss)
    sm.compile(optimizer="sgd", loss=loss)
    hk = km.fit(X, LABELS[label], epochs=2, batch_size=4, shuffle=False, verbose=0)
    hs = sm.fit(X, LABELS[label], epochs=2, batch_size=4, shuffle=False, verbose=0)
    np.testing.assert_allclose(hs.history["loss"], hk.history["loss"], rtol=1e-5)


def test_binary_crossentropy_on_three_softmax_units_names_sparse_crossentropy():
    # The case: integer labels (n,), a 3-unit softmax, binary_crossentropy.
    model = strata.Sequential([strata.Input((4,)), strata.layers.Dense(8, activation="relu"),
                               strata.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    with pytest.raises(ValueError, match=r"Loss 'binary_crossentropy' \(binary cross-entropy\) wants one sigmoid "
                                         r"unit per label, .*`y` has shape \(12,\) and the model's output has shape "
                                         r"\(None, 3\)\..*For integer class labels with 3 classes use "
                                         r"loss='sparse_categorical_crossentropy'"):
        model.fit(X, _INTS, verbose=0)
    model.compile(optimizer="adam", loss=strata.losses.BinaryCrossentropy())
    with pytest.raises(ValueError, match=r"Loss 'BinaryCrossentropy' \(binary cross-entropy\) wants one sigmoid"):
        model.fit(X, _INTS, verbose=0)


@pytest.mark.parametrize("method", ["fit", "predict"])
def test_images_into_a_flat_model_say_to_flatten(method):
    # MNIST-shaped (n, 28, 28) into a model built for 784 features.
    model = strata.Sequential([strata.layers.Dense(16, activation="relu", input_dim=784),
                               strata.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    images = np.zeros((5, 28, 28), "float32")
    with pytest.raises(ValueError, match=r"shape \(5, 28, 28\) \(\(28, 28\) per sample\).*expects inputs of shape "
                                         r"\(None, 784\): each sample has more axes than the model's input\. Flatten "
                                         r"the samples first, `x = x\.reshape\(len\(x\), -1\)` \(giving 784 "
                                         r"features\), or start the model with `Input\(shape=\(28, 28\)\)` followed "
                                         r"by a `Flatten\(\)` layer") as error:
        if method == "fit":
            model.fit(images, np.zeros(5), verbose=0)
        else:
            model.predict(images, verbose=0)
    assert "input_dim=28" not in str(error.value)


def test_wrong_feature_count_still_suggests_input_dim():
    model = strata.Sequential([strata.layers.Dense(1, input_dim=4)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"expects inputs of shape \(None, 4\).*`input_dim=5`"):
        model.fit(np.zeros((3, 5), "float32"), np.zeros(3), verbose=0)


def test_custom_loss_functions_are_not_second_guessed():
    # A user's own loss may reshape y itself: no built-in shape rule applies to it.
    def my_loss(y_true, y_pred):
        return strata.ops.mean(strata.ops.square(strata.ops.expand_dims(y_true, -1) - y_pred), axis=-1)

    model = _model(strata, 3)
    model.compile(optimizer="sgd", loss=my_loss)
    assert np.isfinite(model.fit(X, LABELS["float"], epochs=1, verbose=0).history["loss"][0])
