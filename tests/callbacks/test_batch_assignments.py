"""What a per-batch callback assigns (weights, learning rate) reaches the next step, as in Keras."""

import numpy as np
import pytest

import strata

X = np.random.RandomState(3).standard_normal((40, 3)).astype("float32")
Y = np.random.RandomState(4).standard_normal((40, 1)).astype("float32")


def _run(lib, data_as_stream: bool):
    model = lib.Sequential([lib.layers.Input((3,)), lib.layers.Dense(4, activation="tanh"), lib.layers.Dense(1)])
    model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
    model.set_weights([np.full(w.shape, 0.1 * (i + 1), "float32") for i, w in enumerate(model.get_weights())])

    class Meddler(lib.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:  # at a batch's end: halve the first kernel
                kernel = self.model.layers[0].kernel
                kernel.assign(np.asarray(kernel.value if hasattr(kernel, "value") else kernel) * 0.5)

        def on_train_batch_begin(self, batch, logs=None):
            if batch == 3:  # at a batch's start: change the learning rate
                self.model.optimizer.learning_rate = 0.01

    if data_as_stream:
        batches = [(X[i:i + 8], Y[i:i + 8]) for i in range(0, 40, 8)]
        history = model.fit(iter(batches), epochs=1, shuffle=False, verbose=0, callbacks=[Meddler()])
    else:
        history = model.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0, callbacks=[Meddler()])
    return model.get_weights(), history.history["loss"]


@pytest.mark.keras
@pytest.mark.parametrize("data_as_stream", [False, True])
def test_assignments_in_batch_hooks_match_keras(keras, data_as_stream):
    ours, our_loss = _run(strata, data_as_stream)
    theirs, their_loss = _run(keras, False)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(our_loss, their_loss, rtol=1e-6)
