"""``keras.preprocessing.image``: image files and the legacy ``ImageDataGenerator`` (tf.keras 2 API).

Example:
    >>> from strata.preprocessing.image import ImageDataGenerator
    >>> gen = ImageDataGenerator(rescale=1 / 255, rotation_range=20, horizontal_flip=True)
    >>> gen.fill_mode
    'nearest'
"""

from strata.preprocessing.dataframe_iterator import DataFrameIterator as DataFrameIterator
from strata.preprocessing.file_iterators import DirectoryIterator as DirectoryIterator
from strata.preprocessing.image_data_generator import ImageDataGenerator as ImageDataGenerator
from strata.preprocessing.image_iterators import Iterator as Iterator
from strata.preprocessing.image_iterators import NumpyArrayIterator as NumpyArrayIterator
from strata.preprocessing.image_transforms import apply_affine_transform as apply_affine_transform
from strata.preprocessing.image_transforms import apply_brightness_shift as apply_brightness_shift
from strata.preprocessing.image_transforms import apply_channel_shift as apply_channel_shift
from strata.preprocessing.image_transforms import random_brightness as random_brightness
from strata.preprocessing.image_transforms import random_channel_shift as random_channel_shift
from strata.preprocessing.image_transforms import random_rotation as random_rotation
from strata.preprocessing.image_transforms import random_shear as random_shear
from strata.preprocessing.image_transforms import random_shift as random_shift
from strata.preprocessing.image_transforms import random_zoom as random_zoom
from strata.utils.image_utils import array_to_img as array_to_img
from strata.utils.image_utils import img_to_array as img_to_array
from strata.utils.image_utils import load_img as load_img
from strata.utils.image_utils import save_img as save_img

# sequence and text data utilities family: the rest of tf.keras 2's preprocessing.image
from strata.preprocessing.smart_resize import smart_resize as smart_resize
