"""LossScaleOptimizer: dynamic scaling as Keras's (skip + halve on overflow, double after N good steps)."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import strata
from strata import optimizers
from strata.mixed_precision import LossScaleOptimizer

INF, NAN = float("inf"), float("nan")
# An injected overflow (step 2), then growth after 3 good steps, a NaN, and more growth.
GRADS = [[0.5, 1.0], [INF, 1.0], [0.5, -1.0], [1.0, 2.0], [0.25, 0.5], [NAN, 0.0], [1.0, 1.0],
         [0.5, 0.5], [2.0, 1.0], [1.0, 0.0]]


def _optimizer(lib):
    return lib.optimizers.LossScaleOptimizer(lib.optimizers.SGD(0.1, momentum=0.5), initial_scale=4.0,
                                             dynamic_growth_steps=3)


def _trail(opt, values, params):
    own = {v.path.split("/")[-1]: i for i, v in enumerate(opt.variables[:4])}
    inner_iteration = len(opt.variables) - len(opt.inner_optimizer.variables)
    return (float(values[own["dynamic_scale"]]), int(values[own["step_counter"]]),
            int(values[inner_iteration]), np.asarray(params[0]).tolist())


def _run_stateless(lib, grads_per_step):
    """Drive ``stateless_apply`` (what the compiled train step calls) over the scaled gradients."""
    variable = lib.Variable(np.array([1.0, 2.0], np.float32))
    opt = _optimizer(lib)
    opt.build([variable])
    values, params, trail = [v.value for v in opt.variables], [variable.value], []
    for grads in grads_per_step:
        params, values = opt.stateless_apply(values, [np.array(grads, np.float32) * 4.0], params)
        trail.append(_trail(opt, values, params))
    return trail


def _run(lib, grads_per_step):
    """The eager ``apply`` on Variables."""
    variable = lib.Variable(np.array([1.0, 2.0], np.float32))
    opt = _optimizer(lib)
    trail = []
    for grads in grads_per_step:
        opt.apply([np.array(grads, np.float32) * 4.0], [variable])
        trail.append(_trail(opt, [v.value for v in opt.variables], [variable.value]))
    return trail, opt


@pytest.mark.keras
def test_scale_sequence_matches_keras(keras):
    """(Keras's own eager ``apply`` of a LossScaleOptimizer fails on JAX, a tracer leak inside
    ``ops.cond``; its ``stateless_apply`` is what ``fit`` runs, so that is the reference.)"""
    ours, _ = _run(strata, GRADS)
    assert _run_stateless(strata, GRADS) == ours
    theirs = _run_stateless(keras, GRADS)
    assert [t[:3] for t in ours] == [t[:3] for t in theirs]
    np.testing.assert_allclose([t[3] for t in ours], [t[3] for t in theirs], rtol=1e-6)


def test_overflow_skips_the_step_and_halves_the_scale():
    trail, opt = _run(strata, GRADS[:5])
    assert [t[0] for t in trail] == [4.0, 2.0, 2.0, 2.0, 4.0]  # halve at the inf, double after 3 good steps
    assert [t[1] for t in trail] == [1, 0, 1, 2, 0]
    assert [t[2] for t in trail] == [1, 1, 2, 3, 4]  # the inner optimizer did not step at the overflow
    assert trail[1][3] == trail[0][3]  # weights unchanged by the skipped step
    assert [v.path for v in opt.variables] == [
        "loss_scale_optimizer/iteration", "loss_scale_optimizer/learning_rate",
        "loss_scale_optimizer/step_counter", "loss_scale_optimizer/dynamic_scale",
        "sgd/iteration", "sgd/learning_rate", "sgd/variable_momentum"]


def test_stateless_apply_is_pure_and_jits():
    variable = strata.Variable(np.array([1.0], np.float32))
    opt = LossScaleOptimizer(optimizers.SGD(0.5), initial_scale=2.0)
    opt.build([variable])
    values = [v.value for v in opt.variables]
    step = jax.jit(opt.stateless_apply)
    params, new = step(values, [np.array([INF], np.float32)], [variable.value])
    assert float(params[0][0]) == 1.0 and float(new[3]) == 1.0
    params, new = step(new, [np.array([1.0], np.float32)], params)
    assert float(params[0][0]) == 0.5 and float(new[3]) == 1.0 and int(new[2]) == 1
    assert float(opt.dynamic_scale.numpy()) == 2.0  # nothing assigned
    assert float(opt.stateless_scale_loss(new, np.float32(3.0))) == 3.0
    assert float(opt.scale_loss(3.0)) == 6.0


@pytest.mark.keras
def test_fit_recovers_from_overflow_like_keras(keras):
    """mixed_float16 with a scale of 2**30: the float16 gradients overflow, each such step is
    skipped and halves the scale until the gradients fit; then growth every 2 good steps."""
    def run(lib):
        lib.mixed_precision.set_global_policy("mixed_float16")
        lib.utils.set_random_seed(1)
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(4, activation="relu", kernel_initializer="ones"),
                                lib.layers.Dense(2, activation="softmax", kernel_initializer="ones")])
        opt = lib.optimizers.LossScaleOptimizer(lib.optimizers.SGD(0.1), initial_scale=2.0**30,
                                                dynamic_growth_steps=2)
        model.compile(opt, "sparse_categorical_crossentropy")
        trail = []

        class Record(lib.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                o = self.model.optimizer
                trail.append((float(np.asarray(o.dynamic_scale)), int(np.asarray(o.step_counter))))

        x = np.random.RandomState(0).rand(12, 3).astype("float32")
        y = np.arange(12) % 2
        history = model.fit(x, y, batch_size=2, epochs=3, verbose=0, callbacks=[Record()], shuffle=False)
        lib.mixed_precision.set_global_policy("float32")
        return trail, history.history["loss"], model.get_weights()

    ours, theirs = run(strata), run(keras)
    assert ours[0] == theirs[0]
    assert ours[0][0] == (2.0**29, 0) and (65536.0, 1) in ours[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)
    for mine, reference in zip(ours[2], theirs[2]):
        np.testing.assert_allclose(mine, reference, rtol=1e-6)


@pytest.mark.keras
def test_config_matches_keras(keras):
    ours = LossScaleOptimizer(optimizers.Adam(0.01), initial_scale=128.0, dynamic_growth_steps=10)
    theirs = keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(0.01), initial_scale=128.0,
                                                 dynamic_growth_steps=10)
    assert optimizers.serialize(ours) == keras.optimizers.serialize(theirs)
    back = optimizers.deserialize(keras.optimizers.serialize(theirs))
    assert isinstance(back, LossScaleOptimizer) and isinstance(back.inner_optimizer, optimizers.Adam)
    assert (back.initial_scale, back.dynamic_growth_steps) == (128.0, 10)
    assert optimizers.LossScaleOptimizer is LossScaleOptimizer
    assert back.learning_rate is back.inner_optimizer.learning_rate


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="no longer supports `dynamic=False`"):
        LossScaleOptimizer(optimizers.SGD(), dynamic=False)
    with pytest.raises(ValueError, match="does not support `clipnorm`. Instead, set `clipnorm` on the"):
        LossScaleOptimizer(optimizers.SGD(), clipnorm=1.0)
    with pytest.raises(ValueError, match="does not support arguments: `foo`"):
        LossScaleOptimizer(optimizers.SGD(), foo=1)
    with pytest.raises(TypeError, match="`inner_optimizer` must be an optimizer instance"):
        LossScaleOptimizer("adam")
    with pytest.raises(ValueError, match="`dynamic_growth_steps` must be a positive integer"):
        LossScaleOptimizer(optimizers.SGD(), dynamic_growth_steps=0)
    with pytest.raises(ValueError, match="must be built"):
        LossScaleOptimizer(optimizers.SGD()).stateless_apply([], [], [])
    LossScaleOptimizer(optimizers.SGD(), clipnorm=None, use_ema=False)  # old configs' defaults pass


def test_inner_loss_scale_factor_is_disabled():
    inner = optimizers.SGD(loss_scale_factor=8.0)
    LossScaleOptimizer(inner)
    assert inner.loss_scale_factor is None


@pytest.mark.keras
def test_fit_with_static_loss_scale_factor_matches_keras(keras):
    """The train step differentiates ``optimizer.scale_loss(loss)``; the optimizer divides the
    gradients by ``loss_scale_factor`` again, so the update is the unscaled one (as Keras)."""
    def run(lib):
        model = lib.Sequential([lib.Input((2,)), lib.layers.Dense(1, kernel_initializer="ones")])
        model.compile(lib.optimizers.SGD(0.1, loss_scale_factor=4.0), "mse")
        history = model.fit(np.ones((4, 2), np.float32), np.zeros((4, 1), np.float32), epochs=2, batch_size=4,
                            verbose=0)
        return model.get_weights(), history.history["loss"]

    (ours, our_loss), (theirs, their_loss) = run(strata), run(keras)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    np.testing.assert_allclose(our_loss, their_loss, rtol=1e-6)
    np.testing.assert_allclose(ours[0], np.full((2, 1), 0.44), rtol=1e-6)  # 1 - 0.1*4, then - 0.1*1.6
