"""``keras.applications.resnet50``: ResNet50 with its preprocessing, as Keras also exposes it."""

from strata.applications.resnet import ResNet50 as ResNet50
from strata.applications.resnet import decode_predictions as decode_predictions
from strata.applications.resnet import preprocess_input as preprocess_input
