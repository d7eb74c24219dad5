"""``TensorBoard``: writes training curves, weight histograms and the model summary as event files.

The files follow TensorFlow's format and naming (written with ``tensorboardX``; TensorFlow itself
is never imported), so ``tensorboard --logdir <log_dir>`` shows them as it shows Keras's.
"""

from __future__ import annotations

import itertools
import os
import time
import warnings
from typing import Any

import numpy as np

from strata.callbacks.callback import Callback

# Each writer gets a distinct file name, as TensorFlow's do: events.out.tfevents.<time>.<host>.<pid>.<n>.v2
_WRITER_NUMBERS = itertools.count()


def _unsupported(argument: str, value: Any, default: Any) -> ValueError:
    return ValueError(
        f"strata's TensorBoard callback does not support `{argument}` yet. "
        f"Received: {argument}={value!r}. Leave it at its default ({argument}={default!r})."
    )


class TensorBoard(Callback):
    """Log training to TensorBoard (``keras.callbacks.TensorBoard``).

    Event files go to ``<log_dir>/train/`` and ``<log_dir>/validation/``; the writers are created
    only when something is written.

    * At the end of each epoch (``step=epoch``): ``epoch_<metric>`` for the training logs and the
      optimizer's ``epoch_learning_rate`` in ``train/``; the ``val_`` logs, prefix removed, in
      ``validation/``.
    * At the end of each validation or evaluation (``step=optimizer.iterations``):
      ``evaluation_<metric>_vs_iterations`` in ``validation/``.
    * With ``update_freq="batch"`` or an integer N: ``batch_<metric>`` every N training batches
      (``step`` counts batches from 1 over the whole ``fit``). This makes training dispatch one
      step at a time, so it is slower than the default ``"epoch"``.

    Args:
        log_dir: the folder of the event files.
        histogram_freq: every how many epochs to write a histogram of each weight
            (``"<weight.path>/histogram"``); 0 writes none.
        write_graph: write the model's summary table as text (tag ``"keras"``, step 0) when
            training begins (Sequential and Functional models).
        write_images: also write each weight as an image (``"<weight.path>/image"``) whenever
            histograms are written.
        write_steps_per_second: add ``epoch_steps_per_second`` (and ``batch_steps_per_second``
            when batches are logged).
        update_freq: ``"epoch"``, ``"batch"`` or a number of batches.
        profile_batch: profiling is not supported yet; must be 0.
        embeddings_freq: embedding projection is not supported yet; must be 0.
        embeddings_metadata: must be None (see ``embeddings_freq``).

    Example:
        >>> model.fit(x, y, epochs=5, callbacks=[TensorBoard("logs")])  # doctest: +SKIP
    """

    def __init__(self, log_dir: str | os.PathLike = "logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, write_steps_per_second: bool = False,
                 update_freq: str | int = "epoch", profile_batch: Any = 0, embeddings_freq: int = 0,
                 embeddings_metadata: Any = None) -> None:
        super().__init__()
        if profile_batch not in (0, None, "0", "0,0", (0, 0)):
            raise _unsupported("profile_batch", profile_batch, 0)
        if embeddings_freq:
            raise _unsupported("embeddings_freq", embeddings_freq, 0)
        if embeddings_metadata is not None:
            raise _unsupported("embeddings_metadata", embeddings_metadata, None)
        if isinstance(histogram_freq, bool) or not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError(
                "`histogram_freq` must be an integer >= 0 (0 writes no histograms). "
                f"Received: histogram_freq={histogram_freq!r}"
            )
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (isinstance(update_freq, bool) or not isinstance(update_freq, int)
                                       or update_freq < 1):
            raise ValueError(
                '`update_freq` must be "epoch", "batch" or an integer >= 1 (a number of batches). '
                f"Received: update_freq={update_freq!r}"
            )
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self.profile_batch = profile_batch
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers: dict[str, Any] = {}
        self._graph_pending = False
        self._training = False
        self._global_train_batch = 0
        self._batch_started = 0.0
        self._epoch_started = 0.0
        self._epoch_start_iterations = 0
        if update_freq != "epoch":
            # Batch hooks only when batches are logged: any batch hook makes fit go step by step.
            self.on_train_batch_begin = self._train_batch_begin
            self.on_train_batch_end = self._train_batch_end

    # -- writers -----------------------------------------------------------------------------------
    def _writer(self, name: str) -> Any:
        """The ``train`` or ``validation`` writer, created on first use."""
        if name not in self._writers:
            from tensorboardX import SummaryWriter

            suffix = f".{os.getpid()}.{next(_WRITER_NUMBERS)}.v2"
            self._writers[name] = SummaryWriter(os.path.join(self.log_dir, name), filename_suffix=suffix)
        return self._writers[name]

    def _scalars(self, name: str, values: dict, step: int, template: str) -> None:
        writer = self._writer(name)
        for key, value in values.items():
            writer.add_scalar(template.format(key), float(value), global_step=int(step))

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _flush_writers(self) -> None:
        for writer in self._writers.values():
            writer.flush()

    # -- model facts -------------------------------------------------------------------------------
    def _optimizer(self) -> Any:
        optimizer = getattr(self.model, "optimizer", None)
        return getattr(optimizer, "inner_optimizer", optimizer)

    def _iterations(self) -> int | None:
        optimizer = self._optimizer()
        if optimizer is None or not hasattr(optimizer, "iterations"):
            return None
        return int(np.asarray(optimizer.iterations))

    def _learning_rates(self) -> dict:
        optimizer = self._optimizer()
        if optimizer is None:
            return {}
        if hasattr(optimizer, "optimizers"):
            return {f"learning_rate_{inner.name}": float(np.asarray(inner.learning_rate))
                    for inner in optimizer.optimizers}
        if hasattr(optimizer, "learning_rate"):
            return {"learning_rate": float(np.asarray(optimizer.learning_rate))}
        return {}

    def _write_model_summary(self) -> None:
        self._graph_pending = False
        from strata.models.functional import Functional
        from strata.models.sequential import Sequential

        if not isinstance(self._model, (Sequential, Functional)):
            return
        lines: list[str] = []
        try:
            self._model.summary(print_fn=lines.append)
        except Exception as error:  # the summary is a convenience: never stop training for it
            warnings.warn(f"TensorBoard could not write the model summary ({error}); skipping it.",
                          stacklevel=2)
            return
        from tensorboardX.summary import text

        # Indented lines render as preformatted text in TensorBoard's text dashboard.
        table = "\n".join("    " + line for line in "".join(lines).splitlines())
        summary = text("keras", table)
        summary.value[0].tag = "keras"  # tensorboardX would append "/text_summary"
        writer = self._writer("train")
        writer.file_writer.add_summary(summary, global_step=0)
        writer.flush()

    # -- hooks -------------------------------------------------------------------------------------
    def set_model(self, model: Any) -> None:
        self._close_writers()
        super().set_model(model)
        self._graph_pending = bool(self.write_graph)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._training = True
        self._global_train_batch = 0
        if self._graph_pending:
            self._write_model_summary()

    def on_train_end(self, logs: dict | None = None) -> None:
        self._training = False
        self._close_writers()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self.write_steps_per_second:
            self._epoch_start_iterations = self._iterations() or 0
            self._epoch_started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k[len("val_"):]: v for k, v in logs.items() if k.startswith("val_")}
        if logs:
            train_logs.update(self._learning_rates())
            if self.write_steps_per_second:
                steps = (self._iterations() or 0) - self._epoch_start_iterations
                train_logs["steps_per_second"] = steps / max(time.perf_counter() - self._epoch_started, 1e-12)
        if train_logs:
            self._scalars("train", train_logs, epoch, "epoch_{}")
        if val_logs:
            self._scalars("validation", val_logs, epoch, "epoch_{}")
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_weights(epoch)
        self._flush_writers()

    def on_test_end(self, logs: dict | None = None) -> None:
        iterations = self._iterations()
        if iterations is None or not logs:
            return
        self._scalars("validation", logs, iterations, "evaluation_{}_vs_iterations")
        if not self._training:  # a standalone evaluate has no on_train_end to close the files
            self._close_writers()

    def _train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_started = time.perf_counter()

    def _train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        step = self._global_train_batch
        if step % self.update_freq != 0:
            return
        values = dict(logs) if isinstance(logs, dict) else {}
        if self.write_steps_per_second:
            values["steps_per_second"] = 1.0 / max(time.perf_counter() - self._batch_started, 1e-12)
        self._scalars("train", values, step, "batch_{}")

    # -- weights -----------------------------------------------------------------------------------
    def _write_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                tag = weight.path.replace(":", "_")
                values = np.asarray(weight, dtype=np.float64)
                finite = values[np.isfinite(values)]
                if finite.size:
                    writer.add_histogram(f"{tag}/histogram", finite, global_step=epoch)
                if self.write_images:
                    image = _weight_image(values)
                    if image is not None:
                        writer.add_images(f"{tag}/image", image, global_step=epoch, dataformats="NHWC")


def _weight_image(values: np.ndarray) -> np.ndarray | None:
    """A weight laid out as a batch of single-channel images (NHWC), as Keras draws it, or None."""
    image = np.squeeze(values)
    if image.ndim == 1:  # a bias: one row
        image = image.reshape(1, image.shape[0], 1, 1)
    elif image.ndim == 2:  # a dense kernel, drawn wider than tall
        if image.shape[0] > image.shape[1]:
            image = image.T
        image = image.reshape(1, image.shape[0], image.shape[1], 1)
    elif image.ndim == 3:  # a 1-D convolution kernel: one image per output channel
        image = np.transpose(image, (2, 0, 1))[..., None]
    if image.ndim != 4 or image.shape[-1] not in (1, 3, 4):
        return None
    return image
