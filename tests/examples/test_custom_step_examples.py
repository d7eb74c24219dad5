"""The custom-training programs in examples/ on a small slice of the real MNIST."""

import numpy as np
from example_loader import load_example


def test_custom_train_step_example_trains_through_fit(shared_datasets):
    module = load_example("custom_train_step")
    images, labels = module.load(str(shared_datasets), samples=1200)
    model, history = module.train(images, labels, epochs=2, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss"]
    assert history.history["loss"][1] < history.history["loss"][0]
    assert history.history["accuracy"][1] > 0.8
    assert [m.name for m in model.metrics] == ["loss", "accuracy"]
    # fit() synced the metric state back: the tracker holds the last epoch's value.
    np.testing.assert_allclose(float(module.loss_tracker.result()), history.history["loss"][-1], rtol=1e-6)


def test_custom_training_loop_example_writes_the_trained_weights_back(shared_datasets):
    module = load_example("custom_training_loop")
    train_data, test_data = module.load(str(shared_datasets), samples=1200)
    model, history, test_accuracy = module.train(train_data, test_data, epochs=2)
    assert history[1][0] < history[0][0]
    assert test_accuracy > 0.8
    test_images, test_labels = test_data
    predicted = model.predict(test_images, verbose=0).argmax(axis=1)
    np.testing.assert_allclose(np.mean(predicted == test_labels), test_accuracy, atol=1e-6)
