"""One real-Keras build per architecture, compared with strata end to end.

Keras builds are the slow part (each initializer compiles per shape), so one Keras model with a
small top serves every check: layer names and classes, parameter count, and predictions after
loading a Keras-2-style ``.h5`` written from its random weights, with and without the top.
"""

from __future__ import annotations

import numpy as np

import strata
from tests.applications.conftest import layer_signature, randomize, write_keras2_h5

CLASSES = 7


def check_against_keras(keras, name, size, tmp_path, base_output):
    """Compare ``strata.applications.<name>`` with Keras's, at ``size``x``size`` inputs.

    ``base_output`` names Keras's last layer of the convolutional base (the no-top output).
    """
    shape = (size, size, 3)
    theirs = getattr(keras.applications, name)(weights=None, input_shape=shape, classes=CLASSES)
    randomize(theirs)
    images = np.random.default_rng(1).uniform(0, 255, (2, *shape)).astype("float32")
    top_path = tmp_path / f"{name}_top.h5"
    write_keras2_h5(theirs, top_path)
    ours = getattr(strata.applications, name)(weights=str(top_path), input_shape=shape, classes=CLASSES)
    assert [layer_signature(layer) for layer in ours.layers] == [layer_signature(layer) for layer in theirs.layers]
    assert ours.name == theirs.name
    assert ours.count_params() == theirs.count_params()
    # One Keras program computes both references (a second Keras compile of the base is the slow part).
    keras_base = keras.Model(theirs.inputs, theirs.get_layer(base_output).output)
    both = keras.Model(theirs.inputs, [theirs.output, keras_base.output])
    expected, expected_base = both.predict(images, verbose=0)
    got = ours.predict(images, verbose=0)
    assert got.shape == expected.shape == (2, CLASSES)
    assert np.max(np.abs(got - expected)) / np.max(np.abs(expected)) < 1e-4

    # Without the top: the same weights minus the head, written in the published no-top layout.
    base_path = tmp_path / f"{name}_notop.h5"
    write_keras2_h5(keras_base, base_path)
    ours_base = getattr(strata.applications, name)(weights=str(base_path), include_top=False, input_shape=shape)
    base_signatures = [layer_signature(layer) for layer in keras_base.layers]
    assert [layer_signature(layer) for layer in ours_base.layers] == base_signatures
    assert ours_base.count_params() == keras_base.count_params()
    expected = expected_base
    got = ours_base.predict(images, verbose=0)
    assert got.shape == expected.shape
    assert np.std(expected) > 0
    assert np.max(np.abs(got - expected)) / np.max(np.abs(expected)) < 1e-4
