"""A training loop written from scratch with `jax.jit` (no `fit()`): MNIST digits.

"Deep Learning with Python" (3rd ed.) shows how `fit()` works underneath on the JAX backend: one
pure function takes the state (model, optimizer and metric variables as arrays) and a batch, and
returns the new state; `jax.jit` compiles it; the Python loop feeds it batches; at the end the
arrays are written back into the model with `variable.assign(...)`.

Run: python examples/custom_training_loop.py [--epochs 3] [--samples 10000] [--data-dir ../shared/datasets]
Reads MNIST from --data-dir or STRATA_DATASETS_DIR when given, else downloads it.
"""

import argparse

import jax
import numpy as np

import strata as keras
from strata import layers
from strata.datasets import mnist


def get_mnist_model():
    inputs = keras.Input(shape=(28 * 28,))
    features = layers.Dense(512, activation="relu")(inputs)
    outputs = layers.Dense(10, activation="softmax")(features)
    return keras.Model(inputs, outputs)


def load(data_dir=None, samples=None):
    (images, labels), (test_images, test_labels) = mnist.load_data(data_dir=data_dir)
    images = images.reshape((len(images), 28 * 28)).astype("float32") / 255
    test_images = test_images.reshape((len(test_images), 28 * 28)).astype("float32") / 255
    if samples:
        images, labels = images[:samples], labels[:samples]
        test_images, test_labels = test_images[:samples // 5], test_labels[:samples // 5]
    return (images, labels), (test_images, test_labels)


def make_steps(model, optimizer, loss_fn, metric):
    def loss_and_updates(trainable_variables, non_trainable_variables, images, labels):
        predictions, non_trainable_variables = model.stateless_call(
            trainable_variables, non_trainable_variables, images, training=True)
        return loss_fn(labels, predictions), (predictions, non_trainable_variables)

    gradient_fn = jax.value_and_grad(loss_and_updates, has_aux=True)

    @jax.jit
    def train_step(state, images, labels):
        trainable_variables, non_trainable_variables, optimizer_variables, metric_variables = state
        (loss, (predictions, non_trainable_variables)), grads = gradient_fn(
            trainable_variables, non_trainable_variables, images, labels)
        trainable_variables, optimizer_variables = optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables)
        metric_variables = metric.stateless_update_state(metric_variables, labels, predictions)
        return loss, (trainable_variables, non_trainable_variables, optimizer_variables, metric_variables)

    @jax.jit
    def test_step(state, images, labels):
        trainable_variables, non_trainable_variables, metric_variables = state
        predictions, _ = model.stateless_call(trainable_variables, non_trainable_variables, images)
        return metric.stateless_update_state(metric_variables, labels, predictions)

    return train_step, test_step


def train(train_data, test_data, epochs=3, batch_size=128):
    model = get_mnist_model()
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    optimizer.build(model.trainable_variables)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    metric = keras.metrics.SparseCategoricalAccuracy()
    train_step, test_step = make_steps(model, optimizer, loss_fn, metric)

    images, labels = train_data
    state = ([v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables],
             [v.value for v in optimizer.variables], [v.value for v in metric.variables])
    history = []
    for epoch in range(epochs):
        trainable, non_trainable, optimizer_vars, _ = state
        state = (trainable, non_trainable, optimizer_vars, metric.stateless_reset_state())
        losses = []
        for start in range(0, len(images), batch_size):
            loss, state = train_step(state, images[start:start + batch_size], labels[start:start + batch_size])
            losses.append(float(loss))
        accuracy = float(metric.stateless_result(state[3]))
        history.append((float(np.mean(losses)), accuracy))
        print(f"epoch {epoch + 1}: loss {history[-1][0]:.4f} - accuracy {accuracy:.4f}")

    # Write the trained values back into the model's variables.
    trainable, non_trainable, _, _ = state
    for variable, value in zip(model.trainable_variables, trainable):
        variable.assign(value)
    for variable, value in zip(model.non_trainable_variables, non_trainable):
        variable.assign(value)

    test_images, test_labels = test_data
    eval_state = (trainable, non_trainable, metric.stateless_reset_state())
    metric_vars = eval_state[2]
    for start in range(0, len(test_images), batch_size):
        metric_vars = test_step((trainable, non_trainable, metric_vars),
                                test_images[start:start + batch_size], test_labels[start:start + batch_size])
    test_accuracy = float(metric.stateless_result(metric_vars))
    print(f"test accuracy {test_accuracy:.4f}")
    return model, history, test_accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=None)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    keras.utils.set_random_seed(7)
    train_data, test_data = load(args.data_dir, args.samples)
    train(train_data, test_data, epochs=args.epochs)


if __name__ == "__main__":
    main()
