"""A model with its own ``train_step`` (the Keras guide's JAX step), shared by the step-override tests.

Its logs include ``rows``, the number of rows in the batch, so a test sees whether a short last
batch reached the step as Keras gives it (a padded batch would show the full batch size), and its
loss is a batch mean, which padding would also change.
"""

import jax

import strata
from strata import metrics, ops


class MeanStep(strata.Model):
    """A ``train_step`` with a mean-squared-error loss tracked by one ``Mean`` metric."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tracker = metrics.Mean(name="loss")

    def train_step(self, state, data):
        tv, ntv, ov, mv = state
        x, y = data

        def loss_fn(tv):
            y_pred, new_ntv = self.stateless_call(tv, ntv, x, training=True)
            return ops.mean(ops.square(y_pred - y)), new_ntv

        (loss, ntv), grads = jax.value_and_grad(loss_fn, has_aux=True)(tv)
        tv, ov = self.optimizer.stateless_apply(ov, grads, tv)
        mv = self.tracker.stateless_update_state(mv, loss)
        return {"loss": self.tracker.stateless_result(mv), "rows": ops.sum(ops.ones_like(y))}, (tv, ntv, ov, mv)

    @property
    def metrics(self):
        return [self.tracker]
