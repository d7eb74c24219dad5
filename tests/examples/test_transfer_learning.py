"""The course's transfer-learning program: frozen VGG16 base + head, then fine-tuning block5."""

from __future__ import annotations

import re

import numpy as np
import pytest
from example_loader import load_example

import strata


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("transfer")
    load_example("cats_vs_dogs").make_demo_folder(folder, per_class=12, size=(40, 40))
    return folder


def _snapshot(layers):
    return {layer.name: [np.array(w.numpy()) for w in layer.weights] for layer in layers}


def _changed(before, after):
    return {name for name in before
            if any(not np.array_equal(a, b) for a, b in zip(before[name], after[name]))}


def test_frozen_base_then_fine_tuning_changes_only_what_is_trainable(demo_folder, capsys):
    module = load_example("transfer_learning_vgg16")
    strata.utils.set_random_seed(0)
    train_ds, _ = strata.utils.image_dataset_from_directory(
        demo_folder, validation_split=0.2, subset="both", seed=1337, image_size=(32, 32), batch_size=8)
    model, conv_base = module.build_model(image_size=32, weights=None)
    assert len(model.trainable_weights) == 2
    model.summary()
    text = capsys.readouterr().out
    assert re.search(r"Trainable params: 513\b", text)
    assert re.search(r"Non-trainable params: 14,714,688\b", text)

    base_before = _snapshot(conv_base.layers)
    head = model.layers[-1]
    head_before = _snapshot([head])
    model.fit(train_ds, epochs=1, verbose=0)
    assert not _changed(base_before, _snapshot(conv_base.layers))  # bit-identical
    assert _changed(head_before, _snapshot([head])) == {head.name}
    slot_shapes = {tuple(v.shape) for v in model.optimizer.variables}
    assert (3, 3, 3, 64) not in slot_shapes and (3, 3, 512, 512) not in slot_shapes

    module.unfreeze_top(model, conv_base)
    assert sum(int(np.prod(w.shape)) for w in conv_base.trainable_weights) == 7_079_424
    model.summary()
    assert re.search(r"Trainable params: 7,079,937\b", capsys.readouterr().out)
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-5)
    base_before, head_before = _snapshot(conv_base.layers), _snapshot([head])
    model.fit(train_ds, epochs=1, verbose=0)
    assert _changed(base_before, _snapshot(conv_base.layers)) == {"block5_conv1", "block5_conv2", "block5_conv3"}
    assert _changed(head_before, _snapshot([head])) == {head.name}
    assert (3, 3, 512, 512) in {tuple(v.shape) for v in model.optimizer.variables}


def test_program_main_runs_both_phases(demo_folder, capsys):
    module = load_example("transfer_learning_vgg16")
    model, conv_base, history, fine_tune = module.main(str(demo_folder), epochs=1, fine_tune_epochs=1,
                                                       image_size=32, batch_size=8, weights=None, verbose=0)
    assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(fine_tune.history["loss"]) == 1
    assert "Validation accuracy after fine-tuning" in capsys.readouterr().out
