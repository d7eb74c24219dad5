"""TensorBoard writes event files that TensorBoard's own reader understands, with Keras's tags."""

import numpy as np
import pytest

from strata.callbacks import TensorBoard
from strata.layers import Dense, Input
from strata.models import Sequential

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")

EPOCHS = 3


def _model():
    model = Sequential([Input((4,)), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(40, 4)).astype("float32"), rng.integers(0, 3, size=40)


def _read(folder):
    """Scalars ({tag: [(step, value)]}), histogram tags and text by tag, read by TensorBoard itself."""
    acc = event_accumulator.EventAccumulator(
        str(folder), size_guidance={event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0,
                                    event_accumulator.TENSORS: 0, event_accumulator.IMAGES: 0})
    acc.Reload()
    tags = acc.Tags()
    scalars = {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in tags["scalars"]}
    texts = {}
    for tag in tags["tensors"]:  # newer TensorBoard may file scalars as rank-0 tensors
        events = acc.Tensors(tag)
        if events[0].tensor_proto.dtype == 7:  # DT_STRING: a text summary
            texts[tag] = events[0].tensor_proto.string_val[0].decode()
        else:
            scalars[tag] = [(e.step, float(np.asarray(e.tensor_proto.float_val[0]))) for e in events]
    return scalars, set(tags["histograms"]), texts, set(tags["images"])


def test_epoch_scalars_histograms_and_summary(tmp_path):
    x, y = _data()
    model = _model()
    history = model.fit(x, y, batch_size=8, epochs=EPOCHS, validation_split=0.25, verbose=0,
                        callbacks=[TensorBoard(log_dir=tmp_path, histogram_freq=1)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train", "validation"]
    for folder in ("train", "validation"):
        names = [p.name for p in (tmp_path / folder).iterdir()]
        assert len(names) == 1 and names[0].startswith("events.out.tfevents."), names

    train, histograms, texts, _ = _read(tmp_path / "train")
    assert set(train) == {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"}
    for name in ("loss", "accuracy"):
        steps, values = zip(*train[f"epoch_{name}"])
        assert list(steps) == list(range(EPOCHS))
        np.testing.assert_allclose(values, history.history[name], rtol=1e-6)
    assert [v for _, v in train["epoch_learning_rate"]] == pytest.approx([0.001] * EPOCHS)
    assert histograms == {"sequential/dense/kernel/histogram", "sequential/dense/bias/histogram"}
    assert "dense (Dense)" in texts["keras"] and "Total params" in texts["keras"]

    val, val_histograms, _, _ = _read(tmp_path / "validation")
    assert set(val) == {"epoch_loss", "epoch_accuracy", "evaluation_loss_vs_iterations",
                        "evaluation_accuracy_vs_iterations"}
    assert not val_histograms
    for name in ("loss", "accuracy"):
        steps, values = zip(*val[f"epoch_{name}"])
        assert list(steps) == list(range(EPOCHS))
        np.testing.assert_allclose(values, history.history[f"val_{name}"], rtol=1e-6)
    # 30 training samples in batches of 8: 4 optimizer steps per epoch.
    steps, values = zip(*val["evaluation_loss_vs_iterations"])
    assert list(steps) == [4, 8, 12]
    np.testing.assert_allclose(values, history.history["val_loss"], rtol=1e-6)


def test_epoch_mode_leaves_fit_free_of_batch_hooks():
    assert not TensorBoard()._needs_train_batches
    assert TensorBoard(update_freq="batch")._needs_train_batches
    assert TensorBoard(update_freq=3)._needs_train_batches


@pytest.mark.parametrize("update_freq, expected_steps", [("batch", [1, 2, 3, 4, 5, 6, 7, 8]), (3, [3, 6])])
def test_batch_scalars(tmp_path, update_freq, expected_steps):
    x, y = _data()
    model = _model()
    model.fit(x[:32], y[:32], batch_size=8, epochs=2, verbose=0, shuffle=False,
              callbacks=[TensorBoard(log_dir=tmp_path, update_freq=update_freq, write_graph=False,
                                     write_steps_per_second=True)])
    assert [p.name for p in tmp_path.iterdir()] == ["train"]  # no validation, no validation writer
    train, histograms, texts, _ = _read(tmp_path / "train")
    assert not histograms and not texts
    assert [step for step, _ in train["batch_loss"]] == expected_steps
    assert [step for step, _ in train["batch_steps_per_second"]] == expected_steps
    assert all(value > 0 for _, value in train["epoch_steps_per_second"])
    # The batch logs are the running averages of the epoch: the last one of each epoch is the epoch's.
    if update_freq == "batch":
        epoch_loss = [v for _, v in train["epoch_loss"]]
        last_of_epoch = [train["batch_loss"][3][1], train["batch_loss"][7][1]]
        np.testing.assert_allclose(last_of_epoch, epoch_loss, rtol=1e-6)


def test_images_with_histograms(tmp_path):
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[
        TensorBoard(log_dir=tmp_path, histogram_freq=2, write_images=True, write_graph=False)])
    _, histograms, _, images = _read(tmp_path / "train")
    assert images == {"sequential/dense/kernel/image", "sequential/dense/bias/image"}
    acc = event_accumulator.EventAccumulator(str(tmp_path / "train"),
                                             size_guidance={event_accumulator.IMAGES: 0})
    acc.Reload()
    assert [e.step for e in acc.Images("sequential/dense/kernel/image")] == [0]  # epochs 0, 2, ...


def test_evaluate_writes_evaluation_scalars(tmp_path):
    x, y = _data()
    model = _model()
    model.fit(x, y, batch_size=10, epochs=1, verbose=0)
    result = model.evaluate(x, y, verbose=0, return_dict=True,
                            callbacks=[TensorBoard(log_dir=tmp_path, write_graph=False)])
    val, _, _, _ = _read(tmp_path / "validation")
    assert val["evaluation_loss_vs_iterations"] == [(4, pytest.approx(result["loss"], rel=1e-6))]


@pytest.mark.parametrize("kwargs, match", [
    ({"profile_batch": 2}, r"does not support `profile_batch` yet\. Received: profile_batch=2"),
    ({"profile_batch": "10,20"}, r"Received: profile_batch='10,20'"),
    ({"embeddings_freq": 1}, r"does not support `embeddings_freq` yet\. Received: embeddings_freq=1"),
    ({"embeddings_metadata": "meta.tsv"}, r"Received: embeddings_metadata='meta.tsv'"),
    ({"update_freq": "step"}, r"`update_freq` must be .*Received: update_freq='step'"),
    ({"update_freq": 0}, r"Received: update_freq=0"),
    ({"histogram_freq": -1}, r"`histogram_freq` must be an integer >= 0.*Received: histogram_freq=-1"),
])
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TensorBoard(**kwargs)


def test_no_files_until_something_is_written(tmp_path):
    TensorBoard(log_dir=tmp_path / "logs")
    assert not (tmp_path / "logs").exists()
