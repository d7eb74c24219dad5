"""preprocess_input (arrays and symbolic tensors), decode_predictions, and the builders' errors."""

from __future__ import annotations

import hashlib
import json

import jax.numpy as jnp
import numpy as np
import pytest

import strata
from strata.applications import imagenet_utils
from tests.applications.conftest import write_keras2_h5
from tests.datasets.conftest import LocalServer

PIXEL = np.array([[[[10.0, 20.0, 30.0]]]], dtype="float32")


@pytest.mark.keras
@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_numpy_preprocessing_equals_keras_including_in_place_mutation(keras_oracle, mode, data_format):
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 255, (2, 3, 4, 5) if data_format == "channels_first" else (2, 4, 5, 3)).astype("float32")
    ours_in, theirs_in = images.copy(), images.copy()
    ours = imagenet_utils.preprocess_input(ours_in, data_format=data_format, mode=mode)
    theirs = keras_oracle.applications.imagenet_utils.preprocess_input(theirs_in, data_format=data_format, mode=mode)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(ours_in, theirs_in, rtol=1e-6, atol=1e-5)  # the caller's array, mutated alike
    assert ours.dtype == theirs.dtype
    ints = images.astype("uint8")
    kept = ints.copy()
    ours = imagenet_utils.preprocess_input(ints, data_format=data_format, mode=mode)
    theirs = keras_oracle.applications.imagenet_utils.preprocess_input(ints.copy(), data_format=data_format, mode=mode)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-5)
    np.testing.assert_array_equal(ints, kept)
    assert ours.dtype == np.float32
    three_d = images[0].copy()
    np.testing.assert_allclose(
        imagenet_utils.preprocess_input(three_d.copy(), data_format=data_format, mode=mode),
        keras_oracle.applications.imagenet_utils.preprocess_input(three_d.copy(), data_format=data_format, mode=mode),
        rtol=1e-6, atol=1e-5)


def test_observed_values_and_jax_arrays_are_not_mutated():
    assert np.allclose(strata.applications.vgg16.preprocess_input(PIXEL.copy()).ravel(), [-73.939, -96.779, -113.68])
    assert np.allclose(strata.applications.mobilenet.preprocess_input(PIXEL.copy()).ravel(),
                       [-0.92157, -0.84314, -0.76471], atol=1e-5)
    assert np.allclose(strata.applications.densenet.preprocess_input(PIXEL.copy()).ravel(),
                       [-1.94666, -1.68557, -1.28157], atol=1e-5)
    caller = PIXEL.copy()
    strata.applications.resnet50.preprocess_input(caller)
    assert np.allclose(caller.ravel(), [-113.68, -96.779, -73.939])  # BGR view written in place
    array = jnp.asarray(PIXEL)
    for mode, expected in (("caffe", [-73.939, -96.779, -113.68]), ("torch", [-1.94666, -1.68557, -1.28157])):
        out = imagenet_utils.preprocess_input(array, mode=mode)
        assert np.allclose(np.asarray(out).ravel(), expected, atol=1e-4)
    np.testing.assert_array_equal(np.asarray(array), PIXEL)
    assert strata.applications.efficientnet.preprocess_input(caller) is caller


def test_preprocessing_argument_errors():
    with pytest.raises(ValueError, match="Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode=bgr"):
        imagenet_utils.preprocess_input(PIXEL.copy(), mode="bgr")
    with pytest.raises(ValueError, match="data_format=channels_middle"):
        imagenet_utils.preprocess_input(PIXEL.copy(), data_format="channels_middle")


def test_symbolic_preprocessing_is_a_layer_that_trains_predicts_saves_and_loads(tmp_path):
    inputs = strata.Input(shape=(8, 8, 3))
    x = strata.applications.vgg16.preprocess_input(inputs)
    assert x.shape == (None, 8, 8, 3)
    x = strata.layers.Flatten()(x)
    outputs = strata.layers.Dense(1)(x)
    model = strata.Model(inputs, outputs)
    images = np.random.default_rng(0).uniform(0, 255, (4, 8, 8, 3)).astype("float32")
    dense = model.layers[-1]
    expected = np.asarray(imagenet_utils.preprocess_input(images.copy(), mode="caffe")).reshape(4, -1)
    expected = expected @ dense.kernel.numpy() + dense.bias.numpy()
    np.testing.assert_allclose(model.predict(images, verbose=0), expected, rtol=1e-4, atol=1e-3)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(images, np.zeros((4, 1)), epochs=1, verbose=0)
    path = tmp_path / "preprocessed.keras"
    model.save(path)
    restored = strata.saving.load_model(path)
    assert type(restored.layers[1]).__name__ == "ImageNetPreprocessing"
    assert restored.layers[1].get_config()["mode"] == "caffe"
    np.testing.assert_allclose(restored.predict(images, verbose=0), model.predict(images, verbose=0), rtol=1e-6)


@pytest.fixture
def class_index(tmp_path, monkeypatch):
    """A generated 1000-class index served on 127.0.0.1, with Keras's cache in tmp_path."""
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    served = tmp_path / "served"
    served.mkdir()
    (served / "imagenet_class_index.json").write_text(json.dumps(index))
    server = LocalServer(served)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_PATH", server.url + "/imagenet_class_index.json")
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH",
                        hashlib.md5((served / "imagenet_class_index.json").read_bytes()).hexdigest())
    monkeypatch.setattr(imagenet_utils, "_class_index", None)
    yield server
    server.stop()


def test_decode_predictions_reads_the_class_index_once(class_index, tmp_path):
    preds = np.zeros((2, 1000), dtype="float32")
    preds[0, [3, 7, 1]] = [0.5, 0.3, 0.2]
    preds[1, 999] = 0.9
    decoded = strata.applications.vgg16.decode_predictions(preds, top=3)
    assert decoded[0] == [("n00000003", "class_3", np.float32(0.5)), ("n00000007", "class_7", np.float32(0.3)),
                          ("n00000001", "class_1", np.float32(0.2))]
    assert isinstance(decoded[0][0][2], np.float32)
    assert decoded[1][0] == ("n00000999", "class_999", np.float32(0.9))
    assert len(strata.applications.resnet.decode_predictions(preds)[0]) == 5
    assert class_index.requests == ["/imagenet_class_index.json"]
    assert (tmp_path / "keras_home" / "models" / "imagenet_class_index.json").is_file()
    with pytest.raises(ValueError, match=r"expects a batch of predictions .* Received array with shape: \(1, 10\)"):
        imagenet_utils.decode_predictions(np.zeros((1, 10)))


@pytest.mark.parametrize("kwargs, message", [
    (dict(input_shape=(31, 31, 3), include_top=False),
     r"Input size must be at least 32x32; Received: input_shape=\(31, 31, 3\)"),
    (dict(weights="imagenet", classes=10), r"`classes` should be 1000.  Received classes=10"),
    (dict(weights="imagenet", input_shape=(200, 200, 3)), r"`input_shape` should be \(224, 224, 3\)"),
    (dict(weights="imagenet", include_top=False, input_shape=(200, 200, 1)), "The input must have 3 channels"),
    (dict(weights="nonexistent.h5"), "Received: weights=nonexistent.h5"),
    (dict(input_shape=(None, None, 3)), "you should specify a static `input_shape`"),
])
def test_builder_argument_errors(kwargs, message):
    kwargs = {"weights": None, **kwargs}
    with pytest.raises(ValueError, match=message):
        strata.applications.VGG16(**kwargs)


def test_minimum_sizes_and_activation_check(tmp_path):
    with pytest.raises(ValueError, match="at least 75x75"):
        strata.applications.InceptionV3(weights=None, include_top=False, input_shape=(74, 74, 3))
    with pytest.raises(ValueError, match="at least 71x71"):
        strata.applications.Xception(weights=None, include_top=False, input_shape=(70, 70, 3))
    path = tmp_path / "w.weights.h5"
    model = strata.applications.MobileNet(weights=None, include_top=False, input_shape=(32, 32, 3))
    model.save_weights(path)
    with pytest.raises(ValueError, match="Only `None` and `softmax` activations are allowed"):
        strata.applications.MobileNet(weights=str(path), input_shape=(32, 32, 3), classifier_activation="relu")
    with pytest.warns(UserWarning, match="usually expects 1 or 3 input channels"):
        strata.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 5))


def test_weights_h5_files_load_and_wrong_files_name_the_first_mismatch(tmp_path):
    source = strata.applications.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))
    new_path = tmp_path / "resnet.weights.h5"
    source.save_weights(new_path)
    loaded = strata.applications.ResNet50(weights=str(new_path), include_top=False, input_shape=(32, 32, 3))
    for ours, theirs in zip(loaded.weights, source.weights):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())

    vgg_path = tmp_path / "vgg.h5"
    write_keras2_h5(strata.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3)), vgg_path)
    with pytest.raises(ValueError, match=r"first mismatch is layer #0, 'conv1_conv' in the model .* 'block1_conv1' "
                                         r"in the file"):
        strata.applications.ResNet50(weights=str(vgg_path), include_top=False, input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match=r"first mismatch is layer #7, 'block3_conv4' in the model"):
        strata.applications.VGG19(weights=str(vgg_path), include_top=False, input_shape=(32, 32, 3))
    base = strata.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    short_path = tmp_path / "short.h5"
    write_keras2_h5(strata.Model(base.inputs, base.get_layer("block5_conv2").output), short_path)
    with pytest.raises(ValueError, match=r"the first layer missing from the file is #12 'block5_conv3'"):
        strata.applications.VGG16(weights=str(short_path), include_top=False, input_shape=(32, 32, 3))


def test_saved_preprocessing_loads_in_a_fresh_process(tmp_path):
    import subprocess
    import sys

    inputs = strata.Input(shape=(4, 4, 3))
    model = strata.Model(inputs, strata.applications.densenet.preprocess_input(inputs))
    path = tmp_path / "torch_mode.keras"
    model.save(path)
    code = ("import sys, numpy as np, strata; m = strata.saving.load_model(sys.argv[1]); "
            "print(m.predict(np.full((1, 4, 4, 3), [10.0, 20.0, 30.0]), verbose=0)[0, 0, 0].tolist())")
    out = subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True).stdout
    values = [float(v) for v in out.strip().splitlines()[-1].strip("[]").split(",")]
    np.testing.assert_allclose(values, [-1.94666, -1.68557, -1.28157], atol=1e-4)
