"""The names strata exports are the Keras names it claims, with the same kind (class or function)."""

import inspect

import pytest

import strata

CLAIMED = {
    "": ["Sequential", "Model", "Input", "Layer", "Variable", "KerasTensor"],
    "layers": ["Input", "InputLayer", "Dense", "Activation", "Dropout", "Flatten", "Layer", "Normalization",
               "Rescaling", "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot",
               "concatenate", "add", "subtract", "multiply", "average", "maximum", "minimum", "dot", "Reshape",
               "Permute", "RepeatVector", "Identity", "Lambda"],
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
    "utils": ["to_categorical", "normalize", "set_random_seed", "get_file", "Progbar"],
    "ops": ["matmul", "subtract", "add", "multiply", "convert_to_tensor", "abs", "exp", "where", "sum", "mean",
            "reshape", "concatenate", "real", "imag"],
    "backend": ["clear_session", "epsilon", "floatx"],
}


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
