"""Test callbacks written for either library (``strata`` or ``keras``): log injection and weight recording."""


def injector(lib, values, key="val_loss"):
    """A callback of ``lib`` writing ``values[epoch]`` into the logs the later callbacks see."""

    class Inject(lib.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs[key] = values[epoch]

    return Inject()


def recorder(lib):
    """A callback of ``lib`` that keeps the weights at every epoch end."""

    class Record(lib.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.weights = []

        def on_epoch_end(self, epoch, logs=None):
            self.weights.append(self.model.get_weights())

    return Record()
