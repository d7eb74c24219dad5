"""The chapters "training deep neural networks", "deep dive into Keras" and "classification and
regression" (Hands-On ML 3rd ed., DLwP 3rd ed.), each idiom written as the reader writes it and run on
real Keras and on strata with the same weights (course issue 13 §4).

Every program takes the library as its ``keras`` argument, so the same text runs on both.
"""

import numpy as np
import pytest

import strata

pytestmark = pytest.mark.keras

RS = np.random.RandomState(0)
X = RS.rand(40, 6).astype("float32")
Y_REG = (X @ RS.rand(6, 1)).astype("float32")
Y_CLS = (X.sum(axis=1) * 3).astype("int64") % 3


def _fit_both(keras, build, compile_kwargs, y=Y_REG, **fit_kwargs):
    km, sm = build(keras), build(strata)
    sm.set_weights(km.get_weights())
    km.compile(**compile_kwargs(keras))
    sm.compile(**compile_kwargs(strata))
    fit_kwargs = {"epochs": 3, "batch_size": 8, "shuffle": False, "verbose": 0, **fit_kwargs}
    callbacks = fit_kwargs.pop("callbacks", None)
    hk = km.fit(X, y, callbacks=callbacks(keras) if callbacks else None, **fit_kwargs)
    hs = sm.fit(X, y, callbacks=callbacks(strata) if callbacks else None, **fit_kwargs)
    assert list(hs.history) == list(hk.history)
    for key in hk.history:
        np.testing.assert_allclose(hs.history[key], hk.history[key], rtol=2e-4, atol=1e-6, err_msg=key)
    for a, b in zip(km.get_weights(), sm.get_weights()):
        np.testing.assert_allclose(b, a, rtol=2e-4, atol=1e-5)
    # what a callback assigned last (e.g. ReduceLROnPlateau at the final epoch end) survives fit
    assert float(sm.optimizer.learning_rate) == pytest.approx(float(km.optimizer.learning_rate), rel=1e-6)
    return km, sm


def _mlp(keras, **dense_kwargs):
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, **dense_kwargs), keras.layers.Dense(1)])


@pytest.mark.parametrize("initializer", [
    "he_normal", "glorot_uniform", "lecun_normal", "he_uniform",
    lambda k: k.initializers.VarianceScaling(scale=2.0, mode="fan_avg", distribution="uniform"),
    lambda k: k.initializers.HeNormal(seed=42),
])
def test_initializers_by_name_and_object(keras, initializer):
    def build(keras):
        init = initializer(keras) if callable(initializer) else initializer
        return keras.layers.Dense(300, activation="relu", kernel_initializer=init)

    kd, sd = build(keras), build(strata)
    assert sd.get_config() == kd.get_config()
    kd.build((None, 400))
    sd.build((None, 400))
    kernel_k, kernel_s = kd.get_weights()[0], sd.get_weights()[0]
    assert kernel_s.shape == kernel_k.shape == (400, 300)
    # Same distribution (values differ: each library has its own random stream).
    assert kernel_s.std() == pytest.approx(kernel_k.std(), rel=0.03)
    assert abs(kernel_s.mean()) < 0.01


def test_activation_objects_and_leaky_relu_layer(keras):
    def build(keras):
        return keras.Sequential([
            keras.Input((6,)),
            keras.layers.Dense(8, activation=keras.activations.relu, kernel_initializer="he_normal"),
            keras.layers.Dense(8, kernel_initializer="he_normal"),
            keras.layers.LeakyReLU(negative_slope=0.2),
            keras.layers.Dense(8, activation=keras.activations.elu),
            keras.layers.Activation(keras.activations.selu),
            keras.layers.Dense(1),
        ])

    km, sm = _fit_both(keras, build, lambda k: {"optimizer": "adam", "loss": "mse"})
    assert sm.layers[0].get_config()["activation"] == km.layers[0].get_config()["activation"] == "relu"
    assert sm.layers[2].get_config()["negative_slope"] == pytest.approx(0.2)


@pytest.mark.parametrize("placement", ["after", "before"])
def test_batch_norm_before_or_after_the_activation(keras, placement):
    def build(keras):
        layers = [keras.Input((6,)), keras.layers.BatchNormalization()]
        if placement == "after":
            layers += [keras.layers.Dense(16, activation="relu", kernel_initializer="he_normal"),
                       keras.layers.BatchNormalization()]
        else:  # Géron: Dense without bias, then BN, then the activation
            layers += [keras.layers.Dense(16, kernel_initializer="he_normal", use_bias=False),
                       keras.layers.BatchNormalization(), keras.layers.Activation("relu")]
        return keras.Sequential(layers + [keras.layers.Dense(1)])

    km, sm = _fit_both(keras, build, lambda k: {"optimizer": "sgd", "loss": "mse"})
    assert [w.shape for w in sm.layers[0].get_weights()] == [w.shape for w in km.layers[0].get_weights()]
    np.testing.assert_allclose(sm.predict(X, verbose=0), km.predict(X, verbose=0), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("optimizer,clip", [("SGD", {"clipnorm": 1.0}), ("Adam", {"clipvalue": 0.01}),
                                            ("SGD", {"global_clipnorm": 0.5}), ("Adam", {"clipnorm": 0.1})])
def test_gradient_clipping_on_optimizers(keras, optimizer, clip):
    _fit_both(keras, _mlp, lambda k: {"optimizer": getattr(k.optimizers, optimizer)(learning_rate=0.05, **clip),
                                      "loss": "mse"})


@pytest.mark.parametrize("schedule", [
    lambda k: k.optimizers.schedules.ExponentialDecay(0.05, decay_steps=4, decay_rate=0.5),
    lambda k: k.optimizers.schedules.PiecewiseConstantDecay(boundaries=[5, 10], values=[0.1, 0.05, 0.01]),
    lambda k: k.optimizers.schedules.CosineDecay(0.05, decay_steps=12),
])
def test_learning_rate_schedule_objects(keras, schedule):
    km, sm = _fit_both(keras, _mlp, lambda k: {"optimizer": k.optimizers.SGD(learning_rate=schedule(k)),
                                               "loss": "mse"})
    assert float(sm.optimizer.learning_rate) == pytest.approx(float(km.optimizer.learning_rate), rel=1e-6)


def test_learning_rate_scheduler_callback(keras):
    def callbacks(keras):
        def exponential_decay_fn(epoch, lr):
            return lr * 0.1 ** (1 / 20)
        return [keras.callbacks.LearningRateScheduler(exponential_decay_fn)]

    _fit_both(keras, _mlp, lambda k: {"optimizer": k.optimizers.SGD(0.05), "loss": "mse"}, callbacks=callbacks)


def test_per_batch_learning_rate_callback_like_the_lr_finder(keras):
    # Géron's ExponentialLearningRate: grows the rate after every batch and records it.
    def callbacks(keras):
        class ExponentialLearningRate(keras.callbacks.Callback):
            def __init__(self, factor):
                super().__init__()
                self.factor = factor
                self.rates, self.losses = [], []

            def on_batch_end(self, batch, logs=None):
                lr = self.model.optimizer.learning_rate.numpy() * self.factor
                self.rates.append(float(self.model.optimizer.learning_rate.numpy()))
                self.losses.append(logs["loss"])
                self.model.optimizer.learning_rate = lr

        return [ExponentialLearningRate(1.1)]

    _fit_both(keras, _mlp, lambda k: {"optimizer": k.optimizers.SGD(0.01), "loss": "mse"}, callbacks=callbacks)


def test_reduce_lr_on_plateau_callback(keras):
    def callbacks(keras):
        return [keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_delta=10.0)]

    _fit_both(keras, _mlp, lambda k: {"optimizer": k.optimizers.SGD(0.05), "loss": "mse"}, callbacks=callbacks,
              validation_split=0.25, epochs=4)


def test_max_norm_kernel_constraint(keras):
    def build(keras):
        return _mlp(keras, activation="relu", kernel_initializer="he_normal",
                    kernel_constraint=keras.constraints.max_norm(1.0))

    km, sm = _fit_both(keras, build, lambda k: {"optimizer": k.optimizers.SGD(0.5), "loss": "mse"})
    assert np.linalg.norm(sm.layers[0].get_weights()[0], axis=0).max() <= 1.0 + 1e-6
    assert sm.layers[0].get_config()["kernel_constraint"] == km.layers[0].get_config()["kernel_constraint"]


def test_mc_dropout_by_calling_the_model_with_training_true(keras):
    def build(keras):
        return keras.Sequential([keras.Input((6,)), keras.layers.Dense(32, activation="relu"),
                                 keras.layers.Dropout(0.3), keras.layers.Dense(3, activation="softmax")])

    km, sm = build(keras), build(strata)
    sm.set_weights(km.get_weights())
    samples = np.stack([sm(X, training=True) for _ in range(50)])
    assert samples.shape == (50, 40, 3)
    assert not np.allclose(samples[0], samples[1])  # a new dropout mask per call
    np.testing.assert_allclose(samples.sum(axis=-1), 1.0, rtol=1e-5)
    y_proba = samples.mean(axis=0)
    # Without training=True the model is deterministic and equals Keras.
    np.testing.assert_allclose(np.asarray(sm(X, training=False)), np.asarray(km(X, training=False)), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(np.asarray(sm(X)), sm.predict(X, verbose=0), rtol=1e-5, atol=1e-6)
    assert np.abs(y_proba - sm.predict(X, verbose=0)).max() < 0.15


def test_k_fold_loop_rebuilding_the_model(keras):
    def k_fold_scores(keras, initial_weights):
        scores = []
        folds = np.array_split(np.arange(len(X)), 3)
        for i, validation in enumerate(folds):
            train = np.concatenate([f for j, f in enumerate(folds) if j != i])
            keras.backend.clear_session()
            model = _mlp(keras, activation="relu")
            model.set_weights(initial_weights)
            model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
            model.fit(X[train], Y_REG[train], epochs=2, batch_size=8, shuffle=False, verbose=0)
            scores.append(model.evaluate(X[validation], Y_REG[validation], verbose=0))
            assert model.name == "sequential"  # clear_session resets the names each fold
        return np.array(scores)

    initial = _mlp(keras, activation="relu").get_weights()
    np.testing.assert_allclose(k_fold_scores(strata, initial), k_fold_scores(keras, initial), rtol=2e-4)


def test_multi_hot_inputs_binary_classifier(keras):
    def vectorize_sequences(sequences, dimension=50):
        results = np.zeros((len(sequences), dimension))
        for i, sequence in enumerate(sequences):
            results[i, sequence] = 1.0
        return results

    rs = np.random.RandomState(3)
    sequences = [rs.randint(0, 50, rs.randint(3, 12)).tolist() for _ in range(40)]
    x = vectorize_sequences(sequences)
    y = np.asarray(rs.rand(40) > 0.5).astype("float32")

    def build(keras):
        return keras.Sequential([keras.Input((50,)), keras.layers.Dense(16, activation="relu"),
                                 keras.layers.Dense(16, activation="relu"),
                                 keras.layers.Dense(1, activation="sigmoid")])

    km, sm = build(keras), build(strata)
    sm.set_weights(km.get_weights())
    for model in (km, sm):
        model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    hk = km.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0, validation_data=(x[:10], y[:10]))
    hs = sm.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0, validation_data=(x[:10], y[:10]))
    assert list(hs.history) == list(hk.history)
    for key in hk.history:
        np.testing.assert_allclose(hs.history[key], hk.history[key], rtol=2e-4, err_msg=key)


def test_inspecting_layers_and_their_weights(keras):
    def build(keras):
        return keras.Sequential([keras.Input((6,)), keras.layers.Dense(30, activation="relu"),
                                 keras.layers.Dense(3, activation="softmax")])

    km, sm = build(keras), build(strata)
    sm.set_weights(km.get_weights())
    hidden_k, hidden_s = km.layers[0], sm.layers[0]
    assert hidden_s.name == hidden_k.name == "dense"
    assert sm.get_layer("dense") is hidden_s
    weights_s, biases_s = hidden_s.get_weights()
    weights_k, biases_k = hidden_k.get_weights()
    np.testing.assert_array_equal(weights_s, weights_k)
    assert weights_s.shape == (6, 30) and biases_s.shape == (30,)
    assert [layer.name for layer in sm.layers] == [layer.name for layer in km.layers]
    assert sm.count_params() == km.count_params()


def test_clear_session_resets_layer_names(keras):
    for lib in (keras, strata):
        lib.layers.Dense(1)
        lib.backend.clear_session()
        assert lib.layers.Dense(1).name == "dense"
        assert lib.Sequential().name == "sequential"
