"""One process of the multi-process tests: ``mp_worker.py PORT PROCESS_ID NUM_PROCESSES OUT [OPTIONS]``.

Every process passes the same global arrays; DataParallel spans all processes' devices.  Options:
``die``: process 1 exits right after joining (the others must fail fast, not hang);
``backup=DIR``: train 4 epochs with ``BackupAndRestore(DIR/p<id>)``;
``crash=E``: process 1 dies at the end of epoch ``E`` (after its backup).
"""

import json
import os
import sys

import numpy as np

import strata as keras
from strata import layers

port, process_id, processes, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
D = keras.distribution
if processes > 1:
    D.initialize(f"127.0.0.1:{port}", num_processes=processes, process_id=process_id,
                 heartbeat_timeout_seconds=5, initialization_timeout=60)
if "die" in sys.argv[5:] and process_id == 1:
    os._exit(3)
import jax  # noqa: E402

D.set_distribution(D.DataParallel())
keras.utils.set_random_seed(7)
x = np.random.RandomState(0).randn(64, 5).astype("float32")
y = (x.sum(1) > 0).astype("int32")
model = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="relu"), layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
options = dict(arg.split("=") for arg in sys.argv[5:] if "=" in arg)
ran: list = []
callbacks, epochs = [keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: ran.append(epoch))], 3
if "backup" in options:
    callbacks.append(keras.callbacks.BackupAndRestore(os.path.join(options["backup"], f"p{process_id}")))
    epochs = 4
if "crash" in options and process_id == 1:
    crash_epoch = int(options["crash"])
    callbacks.append(keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: os._exit(4) if epoch == crash_epoch else None))
# shuffled: every process draws the same order
history = model.fit(x, y, batch_size=16, epochs=epochs, verbose=0, callbacks=callbacks)
result = {"loss": history.history["loss"], "weights": [np.asarray(v.value).tolist() for v in model.weights],
          "devices": D.list_devices(), "local": len(jax.local_devices()),
          "predict": model.predict(x[:8], verbose=0).tolist(), "ran": ran, "evaluate": model.evaluate(x, y, verbose=0)}
with open(out, "w") as file:
    json.dump(result, file)
