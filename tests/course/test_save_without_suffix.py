"""``model.save("my_keras_model")`` (tf.keras 2 SavedModel habit) and ``load_model`` of such a folder.

strata writes Keras 3's unzipped ``.keras`` layout into the folder, warns once, and reads it back;
a real tf.keras 2 SavedModel folder is refused with the one line that converts it (issue 13 §5).
"""

import os

import numpy as np
import pytest

import strata
from strata.saving.errors import ModelFileError

X = np.random.RandomState(0).rand(6, 3).astype("float32")


def _model():
    model = strata.Sequential([strata.Input((3,)), strata.layers.Dense(4, activation="relu"),
                               strata.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, X[:, :1], epochs=1, verbose=0)
    return model


@pytest.mark.keras
def test_save_without_suffix_writes_unzipped_keras_layout_and_loads_back(keras, tmp_path):
    model = _model()
    path = str(tmp_path / "my_keras_model")
    with pytest.warns(UserWarning, match=r"'.*my_keras_model' has no file suffix, so strata saved the model as a "
                                         r"folder in Keras 3's unzipped `\.keras` layout .*not as a TensorFlow "
                                         r"SavedModel\. `load_model\('.*my_keras_model'\)` reads it back"):
        model.save(path)
    assert sorted(os.listdir(path)) == ["config.json", "metadata.json", "model.weights.h5"]
    expected = model.predict(X, verbose=0)
    restored = strata.models.load_model(path)
    np.testing.assert_array_equal(restored.predict(X, verbose=0), expected)
    assert restored.optimizer.iterations.numpy() == model.optimizer.iterations.numpy()
    # Real Keras 3 reads the same folder (it is what `save(..., zipped=False)` writes there).
    np.testing.assert_allclose(keras.models.load_model(path).predict(X, verbose=0), expected, rtol=1e-6)


def test_save_format_tf_without_suffix_is_the_same_folder(tmp_path):
    path = str(tmp_path / "my_model")
    with pytest.warns(UserWarning, match="has no file suffix"):
        _model().save(path, save_format="tf")
    assert os.path.isfile(os.path.join(path, "config.json"))


def test_overwriting_the_folder_keeps_a_loadable_model(tmp_path):
    path = str(tmp_path / "my_keras_model")
    first, second = _model(), _model()
    with pytest.warns(UserWarning):
        first.save(path)
    second.layers[-1].set_weights([w + 1.0 for w in second.layers[-1].get_weights()])
    with pytest.warns(UserWarning):
        second.save(path)
    np.testing.assert_array_equal(strata.models.load_model(path).predict(X, verbose=0),
                                  second.predict(X, verbose=0))


def test_unknown_suffix_is_still_refused_as_keras_does(tmp_path):
    with pytest.raises(ValueError, match=r"Invalid filepath extension for saving.*Received: filepath=.*model\.pb"):
        _model().save(str(tmp_path / "model.pb"))


def test_tf_keras_2_saved_model_folder_names_the_conversion(tmp_path):
    folder = tmp_path / "my_keras_model"
    (folder / "variables").mkdir(parents=True)
    (folder / "saved_model.pb").write_bytes(b"\x08\x01")
    (folder / "keras_metadata.pb").write_bytes(b"\x08\x01")
    (folder / "variables" / "variables.index").write_bytes(b"")
    with pytest.raises(ModelFileError, match=r"Cannot load '.*my_keras_model': it is a TensorFlow SavedModel folder "
                                             r"\(it has saved_model\.pb\).*without TensorFlow.*"
                                             r"`tf\.keras\.models\.load_model\('.*my_keras_model'\)\.save\('.*"
                                             r"my_keras_model\.h5'\)`, then load that file with "
                                             r"`load_model\('.*my_keras_model\.h5'\)`"):
        strata.models.load_model(str(folder))
