"""Every architecture against real Keras: layer names and classes, parameter counts, output shapes."""

from __future__ import annotations

import pytest

import strata

# name -> (small input size, params with the 1000-class top, params without top) (KERAS_NOTES_2 §6.3)
MODELS = {
    "VGG16": (32, None, 14_714_688),
    "VGG19": (32, None, 20_024_384),
    "ResNet50": (32, 25_636_712, 23_587_712),
    "ResNet101": (32, 44_707_176, 42_658_176),
    "ResNet152": (32, 60_419_944, 58_370_944),
    "ResNet50V2": (32, 25_613_800, 23_564_800),
    "ResNet101V2": (32, 44_675_560, 42_626_560),
    "ResNet152V2": (32, 60_380_648, 58_331_648),
    "MobileNet": (32, 4_253_864, 3_228_864),
    "MobileNetV2": (32, 3_538_984, 2_257_984),
    "DenseNet121": (32, 8_062_504, 7_037_504),
    "DenseNet169": (32, 14_307_880, 12_642_880),
    "DenseNet201": (32, 20_242_984, 18_321_984),
    "InceptionV3": (75, 23_851_784, 21_802_784),
    "Xception": (71, 22_910_480, 20_861_480),
    "EfficientNetB0": (32, 5_330_571, 4_049_571),
    "EfficientNetB1": (32, 7_856_239, 6_575_239),
    "EfficientNetB2": (32, 9_177_569, 7_768_569),
    "EfficientNetB3": (32, 12_320_535, 10_783_535),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_parameter_counts_equal_keras_published_counts(name):
    size, with_top, without_top = MODELS[name]
    build = getattr(strata.applications, name)
    # Global-pooling tops do not depend on the input size, so a small input gives Keras's counts.
    if with_top is not None:
        assert build(weights=None, input_shape=(size, size, 3)).count_params() == with_top
    base = build(weights=None, include_top=False, input_shape=(size, size, 3))
    assert base.count_params() == without_top


# The last layer with ``pooling="avg"``/``"max"`` as real Keras names it (auto names count from 0).
POOLING_NAMES = {
    "VGG16": ("global_average_pooling2d", "global_max_pooling2d"),
    "ResNet50": ("avg_pool", "max_pool"),
    "DenseNet121": ("avg_pool", "max_pool"),
    "MobileNetV2": ("global_average_pooling2d", "global_max_pooling2d"),
    "Xception": ("global_average_pooling2d", "global_max_pooling2d"),
    "EfficientNetB0": ("avg_pool", "max_pool"),
}


@pytest.mark.parametrize("name", sorted(POOLING_NAMES))
def test_pooling_layers_are_named_as_in_keras(name):
    size = MODELS[name][0]
    for pooling, expected in zip(("avg", "max"), POOLING_NAMES[name]):
        strata.backend.clear_session()
        model = getattr(strata.applications, name)(weights=None, include_top=False, pooling=pooling,
                                                   input_shape=(size, size, 3))
        assert model.layers[-1].name == expected
        assert len(model.output_shape) == 2


@pytest.mark.parametrize("name", ["VGG16", "ResNet50", "MobileNet"])
def test_variants_share_the_base_layer_names(name):
    top = getattr(strata.applications, name)(weights=None, input_shape=(32, 32, 3))
    base = getattr(strata.applications, name)(weights=None, include_top=False, input_shape=(32, 32, 3))
    names = [layer.name for layer in base.layers[1:]]
    assert names == [layer.name for layer in top.layers[1:len(base.layers)]]


def test_vgg16_full_size_counts_match_the_course():
    model = strata.applications.VGG16(weights=None)
    assert model.count_params() == 138_357_544
    assert [layer.name for layer in model.layers[-4:]] == ["flatten", "fc1", "fc2", "predictions"]
    assert model.input_shape == (None, 224, 224, 3)
    base = strata.applications.vgg16.VGG16(weights=None, include_top=False)
    assert base.input_shape == (None, None, None, 3)
    assert base.count_params() == 14_714_688


def test_mobilenet_names_follow_alpha_and_rows():
    assert strata.applications.MobileNetV2(weights=None, alpha=0.35, input_shape=(96, 96, 3),
                                           include_top=False).name == "mobilenetv2_0.35_96"
    assert strata.applications.MobileNet(weights=None, alpha=0.5, input_shape=(128, 128, 3),
                                         include_top=False).name == "mobilenet_0.50_128"
    assert strata.applications.MobileNetV2(weights=None, include_top=False).name == "mobilenetv2_1.00_None"


def test_input_tensor_is_used_as_the_model_input():
    inputs = strata.Input(shape=(32, 32, 3))
    model = strata.applications.ResNet50(weights=None, include_top=False, input_tensor=inputs)
    assert model.inputs[0] is inputs


def test_input_tensor_with_predecessors_keeps_the_source_input():
    inputs = strata.Input(shape=(32, 32, 3))
    scaled = strata.layers.Rescaling(2.0)(inputs)
    model = strata.applications.VGG16(weights=None, include_top=False, input_tensor=scaled)
    assert model.inputs[0] is inputs
    assert model.layers[1].name == "rescaling" or isinstance(model.layers[1], strata.layers.Rescaling)
