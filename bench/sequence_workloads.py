"""Recurrent workloads of the benchmark (called by workload.py in a fresh process).

* ``traffic_lstm``: the course's LSTM(16) traffic forecast (11,184 windows of shape (1, 6), 24-hour
  targets, batch 32, mse with mae, validation on 2,766 windows), the whole 500-epoch course run with
  no callbacks, as the course runs it.  ``total`` is build + fit; the caller adds process start-up.
* ``traffic_lstm_epoch``: the same model for 12 epochs with an epoch timer; ``epoch`` is the median
  of the later epochs (the timer makes each epoch its own dispatch, as a per-epoch callback would).
* ``lstm_long``: LSTM(64) over 100 timesteps of 8 features, batch 64, 4,096 sequences, 3 epochs.

``python bench/sequence_workloads.py [steps,batch,units,features]`` runs
:func:`lstm_gradient_variants` instead: ways to compute the recurrence's gradient, side by side.
"""

from __future__ import annotations

import os
import statistics
import sys
import time


def traffic_data(data_dir: str):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
    import traffic_forecast

    return traffic_forecast.split(traffic_forecast.load_series(data_dir))


def sequence_workload(lib, args, imported: float) -> dict:
    import numpy as np

    layers = lib.layers
    times: list[float] = []

    class Timer(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    if args.workload.startswith("traffic"):
        (x, y), (vx, vy) = traffic_data(args.data_dir)
        start = time.perf_counter()
        model = lib.Sequential()
        model.add(layers.LSTM(16, input_shape=(1, 6)))
        model.add(layers.Dense(24))
        model.compile(loss="mse", metrics=["mae"])
        if args.workload == "traffic_lstm":
            history = model.fit(x, y, epochs=500, batch_size=32, validation_data=(vx, vy), verbose=0)
            total = time.perf_counter() - start
            return {"import": imported, "total": total, "val_loss": float(history.history["val_loss"][-1])}
        model.fit(x, y, epochs=12, batch_size=32, validation_data=(vx, vy), verbose=0, callbacks=[Timer()])
    else:
        rs = np.random.RandomState(0)
        x = rs.standard_normal((4096, 100, 8)).astype("float32")
        y = x[:, -10:, :2].mean(axis=1) + 0.1 * rs.standard_normal((4096, 2)).astype("float32")
        start = time.perf_counter()
        model = lib.Sequential([layers.Input((100, 8)), layers.LSTM(64), layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, epochs=3, batch_size=64, verbose=0, callbacks=[Timer()])
    total = time.perf_counter() - start
    return {"import": imported, "total": total, "first": times[0], "epoch": statistics.median(times[1:]),
            "compile": times[0] - statistics.median(times[1:])}


# -- the gradient of the LSTM recurrence: variants measured for issue 11 -----------------------------------
def lstm_gradient_variants(steps: int = 100, batch: int = 64, units: int = 64, features: int = 8,
                           repeats: int = 20) -> dict:
    """CPU milliseconds of ``value_and_grad`` of an LSTM's recurrence, four ways, interleaved.

    * ``autodiff``: JAX differentiates the ``lax.scan`` (what strata runs; input matmul in the loop);
    * ``hoisted``: the same with ``x @ kernel`` for all timesteps before the loop;
    * ``vjp_after_loop``: a ``jax.custom_vjp`` whose backward scan only carries ``dh, dc`` and stacks
      ``dz``; the kernel, recurrent-kernel, bias and input gradients are one matmul each after it;
    * ``vjp_in_loop``: a ``custom_vjp`` saving only the gate activations, ``c_{t-1}``, ``tanh(c_t)``
      and ``h_{t-1}``, with the accumulations inside the backward loop.

    Gradients are checked equal first.  Times are process CPU time (the machine is shared: wall
    time mostly measures the queue); min and median of ``repeats`` rounds of 5 calls each.
    """
    import jax
    import jax.numpy as jnp
    from jax import lax

    sig, tanh = jax.nn.sigmoid, jnp.tanh
    keys = jax.random.split(jax.random.PRNGKey(0), 3)
    xs = jax.random.normal(keys[0], (steps, batch, features))
    params = (jax.random.normal(keys[1], (features, 4 * units)) * 0.3,
              jax.random.normal(keys[2], (units, 4 * units)) * 0.1, jnp.zeros((4 * units,)))
    zeros = jnp.zeros((batch, units))

    def gates(z, c):
        i, f, g, o = jnp.split(z, 4, axis=-1)
        si, sf, tg, so = sig(i), sig(f), tanh(g), sig(o)
        c_new = sf * c + si * tg
        return si, sf, tg, so, c_new, tanh(c_new)

    def scan(params, xs, hoisted=False):
        kernel, recurrent, bias = params
        items = jnp.matmul(xs, kernel) + bias if hoisted else xs

        def body(carry, x):
            h, c = carry
            z = (x if hoisted else jnp.matmul(x, kernel) + bias) + jnp.matmul(h, recurrent)
            _, _, _, so, c, tc = gates(z, c)
            return (so * tc, c), so * tc
        return lax.scan(body, (zeros, zeros), items)[1]

    def forward_saving(params, xs):
        kernel, recurrent, bias = params

        def body(carry, x):
            h, c = carry
            si, sf, tg, so, c_new, tc = gates(jnp.matmul(x, kernel) + bias + jnp.matmul(h, recurrent), c)
            return (so * tc, c_new), (so * tc, (jnp.concatenate([si, sf, tg, so], -1), c, tc, h))
        hs, saved = lax.scan(body, (zeros, zeros), xs)[1]
        return hs, (params, xs, saved)

    def dz_of(acts, c_prev, tc, dh, dc):
        si, sf, tg, so = jnp.split(acts, 4, axis=-1)
        dc = dc + dh * so * (1 - tc * tc)
        dz = jnp.concatenate([dc * tg * si * (1 - si), dc * c_prev * sf * (1 - sf), dc * si * (1 - tg * tg),
                              dh * tc * so * (1 - so)], -1)
        return dz, dc * sf

    def after_loop_bwd(residuals, d_hs):
        (kernel, recurrent, _), xs, (acts, c_prev, tcs, h_prev) = residuals

        def body(carry, item):
            dz, dc = dz_of(*item[:3], carry[0] + item[3], carry[1])
            return (jnp.matmul(dz, recurrent.T), dc), dz
        dzs = lax.scan(body, (zeros, zeros), (acts, c_prev, tcs, d_hs), reverse=True)[1]
        flat = jnp.reshape(dzs, (-1, 4 * units))
        return ((jnp.matmul(jnp.reshape(xs, (-1, features)).T, flat),
                 jnp.matmul(jnp.reshape(h_prev, (-1, units)).T, flat), jnp.sum(flat, 0)),
                jnp.matmul(dzs, kernel.T))

    def in_loop_bwd(residuals, d_hs):
        (kernel, recurrent, bias), xs, (acts, c_prev, tcs, h_prev) = residuals

        def body(carry, item):
            dh, dc, dk, dr, db = carry
            dz, dc = dz_of(*item[:3], dh + item[3], dc)
            x, h = item[4:]
            return ((jnp.matmul(dz, recurrent.T), dc, dk + jnp.matmul(x.T, dz), dr + jnp.matmul(h.T, dz),
                     db + jnp.sum(dz, 0)), jnp.matmul(dz, kernel.T))
        init = (zeros, zeros, jnp.zeros_like(kernel), jnp.zeros_like(recurrent), jnp.zeros_like(bias))
        (_, _, dk, dr, db), dxs = lax.scan(body, init, (acts, c_prev, tcs, d_hs, xs, h_prev), reverse=True)
        return (dk, dr, db), dxs

    def custom(bwd):
        fn = jax.custom_vjp(lambda params, xs: scan(params, xs))
        fn.defvjp(forward_saving, bwd)
        return fn

    def step(fn):
        return jax.jit(jax.value_and_grad(lambda p, x: jnp.mean(fn(p, x)[-1] ** 2), argnums=(0, 1)))

    variants = {"autodiff": step(scan), "hoisted": step(lambda p, x: scan(p, x, hoisted=True)),
                "vjp_after_loop": step(custom(after_loop_bwd)), "vjp_in_loop": step(custom(in_loop_bwd))}
    reference = jax.tree_util.tree_leaves(variants["autodiff"](params, xs))
    for name, fn in variants.items():
        for a, b in zip(reference, jax.tree_util.tree_leaves(fn(params, xs))):
            if float(jnp.max(jnp.abs(a - b))) > 1e-5 * (1.0 + float(jnp.max(jnp.abs(a)))):
                raise AssertionError(f"{name}: its gradient differs from autodiff's")
    times: dict = {name: [] for name in variants}
    for _ in range(repeats):
        for name, fn in variants.items():
            start = time.process_time()
            for _ in range(5):
                jax.block_until_ready(fn(params, xs))
            times[name].append((time.process_time() - start) / 5 * 1e3)
    return {name: {"min_ms": min(t), "median_ms": statistics.median(t)} for name, t in times.items()}


if __name__ == "__main__":
    import json

    shape = [int(v) for v in (sys.argv[1] if len(sys.argv) > 1 else "100,64,64,8").split(",")]
    print(json.dumps(lstm_gradient_variants(*shape), indent=1))
