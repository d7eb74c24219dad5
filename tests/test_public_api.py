"""The names strata exports are the Keras names it claims, with the same kind (class or function)."""

import inspect

import pytest

import strata

CLAIMED = {
    "": ["Sequential", "Model", "Input", "Layer", "Variable", "KerasTensor",
         "version"],  # course issue 13 §4
    "layers": ["Input", "InputLayer", "Dense", "Activation", "Dropout", "Flatten", "Layer", "Normalization",
               "Rescaling", "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot",
               "concatenate", "add", "subtract", "multiply", "average", "maximum", "minimum", "dot", "Reshape",
               "Permute", "RepeatVector", "Identity", "Lambda", "Embedding", "Masking",
               "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
               "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D", "Convolution2D",
               "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
               "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
               "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "MaxPool2D",
               "AvgPool2D", "GlobalAvgPool2D", "GlobalMaxPool2D", "BatchNormalization", "LayerNormalization",
               "GroupNormalization", "UnitNormalization", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
               "Cropping1D", "Cropping2D", "Cropping3D", "UpSampling1D", "UpSampling2D", "UpSampling3D",
               "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout",
               "AlphaDropout", "ActivityRegularization", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax",
               "Resizing", "CenterCrop", "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation",
               "RandomContrast", "RandomBrightness", "RandomCrop",
               # recurrent family
               "SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells", "RNN", "SimpleRNN", "LSTM", "GRU",
               "Bidirectional", "TimeDistributed", "ConvLSTM1D", "ConvLSTM2D",
               # text and lookup preprocessing family
               "TextVectorization", "StringLookup", "IntegerLookup", "Hashing", "CategoryEncoding",
               "Discretization"],
    "models": ["Sequential", "Model", "clone_model"],
    "optimizers": ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "Nadam", "Optimizer", "get",
                   "serialize", "deserialize"],
    "optimizers.schedules": ["ExponentialDecay", "InverseTimeDecay", "PiecewiseConstantDecay", "PolynomialDecay",
                             "CosineDecay", "CosineDecayRestarts", "LearningRateSchedule"],
    "losses": ["Loss", "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
               "MeanSquaredLogarithmicError", "Huber", "LogCosh", "CosineSimilarity", "BinaryCrossentropy",
               "BinaryFocalCrossentropy", "CategoricalCrossentropy", "CategoricalFocalCrossentropy",
               "SparseCategoricalCrossentropy", "KLDivergence", "Poisson", "Hinge", "SquaredHinge",
               "CategoricalHinge", "Dice", "Tversky", "CTC", "mean_squared_error", "binary_crossentropy",
               "categorical_crossentropy", "sparse_categorical_crossentropy", "get", "serialize", "deserialize"],
    "metrics": ["Metric", "Mean", "Sum", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy",
                "SparseCategoricalAccuracy", "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy",
                "MeanAbsoluteError", "MeanSquaredError", "RootMeanSquaredError", "MeanAbsolutePercentageError",
                "MeanSquaredLogarithmicError", "AUC", "Precision", "Recall", "BinaryCrossentropy",
                "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "get", "serialize", "deserialize"],
    "activations": ["relu", "sigmoid", "tanh", "softmax", "softplus", "softsign", "elu", "selu", "gelu", "silu",
                    "swish", "leaky_relu", "relu6", "exponential", "hard_sigmoid", "log_softmax", "linear", "get"],
    "initializers": ["GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform", "LecunNormal",
                     "RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling", "Orthogonal",
                     "Constant", "Zeros", "Ones", "Identity", "get"],
    "regularizers": ["L1", "L2", "L1L2", "get"],
    "callbacks": ["Callback", "History", "ProgbarLogger", "TensorBoard", "BackupAndRestore"],
    "utils": ["to_categorical", "normalize", "set_random_seed", "get_file", "Progbar", "PyDataset",
              "image_dataset_from_directory", "load_img", "img_to_array", "array_to_img", "save_img",
              "pack_x_y_sample_weight", "unpack_x_y_sample_weight"],  # custom train steps
    "preprocessing.image": ["load_img", "img_to_array", "array_to_img", "save_img"],
    "ops": ["matmul", "subtract", "add", "multiply", "convert_to_tensor", "abs", "exp", "where", "sum", "mean",
            "reshape", "concatenate", "real", "imag"],
    "backend": ["clear_session", "epsilon", "floatx"],
}

# sequence and text data utilities family
CLAIMED["utils"] = CLAIMED["utils"] + ["pad_sequences", "timeseries_dataset_from_array", "text_dataset_from_directory"]
CLAIMED["preprocessing.image"] = CLAIMED["preprocessing.image"] + ["smart_resize"]
CLAIMED["preprocessing"] = CLAIMED.get("preprocessing", []) + [
    "image_dataset_from_directory", "text_dataset_from_directory", "timeseries_dataset_from_array"]
CLAIMED["preprocessing.sequence"] = CLAIMED.get("preprocessing.sequence", []) + ["pad_sequences"]

# applications family (issue 12)
_APP_MODELS = ["VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2",
               "MobileNet", "MobileNetV2", "DenseNet121", "DenseNet169", "DenseNet201", "InceptionV3", "Xception",
               "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3"]
CLAIMED["applications"] = _APP_MODELS
CLAIMED["applications.imagenet_utils"] = ["preprocess_input", "decode_predictions"]
for _module_name, _names in {"vgg16": ["VGG16"], "vgg19": ["VGG19"], "resnet": ["ResNet50", "ResNet101", "ResNet152"],
                             "resnet50": ["ResNet50"], "resnet_v2": ["ResNet50V2", "ResNet101V2", "ResNet152V2"],
                             "mobilenet": ["MobileNet"], "mobilenet_v2": ["MobileNetV2"],
                             "densenet": ["DenseNet121", "DenseNet169", "DenseNet201"], "inception_v3": ["InceptionV3"],
                             "xception": ["Xception"],
                             "efficientnet": ["EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3"]
                             }.items():
    CLAIMED[f"applications.{_module_name}"] = _names + ["preprocess_input", "decode_predictions"]


# scikit-learn wrappers (issue 14 §6)
CLAIMED["wrappers"] = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]

# plot_model without graphviz (issue 14 §4)
CLAIMED["utils"] = CLAIMED["utils"] + ["plot_model"]

# mixed precision (issue 16 §3)
CLAIMED["mixed_precision"] = ["DTypePolicy", "Policy", "LossScaleOptimizer", "dtype_policy", "global_policy",
                              "set_dtype_policy", "set_global_policy"]
CLAIMED["optimizers"] = CLAIMED["optimizers"] + ["LossScaleOptimizer"]

# distribution (issue 16 §1-2)
CLAIMED["distribution"] = ["DataParallel", "DeviceMesh", "LayoutMap", "ModelParallel", "TensorLayout",
                           "distribute_tensor", "distribution", "get_device_count", "initialize", "list_devices",
                           "set_distribution"]

def _module(root, path):
    for part in filter(None, path.split(".")):
        root = getattr(root, part)
    return root


@pytest.mark.keras
@pytest.mark.parametrize("namespace", sorted(CLAIMED))
def test_claimed_names_exist_with_the_same_kind_as_in_keras(keras, namespace):
    ours, theirs = _module(strata, namespace), _module(keras, namespace)
    for name in CLAIMED[namespace]:
        assert hasattr(ours, name), f"strata.{namespace}.{name} is missing"
        assert hasattr(theirs, name), f"keras.{namespace}.{name} does not exist: do not claim it"
        assert inspect.isclass(getattr(ours, name)) == inspect.isclass(getattr(theirs, name)), name
