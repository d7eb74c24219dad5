"""Pretrained architectures with Keras's layer names and weight files (``keras.applications``).

Each family has its own module with the constructor, ``preprocess_input`` and
``decode_predictions`` (``strata.applications.vgg16.VGG16``); the constructors are also here.
``weights="imagenet"`` downloads Keras's own file into Keras's cache, so the two share downloads.
"""

from strata.applications import densenet as densenet
from strata.applications import efficientnet as efficientnet
from strata.applications import imagenet_utils as imagenet_utils
from strata.applications import inception_v3 as inception_v3
from strata.applications import mobilenet as mobilenet
from strata.applications import mobilenet_v2 as mobilenet_v2
from strata.applications import resnet as resnet
from strata.applications import resnet50 as resnet50
from strata.applications import resnet_v2 as resnet_v2
from strata.applications import vgg16 as vgg16
from strata.applications import vgg19 as vgg19
from strata.applications import xception as xception

from strata.applications.densenet import DenseNet121 as DenseNet121
from strata.applications.densenet import DenseNet169 as DenseNet169
from strata.applications.densenet import DenseNet201 as DenseNet201
from strata.applications.efficientnet import EfficientNetB0 as EfficientNetB0
from strata.applications.efficientnet import EfficientNetB1 as EfficientNetB1
from strata.applications.efficientnet import EfficientNetB2 as EfficientNetB2
from strata.applications.efficientnet import EfficientNetB3 as EfficientNetB3
from strata.applications.inception_v3 import InceptionV3 as InceptionV3
from strata.applications.mobilenet import MobileNet as MobileNet
from strata.applications.mobilenet_v2 import MobileNetV2 as MobileNetV2
from strata.applications.resnet import ResNet101 as ResNet101
from strata.applications.resnet_v2 import ResNet101V2 as ResNet101V2
from strata.applications.resnet import ResNet152 as ResNet152
from strata.applications.resnet_v2 import ResNet152V2 as ResNet152V2
from strata.applications.resnet import ResNet50 as ResNet50
from strata.applications.resnet_v2 import ResNet50V2 as ResNet50V2
from strata.applications.vgg16 import VGG16 as VGG16
from strata.applications.vgg19 import VGG19 as VGG19
from strata.applications.xception import Xception as Xception
