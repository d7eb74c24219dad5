"""Your own training step inside `fit()`: a subclassed Model with a custom `train_step` (JAX style).

The "Deep Learning with Python" (3rd ed.) way of customizing `fit()` on the JAX backend: the step is
a pure function of the state `(trainable, non_trainable, optimizer, metrics)` variables, so it uses
`stateless_call`, `jax.value_and_grad`, `optimizer.stateless_apply` and the metrics' stateless
methods.  `fit()` still does the batching, the epochs, the callbacks and the progress bar.

Run: python examples/custom_train_step.py [--epochs 3] [--samples 10000] [--data-dir ../shared/datasets]
Reads MNIST from --data-dir or STRATA_DATASETS_DIR when given, else downloads it.
"""

import argparse

import jax

import strata as keras
from strata import layers
from strata.datasets import mnist

loss_fn = keras.losses.SparseCategoricalCrossentropy()
loss_tracker = keras.metrics.Mean(name="loss")
accuracy = keras.metrics.SparseCategoricalAccuracy(name="accuracy")


class CustomModel(keras.Model):
    def forward_and_loss(self, trainable_variables, non_trainable_variables, images, labels):
        predictions, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, images, training=True)
        return loss_fn(labels, predictions), (predictions, non_trainable_variables)

    def train_step(self, state, data):
        trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state
        images, labels = data
        gradient_fn = jax.value_and_grad(self.forward_and_loss, has_aux=True)
        (loss, (predictions, non_trainable_variables)), grads = gradient_fn(
            trainable_variables, non_trainable_variables, images, labels)
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables)
        # metrics_variables holds the variables of self.metrics, one metric after the other.
        n = len(loss_tracker.variables)
        loss_vars = loss_tracker.stateless_update_state(metrics_variables[:n], loss)
        accuracy_vars = accuracy.stateless_update_state(metrics_variables[n:], labels, predictions)
        logs = {"loss": loss_tracker.stateless_result(loss_vars),
                "accuracy": accuracy.stateless_result(accuracy_vars)}
        state = (trainable_variables, non_trainable_variables, optimizer_variables, loss_vars + accuracy_vars)
        return logs, state

    @property
    def metrics(self):
        # Listed here, the metrics are reset at the start of every epoch.
        return [loss_tracker, accuracy]


def get_mnist_model():
    inputs = keras.Input(shape=(28 * 28,))
    features = layers.Dense(512, activation="relu")(inputs)
    features = layers.Dropout(0.5)(features)
    outputs = layers.Dense(10, activation="softmax")(features)
    return CustomModel(inputs, outputs)


def load(data_dir=None, samples=None):
    (images, labels), _ = mnist.load_data(data_dir=data_dir)
    images = images.reshape((len(images), 28 * 28)).astype("float32") / 255
    if samples:
        images, labels = images[:samples], labels[:samples]
    return images, labels


def train(images, labels, epochs=3, verbose=2):
    model = get_mnist_model()
    model.compile(optimizer=keras.optimizers.RMSprop())
    history = model.fit(images, labels, epochs=epochs, verbose=verbose)
    return model, history


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=None)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    keras.utils.set_random_seed(7)
    images, labels = load(args.data_dir, args.samples)
    _, history = train(images, labels, epochs=args.epochs)
    print(f"final loss {history.history['loss'][-1]:.4f}, accuracy {history.history['accuracy'][-1]:.4f}")


if __name__ == "__main__":
    main()
