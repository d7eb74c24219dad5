"""Freezing a pretrained base: no gradients or optimizer slots, BatchNormalization in inference mode."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

import strata


def test_frozen_base_keeps_batchnorm_statistics_and_gets_no_optimizer_slots():
    strata.utils.set_random_seed(0)
    base = strata.applications.MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3), alpha=0.35)
    base.trainable = False
    inputs = strata.Input(shape=(32, 32, 3))
    x = strata.applications.mobilenet_v2.preprocess_input(inputs)
    x = base(x, training=False)
    x = strata.layers.GlobalAveragePooling2D()(x)
    outputs = strata.layers.Dense(1, activation="sigmoid")(x)
    model = strata.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    assert len(model.trainable_weights) == 2
    before = [np.array(w.numpy()) for w in base.weights]
    images = np.random.default_rng(0).uniform(0, 255, (8, 32, 32, 3)).astype("float32")
    model.fit(images, np.arange(8) % 2, epochs=1, batch_size=4, verbose=0)
    after = [np.array(w.numpy()) for w in base.weights]
    assert all(np.array_equal(a, b) for a, b in zip(before, after))  # moving statistics untouched too
    slot_shapes = [tuple(v.shape) for v in model.optimizer.variables if len(v.shape) > 1]
    assert slot_shapes and all(shape == (base.output_shape[-1], 1) for shape in slot_shapes)
    # A frozen BatchNormalization normalises with its moving statistics even when training=True.
    np.testing.assert_allclose(np.asarray(base(images[:2], training=True)), np.asarray(base(images[:2])), rtol=1e-5,
                               atol=1e-5)
    non_trainable = sum(int(np.prod(w.shape)) for w in base.weights)
    assert sum(int(np.prod(w.shape)) for w in model.non_trainable_weights) == non_trainable


def test_import_strata_does_not_import_applications():
    code = ("import sys, strata; assert 'strata.applications' not in sys.modules; "
            "strata.applications.VGG16; assert 'strata.applications' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_loading_a_weights_file_compiles_nothing(tmp_path, caplog):
    import jax

    from tests.applications.conftest import write_keras2_h5

    source = strata.applications.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))
    path = tmp_path / "resnet50_notop.h5"
    write_keras2_h5(source, path)
    target = strata.applications.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))
    caplog.set_level("WARNING")
    with jax.log_compiles(True):
        strata.applications._builder.load_weights_file(target, str(path))
    compiles = [r for r in caplog.records if "Compiling" in r.getMessage() or "compil" in r.getMessage().lower()]
    assert compiles == []
    for ours, theirs in zip(target.weights, source.weights):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
