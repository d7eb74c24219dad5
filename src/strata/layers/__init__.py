"""Layers (``keras.layers``)."""

from strata.layers.core.activation import Activation as Activation
from strata.layers.core.dense import Dense as Dense
from strata.layers.core.input_layer import Input as Input
from strata.layers.core.input_layer import InputLayer as InputLayer
from strata.layers.layer import Layer as Layer
from strata.layers.regularization.dropout import Dropout as Dropout
from strata.layers.reshaping.flatten import Flatten as Flatten
from strata.layers.core.identity import Identity as Identity
from strata.layers.core.lambda_layer import Lambda as Lambda
from strata.layers.core.embedding import Embedding as Embedding
from strata.layers.core.masking_layer import Masking as Masking
from strata.layers.merging.add import Add as Add
from strata.layers.merging.add import add as add
from strata.layers.merging.average import Average as Average
from strata.layers.merging.average import average as average
from strata.layers.merging.concatenate import Concatenate as Concatenate
from strata.layers.merging.concatenate import concatenate as concatenate
from strata.layers.merging.dot import Dot as Dot
from strata.layers.merging.dot import dot as dot
from strata.layers.merging.maximum import Maximum as Maximum
from strata.layers.merging.maximum import maximum as maximum
from strata.layers.merging.minimum import Minimum as Minimum
from strata.layers.merging.minimum import minimum as minimum
from strata.layers.merging.multiply import Multiply as Multiply
from strata.layers.merging.multiply import multiply as multiply
from strata.layers.merging.subtract import Subtract as Subtract
from strata.layers.merging.subtract import subtract as subtract
from strata.layers.preprocessing.normalization import Normalization as Normalization
from strata.layers.preprocessing.rescaling import Rescaling as Rescaling
from strata.layers.reshaping.permute import Permute as Permute
from strata.layers.reshaping.repeat_vector import RepeatVector as RepeatVector
from strata.layers.reshaping.reshape import Reshape as Reshape
from strata.layers.normalization.batch_normalization import BatchNormalization as BatchNormalization
from strata.layers.normalization.group_normalization import GroupNormalization as GroupNormalization
from strata.layers.normalization.layer_normalization import LayerNormalization as LayerNormalization
from strata.layers.normalization.rms_normalization import RMSNormalization as RMSNormalization
from strata.layers.normalization.unit_normalization import UnitNormalization as UnitNormalization
from strata.layers.regularization.activity_regularization import ActivityRegularization as ActivityRegularization
from strata.layers.regularization.alpha_dropout import AlphaDropout as AlphaDropout
from strata.layers.regularization.gaussian_dropout import GaussianDropout as GaussianDropout
from strata.layers.regularization.gaussian_noise import GaussianNoise as GaussianNoise
from strata.layers.regularization.spatial_dropout import SpatialDropout1D as SpatialDropout1D
from strata.layers.regularization.spatial_dropout import SpatialDropout2D as SpatialDropout2D
from strata.layers.regularization.spatial_dropout import SpatialDropout3D as SpatialDropout3D
from strata.layers.pooling.max_pooling1d import MaxPooling1D as MaxPooling1D
from strata.layers.pooling.max_pooling1d import MaxPool1D as MaxPool1D
from strata.layers.pooling.max_pooling2d import MaxPooling2D as MaxPooling2D
from strata.layers.pooling.max_pooling2d import MaxPool2D as MaxPool2D
from strata.layers.pooling.max_pooling3d import MaxPooling3D as MaxPooling3D
from strata.layers.pooling.max_pooling3d import MaxPool3D as MaxPool3D
from strata.layers.pooling.average_pooling1d import AveragePooling1D as AveragePooling1D
from strata.layers.pooling.average_pooling1d import AvgPool1D as AvgPool1D
from strata.layers.pooling.average_pooling2d import AveragePooling2D as AveragePooling2D
from strata.layers.pooling.average_pooling2d import AvgPool2D as AvgPool2D
from strata.layers.pooling.average_pooling3d import AveragePooling3D as AveragePooling3D
from strata.layers.pooling.average_pooling3d import AvgPool3D as AvgPool3D
from strata.layers.pooling.global_max_pooling1d import GlobalMaxPooling1D as GlobalMaxPooling1D
from strata.layers.pooling.global_max_pooling1d import GlobalMaxPool1D as GlobalMaxPool1D
from strata.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D as GlobalMaxPooling2D
from strata.layers.pooling.global_max_pooling2d import GlobalMaxPool2D as GlobalMaxPool2D
from strata.layers.pooling.global_max_pooling3d import GlobalMaxPooling3D as GlobalMaxPooling3D
from strata.layers.pooling.global_max_pooling3d import GlobalMaxPool3D as GlobalMaxPool3D
from strata.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D as GlobalAveragePooling1D
from strata.layers.pooling.global_average_pooling1d import GlobalAvgPool1D as GlobalAvgPool1D
from strata.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D as GlobalAveragePooling2D
from strata.layers.pooling.global_average_pooling2d import GlobalAvgPool2D as GlobalAvgPool2D
from strata.layers.pooling.global_average_pooling3d import GlobalAveragePooling3D as GlobalAveragePooling3D
from strata.layers.pooling.global_average_pooling3d import GlobalAvgPool3D as GlobalAvgPool3D
from strata.layers.reshaping.zero_padding1d import ZeroPadding1D as ZeroPadding1D
from strata.layers.reshaping.zero_padding2d import ZeroPadding2D as ZeroPadding2D
from strata.layers.reshaping.zero_padding3d import ZeroPadding3D as ZeroPadding3D
from strata.layers.reshaping.cropping1d import Cropping1D as Cropping1D
from strata.layers.reshaping.cropping2d import Cropping2D as Cropping2D
from strata.layers.reshaping.cropping3d import Cropping3D as Cropping3D
from strata.layers.reshaping.up_sampling1d import UpSampling1D as UpSampling1D
from strata.layers.reshaping.up_sampling2d import UpSampling2D as UpSampling2D
from strata.layers.reshaping.up_sampling3d import UpSampling3D as UpSampling3D
from strata.layers.activations.relu import ReLU as ReLU
from strata.layers.activations.leaky_relu import LeakyReLU as LeakyReLU
from strata.layers.activations.prelu import PReLU as PReLU
from strata.layers.activations.elu import ELU as ELU
from strata.layers.activations.softmax import Softmax as Softmax
from strata.layers.convolutional.conv1d import Conv1D as Conv1D
from strata.layers.convolutional.conv1d import Convolution1D as Convolution1D
from strata.layers.convolutional.conv2d import Conv2D as Conv2D
from strata.layers.convolutional.conv2d import Convolution2D as Convolution2D
from strata.layers.convolutional.conv3d import Conv3D as Conv3D
from strata.layers.convolutional.conv3d import Convolution3D as Convolution3D
from strata.layers.convolutional.conv1d_transpose import Conv1DTranspose as Conv1DTranspose
from strata.layers.convolutional.conv1d_transpose import Convolution1DTranspose as Convolution1DTranspose
from strata.layers.convolutional.conv2d_transpose import Conv2DTranspose as Conv2DTranspose
from strata.layers.convolutional.conv2d_transpose import Convolution2DTranspose as Convolution2DTranspose
from strata.layers.convolutional.conv3d_transpose import Conv3DTranspose as Conv3DTranspose
from strata.layers.convolutional.conv3d_transpose import Convolution3DTranspose as Convolution3DTranspose
from strata.layers.convolutional.depthwise_conv1d import DepthwiseConv1D as DepthwiseConv1D
from strata.layers.convolutional.depthwise_conv2d import DepthwiseConv2D as DepthwiseConv2D
from strata.layers.convolutional.separable_conv1d import SeparableConv1D as SeparableConv1D
from strata.layers.convolutional.separable_conv1d import SeparableConvolution1D as SeparableConvolution1D
from strata.layers.convolutional.separable_conv2d import SeparableConv2D as SeparableConv2D
from strata.layers.convolutional.separable_conv2d import SeparableConvolution2D as SeparableConvolution2D
# Recurrent layer family (layers/rnn): cells, RNN, SimpleRNN/LSTM/GRU, Bidirectional, TimeDistributed.
from strata.layers.rnn.simple_rnn_cell import SimpleRNNCell as SimpleRNNCell
from strata.layers.rnn.lstm_cell import LSTMCell as LSTMCell
from strata.layers.rnn.gru_cell import GRUCell as GRUCell
from strata.layers.rnn.stacked_rnn_cells import StackedRNNCells as StackedRNNCells
from strata.layers.rnn.rnn import RNN as RNN
from strata.layers.rnn.simple_rnn import SimpleRNN as SimpleRNN
from strata.layers.rnn.lstm import LSTM as LSTM
from strata.layers.rnn.gru import GRU as GRU
from strata.layers.rnn.bidirectional import Bidirectional as Bidirectional
from strata.layers.rnn.time_distributed import TimeDistributed as TimeDistributed
from strata.layers.rnn.conv_lstm import ConvLSTM1D as ConvLSTM1D
from strata.layers.rnn.conv_lstm import ConvLSTM2D as ConvLSTM2D
# -- text and lookup preprocessing (TextVectorization family) and image augmentation: loaded on
# first use (issue 16 §5, `import strata` under a second); `dir(strata.layers)` still lists them.
from strata.core.lazy import lazy_attributes  # noqa: E402

__getattr__, __dir__ = lazy_attributes(__name__, {
    "IntegerLookup": "strata.layers.preprocessing.integer_lookup:IntegerLookup",
    "StringLookup": "strata.layers.preprocessing.string_lookup:StringLookup",
    "TextVectorization": "strata.layers.preprocessing.text_vectorization:TextVectorization",
    "Hashing": "strata.layers.preprocessing.hashing:Hashing",
    "CategoryEncoding": "strata.layers.preprocessing.category_encoding:CategoryEncoding",
    "Discretization": "strata.layers.preprocessing.discretization:Discretization",
    # image augmentation and resizing
    "CenterCrop": "strata.layers.preprocessing.center_crop:CenterCrop",
    "RandomBrightness": "strata.layers.preprocessing.random_brightness:RandomBrightness",
    "RandomContrast": "strata.layers.preprocessing.random_contrast:RandomContrast",
    "RandomCrop": "strata.layers.preprocessing.random_crop:RandomCrop",
    "RandomFlip": "strata.layers.preprocessing.random_flip:RandomFlip",
    "RandomRotation": "strata.layers.preprocessing.random_rotation:RandomRotation",
    "RandomTranslation": "strata.layers.preprocessing.random_translation:RandomTranslation",
    "RandomZoom": "strata.layers.preprocessing.random_zoom:RandomZoom",
    "Resizing": "strata.layers.preprocessing.resizing:Resizing",
})
