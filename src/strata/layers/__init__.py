"""Layers (``keras.layers``)."""

from strata.layers.core.activation import Activation as Activation
from strata.layers.core.dense import Dense as Dense
from strata.layers.core.input_layer import Input as Input
from strata.layers.core.input_layer import InputLayer as InputLayer
from strata.layers.layer import Layer as Layer
from strata.layers.regularization.dropout import Dropout as Dropout
from strata.layers.reshaping.flatten import Flatten as Flatten
